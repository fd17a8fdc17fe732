/**
 * Spark's SQL data types as a readonly discriminated union on `kind`.
 * Physical representation in a column (see columnar/vector.ts):
 *   boolean → Uint8Array (0/1) · byte → Int8Array · short → Int16Array · int, date (days since epoch) → Int32Array
 *   bigint, decimal(p ≤ 18) (unscaled) → BigInt64Array · decimal(19..38) → bigint[] (unscaled)
 *   double, timestamp (µs since epoch, UTC), timestamp_ntz (µs since 1970-01-01T00:00 of the wall clock) → Float64Array
 *   float → Float32Array · string → string[] · binary → Uint8Array[] · array/struct/map → JS values
 *   interval year to month (months) → Int32Array · interval day to second (µs) → BigInt64Array
 *   variant → unknown[] of VariantVal (types/variant-val.ts: Spark's value + metadata bytes)
 */
export type DataType =
  | { readonly kind: "null" }
  | { readonly kind: "string" }
  | { readonly kind: "boolean" }
  | { readonly kind: "byte" }
  | { readonly kind: "short" }
  | { readonly kind: "int" }
  | { readonly kind: "bigint" }
  | { readonly kind: "float" }
  | { readonly kind: "double" }
  | DecimalType
  | { readonly kind: "date" }
  | { readonly kind: "timestamp" }
  | { readonly kind: "timestamp_ntz" }
  | { readonly kind: "binary" }
  | { readonly kind: "variant" }
  | YearMonthIntervalType
  | DayTimeIntervalType
  | ArrayType
  | MapType
  | StructTypeLike;

/** `DECIMAL(precision, scale)`; make one with `DecimalType(precision, scale)`. */
export interface DecimalType {
  readonly kind: "decimal";
  readonly precision: number;
  readonly scale: number;
}
/**
 * Spark's ANSI interval types. A YEAR-MONTH interval is a whole number of months, a DAY-TIME
 * interval a whole number of microseconds; the fields only say how the value is written and
 * parsed (`INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '02:30' HOUR TO MINUTE`).
 * Fields are indexes: YEAR 0, MONTH 1 · DAY 0, HOUR 1, MINUTE 2, SECOND 3.
 */
export interface YearMonthIntervalType {
  readonly kind: "year_month_interval";
  readonly startField: number;
  readonly endField: number;
}
/** `INTERVAL DAY TO SECOND` and its narrower forms (`INTERVAL HOUR TO MINUTE`, …): a number of microseconds. */
export interface DayTimeIntervalType {
  readonly kind: "day_time_interval";
  readonly startField: number;
  readonly endField: number;
}
/** The fields of a YEAR-MONTH interval type, by index. */
export const YEAR_MONTH_FIELDS = ["YEAR", "MONTH"] as const;
/** The fields of a DAY-TIME interval type, by index. */
export const DAY_TIME_FIELDS = ["DAY", "HOUR", "MINUTE", "SECOND"] as const;
/** `YearMonthIntervalType(startField = 0, endField = 1)`, as PySpark's (fields index {@link YEAR_MONTH_FIELDS}). */
export const YearMonthIntervalType = (startField = 0, endField = 1): YearMonthIntervalType => ({ kind: "year_month_interval", startField, endField });
/** `DayTimeIntervalType(startField = 0, endField = 3)`, as PySpark's (fields index {@link DAY_TIME_FIELDS}). */
export const DayTimeIntervalType = (startField = 0, endField = 3): DayTimeIntervalType => ({ kind: "day_time_interval", startField, endField });
/** Whether the type is a YEAR-MONTH or DAY-TIME interval. */
export const isAnsiInterval = (t: DataType): t is YearMonthIntervalType | DayTimeIntervalType => t.kind === "year_month_interval" || t.kind === "day_time_interval";

/** `INTERVAL DAY TO SECOND`, `INTERVAL HOUR`: Spark's name of an interval type (upper case). */
function intervalTypeName(t: YearMonthIntervalType | DayTimeIntervalType): string {
  const names: readonly string[] = t.kind === "year_month_interval" ? YEAR_MONTH_FIELDS : DAY_TIME_FIELDS;
  return t.startField === t.endField ? `INTERVAL ${names[t.startField]}` : `INTERVAL ${names[t.startField]} TO ${names[t.endField]}`;
}

/** `ARRAY<element>`; make one with `ArrayType(elementType, containsNull)`. */
export interface ArrayType {
  readonly kind: "array";
  readonly elementType: DataType;
  readonly containsNull: boolean;
}
/** `MAP<key, value>`; make one with `MapType(keyType, valueType, valueContainsNull)`. */
export interface MapType {
  readonly kind: "map";
  readonly keyType: DataType;
  readonly valueType: DataType;
  readonly valueContainsNull: boolean;
}
export interface StructField {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly metadata?: Readonly<Record<string, unknown>>;
}
/** The shape every struct type has (a {@link StructType} is one): its fields in order. */
export interface StructTypeLike {
  readonly kind: "struct";
  readonly fields: readonly StructField[];
}

/** The `kind` names of {@link DataType}. */
export type DataTypeKind = DataType["kind"];

/** Spark's `NullType` (`VOID`). */
export const NullType: DataType = { kind: "null" };
/** Spark's `StringType` (`STRING`). */
export const StringType: DataType = { kind: "string" };
/** Spark's `BooleanType` (`BOOLEAN`). */
export const BooleanType: DataType = { kind: "boolean" };
/** Spark's `ByteType` (`TINYINT`, 8 bits, a JavaScript number). */
export const ByteType: DataType = { kind: "byte" };
/** Spark's `ShortType` (`SMALLINT`, 16 bits, a JavaScript number). */
export const ShortType: DataType = { kind: "short" };
/** Spark's `IntegerType` (`INT`, 32 bits). */
export const IntegerType: DataType = { kind: "int" };
/** Spark's `LongType` (`BIGINT`, 64 bits, a JavaScript bigint). */
export const LongType: DataType = { kind: "bigint" };
/** Spark's `FloatType` (`FLOAT`, 32 bits). */
export const FloatType: DataType = { kind: "float" };
/** Spark's `DoubleType` (`DOUBLE`). */
export const DoubleType: DataType = { kind: "double" };
/** Spark's `DateType` (`DATE`, days since 1970-01-01). */
export const DateType: DataType = { kind: "date" };
/** Spark's `TimestampType` (`TIMESTAMP`, microseconds since the epoch, shown in the session time zone). */
export const TimestampType: DataType = { kind: "timestamp" };
/**
 * Spark's `TimestampNTZType` (`TIMESTAMP_NTZ`): a local date-time with no zone, held as microseconds
 * since 1970-01-01 00:00:00 of the wall clock; the session time zone never shifts it. A row presents
 * it as a Date whose UTC fields are the wall-clock fields.
 */
export const TimestampNTZType: DataType = { kind: "timestamp_ntz" };
/** Whether the type is `TIMESTAMP` or `TIMESTAMP_NTZ` (both µs in a Float64Array). */
export const isTimestampLike = (t: DataType): boolean => t.kind === "timestamp" || t.kind === "timestamp_ntz";
/** Spark's `BinaryType` (`BINARY`, a Uint8Array). */
export const BinaryType: DataType = { kind: "binary" };
/**
 * Spark 4's `VariantType` (`VARIANT`): semi-structured values (objects, arrays, scalars) in Spark's
 * variant binary encoding; rows present one as a {@link VariantVal} (types/variant-val.ts).
 */
export const VariantType: DataType = { kind: "variant" };
/** `DecimalType(precision = 10, scale = 0)`, as PySpark's `DecimalType`. */
export const DecimalType = (precision = 10, scale = 0): DecimalType => ({ kind: "decimal", precision, scale });
/** `ArrayType(elementType, containsNull = true)`, as PySpark's `ArrayType`. */
export const ArrayType = (elementType: DataType, containsNull = true): ArrayType => ({
  kind: "array",
  elementType,
  containsNull,
});
/** `MapType(keyType, valueType, valueContainsNull = true)`, as PySpark's `MapType`. */
export const MapType = (keyType: DataType, valueType: DataType, valueContainsNull = true): MapType => ({
  kind: "map",
  keyType,
  valueType,
  valueContainsNull,
});

/** Largest precision Spark allows for DECIMAL; unscaled values are exact bigints (types/decimal-value.ts). */
export const MAX_DECIMAL_PRECISION = 38;

/** Whether the type is a number type (integral, fractional or decimal). */
export const isNumeric = (t: DataType): boolean => isIntegral(t) || t.kind === "float" || t.kind === "double" || t.kind === "decimal";
/** Whether the type is `TINYINT`, `SMALLINT`, `INT` or `BIGINT`. */
export const isIntegral = (t: DataType): boolean => t.kind === "byte" || t.kind === "short" || t.kind === "int" || t.kind === "bigint";
/** Whether the type is `TINYINT`, `SMALLINT` or `INT`: integral and held as a JS number. */
export const isSmallIntegral = (t: DataType): boolean => t.kind === "byte" || t.kind === "short" || t.kind === "int";
/** The two's-complement width of an integral type: TINYINT 8, SMALLINT 16, INT 32, BIGINT 64. */
export const integralBits = (t: DataType): 8 | 16 | 32 | 64 => (t.kind === "byte" ? 8 : t.kind === "short" ? 16 : t.kind === "bigint" ? 64 : 32);
/** Whether the type is `FLOAT` or `DOUBLE`. */
export const isFractional = (t: DataType): boolean => t.kind === "float" || t.kind === "double";
/** Whether the type is neither an array, a map nor a struct. */
export const isAtomic = (t: DataType): boolean => t.kind !== "array" && t.kind !== "map" && t.kind !== "struct" && t.kind !== "variant";

/** Whether `t` is of kind `kind` or holds one (in an array element, a map key or value, a struct field). */
export function containsType(t: DataType, kind: DataTypeKind): boolean {
  switch (t.kind) {
    case kind:
      return true;
    case "array":
      return containsType(t.elementType, kind);
    case "map":
      return containsType(t.keyType, kind) || containsType(t.valueType, kind);
    case "struct":
      return t.fields.some((f) => containsType(f.type, kind));
    default:
      return false;
  }
}

/** Structural equality of types (field names compared exactly; nullability ignored unless `strict`). */
export function sameType(a: DataType, b: DataType, strict = false): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "decimal": {
      const o = b as DecimalType;
      return a.precision === o.precision && a.scale === o.scale;
    }
    case "year_month_interval":
    case "day_time_interval": {
      const o = b as YearMonthIntervalType;
      return a.startField === o.startField && a.endField === o.endField;
    }
    case "array": {
      const o = b as ArrayType;
      return sameType(a.elementType, o.elementType, strict) && (!strict || a.containsNull === o.containsNull);
    }
    case "map": {
      const o = b as MapType;
      return (
        sameType(a.keyType, o.keyType, strict) &&
        sameType(a.valueType, o.valueType, strict) &&
        (!strict || a.valueContainsNull === o.valueContainsNull)
      );
    }
    case "struct": {
      const o = b as StructTypeLike;
      return (
        a.fields.length === o.fields.length &&
        a.fields.every(
          (f, i) =>
            f.name === o.fields[i]!.name &&
            sameType(f.type, o.fields[i]!.type, strict) &&
            (!strict || f.nullable === o.fields[i]!.nullable),
        )
      );
    }
    default:
      return true;
  }
}

/** Spark's `simpleString`: `int`, `array<string>`, `struct<a:int,b:string>`, `decimal(10,2)`. */
export function simpleString(t: DataType): string {
  switch (t.kind) {
    case "null":
      return "void";
    case "byte":
      return "tinyint";
    case "short":
      return "smallint";
    case "decimal":
      return `decimal(${t.precision},${t.scale})`;
    case "year_month_interval":
    case "day_time_interval":
      return intervalTypeName(t).toLowerCase();
    case "array":
      return `array<${simpleString(t.elementType)}>`;
    case "map":
      return `map<${simpleString(t.keyType)},${simpleString(t.valueType)}>`;
    case "struct":
      return `struct<${t.fields.map((f) => `${f.name}:${simpleString(f.type)}`).join(",")}>`;
    default:
      return t.kind;
  }
}

/** Spark's `typeName` as used in error messages and DDL: `STRING`, `ARRAY<INT>`, `DECIMAL(10,2)`. */
export function sqlTypeName(t: DataType): string {
  switch (t.kind) {
    case "null":
      return "VOID";
    case "byte":
      return "TINYINT";
    case "short":
      return "SMALLINT";
    case "decimal":
      return `DECIMAL(${t.precision},${t.scale})`;
    case "year_month_interval":
    case "day_time_interval":
      return intervalTypeName(t);
    case "array":
      return `ARRAY<${sqlTypeName(t.elementType)}>`;
    case "map":
      return `MAP<${sqlTypeName(t.keyType)}, ${sqlTypeName(t.valueType)}>`;
    case "struct":
      return `STRUCT<${t.fields.map((f) => `${quoteIdent(f.name)}: ${sqlTypeName(f.type)}${f.nullable ? "" : " NOT NULL"}`).join(", ")}>`;
    default:
      return t.kind.toUpperCase();
  }
}

/** Backtick-quote an identifier when it is not a plain name. */
export function quoteIdent(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : "`" + name.replace(/`/g, "``") + "`";
}
