/**
 * Text → number with Java's parsing rules (Integer.parseInt, Long.parseLong, Double.parseDouble), as
 * Spark's CSV parser converts fields: used by the CSV reader and by from_csv / schema_of_csv.
 */

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
