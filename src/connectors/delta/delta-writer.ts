/**
 * Writing data to a Delta table (Delta's WriteIntoDelta). Steps of `writeDelta`:
 *   1. start an optimistic transaction on the latest version (a missing table is version -1);
 *   2. apply the save mode: errorifexists fails on an existing table, ignore does nothing;
 *   3. with a txn (streaming sink, foreachBatch): skip when the table already holds this
 *      (appId, version) — idempotent writes;
 *   4. reconcile the schema (schema-enforcement.ts): create, enforce, mergeSchema, overwriteSchema;
 *   5. split the rows by partition values, write one Parquet file per partition (Hive-style
 *      `col=value/` folders) with per-file stats, stage the adds (and, for overwrite, removes of
 *      every live file);
 *   6. commit once; returns the new version, or null when nothing was committed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { randomUUID } from "node:crypto";
import { type ColumnBatch, concatBatches, makeBatch, takeBatch } from "../../columnar/column-batch.js";
import { getValue } from "../../columnar/column-batch.js";
import { analysisError } from "../../common/errors.js";
import type { AddFile } from "../../delta/actions.js";
import { formatPartitionValue } from "../../delta/partition-values.js";
import { relativeLogPath } from "../../delta/data-path.js";
import { computeStats, statsToJson } from "../../delta/stats.js";
import { txnVersion } from "../../delta/snapshot.js";
import { OptimisticTransaction } from "../../delta/transaction.js";
import { StructType } from "../../types/struct-type.js";
import { encodeParquet } from "../files/parquet-format.js";
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
}

export interface DeltaWriteResult {
  /** The committed version, or null (ignore mode on an existing table, or a txn already applied). */
  readonly version: number | null;
  readonly numOutputRows: number;
  readonly numFiles: number;
}

/** Write `batches` (all of `schema`) to the Delta table at `tablePath`. */
export async function writeDelta(tablePath: string, schema: StructType, batches: readonly ColumnBatch[], options: DeltaWriteOptions): Promise<DeltaWriteResult> {
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
  const target = reconcileSchema(txn, tablePath, schema, {
    partitionBy: options.partitionBy ?? [],
    mergeSchema: options.mergeSchema ?? false,
    overwriteSchema: overwrite && (options.overwriteSchema ?? false),
    overwrite,
  });
  if (overwrite && snap) {
    txn.readWholeTable();
    const now = Date.now();
    for (const f of snap.files) {
      txn.remove({ path: f.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true, partitionValues: f.partitionValues, size: f.size });
    }
  }
  const data = concatBatches(schema, batches.filter((b) => b.numRows > 0));
  const conformed = conformBatch(data, target.schema, tablePath);
  const adds = writeDataFiles(tablePath, conformed, target.partitionColumns);
  for (const a of adds) txn.add(a);
  const bytes = adds.reduce((s, a) => s + a.size, 0);
  const version = await txn.commit({
    operation: options.operation ?? (options.txn ? "STREAMING UPDATE" : "WRITE"),
    operationParameters: options.operationParameters ?? { mode: saveModeName(options.mode), partitionBy: JSON.stringify(target.partitionColumns) },
    operationMetrics: { numFiles: String(adds.length), numOutputRows: String(conformed.numRows), numOutputBytes: String(bytes) },
  });
  return { version, numOutputRows: conformed.numRows, numFiles: adds.length };
}

const saveModeName = (m: DeltaSaveMode): string => (m === "errorifexists" ? "ErrorIfExists" : m[0]!.toUpperCase() + m.slice(1));

/**
 * Write one batch (of the table schema) as data files: one file per distinct combination of
 * partition values, partition columns left out of the files. Returns the add actions.
 */
export function writeDataFiles(tablePath: string, batch: ColumnBatch, partitionColumns: readonly string[]): AddFile[] {
  if (batch.numRows === 0) return [];
  const schema = batch.schema;
  const partIdx = partitionColumns.map((c) => schema.indexOf(c));
  const dataIdx = schema.fields.map((_, i) => i).filter((i) => !partIdx.includes(i));
  const dataSchema = new StructType(dataIdx.map((i) => schema.fields[i]!));
  const groups = new Map<string, { values: Record<string, string | null>; rows: number[] }>();
  if (partIdx.length === 0) groups.set("", { values: {}, rows: Array.from({ length: batch.numRows }, (_, i) => i) });
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
  const adds: AddFile[] = [];
  for (const g of groups.values()) {
    const picked = g.rows.length === batch.numRows ? batch : takeBatch(batch, g.rows);
    const dataBatch = makeBatch(dataSchema, dataIdx.map((i) => picked.columns[i]!), picked.numRows);
    const dir = partitionColumns.map((c) => `${escapePathName(c)}=${escapePathName(g.values[c] ?? "__HIVE_DEFAULT_PARTITION__")}`).join("/");
    const rel = `${dir ? `${dir}/` : ""}part-00000-${randomUUID()}.c000.snappy.parquet`;
    const abs = join(tablePath, rel);
    mkdirSync(dirname(abs), { recursive: true });
    const bytes = encodeParquet(dataSchema, [dataBatch], "snappy");
    writeFileSync(abs, bytes);
    adds.push({
      path: relativeLogPath(rel),
      partitionValues: g.values,
      size: bytes.length,
      modificationTime: Date.now(),
      dataChange: true,
      stats: statsToJson(computeStats(dataBatch)),
    });
  }
  return adds;
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
