/**
 * Streaming sink contract (Spark's Sink, DESIGN.md §3): `addBatch` must be idempotent per
 * batchId — when a batch is re-run after a crash, a sink that already holds it must not write it
 * twice (memory: replace; files: manifest log; Delta: txn action).
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";

export type OutputMode = "append" | "update" | "complete";

export interface BatchData {
  readonly schema: StructType;
  readonly batches: readonly ColumnBatch[];
  readonly numRows: number;
}

export interface StreamSink {
  readonly description: string;
  addBatch(batchId: number, data: BatchData, outputMode: OutputMode): Promise<void>;
  /** Number of rows the last batch wrote, for progress `sink.numOutputRows` (-1 when unknown). */
  stop?(): Promise<void>;
}
