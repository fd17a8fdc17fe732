/**
 * Column mapping (PROTOCOL.md §Column Mapping) and type widening (§Type Widening) on read: how
 * a table's logical columns are found in a data file, and how a file's values become values of
 * the table's current types.
 *
 *   - mode `none`: a column is the file column of the same name;
 *   - mode `name`: the file column named by the field's `delta.columnMapping.physicalName`, at
 *     every level (struct fields inside structs, arrays and maps too);
 *   - mode `id`: the file column whose Parquet field id equals the field's
 *     `delta.columnMapping.id`, at every level (a nested field is found by its id among the
 *     file struct's fields, whatever its name there);
 *   - a column the file does not have reads as null (a column added after the file was written);
 *     a file column the table no longer has is ignored (a dropped column);
 *   - a file value of a narrower type is widened to the table's type (TINYINT → SMALLINT → INT
 *     → BIGINT, FLOAT → DOUBLE, TINYINT/SMALLINT/INT/BIGINT → DOUBLE or a wide enough DECIMAL,
 *     DATE → TIMESTAMP_NTZ (midnight), DECIMAL to a larger precision or scale), the changes the
 *     typeWidening feature allows; any other difference is DELTA_COLUMN_TYPE_MISMATCH.
 */
import type * as arrow from "apache-arrow";
import { arrowDataToVector } from "../columnar/arrow.js";
import { getValue, vectorFromValues } from "../columnar/column-batch.js";
import { type Vector, nullVector } from "../columnar/vector.js";
import { inputError, unsupported } from "../common/errors.js";
import { type DataType, type StructField, simpleString } from "../types/data-type.js";
import { POW10 } from "../types/decimal-value.js";
import { StructType } from "../types/struct-type.js";
import { VariantVal } from "../types/variant-val.js";

export type ColumnMappingMode = "none" | "name" | "id";

export const PHYSICAL_NAME_KEY = "delta.columnMapping.physicalName";
export const COLUMN_ID_KEY = "delta.columnMapping.id";
const FIELD_ID_KEY = "PARQUET:field_id";

/** The table's `delta.columnMapping.mode` (absent = none); another value is refused by name. */
export function columnMappingMode(configuration: Readonly<Record<string, string>>, table: string): ColumnMappingMode {
  const raw = configuration["delta.columnMapping.mode"];
  if (raw === undefined) return "none";
  const mode = raw.toLowerCase();
  if (mode === "none" || mode === "name" || mode === "id") return mode;
  throw unsupported("DELTA_UNSUPPORTED_COLUMN_MAPPING_MODE", `Delta table ${table} has delta.columnMapping.mode = ${JSON.stringify(raw)}; Delta defines none, name and id`, { table, mode: raw });
}

/** The name of `f`'s column in data files, statistics and partition values. */
export function physicalName(f: StructField, mode: ColumnMappingMode): string {
  if (mode === "none") return f.name;
  const p = f.metadata?.[PHYSICAL_NAME_KEY];
  return typeof p === "string" ? p : f.name;
}

/**
 * The columns of `schema` (the table's logical schema, without partition columns) from one
 * Arrow record batch of a data file: found as `mode` says, null when absent, widened to the
 * table's types. `file` is named in errors.
 */
export function logicalColumns(batch: arrow.RecordBatch, schema: StructType, mode: ColumnMappingMode, file: string): Vector[] {
  const fileFields = batch.schema.fields;
  return schema.fields.map((f) => {
    let k: number;
    if (mode === "id") {
      const id = String(f.metadata?.[COLUMN_ID_KEY] ?? "");
      k = fileFields.findIndex((x) => x.metadata.get(FIELD_ID_KEY) === id);
    } else {
      const want = physicalName(f, mode);
      k = fileFields.findIndex((x) => x.name === want);
      if (k < 0 && mode === "none") k = fileFields.findIndex((x) => x.name.toLowerCase() === want.toLowerCase());
    }
    if (k < 0) return nullVector(f.type, batch.numRows);
    const v = arrowDataToVector(batch.data.children[k]!);
    if (mode !== "id") return toLogicalVector(v, f.type, mode, file, f.name);
    // nested fields by id: name each one as the file does, then read by those names
    return { ...toLogicalVector(v, byFieldIds(f.type, fileFields[k]!.type), "name", file, f.name), type: f.type };
  });
}

/** `t` with each nested field's physical name set to the name of the file field with its column id (an unmatched one matches nothing). */
function byFieldIds(t: DataType, file: arrow.DataType): DataType {
  const children = (file.children ?? []) as arrow.Field[];
  switch (t.kind) {
    case "struct":
      return new StructType(
        t.fields.map((f) => {
          const id = String(f.metadata?.[COLUMN_ID_KEY] ?? "");
          const match = children.find((c) => c.metadata.get(FIELD_ID_KEY) === id);
          return { ...f, type: match ? byFieldIds(f.type, match.type) : f.type, metadata: { ...f.metadata, [PHYSICAL_NAME_KEY]: match ? match.name : `\u0000no field id ${id}` } };
        }),
      );
    case "array":
      return children[0] ? { ...t, elementType: byFieldIds(t.elementType, children[0].type) } : t;
    case "map": {
      const entries = (children[0]?.type.children ?? []) as arrow.Field[];
      return entries.length === 2 ? { ...t, keyType: byFieldIds(t.keyType, entries[0]!.type), valueType: byFieldIds(t.valueType, entries[1]!.type) } : t;
    }
    default:
      return t;
  }
}

function toLogicalVector(v: Vector, want: DataType, mode: ColumnMappingMode, file: string, column: string): Vector {
  if (sameShape(v.type, want, mode)) return { ...v, type: want };
  const out = new Array<unknown>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = toLogical(getValue(v, i), v.type, want, mode, file, column);
  return vectorFromValues(want, out);
}

/** True when values of `from` are already values of `to` (same kinds, same field names). */
function sameShape(from: DataType, to: DataType, mode: ColumnMappingMode): boolean {
  if (from.kind !== to.kind) return false;
  switch (to.kind) {
    case "decimal":
      return from.kind === "decimal" && from.precision === to.precision && from.scale === to.scale;
    case "array":
      return from.kind === "array" && sameShape(from.elementType, to.elementType, mode);
    case "map":
      return from.kind === "map" && sameShape(from.keyType, to.keyType, mode) && sameShape(from.valueType, to.valueType, mode);
    case "struct":
      return (
        from.kind === "struct" &&
        from.fields.length === to.fields.length &&
        to.fields.every((f, i) => from.fields[i]!.name === physicalName(f, mode) && physicalName(f, mode) === f.name && sameShape(from.fields[i]!.type, f.type, mode))
      );
    default:
      return true;
  }
}

function toLogical(v: unknown, from: DataType, to: DataType, mode: ColumnMappingMode, file: string, column: string): unknown {
  if (v === null || v === undefined) return null;
  if (to.kind === "struct" && from.kind === "struct") {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of to.fields) {
      const p = physicalName(f, mode);
      const ff = from.fields.find((x) => x.name === p) ?? (mode === "none" ? from.fields.find((x) => x.name.toLowerCase() === p.toLowerCase()) : undefined);
      out[f.name] = ff ? toLogical(o[ff.name], ff.type, f.type, mode, file, `${column}.${f.name}`) : null;
    }
    return out;
  }
  if (to.kind === "array" && from.kind === "array") return (v as unknown[]).map((e) => toLogical(e, from.elementType, to.elementType, mode, file, column));
  if (to.kind === "map" && from.kind === "map") {
    const out = new Map<unknown, unknown>();
    for (const [k, x] of v as Map<unknown, unknown>) out.set(toLogical(k, from.keyType, to.keyType, mode, file, column), toLogical(x, from.valueType, to.valueType, mode, file, column));
    return out;
  }
  if (from.kind === to.kind && from.kind !== "decimal") return v;
  // a VARIANT Spark wrote is a group of value and metadata binaries, read as a struct by the Arrow type alone
  if (to.kind === "variant" && from.kind === "struct") {
    const g = v as { value?: Uint8Array | null; metadata?: Uint8Array | null };
    return g.value && g.metadata ? new VariantVal(g.value, g.metadata) : null;
  }
  return widen(v, from, to, file, column);
}

const INT_RANK: Readonly<Record<string, number>> = { byte: 1, short: 2, int: 3 };
const MICROS_PER_DAY = 86_400_000_000;

/** A value of a narrower type as a value of `to` (the typeWidening changes Sluice's types can hold). */
function widen(v: unknown, from: DataType, to: DataType, file: string, column: string): unknown {
  const int32 = from.kind === "byte" || from.kind === "short" || from.kind === "int";
  if (int32 && (to.kind === "short" || to.kind === "int") && INT_RANK[to.kind]! > INT_RANK[from.kind]!) return v as number;
  if (to.kind === "bigint" && int32) return BigInt(v as number);
  if (to.kind === "double" && (from.kind === "float" || int32)) return v as number;
  if (to.kind === "double" && from.kind === "bigint") return Number(v as bigint);
  if (to.kind === "timestamp_ntz" && from.kind === "date") return (v as number) * MICROS_PER_DAY;
  if (to.kind === "decimal" && from.kind === "decimal" && to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale) {
    return (v as bigint) * POW10[to.scale - from.scale]!;
  }
  if (to.kind === "decimal" && (int32 || from.kind === "bigint") && to.precision - to.scale >= (from.kind === "bigint" ? 20 : 10)) {
    return BigInt(v as number | bigint) * POW10[to.scale]!;
  }
  throw inputError(
    "DELTA_COLUMN_TYPE_MISMATCH",
    `Cannot read ${file}: column \`${column}\` is ${simpleString(from)} in the file but ${simpleString(to)} in the Delta table, and that is not a type widening Delta allows`,
    { file, column },
  );
}
