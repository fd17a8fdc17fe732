/**
 * Streaming sink contract (Spark's Sink, DESIGN.md §3): `addBatch` must be idempotent per
 * batchId — when a batch is re-run after a crash, a sink that already holds it must not write it
 * twice (memory: replace; files: manifest log; Delta: txn action).
 *
 * A batch's rows stream into the sink: `data.batches` yields them while the query computes them,
 * so a sink that writes as it reads keeps memory flat however large the batch. Rules for a sink:
 *   - iterate `data.batches` at most once, and finish iterating before `addBatch` resolves;
 *   - commit (manifest entry, table commit) only after the iteration ended normally: if it throws
 *     (an operator failed, or TASK_INTERRUPTED because the query is stopping), the batch is
 *     abandoned and runs again from its logged offsets; files written but never committed are
 *     fine, as long as readers only trust what was committed;
 *   - a sink that skips a batch (already committed) need not read it: the engine reads what the
 *     sink left, since the batch's stateful operators commit their state at its end.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";

/** The output modes of a streaming query, as in Spark: which rows of the result table a trigger writes. */
export type OutputMode = "append" | "update" | "complete";

export interface BatchData {
  readonly schema: StructType;
  /** The batch's non-empty batches as they are computed; iterable once. */
  readonly batches: AsyncIterable<ColumnBatch>;
  /** Rows read from `batches` so far: the batch's row count once they are exhausted. */
  readonly numRows: number;
  /**
   * A fresh run of the batch over the same offsets, giving the same rows again; present only
   * when that has no side effects (the batch has no stateful operator). For a sink that needs
   * the rows twice without keeping them (foreachBatch's DataFrame, read by several actions).
   */
  readonly replay?: () => AsyncIterable<ColumnBatch>;
}

export interface StreamSink {
  readonly description: string;
  addBatch(batchId: number, data: BatchData, outputMode: OutputMode): Promise<void>;
  stop?(): Promise<void>;
}

/** Read all of a batch into memory: for sinks meant for small data (memory, console). */
export async function materializeBatch(data: BatchData): Promise<ColumnBatch[]> {
  const out: ColumnBatch[] = [];
  for await (const b of data.batches) out.push(b);
  return out;
}
