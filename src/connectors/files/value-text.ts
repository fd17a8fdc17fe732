/**
 * Numbers as Spark writes them to JSON and CSV (Java's Double.toString / Float.toString and
 * BigDecimal.toPlainString), and text → number checks with Java's parsing rules.
 */

/** Java's Double.toString: `1.0`, `1.5`, `1.0E20`, `1.0E-5`, `NaN`, `Infinity`. */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  return javaStyle(x, String(Math.abs(x)));
}

/** Java's Float.toString for a float32 value: the shortest digits that round-trip as float32. */
export function formatFloat(x: number): string {
  if (!Number.isFinite(x) || x === 0) return formatDouble(x);
  const f = Math.fround(x);
  let digits = String(Math.abs(f));
  for (let p = 1; p <= 9; p++) {
    const s = Math.abs(f).toPrecision(p);
    if (Math.fround(Number(s)) === Math.abs(f)) {
      digits = String(Number(s));
      break;
    }
  }
  return javaStyle(f, digits);
}

function javaStyle(x: number, absText: string): string {
  const sign = x < 0 ? "-" : "";
  const a = Math.abs(x);
  // Split the shortest representation into digits and a decimal exponent.
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(absText);
  if (!m) return sign + absText;
  let digits = (m[1]! + (m[2] ?? "")).replace(/^0+/, "");
  const lead = m[1]!.replace(/^0+/, "");
  let exp = (m[3] ? Number(m[3]) : 0) + (lead.length > 0 ? lead.length - 1 : -((m[2] ?? "").match(/^0*/)![0].length + 1));
  digits = digits.replace(/0+$/, "") || "0";
  if (a >= 1e-3 && a < 1e7) {
    // Plain notation with at least one fractional digit.
    if (exp >= 0) {
      const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1) || "0";
      return `${sign}${int}.${frac}`;
    }
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.slice(1) || "0";
  if (exp === undefined) exp = 0;
  return `${sign}${digits[0]}.${frac}E${exp}`;
}

const INT_RE = /^[+-]?\d+$/;

/** Java Integer.parseInt (Short.parseShort, Byte.parseByte for `bits` 16, 8) semantics (no spaces, no fraction); null when out of range or not an integer. */
export function parseIntText(s: string, bits: 8 | 16 | 32 = 32): number | null {
  if (!INT_RE.test(s)) return null;
  const n = Number(s);
  return n >= -(2 ** (bits - 1)) && n < 2 ** (bits - 1) ? n : null;
}

/** Java Long.parseLong semantics, exact: the digits become the bigint directly. */
export function parseLongText(s: string): bigint | null {
  if (!INT_RE.test(s)) return null;
  const digits = s.replace(/^[+-]?0*/, "");
  if (digits.length > 19 || (digits.length === 19 && digits > (s.startsWith("-") ? "9223372036854775808" : "9223372036854775807"))) return null;
  return BigInt(s);
}

const DOUBLE_RE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[dDfF]?$/;

/** Java Double.parseDouble semantics (accepts NaN, Infinity, 1e5, trailing d/f); null otherwise. */
export function parseDoubleText(s: string): number | null {
  const t = s.trim();
  if (!DOUBLE_RE.test(t)) return null;
  const core = t.replace(/[dDfF]$/, "");
  if (core.endsWith("NaN")) return NaN;
  if (core.endsWith("Infinity")) return core.startsWith("-") ? -Infinity : Infinity;
  return Number(core);
}

/** Decimal text helpers live with the DECIMAL value rules (exact, bigint unscaled values). */
export { formatDecimal, parseDecimalText, toDecimal } from "../../types/decimal-value.js";
