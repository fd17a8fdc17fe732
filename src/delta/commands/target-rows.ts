/**
 * The rows of a Delta table's live files, for the commands that rewrite files copy-on-write
 * (DELETE, UPDATE, MERGE): each file read whole, and a DataFrame of all of them whose rows carry
 * the index of their file and their row number within it, so a command can evaluate its
 * conditions on the engine and then rewrite exactly the files it touched.
 */
import { type ColumnBatch, VectorBuilder, getValue, makeBatch } from "../../columnar/column-batch.js";
import { readDeltaFiles } from "../../connectors/delta/delta-scan.js";
import { DataFrame, type DataFrameContext } from "../../dataframe/dataframe.js";
import { node } from "../../plan/logical-plan.js";
import { StructType } from "../../types/struct-type.js";
import { writeDataFiles } from "../../connectors/delta/delta-writer.js";
import type { RemoveFile } from "../actions.js";
import type { ActiveFile, Snapshot } from "../snapshot.js";
import type { OptimisticTransaction } from "../transaction.js";
import { ChangeRows, changeDataFeedEnabled } from "./change-data.js";
import { deletionVectorsEnabled, markRowsDeleted } from "./deletion-vector-writes.js";

/** Column names of the file index and row number added to the target rows. */
export const FILE_COL = "__delta_file";
export const ROW_COL = "__delta_row";

export interface TargetRows {
  /** The rows of `snapshot.files[i]`, in file order. */
  readonly batches: readonly ColumnBatch[];
  /** Every row, with FILE_COL and ROW_COL after the table's columns. */
  readonly df: DataFrame;
}

/** Read every live file of `snap` (aliased as `alias` when given). */
export async function loadTargetRows(ctx: DataFrameContext, snap: Snapshot, alias?: string): Promise<TargetRows> {
  const { schema } = snap;
  const batches: ColumnBatch[] = [];
  const tagged: ColumnBatch[] = [];
  const int = { kind: "int" } as const;
  const tagSchema = new StructType([...schema.fields, { name: FILE_COL, type: int, nullable: false }, { name: ROW_COL, type: int, nullable: false }]);
  for (let f = 0; f < snap.files.length; f++) {
    const parts: ColumnBatch[] = [];
    for await (const b of readDeltaFiles([snap.files[f]!], schema, snap.partitionColumns, 1 << 30, snap.columnMapping)) parts.push(b);
    const whole = parts.length === 1 ? parts[0]! : concatRows(schema, parts);
    batches.push(whole);
    const n = whole.numRows;
    const fileIds = { type: int, length: n, values: new Int32Array(n).fill(f), validity: null };
    const rowIds = { type: int, length: n, values: Int32Array.from({ length: n }, (_, i) => i), validity: null };
    tagged.push(makeBatch(tagSchema, [...whole.columns, fileIds, rowIds], n));
  }
  const df = new DataFrame(ctx, node({ kind: "localRelation", schema: tagSchema, batches: tagged }));
  return { batches, df: alias ? df.alias(alias) : df };
}

/** A file's rows without `deleted` and with `updated` rows replaced by their new values. */
export function rewrittenRows(schema: StructType, batch: ColumnBatch, deleted?: ReadonlySet<number>, updated?: ReadonlyMap<number, readonly unknown[]>): ColumnBatch {
  const builders = schema.fields.map((f) => new VectorBuilder(f.type, batch.numRows));
  let kept = 0;
  for (let r = 0; r < batch.numRows; r++) {
    if (deleted?.has(r)) continue;
    const nv = updated?.get(r);
    builders.forEach((b, j) => b.append(nv ? nv[j] : getValue(batch.columns[j]!, r)));
    kept++;
  }
  return makeBatch(schema, builders.map((b) => b.finish()), kept);
}

/** Changes to one file's rows: row numbers to drop, and row number → new values. */
export interface FileChanges {
  readonly deleted?: ReadonlySet<number>;
  readonly updated?: ReadonlyMap<number, readonly unknown[]>;
}

/** The file metrics of DELETE and UPDATE when nothing is written. */
export const NO_CHANGES: Readonly<Record<string, string>> = {
  numRemovedFiles: "0",
  numAddedFiles: "0",
  numCopiedRows: "0",
  numAddedChangeFiles: "0",
  numRemovedBytes: "0",
  numAddedBytes: "0",
  numDeletionVectorsAdded: "0",
  numDeletionVectorsRemoved: "0",
  numDeletionVectorsUpdated: "0",
};

/**
 * Stage a copy-on-write rewrite of the changed files: each is removed, and the remaining rows of
 * all of them (updated ones replaced), with `extra` rows (MERGE's inserts), are written together
 * as new files, one per partition value (as one Spark task writes them). On a table with
 * deletion vectors on, a changed file is kept instead, its deleted and updated rows marked in
 * its vector (deletion-vector-writes.ts), and only the updated rows' new values are written; the removes carry the
 * files' stats when `removeStats` (MERGE writes them, DELETE and UPDATE do not). On a table with the
 * change data feed on, the deleted rows, both images of updated rows and the extra rows are also
 * written as change data files (change-data.ts). Returns Delta's file metrics of DELETE, UPDATE and
 * MERGE, plus how many unchanged rows were copied.
 */
export function rewriteFiles(
  tx: OptimisticTransaction,
  snap: Snapshot,
  batches: readonly ColumnBatch[],
  changes: ReadonlyMap<number, FileChanges>,
  options: { readonly extra?: ColumnBatch | undefined; readonly removeStats?: boolean } = {},
): { metrics: Record<string, string>; copiedRows: number; vectors: { added: number; updated: number; removed: number } } {
  const now = Date.now();
  let removedBytes = 0;
  let copiedRows = 0;
  let removedFiles = 0;
  const vectors = { added: 0, updated: 0, removed: 0 };
  const parts: ColumnBatch[] = [];
  const feed = changeDataFeedEnabled(snap.metadata) && changes.size > 0 ? new ChangeRows(snap.schema) : null;
  const useVectors = deletionVectorsEnabled(snap.metadata, snap.protocol);
  for (const [f, c] of changes) {
    const file = snap.files[f]!;
    tx.remove(removeOf(file, now, { stats: options.removeStats ?? false }));
    if (feed) recordChanges(feed, batches[f]!, c);
    if (useVectors) {
      // the removed rows and the old images of updated ones go into the file's vector; new images are written
      const gone = new Set([...(c.deleted ?? []), ...(c.updated?.keys() ?? [])]);
      const change = markRowsDeleted(tx.tablePath, file, gone, batches[f]!.numRows);
      if (change.kind === "marked") {
        tx.add(change.add);
        vectors[change.hadVector ? "updated" : "added"]++;
      } else {
        removedFiles++;
        removedBytes += file.size;
        if (file.deletionVector) vectors.removed++;
      }
      if (c.updated) parts.push(valueRows(snap.schema, [...c.updated.values()]));
      continue;
    }
    removedFiles++;
    removedBytes += file.size;
    const kept = rewrittenRows(snap.schema, batches[f]!, c.deleted, c.updated);
    copiedRows += kept.numRows - (c.updated?.size ?? 0);
    parts.push(kept);
  }
  if (options.extra) parts.push(options.extra);
  if (feed && options.extra) for (let r = 0; r < options.extra.numRows; r++) feed.add(rowOf(options.extra, r), "insert");
  const adds = writeDataFiles(tx.tablePath, concatRows(snap.schema, parts), snap.partitionColumns, snap.columnMapping);
  for (const a of adds) tx.add(a);
  const cdcs = feed ? feed.write(tx.tablePath, snap.partitionColumns, snap.columnMapping) : [];
  for (const c of cdcs) tx.addCdc(c);
  const metrics = {
    ...NO_CHANGES,
    numRemovedFiles: String(removedFiles),
    numAddedFiles: String(adds.length),
    numCopiedRows: String(copiedRows),
    numAddedChangeFiles: String(cdcs.length),
    numRemovedBytes: String(removedBytes),
    numAddedBytes: String(adds.reduce((s, a) => s + a.size, 0)),
    numDeletionVectorsAdded: String(vectors.added),
    numDeletionVectorsUpdated: String(vectors.updated),
    numDeletionVectorsRemoved: String(vectors.removed),
  };
  return { metrics, copiedRows, vectors };
}

/** Rows of `schema` from their values. */
function valueRows(schema: StructType, rows: readonly (readonly unknown[])[]): ColumnBatch {
  const builders = schema.fields.map((f) => new VectorBuilder(f.type, rows.length));
  for (const row of rows) builders.forEach((b, j) => b.append(row[j]));
  return makeBatch(schema, builders.map((b) => b.finish()), rows.length);
}

/** A file's deleted rows as deletes, its updated rows as their pre- and post-images. */
function recordChanges(feed: ChangeRows, batch: ColumnBatch, c: FileChanges): void {
  for (const r of c.deleted ?? []) feed.add(rowOf(batch, r), "delete");
  for (const [r, values] of c.updated ?? []) {
    feed.add(rowOf(batch, r), "update_preimage");
    feed.add(values, "update_postimage");
  }
}

const rowOf = (batch: ColumnBatch, r: number): unknown[] => batch.columns.map((v) => getValue(v, r));

/**
 * The remove action of a live file, as Delta writes it: with its partition values and size, its
 * stats when asked (Delta keeps them on removes of whole files only), and its deletion vector,
 * which is part of the file's identity in the log.
 */
export function removeOf(file: ActiveFile, deletionTimestamp: number, options: { dataChange?: boolean; stats?: boolean } = {}): RemoveFile {
  return {
    path: file.path,
    deletionTimestamp,
    dataChange: options.dataChange ?? true,
    extendedFileMetadata: true,
    partitionValues: file.partitionValues,
    size: file.size,
    ...(options.stats && file.stats ? { stats: file.stats } : {}),
    ...(file.deletionVector ? { deletionVector: file.deletionVector } : {}),
  };
}

export function concatRows(schema: StructType, parts: readonly ColumnBatch[]): ColumnBatch {
  const n = parts.reduce((s, p) => s + p.numRows, 0);
  const builders = schema.fields.map((f) => new VectorBuilder(f.type, n));
  for (const p of parts) for (let r = 0; r < p.numRows; r++) builders.forEach((b, j) => b.append(getValue(p.columns[j]!, r)));
  return makeBatch(schema, builders.map((b) => b.finish()), n);
}
