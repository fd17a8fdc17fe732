/**
 * Numbers as Spark writes them to JSON and CSV (Java's Double.toString / Float.toString and
 * BigDecimal.toPlainString); text → number checks with Java's parsing rules are re-exported.
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

/** Text → number with Java's parsing rules (shared with from_csv in the expression layer). */
export { parseDoubleText, parseIntText, parseLongText } from "../../expr/functions/java-number-text.js";

/** Decimal text helpers live with the DECIMAL value rules (exact, bigint unscaled values). */
export { formatDecimal, parseDecimalText, toDecimal } from "../../types/decimal-value.js";
