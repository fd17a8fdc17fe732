/**
 * Memory sink (`format("memory")`, `queryName` → `spark.table(name)`): keeps every batch's rows in
 * process, so it is for tests and small data (its memory grows with the output, as in Spark).
 * Idempotent per batchId: a re-run batch replaces what that batch wrote. In complete mode each
 * batch replaces the whole table. A batch that fails while being read changes nothing.
 */
import { type ColumnBatch, concatBatches } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";
import { type BatchData, type OutputMode, type StreamSink, materializeBatch } from "../api/sink.js";

export class MemorySink implements StreamSink {
  readonly #byBatch = new Map<number, readonly ColumnBatch[]>();

  constructor(
    readonly name: string,
    readonly schema: StructType,
  ) {}

  get description(): string {
    return `MemorySink[${this.name}]`;
  }

  async addBatch(batchId: number, data: BatchData, outputMode: OutputMode): Promise<void> {
    const batches = await materializeBatch(data);
    if (outputMode === "complete") this.#byBatch.clear();
    this.#byBatch.set(batchId, batches);
  }

  /** All rows currently in the table, in batch order. */
  batches(): ColumnBatch[] {
    return [...this.#byBatch.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, bs]) => bs);
  }

  snapshot(): ColumnBatch {
    return concatBatches(this.schema, this.batches());
  }

  /** Highest batch id written (-1 when none), as Spark's MemorySink.latestBatchId. */
  get latestBatchId(): number {
    return Math.max(-1, ...this.#byBatch.keys());
  }
}
