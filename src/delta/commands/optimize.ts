/**
 * OPTIMIZE … executeCompaction (Delta's OptimizeTableCommand, bin-packing). Steps:
 *   1. read the latest snapshot; keep the files whose partition values satisfy `where` (a
 *      predicate on partition columns only, else DELTA_NON_PARTITION_COLUMN_REFERENCE);
 *   2. of those, the files smaller than spark.databricks.delta.optimize.minFileSize (1 GiB) are
 *      candidates; per partition, sorted by size, they are packed into bins of at most
 *      spark.databricks.delta.optimize.maxFileSize (1 GiB) bytes;
 *   3. every bin of two or more files is read and written as one new file; the old files are
 *      removed and the new one added, both with dataChange = false (streaming readers skip them);
 *   4. commit as operation OPTIMIZE (nothing is committed when no bin has two files) and return
 *      Delta's one-row result: the table path and the compaction metrics.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { analysisError, executionError } from "../../common/errors.js";
import { readDeltaFiles } from "../../connectors/delta/delta-scan.js";
import { writeDataFiles } from "../../connectors/delta/delta-writer.js";
import type { DataFrame } from "../../dataframe/dataframe.js";
import type { Session } from "../../session/session.js";
import { StructType } from "../../types/struct-type.js";
import type { ActiveFile, Snapshot } from "../snapshot.js";
import { OptimisticTransaction } from "../transaction.js";
import { type Cond, condText } from "./conditions.js";
import { filesMatchingPartitions } from "./partition-filter.js";
import { concatRows, removeOf } from "./target-rows.js";

const GiB = 1024 * 1024 * 1024;
const FILE_SIZE_METRICS = "STRUCT<min: BIGINT, max: BIGINT, avg: DOUBLE, totalFiles: BIGINT, totalSize: BIGINT>";
export const OPTIMIZE_SCHEMA = StructType.fromDDL(
  `path STRING, metrics STRUCT<numFilesAdded: BIGINT, numFilesRemoved: BIGINT, filesAdded: ${FILE_SIZE_METRICS}, filesRemoved: ${FILE_SIZE_METRICS}, ` +
    "partitionsOptimized: BIGINT, numBatches: BIGINT, totalConsideredFiles: BIGINT, totalFilesSkipped: BIGINT, preserveInsertionOrder: BOOLEAN>",
);

/** `DeltaTable.optimize()`: an immutable builder, `.where(partitionPredicate)` then `.executeCompaction()`. */
export class DeltaOptimizeBuilder {
  #onProgress: ((done: number, total: number) => void) | undefined;

  constructor(
    private readonly spark: Session,
    private readonly tablePath: string,
    private readonly predicates: readonly Cond[] = [],
  ) {}

  /** Compact only the partitions where `condition` (on partition columns) holds. */
  where(condition: Cond): DeltaOptimizeBuilder {
    return new DeltaOptimizeBuilder(this.spark, this.tablePath, [...this.predicates, condition]).onProgress(this.#onProgress);
  }

  /** @internal the CLI's progress bar: called as bins are compacted (`done` of `total` files). */
  onProgress(fn: ((done: number, total: number) => void) | undefined): this {
    this.#onProgress = fn;
    return this;
  }

  /** Bin-pack small files into larger ones; returns Delta's one-row result (path, metrics). */
  async executeCompaction(): Promise<DataFrame> {
    const conf = (k: string, d: number): number => {
      const v = this.spark.conf.get(k);
      const n = v === undefined ? d : Number(v);
      if (!Number.isFinite(n) || n <= 0) throw analysisError("INVALID_CONF_VALUE", `${k} must be a positive number of bytes, got ${v}`, { key: k });
      return n;
    };
    const minFileSize = conf("spark.databricks.delta.optimize.minFileSize", GiB);
    const maxFileSize = conf("spark.databricks.delta.optimize.maxFileSize", GiB);
    const tx = await OptimisticTransaction.start(this.tablePath);
    const snap = tx.snapshot;
    if (!snap) throw executionError("DELTA_TABLE_NOT_FOUND", `${this.tablePath} is not a Delta table`, { table: this.tablePath });
    const considered = await this.selectFiles(snap);
    const candidates = considered.filter((f) => f.size < minFileSize);
    const bins = binPack(candidates, maxFileSize).filter((b) => b.length > 1);
    const now = Date.now();
    const added: number[] = [];
    const removed: number[] = [];
    const files = bins.reduce((n, b) => n + b.length, 0);
    this.#onProgress?.(0, files);
    for (const bin of bins) {
      const parts: ColumnBatch[] = [];
      for await (const b of readDeltaFiles(bin, snap.schema, snap.partitionColumns, 1 << 30, snap.columnMapping)) parts.push(b);
      for (const f of bin) {
        tx.remove(removeOf(f, now, { dataChange: false, stats: true }));
        removed.push(f.size);
      }
      for (const a of writeDataFiles(this.tablePath, concatRows(snap.schema, parts), snap.partitionColumns, snap.columnMapping)) {
        tx.add({ ...a, dataChange: false });
        added.push(a.size);
      }
      this.#onProgress?.(removed.length, files);
    }
    const partitions = new Set(bins.map((b) => JSON.stringify(b[0]!.partitionValues))).size;
    if (bins.length > 0) {
      tx.readFiles(bins.flat().map((f) => f.path));
      await tx.commit({
        operation: "OPTIMIZE",
        operationParameters: { predicate: JSON.stringify(this.predicates.map(condText)), zOrderBy: "[]", clusterBy: "[]", auto: false },
        operationMetrics: {
          numRemovedFiles: String(removed.length),
          numAddedFiles: String(added.length),
          numRemovedBytes: String(sum(removed)),
          numAddedBytes: String(sum(added)),
          minFileSize: String(Math.min(...added)),
          maxFileSize: String(Math.max(...added)),
          numDeletionVectorsRemoved: "0",
        },
      });
    }
    const sizeMetrics = (s: readonly number[]) => ({
      min: s.length ? BigInt(Math.min(...s)) : null,
      max: s.length ? BigInt(Math.max(...s)) : null,
      avg: s.length ? sum(s) / s.length : 0,
      totalFiles: BigInt(s.length),
      totalSize: BigInt(sum(s)),
    });
    const metrics = {
      numFilesAdded: BigInt(added.length),
      numFilesRemoved: BigInt(removed.length),
      filesAdded: sizeMetrics(added),
      filesRemoved: sizeMetrics(removed),
      partitionsOptimized: BigInt(partitions),
      numBatches: BigInt(bins.length > 0 ? 1 : 0),
      totalConsideredFiles: BigInt(considered.length),
      totalFilesSkipped: BigInt(considered.length - removed.length),
      preserveInsertionOrder: false,
    };
    return this.spark.createDataFrame([{ path: snap.tablePath, metrics }], OPTIMIZE_SCHEMA);
  }

  /** The live files whose partition values satisfy every `where` predicate. */
  private async selectFiles(snap: Snapshot): Promise<ActiveFile[]> {
    if (this.predicates.length === 0) return [...snap.files];
    const r = await filesMatchingPartitions(this.spark.dfContext, snap, this.predicates);
    if ("files" in r) return r.files;
    throw analysisError(
      "DELTA_NON_PARTITION_COLUMN_REFERENCE",
      `Predicate references non-partition column(s): ${this.predicates.map(condText).join(" AND ")} does not resolve on the partition columns of ${snap.tablePath}. ` +
        `Only the partition columns may be referenced: [${snap.partitionColumns.join(", ")}]. ${r.unresolved}`,
      { table: snap.tablePath },
    );
  }
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

/** Per partition, files sorted by size packed greedily into bins of at most `maxBytes`. */
function binPack(files: readonly ActiveFile[], maxBytes: number): ActiveFile[][] {
  const byPartition = new Map<string, ActiveFile[]>();
  for (const f of files) {
    const k = JSON.stringify(f.partitionValues);
    byPartition.set(k, [...(byPartition.get(k) ?? []), f]);
  }
  const bins: ActiveFile[][] = [];
  for (const group of byPartition.values()) {
    let bin: ActiveFile[] = [];
    let size = 0;
    for (const f of [...group].sort((a, b) => a.size - b.size)) {
      if (bin.length > 0 && size + f.size > maxBytes) {
        bins.push(bin);
        bin = [];
        size = 0;
      }
      bin.push(f);
      size += f.size;
    }
    if (bin.length > 0) bins.push(bin);
  }
  return bins;
}
