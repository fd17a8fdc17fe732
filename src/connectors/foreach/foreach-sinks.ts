/**
 * `foreachBatch(async (df, batchId) => …)` and `foreach({ open, process, close })` sinks.
 * foreachBatch is at-least-once unless the function itself is idempotent per batchId (as Spark);
 * its DataFrame streams the batch (micro-batch-relation.ts says how several actions read it).
 * foreach calls open(partitionId, epochId) → process(row)… → close(error) per batch and partition,
 * row by row as the batch streams in.
 */
import { batchToRows } from "../../columnar/column-batch.js";
import type { BatchData, StreamSink } from "../api/sink.js";
import { MicroBatchRelation } from "./micro-batch-relation.js";

export class ForeachBatchSink<DF> implements StreamSink {
  readonly description = "ForeachBatchSink";
  constructor(
    private readonly fn: (df: DF, batchId: number) => unknown,
    private readonly toDataFrame: (relation: MicroBatchRelation) => DF,
  ) {}
  async addBatch(batchId: number, data: BatchData): Promise<void> {
    const relation = new MicroBatchRelation(batchId, data);
    try {
      await this.fn(this.toDataFrame(relation), batchId);
    } finally {
      relation.close();
    }
  }
}

export interface ForeachWriter {
  /** Return false to skip this partition's rows for this epoch (e.g. already written). */
  open?(partitionId: number, epochId: number): boolean | Promise<boolean>;
  process(row: Record<string, unknown>): void | Promise<void>;
  close?(error: Error | null): void | Promise<void>;
}

export class ForeachSink implements StreamSink {
  readonly description = "ForeachSink";
  constructor(private readonly writer: ForeachWriter) {}

  async addBatch(batchId: number, data: BatchData): Promise<void> {
    const open = this.writer.open ? await this.writer.open(0, batchId) : true;
    let error: Error | null = null;
    try {
      if (open) for await (const b of data.batches) for (const row of batchToRows(b)) await this.writer.process(row);
    } catch (e) {
      error = e as Error;
    }
    await this.writer.close?.(error);
    if (error) throw error;
  }
}
