/**
 * Spark 4's type coercion rules under ANSI mode (spark.sql.ansi.enabled=true), checked against
 * PySpark 4.0.1:
 *   - numeric widening: int → bigint → decimal → double; float with any integral or decimal
 *     → double; integral joins a decimal as decimal(10,0) (int) or decimal(20,0) (bigint);
 *     two decimals keep the larger integer part and the larger scale, capped at precision 38
 *     by giving up scale;
 *   - a STRING meets another atomic type by becoming that type, except that integral types become
 *     BIGINT and float/decimal become DOUBLE (coalesce('1', 1) is BIGINT);
 *   - DATE meets TIMESTAMP as TIMESTAMP; NULL meets anything as that thing;
 *   - arrays, maps and structs (same field names) meet element-wise.
 * BOOLEAN with a number, DATE with a number and BINARY with a number have no common type.
 */
import {
  type DataType,
  type DayTimeIntervalType,
  type DecimalType,
  DoubleType,
  LongType,
  MAX_DECIMAL_PRECISION,
  isAnsiInterval,
  isAtomic,
  integralBits,
  isIntegral,
  isNumeric,
  isTimestampLike,
  sameType,
  type YearMonthIntervalType,
} from "./data-type.js";

/** The decimal type an integral value fits in without loss. */
export function integralAsDecimal(t: DataType): DecimalType | undefined {
  if (t.kind === "byte") return { kind: "decimal", precision: 3, scale: 0 };
  if (t.kind === "short") return { kind: "decimal", precision: 5, scale: 0 };
  if (t.kind === "int") return { kind: "decimal", precision: 10, scale: 0 };
  if (t.kind === "bigint") return { kind: "decimal", precision: 20, scale: 0 };
  if (t.kind === "decimal") return t;
  return undefined;
}

/** Spark's wider decimal: max integer digits + max scale, bounded to precision 38 by dropping scale. */
export function widerDecimal(a: DecimalType, b: DecimalType): DecimalType {
  const range = Math.max(a.precision - a.scale, b.precision - b.scale);
  let scale = Math.max(a.scale, b.scale);
  if (range + scale > MAX_DECIMAL_PRECISION) scale = Math.max(0, MAX_DECIMAL_PRECISION - range);
  return { kind: "decimal", precision: Math.min(MAX_DECIMAL_PRECISION, range + scale), scale };
}

function widerNumeric(a: DataType, b: DataType): DataType {
  if (a.kind === b.kind && a.kind !== "decimal") return a;
  if (a.kind === "double" || b.kind === "double") return DoubleType;
  if (a.kind === "float" || b.kind === "float") return DoubleType; // float meets any other numeric as double
  if (a.kind === "decimal" || b.kind === "decimal") return widerDecimal(integralAsDecimal(a)!, integralAsDecimal(b)!);
  return integralBits(a) >= integralBits(b) ? a : b; // the wider of two integral types
}

/** What a STRING becomes when it meets the atomic type `t`. */
function stringMeets(t: DataType): DataType | undefined {
  if (isIntegral(t)) return LongType;
  if (t.kind === "float" || t.kind === "double" || t.kind === "decimal") return DoubleType;
  if (t.kind === "boolean" || t.kind === "date" || t.kind === "timestamp" || t.kind === "timestamp_ntz" || t.kind === "binary") return t;
  return undefined;
}

/** The type two values are both implicitly cast to, or undefined when there is none. */
export function widerType(a: DataType, b: DataType): DataType | undefined {
  if (a.kind === "null") return b;
  if (b.kind === "null") return a;
  if (sameType(a, b)) return mergeNullability(a, b);
  if (isNumeric(a) && isNumeric(b)) return widerNumeric(a, b);
  if (a.kind === "string" && isAtomic(b)) return stringMeets(b);
  if (b.kind === "string" && isAtomic(a)) return stringMeets(a);
  if (isAnsiInterval(a) && isAnsiInterval(b)) return widerInterval(a, b);
  // Spark: DATE widens to either timestamp type, and TIMESTAMP_NTZ meeting TIMESTAMP becomes TIMESTAMP
  if (a.kind === "date" && isTimestampLike(b)) return b;
  if (b.kind === "date" && isTimestampLike(a)) return a;
  if (isTimestampLike(a) && isTimestampLike(b)) return { kind: "timestamp" };
  if (a.kind === "array" && b.kind === "array") {
    const e = widerType(a.elementType, b.elementType);
    return e && { kind: "array", elementType: e, containsNull: a.containsNull || b.containsNull };
  }
  if (a.kind === "map" && b.kind === "map") {
    const k = widerType(a.keyType, b.keyType);
    const v = widerType(a.valueType, b.valueType);
    return k && v && { kind: "map", keyType: k, valueType: v, valueContainsNull: a.valueContainsNull || b.valueContainsNull };
  }
  if (a.kind === "struct" && b.kind === "struct") {
    if (a.fields.length !== b.fields.length) return undefined;
    const fields = [];
    for (let i = 0; i < a.fields.length; i++) {
      const fa = a.fields[i]!;
      const fb = b.fields[i]!;
      if (fa.name.toLowerCase() !== fb.name.toLowerCase()) return undefined;
      const t = widerType(fa.type, fb.type);
      if (!t) return undefined;
      fields.push({ name: fa.name, type: t, nullable: fa.nullable || fb.nullable });
    }
    return { kind: "struct", fields };
  }
  return undefined;
}

/** Same type, with the looser nullability of nested elements/fields. */
function mergeNullability(a: DataType, b: DataType): DataType {
  if (a.kind === "array" && b.kind === "array") {
    return { kind: "array", elementType: mergeNullability(a.elementType, b.elementType), containsNull: a.containsNull || b.containsNull };
  }
  if (a.kind === "map" && b.kind === "map") {
    return {
      kind: "map",
      keyType: a.keyType,
      valueType: mergeNullability(a.valueType, b.valueType),
      valueContainsNull: a.valueContainsNull || b.valueContainsNull,
    };
  }
  if (a.kind === "struct" && b.kind === "struct") {
    return {
      kind: "struct",
      fields: a.fields.map((f, i) => ({ ...f, type: mergeNullability(f.type, b.fields[i]!.type), nullable: f.nullable || b.fields[i]!.nullable })),
    };
  }
  return a;
}

/**
 * The common type of CASE branches, COALESCE / IN arguments, UNION columns, GREATEST etc.
 * Returns undefined when the types cannot meet (callers raise DATATYPE_MISMATCH). An empty
 * list, or only NULLs, gives NULL.
 */
export function commonType(types: readonly DataType[]): DataType | undefined {
  let acc: DataType = { kind: "null" };
  for (const t of types) {
    const next = widerType(acc, t);
    if (!next) return undefined;
    acc = next;
  }
  // A STRING that met a number became BIGINT/DOUBLE; if a wider number came later, widen again.
  return acc;
}

/** Can a value of `from` be implicitly cast to `to` (function arguments, comparisons)? */
export function canImplicitCast(from: DataType, to: DataType): boolean {
  if (sameType(from, to)) return true;
  if (from.kind === "null") return true;
  if (from.kind === "string" && isAtomic(to) && to.kind !== "null") return true;
  const w = widerType(from, to);
  return w !== undefined && sameType(w, to);
}

/**
 * Explicit CAST legality under ANSI mode (Spark's `Cast.canAnsiCast`): numbers, booleans and
 * strings convert among themselves; strings parse into dates, timestamps and binary; numbers
 * convert to and from timestamps (seconds); dates and timestamps convert to each other; anything
 * converts to STRING; nested types cast element-wise. DATE ↔ number, BOOLEAN ↔ DATE/TIMESTAMP
 * and BINARY → number are rejected. An ANSI interval casts to its own family (other fields), to
 * an integral or decimal number (in units of its last field) and back from one.
 */
export function canCast(from: DataType, to: DataType, ansi = true): boolean {
  if (from.kind === "null" || sameType(from, to)) return true;
  if (from.kind === "variant" || to.kind === "variant") return canCastVariant(from, to);
  if (!ansi && legacyOnlyCast(from, to)) return true;
  if (to.kind === "string") return true;
  switch (from.kind) {
    case "string":
      return isAtomic(to);
    case "boolean":
      return isNumeric(to);
    case "byte":
    case "short":
    case "int":
    case "bigint":
    case "float":
    case "double":
    case "decimal":
      return isNumeric(to) || to.kind === "boolean" || to.kind === "timestamp" || (isAnsiInterval(to) && from.kind !== "float" && from.kind !== "double");
    case "year_month_interval":
    case "day_time_interval":
      return to.kind === from.kind || isIntegral(to) || to.kind === "decimal";
    case "date":
      return isTimestampLike(to);
    case "timestamp":
      return to.kind === "date" || to.kind === "timestamp_ntz" || isNumeric(to);
    // Spark's Cast: TIMESTAMP_NTZ converts only to and from STRING, DATE and TIMESTAMP
    case "timestamp_ntz":
      return to.kind === "date" || to.kind === "timestamp";
    case "binary":
      return false;
    case "array":
      return to.kind === "array" && canCast(from.elementType, to.elementType, ansi);
    case "map":
      return to.kind === "map" && canCast(from.keyType, to.keyType, ansi) && canCast(from.valueType, to.valueType, ansi);
    case "struct":
      return (
        to.kind === "struct" &&
        from.fields.length === to.fields.length &&
        from.fields.every((f, i) => canCast(f.type, to.fields[i]!.type, ansi))
      );
    default:
      return false;
  }
}

/** Casts Spark allows only with spark.sql.ansi.enabled=false (they produce nulls or odd values). */
function legacyOnlyCast(from: DataType, to: DataType): boolean {
  if (isIntegral(from) && to.kind === "binary") return true;
  if (from.kind === "boolean" && (to.kind === "timestamp" || to.kind === "binary")) return true;
  if (from.kind === "timestamp" && to.kind === "boolean") return true;
  if (from.kind === "date" && (isNumeric(to) || to.kind === "boolean")) return true;
  return false;
}

/** Two intervals of one family meet as the union of their fields (INTERVAL DAY with INTERVAL HOUR → DAY TO HOUR); the two families never meet. */
export function widerInterval(a: YearMonthIntervalType | DayTimeIntervalType, b: YearMonthIntervalType | DayTimeIntervalType): DataType | undefined {
  if (a.kind !== b.kind) return undefined;
  return { kind: a.kind, startField: Math.min(a.startField, b.startField), endField: Math.max(a.endField, b.endField) };
}

/**
 * Whether Spark allows CAST(from AS to) when either side is VARIANT (VariantGet.checkDataType):
 * a variant casts to any atomic type, VARIANT, and arrays, structs and STRING-keyed maps of them;
 * atomic types and arrays of them cast to a variant (structs and maps do not).
 */
export function canCastVariant(from: DataType, to: DataType): boolean {
  if (from.kind === "variant") return canCastFromVariant(to);
  return canCastToVariant(from);
}

function canCastFromVariant(to: DataType): boolean {
  if (to.kind === "null") return false;
  if (to.kind === "variant" || isAtomic(to)) return true;
  if (to.kind === "array") return canCastFromVariant(to.elementType);
  if (to.kind === "map") return to.keyType.kind === "string" && canCastFromVariant(to.valueType);
  return to.kind === "struct" && to.fields.every((f) => canCastFromVariant(f.type));
}

function canCastToVariant(from: DataType): boolean {
  if (from.kind === "array") return canCastToVariant(from.elementType);
  return isAtomic(from) || from.kind === "variant";
}
