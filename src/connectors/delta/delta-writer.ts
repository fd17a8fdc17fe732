/**
 * Writing data to a Delta table (Delta's WriteIntoDelta). Steps of `writeDelta`:
 *   1. start an optimistic transaction on the latest version (a missing table is version -1);
 *   2. apply the save mode: errorifexists fails on an existing table, ignore does nothing;
 *   3. with a txn (streaming sink, foreachBatch): skip when the table already holds this
 *      (appId, version) — idempotent writes;
 *   4. reconcile the schema (schema-enforcement.ts): create, enforce, mergeSchema, overwriteSchema;
 *   5. stream the rows into one open Parquet file per partition (Hive-style `col=value/`
 *      folders), written as they arrive with per-file stats, so memory does not grow with the
 *      input; stage the adds (and, for overwrite, removes of every live file); with column
 *      mapping, new columns get ids and physical names, and the files, stats and partition
 *      values use the physical names (column-mapping-writes.ts);
 *   6. commit once, after every file is complete; returns the new version, or null when nothing
 *      was committed. A failed or interrupted input commits nothing (its partial files are
 *      removed; a crash may leave some behind, unlisted in the log, for VACUUM).
 */
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath, parentPath } from "../../fs/path.js";
import { randomUUID } from "node:crypto";
import { type ColumnBatch, makeBatch, takeBatch } from "../../columnar/column-batch.js";
import { getValue } from "../../columnar/column-batch.js";
import { analysisError } from "../../common/errors.js";
import type { AddFile } from "../../delta/actions.js";
import { formatPartitionValue } from "../../delta/partition-values.js";
import { relativeLogPath } from "../../delta/data-path.js";
import { type FileStats, computeStats, statsToJson } from "../../delta/stats.js";
import { txnVersion } from "../../delta/snapshot.js";
import { OptimisticTransaction } from "../../delta/transaction.js";
import { type ColumnMappingMode, columnMappingMode } from "../../delta/column-mapping.js";
import { MAX_COLUMN_ID_KEY, type PhysicalLayout, assignColumnMapping, largestColumnId, physicalLayout } from "../../delta/column-mapping-writes.js";
import { StructType } from "../../types/struct-type.js";
import { encodeParquet } from "../files/parquet-format.js";
import { ParquetFileWriter } from "../files/parquet-writer.js";
import { mergeStats } from "./merge-stats.js";
import { conformBatch, reconcileSchema } from "./schema-enforcement.js";

export type DeltaSaveMode = "append" | "overwrite" | "errorifexists" | "ignore";

export interface DeltaWriteOptions {
  readonly mode: DeltaSaveMode;
  readonly partitionBy?: readonly string[];
  readonly mergeSchema?: boolean;
  readonly overwriteSchema?: boolean;
  /** Idempotent write: skipped when the table's txn for appId is ≥ version. */
  readonly txn?: { readonly appId: string; readonly version: number };
  /** commitInfo.operation (default WRITE, or STREAMING UPDATE when a txn is given). */
  readonly operation?: string;
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  /** commitInfo.userMetadata. */
  readonly userMetadata?: string;
  /** Table properties of a table the write creates; an existing table must already have them. */
  readonly tableProperties?: Readonly<Record<string, string>>;
  /** Properties a table the write creates takes unless tableProperties says otherwise (the session's defaults). */
  readonly defaultTableProperties?: Readonly<Record<string, string>>;
}

export interface DeltaWriteResult {
  /** The committed version, or null (ignore mode on an existing table, or a txn already applied). */
  readonly version: number | null;
  readonly numOutputRows: number;
  readonly numFiles: number;
}

/**
 * Write `batches` (all of `schema`) to the Delta table at `tablePath`, consuming them as they
 * arrive. A skipped write (ignore mode, txn already applied) does not read them. If they throw,
 * nothing is committed.
 */
export async function writeDelta(tablePath: string, schema: StructType, batches: AsyncIterable<ColumnBatch> | readonly ColumnBatch[], options: DeltaWriteOptions): Promise<DeltaWriteResult> {
  const txn = await OptimisticTransaction.start(tablePath);
  const snap = txn.snapshot;
  const skipped = { version: null, numOutputRows: 0, numFiles: 0 };
  if (snap && options.mode === "errorifexists") {
    throw analysisError(
      "DELTA_PATH_EXISTS",
      `Cannot write to already existent path ${tablePath} without setting OVERWRITE = 'true': the Delta table is at version ${snap.version}. Use mode("append") or mode("overwrite").`,
      { table: tablePath },
    );
  }
  if (snap && options.mode === "ignore") return skipped;
  if (options.txn) {
    if (snap && txnVersion(snap, options.txn.appId) >= options.txn.version) return skipped;
    txn.setTxn(options.txn.appId, options.txn.version);
  }
  const overwrite = options.mode === "overwrite";
  const reconciled = reconcileSchema(txn, tablePath, schema, {
    partitionBy: options.partitionBy ?? [],
    mergeSchema: options.mergeSchema ?? false,
    overwriteSchema: overwrite && (options.overwriteSchema ?? false),
    overwrite,
    tableProperties: snap ? (options.tableProperties ?? {}) : { ...options.defaultTableProperties, ...options.tableProperties },
  });
  const { target, layout } = mapColumns(txn, tablePath, reconciled);
  if (overwrite && snap) {
    txn.readWholeTable();
    const now = Date.now();
    for (const f of snap.files) {
      txn.remove({ path: f.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true, partitionValues: f.partitionValues, size: f.size });
    }
  }
  const { adds, numRows } = await streamDataFiles(tablePath, batches, schema, target.schema, layout);
  for (const a of adds) txn.add(a);
  const bytes = adds.reduce((s, a) => s + a.size, 0);
  const version = await txn.commit({
    operation: options.operation ?? (options.txn ? "STREAMING UPDATE" : "WRITE"),
    operationParameters: options.operationParameters ?? { mode: saveModeName(options.mode), partitionBy: JSON.stringify(target.partitionColumns) },
    operationMetrics: { numFiles: String(adds.length), numOutputRows: String(numRows), numOutputBytes: String(bytes) },
    ...(options.userMetadata !== undefined ? { userMetadata: options.userMetadata } : {}),
  });
  return { version, numOutputRows: numRows, numFiles: adds.length };
}

/**
 * With column mapping on (the table's or the one being created), give the columns that have
 * none (all of a new table's, those mergeSchema adds) ids and physical names in the staged
 * metaData; the schema to conform rows to and the layout of the data files.
 */
function mapColumns(txn: OptimisticTransaction, tablePath: string, target: { schema: StructType; partitionColumns: readonly string[] }): { target: { schema: StructType; partitionColumns: readonly string[] }; layout: PhysicalLayout } {
  const md = txn.metadata!;
  const mode = columnMappingMode(md.configuration, tablePath);
  if (mode === "none") return { target, layout: physicalLayout(target.schema, target.partitionColumns, mode) };
  const before = Number(md.configuration[MAX_COLUMN_ID_KEY] ?? largestColumnId(target.schema));
  const { schema, maxColumnId } = assignColumnMapping(target.schema, before);
  if (maxColumnId !== before || md.configuration[MAX_COLUMN_ID_KEY] === undefined) {
    txn.updateMetadata({ schemaString: schema.json(), configuration: { ...md.configuration, [MAX_COLUMN_ID_KEY]: String(maxColumnId) } });
  }
  const mapped = { schema, partitionColumns: target.partitionColumns };
  return { target: mapped, layout: physicalLayout(schema, target.partitionColumns, mode) };
}

const saveModeName = (m: DeltaSaveMode): string => (m === "errorifexists" ? "ErrorIfExists" : m[0]!.toUpperCase() + m.slice(1));

export interface PartitionGroup {
  /** Partition column name → its value as the log stores it. */
  readonly values: Record<string, string | null>;
  readonly key: string;
  /** The group's rows, partition columns left out. */
  readonly data: ColumnBatch;
}

/** Split a batch of the table schema by partition values (one group when unpartitioned). */
export function partitionGroups(batch: ColumnBatch, partitionColumns: readonly string[]): PartitionGroup[] {
  const schema = batch.schema;
  const partIdx = partitionColumns.map((c) => schema.indexOf(c));
  const dataIdx = schema.fields.map((_, i) => i).filter((i) => !partIdx.includes(i));
  const dataSchema = new StructType(dataIdx.map((i) => schema.fields[i]!));
  const groups = new Map<string, { values: Record<string, string | null>; rows: number[] }>();
  if (partIdx.length === 0) groups.set("", { values: {}, rows: [] });
  else {
    for (let r = 0; r < batch.numRows; r++) {
      const values: Record<string, string | null> = {};
      for (let k = 0; k < partIdx.length; k++) {
        const f = schema.fields[partIdx[k]!]!;
        values[f.name] = formatPartitionValue(getValue(batch.columns[partIdx[k]!]!, r), f.type, f.name);
      }
      const key = JSON.stringify(partIdx.map((i) => values[schema.fields[i]!.name]));
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { values, rows: [] }));
      g.rows.push(r);
    }
  }
  return [...groups].map(([key, g]) => {
    const picked = partIdx.length === 0 || g.rows.length === batch.numRows ? batch : takeBatch(batch, g.rows);
    return { key, values: g.values, data: makeBatch(dataSchema, dataIdx.map((i) => picked.columns[i]!), picked.numRows) };
  });
}

/** Where a new data file of a partition goes (named `<prefix>-00000-<uuid>…`): its path relative to `tablePath`, and absolute. */
export function newDataFile(tablePath: string, partitionColumns: readonly string[], values: Record<string, string | null>, prefix = "part"): { rel: string; abs: string } {
  const dir = partitionColumns.map((c) => `${escapePathName(c)}=${escapePathName(values[c] ?? "__HIVE_DEFAULT_PARTITION__")}`).join("/");
  const rel = `${dir ? `${dir}/` : ""}${prefix}-00000-${randomUUID()}.c000.snappy.parquet`;
  const abs = joinPath(tablePath, rel);
  fileSystemFor(abs).mkdirs(parentPath(abs));
  return { rel, abs };
}

interface OpenDataFile {
  readonly rel: string;
  readonly values: Record<string, string | null>;
  readonly writer: ParquetFileWriter;
  stats: FileStats | undefined;
}

/**
 * Write rows as they arrive: one Parquet file per distinct combination of partition values, open
 * until the input ends, each batch encoded as it comes (parquet-writer.ts) and its stats merged
 * into the file's. Returns the add actions once every file is complete. If the input throws, the
 * partial files are removed (they were never in the log) and the error is rethrown.
 */
async function streamDataFiles(
  tablePath: string,
  batches: AsyncIterable<ColumnBatch> | readonly ColumnBatch[],
  schema: StructType,
  target: StructType,
  layout: PhysicalLayout,
): Promise<{ adds: AddFile[]; numRows: number }> {
  const files = new Map<string, OpenDataFile>();
  let numRows = 0;
  try {
    for await (const b of batches) {
      if (b.numRows === 0) continue;
      const conformed = conformBatch(b.schema === schema ? b : makeBatch(schema, b.columns, b.numRows), target, tablePath);
      for (const g of partitionGroups(layout.rows(conformed), layout.partitionColumns)) {
        let f = files.get(g.key);
        if (!f) {
          const { rel, abs } = newDataFile(tablePath, layout.partitionColumns, g.values);
          files.set(g.key, (f = { rel, values: g.values, writer: new ParquetFileWriter(abs, g.data.schema, "snappy"), stats: undefined }));
        }
        await f.writer.write(g.data);
        const st = computeStats(g.data);
        f.stats = f.stats ? mergeStats(g.data.schema, f.stats, st) : st;
        numRows += g.data.numRows;
      }
    }
    const adds: AddFile[] = [];
    for (const f of files.values()) {
      const size = await f.writer.close();
      adds.push({ path: relativeLogPath(f.rel), partitionValues: f.values, size, modificationTime: Date.now(), dataChange: true, stats: statsToJson(f.stats!) });
    }
    return { adds, numRows };
  } catch (e) {
    for (const f of files.values()) {
      await f.writer.abort(e);
      fileSystemFor(f.writer.path).delete(f.writer.path, false);
    }
    throw e;
  }
}

/**
 * Write one batch (of the table schema) as data files: one file per distinct combination of
 * partition values, partition columns left out of the files, columns by their physical names
 * under column mapping (`mode`). Returns the add actions.
 */
export function writeDataFiles(tablePath: string, batch: ColumnBatch, partitionColumns: readonly string[], mode: ColumnMappingMode = "none"): AddFile[] {
  if (batch.numRows === 0) return [];
  const layout = physicalLayout(batch.schema, partitionColumns, mode);
  return partitionGroups(layout.rows(batch), layout.partitionColumns).map((g) => {
    const { rel, abs } = newDataFile(tablePath, layout.partitionColumns, g.values);
    const bytes = encodeParquet(g.data.schema, [g.data], "snappy");
    fileSystemFor(abs).create(abs, bytes, { overwrite: true });
    return { path: relativeLogPath(rel), partitionValues: g.values, size: bytes.length, modificationTime: Date.now(), dataChange: true, stats: statsToJson(computeStats(g.data)) };
  });
}

/** Hive-style escaping of a partition folder name (Spark's escapePathName). */
export function escapePathName(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c === 0x7f || '"#%\'*/:=?\\{[]^'.includes(ch)) out += `%${c.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += ch;
  }
  return out;
}
