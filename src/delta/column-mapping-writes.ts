/**
 * Column mapping on write (PROTOCOL.md §Column Mapping, `delta.columnMapping.mode` name or id):
 *   - a table created with the mode, and every column a later schema change adds, gets a
 *     column id (`delta.columnMapping.id`, counting up from `delta.columnMapping.maxColumnId`)
 *     and a physical name (`delta.columnMapping.physicalName`, `col-<uuid>`), at every level
 *     of nested structs, as delta-spark assigns them;
 *   - data files hold the physical names, each field with its id as the Parquet field id (as
 *     delta-spark writes them, in both modes); statistics and partition values are keyed by
 *     physical names (the writer computes them from the physical rows).
 */
import { randomUUID } from "node:crypto";
import { type ColumnBatch, getValue, makeBatch, vectorFromValues } from "../columnar/column-batch.js";
import { PARQUET_FIELD_ID } from "../columnar/arrow.js";
import type { DataType, StructField } from "../types/data-type.js";
import { StructType } from "../types/struct-type.js";
import { COLUMN_ID_KEY, type ColumnMappingMode, PHYSICAL_NAME_KEY, physicalName } from "./column-mapping.js";

export const MAX_COLUMN_ID_KEY = "delta.columnMapping.maxColumnId";

/**
 * `schema` with an id and a physical name for every field that has none (ids from
 * `maxColumnId` + 1); the new maximum id. Fields that have them keep them.
 */
export function assignColumnMapping(schema: StructType, maxColumnId: number): { schema: StructType; maxColumnId: number } {
  let next = maxColumnId;
  const field = (f: StructField): StructField => {
    const has = f.metadata?.[COLUMN_ID_KEY] !== undefined && f.metadata?.[PHYSICAL_NAME_KEY] !== undefined;
    const metadata = has ? f.metadata : { ...f.metadata, [COLUMN_ID_KEY]: ++next, [PHYSICAL_NAME_KEY]: `col-${randomUUID()}` };
    return { ...f, type: mapFields(f.type, field), ...(metadata ? { metadata } : {}) };
  };
  const out = new StructType(schema.fields.map(field));
  return { schema: out, maxColumnId: next };
}

/** The largest column id in `schema` (0 when none), for a table whose maxColumnId is missing. */
export function largestColumnId(t: DataType): number {
  switch (t.kind) {
    case "struct":
      return Math.max(0, ...t.fields.map((f) => Math.max(Number(f.metadata?.[COLUMN_ID_KEY] ?? 0), largestColumnId(f.type))));
    case "array":
      return largestColumnId(t.elementType);
    case "map":
      return Math.max(largestColumnId(t.keyType), largestColumnId(t.valueType));
    default:
      return 0;
  }
}

/** How one table's rows are laid out in its data files: logical → physical batch and partition names. */
export interface PhysicalLayout {
  /** The data file rows of a batch of the logical schema (partition columns included). */
  readonly rows: (batch: ColumnBatch) => ColumnBatch;
  /** The physical names of the partition columns (their keys in partition values and folder names). */
  readonly partitionColumns: readonly string[];
}

/** The layout of a table with `schema` and `mode`; identity for mode none. */
export function physicalLayout(schema: StructType, partitionColumns: readonly string[], mode: ColumnMappingMode): PhysicalLayout {
  if (mode === "none") return { rows: (b) => b, partitionColumns };
  const physical = physicalSchema(schema);
  const nested = schema.fields.map((f) => hasStruct(f.type));
  const parts = partitionColumns.map((c) => physicalName(schema.fields[schema.indexOf(c)]!, mode));
  return {
    partitionColumns: parts,
    rows: (b) =>
      makeBatch(
        physical,
        b.columns.map((v, j) => {
          if (!nested[j]) return { ...v, type: physical.fields[j]!.type };
          const values = new Array<unknown>(b.numRows);
          for (let r = 0; r < b.numRows; r++) values[r] = toPhysicalValue(getValue(v, r), schema.fields[j]!.type);
          return vectorFromValues(physical.fields[j]!.type, values);
        }),
        b.numRows,
      ),
  };
}

/** `schema` with physical names and each field's column id as its Parquet field id, at every level. */
export function physicalSchema(schema: StructType): StructType {
  const field = (f: StructField): StructField => {
    const id = f.metadata?.[COLUMN_ID_KEY];
    return { name: physicalName(f, "name"), type: mapFields(f.type, field), nullable: f.nullable, ...(id !== undefined ? { metadata: { [PARQUET_FIELD_ID]: id } } : {}) };
  };
  return new StructType(schema.fields.map(field));
}

/** `t` with `field` applied to the fields of every struct in it (inside arrays and maps too); `field` recurses itself. */
export function mapFields(t: DataType, field: (f: StructField) => StructField): DataType {
  switch (t.kind) {
    case "struct":
      return new StructType(t.fields.map(field));
    case "array":
      return { ...t, elementType: mapFields(t.elementType, field) };
    case "map":
      return { ...t, keyType: mapFields(t.keyType, field), valueType: mapFields(t.valueType, field) };
    default:
      return t;
  }
}

function hasStruct(t: DataType): boolean {
  return t.kind === "struct" || (t.kind === "array" && hasStruct(t.elementType)) || (t.kind === "map" && (hasStruct(t.keyType) || hasStruct(t.valueType)));
}

/** A value of logical type `t` with its struct fields keyed by physical names. */
function toPhysicalValue(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "struct": {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of t.fields) out[physicalName(f, "name")] = toPhysicalValue(o[f.name], f.type);
      return out;
    }
    case "array":
      return (v as unknown[]).map((e) => toPhysicalValue(e, t.elementType));
    case "map": {
      const out = new Map<unknown, unknown>();
      for (const [k, x] of v as Map<unknown, unknown>) out.set(toPhysicalValue(k, t.keyType), toPhysicalValue(x, t.valueType));
      return out;
    }
    default:
      return v;
  }
}
