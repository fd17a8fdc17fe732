/**
 * Spark's SQL data types as a readonly discriminated union on `kind`.
 * Physical representation in a column (see columnar/vector.ts):
 *   boolean → Uint8Array (0/1) · int, date (days since epoch) → Int32Array
 *   bigint, decimal(p ≤ 18) (unscaled) → BigInt64Array · decimal(19..38) → bigint[] (unscaled)
 *   double, timestamp (µs since epoch, UTC) → Float64Array
 *   float → Float32Array · string → string[] · binary → Uint8Array[] · array/struct/map → JS values
 */
export type DataType =
  | { readonly kind: "null" }
  | { readonly kind: "string" }
  | { readonly kind: "boolean" }
  | { readonly kind: "int" }
  | { readonly kind: "bigint" }
  | { readonly kind: "float" }
  | { readonly kind: "double" }
  | DecimalType
  | { readonly kind: "date" }
  | { readonly kind: "timestamp" }
  | { readonly kind: "binary" }
  | ArrayType
  | MapType
  | StructTypeLike;

export interface DecimalType {
  readonly kind: "decimal";
  readonly precision: number;
  readonly scale: number;
}
export interface ArrayType {
  readonly kind: "array";
  readonly elementType: DataType;
  readonly containsNull: boolean;
}
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
export interface StructTypeLike {
  readonly kind: "struct";
  readonly fields: readonly StructField[];
}

export type DataTypeKind = DataType["kind"];

export const NullType: DataType = { kind: "null" };
export const StringType: DataType = { kind: "string" };
export const BooleanType: DataType = { kind: "boolean" };
export const IntegerType: DataType = { kind: "int" };
export const LongType: DataType = { kind: "bigint" };
export const FloatType: DataType = { kind: "float" };
export const DoubleType: DataType = { kind: "double" };
export const DateType: DataType = { kind: "date" };
export const TimestampType: DataType = { kind: "timestamp" };
export const BinaryType: DataType = { kind: "binary" };
export const DecimalType = (precision = 10, scale = 0): DecimalType => ({ kind: "decimal", precision, scale });
export const ArrayType = (elementType: DataType, containsNull = true): ArrayType => ({
  kind: "array",
  elementType,
  containsNull,
});
export const MapType = (keyType: DataType, valueType: DataType, valueContainsNull = true): MapType => ({
  kind: "map",
  keyType,
  valueType,
  valueContainsNull,
});

/** Largest precision Spark allows for DECIMAL; unscaled values are exact bigints (types/decimal-value.ts). */
export const MAX_DECIMAL_PRECISION = 38;

export const isNumeric = (t: DataType): boolean =>
  t.kind === "int" || t.kind === "bigint" || t.kind === "float" || t.kind === "double" || t.kind === "decimal";
export const isIntegral = (t: DataType): boolean => t.kind === "int" || t.kind === "bigint";
export const isFractional = (t: DataType): boolean => t.kind === "float" || t.kind === "double";
export const isAtomic = (t: DataType): boolean => t.kind !== "array" && t.kind !== "map" && t.kind !== "struct";

/** Structural equality of types (field names compared exactly; nullability ignored unless `strict`). */
export function sameType(a: DataType, b: DataType, strict = false): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "decimal": {
      const o = b as DecimalType;
      return a.precision === o.precision && a.scale === o.scale;
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
    case "decimal":
      return `decimal(${t.precision},${t.scale})`;
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
    case "decimal":
      return `DECIMAL(${t.precision},${t.scale})`;
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
