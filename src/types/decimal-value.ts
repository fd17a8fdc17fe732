/**
 * Exact DECIMAL(p, s) values: the engine keeps the unscaled integer (value × 10^s) as a JS
 * `bigint`, for every precision up to Spark's 38, so no digit ever passes through a double.
 * Rounding is Spark's HALF_UP (Decimal.ROUND_HALF_UP: ties away from zero); a value "fits"
 * DECIMAL(p, s) when its unscaled integer has at most p digits (Decimal.changePrecision).
 *
 * Text forms follow java.math.BigDecimal: `parseDecimalText` reads `[+-]digits[.digits][e±n]`
 * and `formatDecimal` writes the plain form with exactly s fraction digits (toPlainString), which
 * is what Spark's CAST(decimal AS STRING) prints and what rows present (docs/differences.md).
 */

/** 10^0 .. 10^77 as bigints (a product of two DECIMAL(38) unscaled values has at most 76 digits). */
export const POW10: readonly bigint[] = Array.from({ length: 78 }, (_, i) => 10n ** BigInt(i));

/** Largest precision whose unscaled values always fit a signed int64 (10^18 < 2^63 < 10^19). */
export const MAX_INT64_DECIMAL_DIGITS = 18;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** True when `unscaled` has at most `precision` digits. */
export const fitsPrecision = (unscaled: bigint, precision: number): boolean => abs(unscaled) < POW10[precision]!;

/** Number of digits of |x| (1 for 0). */
export function digitCount(x: bigint): number {
  return x === 0n ? 1 : abs(x).toString().length;
}

/** a / b rounded HALF_UP (b ≠ 0). */
export function divideHalfUp(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a - q * b;
  if (r === 0n) return q;
  return 2n * abs(r) >= abs(b) ? ((a < 0n) !== (b < 0n) ? q - 1n : q + 1n) : q;
}

/** unscaled / 10^drop rounded HALF_UP, or HALF_EVEN (bround); drop ≥ 0. */
export function roundUnscaled(unscaled: bigint, drop: number, halfEven = false): bigint {
  if (drop <= 0) return unscaled;
  const d = 10n ** BigInt(drop);
  if (!halfEven) return divideHalfUp(unscaled, d);
  const q = unscaled / d;
  const r2 = 2n * abs(unscaled - q * d);
  if (r2 < d || (r2 === d && q % 2n === 0n)) return q;
  return unscaled < 0n ? q - 1n : q + 1n;
}

/** floor (or ceil) of unscaled × 10^-scale, as an integer. */
export function floorUnscaled(unscaled: bigint, scale: number, ceil = false): bigint {
  if (scale <= 0) return unscaled * 10n ** BigInt(-scale);
  const d = 10n ** BigInt(scale);
  const q = unscaled / d;
  const r = unscaled - q * d;
  if (r === 0n) return q;
  return ceil ? (r > 0n ? q + 1n : q) : r < 0n ? q - 1n : q;
}

/** The unscaled value at scale `to` of `unscaled` at scale `from`, HALF_UP when digits are dropped. */
export function rescale(unscaled: bigint, from: number, to: number): bigint {
  if (to >= from) return unscaled * POW10[to - from]!;
  return divideHalfUp(unscaled, POW10[from - to]!);
}

/** An engine decimal value as a bigint (tolerates an integral number from older kernels). */
export function toUnscaled(x: unknown): bigint {
  if (typeof x === "bigint") return x;
  if (typeof x === "number" && Number.isInteger(x)) return BigInt(x);
  throw new TypeError(`DECIMAL engine value expected (an unscaled bigint), got ${typeof x} ${String(x)}`);
}

/** BigDecimal.toPlainString of unscaled × 10^-scale: `-0.050`, `12`, `1.50`. */
export function formatDecimal(unscaled: bigint | number, scale: number): string {
  const u = toUnscaled(unscaled);
  if (scale <= 0) return (u * POW10[-scale]!).toString();
  const neg = u < 0n;
  const digits = abs(u).toString().padStart(scale + 1, "0");
  const s = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return neg ? `-${s}` : s;
}

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A decimal text as java.math.BigDecimal reads it: its unscaled digits, scale (may be negative
 * for `1E+3`) and precision (digits of the unscaled value); null when it is not a decimal number.
 */
export function parseDecimalText(s: string): { precision: number; scale: number; unscaled: bigint } | null {
  const m = DECIMAL_RE.exec(s.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const frac = m[3] ?? "";
  const exp = m[4] ? Number(m[4]) : 0;
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 10_000) return null;
  const unscaled = BigInt(`${m[1]}${m[2] || "0"}${frac}`);
  return { precision: digitCount(unscaled), scale: frac.length - exp, unscaled };
}

/** Text → unscaled value at `scale` (HALF_UP), or null when it is not a number or needs more than `precision` digits. */
export function toDecimal(text: string, precision: number, scale: number): bigint | null {
  const d = parseDecimalText(text);
  if (!d) return null;
  const v = scale >= d.scale ? d.unscaled * 10n ** BigInt(scale - d.scale) : divideHalfUp(d.unscaled, 10n ** BigInt(d.scale - scale));
  return fitsPrecision(v, precision) ? v : null;
}

/** The nearest double to unscaled × 10^-scale (correctly rounded: JS parses the exact digits). */
export const decimalToDouble = (unscaled: bigint | number, scale: number): number => {
  if (typeof unscaled === "bigint" && scale === 0 && abs(unscaled) <= 9007199254740991n) return Number(unscaled);
  return Number(formatDecimal(unscaled, scale));
};

/**
 * A double as DECIMAL(p, s), as Spark's Decimal(Double) does: through the shortest decimal text
 * of the double (Double.toString digits), rounded HALF_UP to `scale`; null when it is NaN/±Infinity
 * or does not fit `precision`.
 */
export function decimalFromDouble(x: number, precision: number, scale: number): bigint | null {
  if (!Number.isFinite(x)) return null;
  return toDecimal(String(x), precision, scale);
}
