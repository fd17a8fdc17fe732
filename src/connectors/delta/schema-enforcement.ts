/**
 * Delta schema enforcement and evolution on write (Delta's "schema validation" rules):
 *   - a new table takes the data's schema and the requested partition columns;
 *   - overwriteSchema (with mode overwrite) replaces schema and partitioning;
 *   - otherwise the data must fit the table: columns are matched by name (case-insensitively),
 *     missing columns are written as null, a narrower numeric type is widened (INT → BIGINT,
 *     FLOAT → DOUBLE); extra columns need mergeSchema (they are appended to the schema);
 *     any other type change fails with DELTA_FAILED_TO_MERGE_FIELDS;
 *   - partitionBy, when given for an existing table, must equal the table's partition columns.
 */
import { type ColumnBatch, makeBatch } from "../../columnar/column-batch.js";
import { allocValues, makeVector, nullVector, type Vector } from "../../columnar/vector.js";
import { SluiceError, analysisError } from "../../common/errors.js";
import type { OptimisticTransaction } from "../../delta/transaction.js";
import { mapFields } from "../../delta/column-mapping-writes.js";
import { type DataType, type StructField, sameType, simpleString } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";

export interface SchemaWriteOptions {
  readonly partitionBy: readonly string[];
  readonly mergeSchema: boolean;
  readonly overwriteSchema: boolean;
  readonly overwrite: boolean;
  /** Table properties of a new table; an existing table must have the same values. */
  readonly tableProperties: Readonly<Record<string, string>>;
}

/** Stage create/updateMetadata on `txn` as needed; returns the schema and partitioning to write. */
export function reconcileSchema(
  txn: OptimisticTransaction,
  tablePath: string,
  data: StructType,
  opts: SchemaWriteOptions,
): { schema: StructType; partitionColumns: readonly string[] } {
  checkDuplicateColumns(data);
  const asNullable = new StructType(data.fields.map((f) => ({ ...withoutColumnMapping(f), nullable: true })));
  const snap = txn.snapshot;
  if (!snap) {
    txn.createTable({ schema: asNullable, partitionColumns: canonicalPartitions(asNullable, opts.partitionBy, tablePath), configuration: opts.tableProperties });
    return { schema: asNullable, partitionColumns: canonicalPartitions(asNullable, opts.partitionBy, tablePath) };
  }
  for (const [k, v] of Object.entries(opts.tableProperties)) {
    const has = snap.metadata.configuration[k] ?? (k === "delta.columnMapping.mode" ? "none" : "false");
    if (has.toLowerCase() !== v) {
      throw new SluiceError("unsupported", "DELTA_UNSUPPORTED_OPTION", `Delta table ${tablePath} exists with ${k}=${has}: the option ${k}=${v} only sets the property of a table the write creates, and Sluice cannot change it on an existing table`, {
        format: "delta",
        option: k,
      });
    }
  }
  if (opts.overwriteSchema) {
    const parts = canonicalPartitions(asNullable, opts.partitionBy, tablePath);
    txn.updateMetadata({ schemaString: asNullable.json(), partitionColumns: [...parts] });
    return { schema: asNullable, partitionColumns: parts };
  }
  const table = snap.schema;
  if (opts.partitionBy.length > 0) {
    const same =
      opts.partitionBy.length === snap.partitionColumns.length &&
      opts.partitionBy.every((c, i) => c.toLowerCase() === snap.partitionColumns[i]!.toLowerCase());
    if (!same) {
      throw analysisError(
        "DELTA_PARTITION_COLUMNS_MISMATCH",
        `Partition columns do not match the partition columns of the Delta table ${tablePath}. Given: [${opts.partitionBy.join(", ")}], table: [${snap.partitionColumns.join(", ")}]. ` +
          `Drop partitionBy, or use mode("overwrite") with option("overwriteSchema", "true") to change the partitioning.`,
        { table: tablePath },
      );
    }
  }
  const extra: StructField[] = [];
  for (const f of asNullable.fields) {
    const i = table.indexOf(f.name);
    if (i < 0) {
      extra.push(f);
      continue;
    }
    const t = table.fields[i]!.type;
    if (!sameType(t, f.type) && !canUpcast(f.type, t)) {
      throw analysisError(
        "DELTA_FAILED_TO_MERGE_FIELDS",
        `Failed to merge fields '${table.fields[i]!.name}' and '${f.name}' of Delta table ${tablePath}: the table has ${simpleString(t).toUpperCase()}, the data has ${simpleString(f.type).toUpperCase()}. ` +
          `Cast the column to ${simpleString(t).toUpperCase()}, or replace the schema with mode("overwrite") and option("overwriteSchema", "true").`,
        { table: tablePath, column: f.name },
      );
    }
  }
  if (extra.length === 0) return { schema: table, partitionColumns: snap.partitionColumns };
  if (!opts.mergeSchema) {
    throw analysisError(
      "DELTA_METADATA_MISMATCH",
      `A schema mismatch detected when writing to the Delta table ${tablePath}. Data columns not in the table: ${extra.map((f) => `${f.name} ${simpleString(f.type).toUpperCase()}`).join(", ")}.\n` +
        `Table schema: ${table.simpleString()}\nData schema:  ${data.simpleString()}\n` +
        `To add the new columns set option("mergeSchema", "true"); to replace the schema use mode("overwrite") with option("overwriteSchema", "true").`,
      { table: tablePath },
    );
  }
  const merged = new StructType([...table.fields, ...extra]);
  txn.updateMetadata({ schemaString: merged.json() });
  return { schema: merged, partitionColumns: snap.partitionColumns };
}

/**
 * A data field without column-mapping metadata (rows read from a column-mapped table carry it):
 * ids and physical names belong to the table written to, which assigns its own (as Delta drops
 * them from the data's schema).
 */
function withoutColumnMapping(f: StructField): StructField {
  const md = f.metadata ? Object.fromEntries(Object.entries(f.metadata).filter(([k]) => !k.startsWith("delta.columnMapping."))) : undefined;
  const { metadata: _drop, ...rest } = f;
  return { ...rest, type: mapFields(f.type, withoutColumnMapping), ...(md && Object.keys(md).length > 0 ? { metadata: md } : {}) };
}

function canonicalPartitions(schema: StructType, cols: readonly string[], tablePath: string): readonly string[] {
  return cols.map((c) => {
    const i = schema.indexOf(c);
    if (i < 0) {
      throw analysisError("DELTA_PARTITION_COLUMN_NOT_FOUND", `Partition column \`${c}\` not found in the data schema ${schema.simpleString()} written to ${tablePath}`, { column: c });
    }
    return schema.fields[i]!.name;
  });
}

function checkDuplicateColumns(schema: StructType): void {
  const seen = new Set<string>();
  for (const f of schema.fields) {
    const k = f.name.toLowerCase();
    if (seen.has(k)) throw analysisError("DELTA_DUPLICATE_COLUMNS_FOUND", `Found duplicate column(s) in the data to save: \`${f.name}\`. Rename or drop one of them.`, { column: f.name });
    seen.add(k);
  }
}

const canUpcast = (from: DataType, to: DataType): boolean =>
  (from.kind === "int" && to.kind === "bigint") ||
  (from.kind === "float" && to.kind === "double") ||
  ((from.kind === "int" || from.kind === "bigint") && to.kind === "double") ||
  from.kind === "null";

/** Rearrange `batch` into `target` (by name; missing → null; widened numbers). */
export function conformBatch(batch: ColumnBatch, target: StructType, _tablePath: string): ColumnBatch {
  const cols: Vector[] = target.fields.map((f) => {
    const i = batch.schema.indexOf(f.name);
    if (i < 0) return nullVector(f.type, batch.numRows);
    const v = batch.columns[i]!;
    if (sameType(v.type, f.type)) return v.type === f.type ? v : { ...v, type: f.type };
    if (v.type.kind === "null") return nullVector(f.type, batch.numRows);
    const out = allocValues(f.type, v.length) as unknown[];
    const src = v.values as ArrayLike<number | bigint>;
    // INT → BIGINT exactly as a bigint; INT/BIGINT → DOUBLE as the nearest double (Spark's widening)
    const conv = f.type.kind === "bigint" ? (x: number | bigint) => BigInt(x) : (x: number | bigint) => Number(x);
    for (let r = 0; r < v.length; r++) out[r] = conv(src[r]!);
    return makeVector(f.type, out as Vector["values"], v.validity);
  });
  return makeBatch(target, cols, batch.numRows);
}
