/**
 * Type rules shared by operators: numeric widening (tinyint < smallint < int < bigint < decimal < float < double,
 * decimal with float/double → double), Spark's decimal result precision/scale for + - * / %
 * (allowPrecisionLoss on or off), and the common type of comparison operands.
 */
import { type DataType, DecimalType as Decimal, type DecimalType, DoubleType, FloatType, LongType, IntegerType, isAnsiInterval, isIntegral, isNumeric, MAX_DECIMAL_PRECISION, sameType } from "../../types/data-type.js";
import type { ArgInfo } from "../function-types.js";
import { integralAsDecimal, widerInterval } from "../../types/coercion.js";

export const isNumericType = isNumeric;

/** The decimal an integral argument becomes next to a decimal (literals: just their digits). */
export function asDecimal(a: ArgInfo): DecimalType | null {
  const t = a.type;
  if (t.kind === "decimal") return t;
  if (isIntegral(t)) {
    const v = a.literal?.value;
    if (typeof v === "number" || typeof v === "bigint") return Decimal(Math.max(1, String(v).replace("-", "").length), 0);
    return integralAsDecimal(t)!;
  }
  if (t.kind === "null") return Decimal(1, 0);
  return null;
}

/** Wider of two numeric types for arithmetic (decimals handled by the caller). */
export function widerNumeric(a: DataType, b: DataType): DataType {
  const rank = (t: DataType) => ["byte", "short", "int", "bigint", "decimal", "float", "double"].indexOf(t.kind) + 1;
  if (a.kind === "null") return b.kind === "null" ? IntegerType : b;
  if (b.kind === "null") return a;
  if (a.kind === "decimal" && b.kind === "decimal") return widerDecimal(a, b);
  if ((a.kind === "decimal" && (b.kind === "float" || b.kind === "double")) || (b.kind === "decimal" && (a.kind === "float" || a.kind === "double"))) return DoubleType;
  if (a.kind === "decimal") return isIntegral(b) ? widerDecimal(a, integralAsDecimal(b)!) : a;
  if (b.kind === "decimal") return isIntegral(a) ? widerDecimal(b, integralAsDecimal(a)!) : b;
  return rank(a) >= rank(b) ? a : b;
}

export function widerDecimal(a: DecimalType, b: DecimalType): DecimalType {
  const scale = Math.max(a.scale, b.scale);
  const intDigits = Math.max(a.precision - a.scale, b.precision - b.scale);
  return boundedDecimal(intDigits + scale, scale);
}

/** Spark's adjustPrecisionScale: cap at 38 digits keeping at least min(scale, 6) fraction digits. */
export function adjustDecimal(precision: number, scale: number): DecimalType {
  if (precision <= MAX_DECIMAL_PRECISION) return Decimal(precision, scale);
  const intDigits = precision - scale;
  const minScale = Math.min(scale, 6);
  return Decimal(MAX_DECIMAL_PRECISION, Math.max(MAX_DECIMAL_PRECISION - intDigits, minScale));
}

export const boundedDecimal = (p: number, s: number): DecimalType => Decimal(Math.min(p, MAX_DECIMAL_PRECISION), Math.min(s, MAX_DECIMAL_PRECISION));

/**
 * Spark's result type of a decimal `+ - * / %` (DecimalPrecision / Arithmetic.resultDecimalType).
 * With spark.sql.decimalOperations.allowPrecisionLoss (default true) a precision past 38 gives up
 * fraction digits (adjustDecimal); without it the type is only capped (DecimalType.bounded), so a
 * result needing the lost digits overflows to null / NUMERIC_VALUE_OUT_OF_RANGE instead of rounding.
 */
export function decimalResult(op: string, a: DecimalType, b: DecimalType, allowPrecisionLoss = true): DecimalType {
  const [p1, s1, p2, s2] = [a.precision, a.scale, b.precision, b.scale];
  const fit = allowPrecisionLoss ? adjustDecimal : boundedDecimal;
  switch (op) {
    case "add":
    case "subtract": {
      const s = Math.max(s1, s2);
      return fit(Math.max(p1 - s1, p2 - s2) + s + 1, s);
    }
    case "multiply":
      return fit(p1 + p2 + 1, s1 + s2);
    case "divide": {
      if (allowPrecisionLoss) {
        const s = Math.max(6, s1 + p2 + 1);
        return adjustDecimal(p1 - s1 + s2 + s, s);
      }
      // Spark without precision loss: keep integer and fraction digits in proportion within 38
      let intDigits = Math.min(MAX_DECIMAL_PRECISION, p1 - s1 + s2);
      let fracDigits = Math.min(MAX_DECIMAL_PRECISION, Math.max(6, s1 + p2 + 1));
      const diff = intDigits + fracDigits - MAX_DECIMAL_PRECISION;
      if (diff > 0) {
        fracDigits -= Math.floor(diff / 2) + 1;
        intDigits = MAX_DECIMAL_PRECISION - fracDigits;
      }
      return boundedDecimal(intDigits + fracDigits, fracDigits);
    }
    default: {
      const s = Math.max(s1, s2);
      return fit(Math.min(p1 - s1, p2 - s2) + s, s);
    }
  }
}

/** Common type two operands are compared in, or undefined when they cannot be compared. */
export function comparisonType(a: DataType, b: DataType): DataType | undefined {
  if (sameType(a, b)) return a;
  if (a.kind === "null") return b;
  if (b.kind === "null") return a;
  if (isNumericType(a) && isNumericType(b)) return widerNumeric(a, b);
  if (a.kind === "string" && b.kind !== "binary" && b.kind !== "boolean" && isAtomicType(b)) return b;
  if (b.kind === "string" && a.kind !== "binary" && a.kind !== "boolean" && isAtomicType(a)) return a;
  if (a.kind === "string" && b.kind === "boolean") return b;
  if (b.kind === "string" && a.kind === "boolean") return a;
  if ((a.kind === "date" && b.kind === "timestamp") || (a.kind === "timestamp" && b.kind === "date")) return { kind: "timestamp" };
  // Spark: DATE meets TIMESTAMP_NTZ as TIMESTAMP_NTZ; TIMESTAMP_NTZ meets TIMESTAMP as TIMESTAMP (the session zone applies)
  if ((a.kind === "date" && b.kind === "timestamp_ntz") || (a.kind === "timestamp_ntz" && b.kind === "date")) return { kind: "timestamp_ntz" };
  if ((a.kind === "timestamp_ntz" && b.kind === "timestamp") || (a.kind === "timestamp" && b.kind === "timestamp_ntz")) return { kind: "timestamp" };
  if (isAnsiInterval(a) && isAnsiInterval(b)) return widerInterval(a, b);
  if (a.kind === "array" && b.kind === "array") {
    const e = comparisonType(a.elementType, b.elementType);
    return e && { kind: "array", elementType: e, containsNull: a.containsNull || b.containsNull };
  }
  return undefined;
}

const isAtomicType = (t: DataType) => t.kind !== "array" && t.kind !== "map" && t.kind !== "struct" && t.kind !== "variant";

/** Common type of several values (COALESCE, IN, GREATEST, CASE branches). */
export function commonTypeOf(types: readonly DataType[]): DataType | undefined {
  let t: DataType = { kind: "null" };
  for (const x of types) {
    const c = comparisonType(t, x);
    if (!c) return undefined;
    // strings with numbers in a common *value* context stay strings (Spark: coalesce('a', 1) → STRING)
    t = (t.kind === "string" || x.kind === "string") && isNumericType(c) && t.kind !== "null" ? { kind: "string" } : c;
  }
  return t;
}

export { DoubleType, FloatType, LongType, IntegerType };
