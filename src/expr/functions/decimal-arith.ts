/**
 * Exact DECIMAL `+ - * / %` (and pmod) on unscaled bigints, as Spark's Decimal does it:
 * 1. the exact result of the operands (java.math.BigDecimal add/subtract/remainder are exact;
 *    multiply and divide round to 38 significant digits, HALF_UP — Decimal's MATH_CONTEXT);
 * 2. that value is rounded HALF_UP to the result type's scale (Decimal.changePrecision);
 * 3. a result with more digits than the result precision overflows: NUMERIC_VALUE_OUT_OF_RANGE
 *    under ANSI, null otherwise (and always null for try_*). x / 0 and x % 0 are DIVIDE_BY_ZERO
 *    under ANSI, null otherwise.
 * The result type comes from numeric-types.ts `decimalResult`; `div` (a BIGINT) is decimalIntegralDivide.
 */
import { executionError } from "../../common/errors.js";
import { allocValues, makeVector } from "../../columnar/vector.js";
import { type DecimalType, LongType, sqlTypeName } from "../../types/data-type.js";
import { digitCount, divideHalfUp, fitsPrecision, formatDecimal, POW10, rescale } from "../../types/decimal-value.js";
import type { CompiledExpr } from "../function-types.js";
import { mergeValidity } from "./kernel.js";

export type DecimalOp = "add" | "subtract" | "multiply" | "divide" | "mod" | "pmod";

/** Spark's NUMERIC_VALUE_OUT_OF_RANGE for a decimal result that needs more digits than its type. */
export const decimalOverflow = (t: DecimalType, value?: string) =>
  executionError(
    "NUMERIC_VALUE_OUT_OF_RANGE",
    `${value ?? "The result"} cannot be represented as ${sqlTypeName(t)}. Cast the operands to a wider DECIMAL or to DOUBLE, or set "spark.sql.ansi.enabled" to "false" to return NULL instead.`,
    { to: sqlTypeName(t), ...(value === undefined ? {} : { value }) },
  );

/** Spark's DIVIDE_BY_ZERO (ANSI x / 0, x div 0, x % 0). */
export const divideByZero = () =>
  executionError(
    "DIVIDE_BY_ZERO",
    'Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.',
  );

const MATH_DIGITS = 38;

/** num/den (den ≠ 0) rounded HALF_UP to 38 significant digits, as (unscaled, scale). */
function divide38(num: bigint, den: bigint): [bigint, number] {
  if (num === 0n) return [0n, 0];
  // the quotient has about digits(num) - digits(den) (+1) integer digits: pick the scale giving 38 digits
  let scale = MATH_DIGITS - (digitCount(num) - digitCount(den)) - 1;
  for (;;) {
    const t = scale >= 0 ? (num * POW10[scale]!) / den : num / (den * POW10[-scale]!);
    const d = t === 0n ? 0 : digitCount(t);
    if (d > MATH_DIGITS) scale--;
    else if (d < MATH_DIGITS) scale++;
    else break;
  }
  const q = scale >= 0 ? divideHalfUp(num * POW10[scale]!, den) : divideHalfUp(num, den * POW10[-scale]!);
  // rounding up can carry into a 39th digit (9.99…95 → 10.00…0): drop the trailing zero
  return digitCount(q) > MATH_DIGITS ? [q / 10n, scale - 1] : [q, scale];
}

/** An exact value (unscaled at `scale`) rounded HALF_UP to 38 significant digits. */
function round38(u: bigint, scale: number): [bigint, number] {
  const extra = digitCount(u) - MATH_DIGITS;
  if (extra <= 0) return [u, scale];
  const q = divideHalfUp(u, POW10[extra]!);
  return digitCount(q) > MATH_DIGITS ? [q / 10n, scale - extra - 1] : [q, scale - extra];
}

/** One decimal operation on unscaled values; null means division by zero. */
export function decimalOp(op: DecimalOp, a: bigint, sa: number, b: bigint, sb: number, rt: DecimalType): bigint | null {
  switch (op) {
    case "add":
    case "subtract": {
      const s = Math.max(sa, sb);
      const x = rescale(a, sa, s);
      const y = rescale(b, sb, s);
      return rescale(op === "add" ? x + y : x - y, s, rt.scale);
    }
    case "multiply": {
      const [u, s] = round38(a * b, sa + sb);
      return rescale(u, s, rt.scale);
    }
    case "divide": {
      if (b === 0n) return null;
      // (a / 10^sa) / (b / 10^sb) = (a × 10^sb) / (b × 10^sa)
      const [u, s] = divide38(a * POW10[sb]!, b * POW10[sa]!);
      return rescale(u, s, rt.scale);
    }
    default: {
      if (b === 0n) return null;
      const s = Math.max(sa, sb);
      const x = rescale(a, sa, s);
      const y = rescale(b, sb, s);
      let r = x % y; // sign of the dividend, as Java's BigDecimal.remainder
      if (op === "pmod" && r < 0n) r = (r + y) % y;
      return rescale(r, s, rt.scale);
    }
  }
}

/**
 * Column kernel for a decimal operation whose operands were cast to decimals `ta`, `tb` and whose
 * result is `rt`. `ansi` raises on overflow and division by zero; otherwise those rows are null.
 */
export function decimalKernel(op: DecimalOp, fa: CompiledExpr, fb: CompiledExpr, rt: DecimalType, ansi: boolean): CompiledExpr {
  return (batch) => {
    const a = fa(batch);
    const b = fb(batch);
    const sa = (a.type as DecimalType).scale;
    const sb = (b.type as DecimalType).scale;
    const n = batch.numRows;
    const x = a.values as ArrayLike<bigint>;
    const y = b.values as ArrayLike<bigint>;
    const out = allocValues(rt, n) as bigint[];
    const valid = mergeValidity([a, b], n);
    let validity = valid;
    const setNull = (i: number) => {
      if (validity === valid) validity = valid === null ? new Uint8Array(n).fill(1) : valid.slice();
      validity![i] = 0;
    };
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) {
        out[i] = 0n;
        continue;
      }
      const r = decimalOp(op, x[i]!, sa, y[i]!, sb, rt);
      if (r === null) {
        if (ansi) throw divideByZero();
        setNull(i);
        out[i] = 0n;
      } else if (!fitsPrecision(r, rt.precision)) {
        if (ansi) throw decimalOverflow(rt, formatDecimal(r, rt.scale));
        setNull(i);
        out[i] = 0n;
      } else out[i] = r;
    }
    return makeVector(rt, out, validity);
  };
}

/**
 * `div` of decimals (Spark's IntegralDivide): the exact quotient truncated toward zero as a BIGINT;
 * x div 0 is DIVIDE_BY_ZERO under ANSI and null otherwise, a quotient past int64 is
 * ARITHMETIC_OVERFLOW under ANSI and wraps otherwise.
 */
export function decimalIntegralDivide(fa: CompiledExpr, fb: CompiledExpr, ansi: boolean): CompiledExpr {
  return (batch) => {
    const a = fa(batch);
    const b = fb(batch);
    const sa = (a.type as DecimalType).scale;
    const sb = (b.type as DecimalType).scale;
    const s = Math.max(sa, sb);
    const n = batch.numRows;
    const x = a.values as ArrayLike<bigint>;
    const y = b.values as ArrayLike<bigint>;
    const out = new BigInt64Array(n);
    const valid = mergeValidity([a, b], n);
    let validity = valid;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const d = rescale(y[i]!, sb, s);
      if (d === 0n) {
        if (ansi) throw divideByZero();
        if (validity === valid) validity = valid === null ? new Uint8Array(n).fill(1) : valid.slice();
        validity![i] = 0;
        continue;
      }
      const q = rescale(x[i]!, sa, s) / d;
      if (ansi && BigInt.asIntN(64, q) !== q) throw executionError("ARITHMETIC_OVERFLOW", `long overflow in div. Use 'try_divide' to tolerate overflow and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`, { function: "div" });
      out[i] = q;
    }
    return makeVector(LongType, out, validity);
  };
}

