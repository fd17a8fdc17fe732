/**
 * The engine's side of BatchData (sink.ts): one micro-batch's output stream handed to a sink.
 *   1. The sink iterates `batches` once; empty batches are skipped and rows are counted.
 *   2. Leaving the loop early (break, return) does not close the stream: after `addBatch` the
 *      engine calls `drain()` to read the rest, so the batch's stateful operators reach their end
 *      and commit, and the row count is the batch's.
 *   3. An error from the stream is kept: `drain()` rethrows it even if the sink swallowed it, so a
 *      failed or interrupted batch is never committed by the engine.
 *   4. `close()` releases the stream after a failure (its readers close their files).
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { executionError } from "../../common/errors.js";
import type { StructType } from "../../types/struct-type.js";
import type { BatchData } from "./sink.js";

export class BatchStream implements BatchData {
  readonly #source: AsyncIterator<ColumnBatch>;
  #claimed = false;
  #done = false;
  #failure: { error: unknown } | undefined;
  #rows = 0;
  readonly batches: AsyncIterable<ColumnBatch>;

  constructor(
    readonly schema: StructType,
    source: AsyncIterable<ColumnBatch>,
    readonly replay?: () => AsyncIterable<ColumnBatch>,
  ) {
    this.#source = source[Symbol.asyncIterator]();
    this.batches = { [Symbol.asyncIterator]: () => this.#claim() };
  }

  get numRows(): number {
    return this.#rows;
  }

  /** Read what the sink did not; rethrows the stream's error, if it had one. */
  async drain(): Promise<void> {
    while (!(await this.#next()).done);
  }

  /** Release the stream (after a failure); a no-op once it ended. */
  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#source.return?.();
  }

  #claim(): AsyncIterator<ColumnBatch> {
    if (this.#claimed) {
      throw executionError("BATCH_ALREADY_CONSUMED", "A micro-batch's rows stream into the sink and can be read once; a sink that needs them twice must keep them itself");
    }
    this.#claimed = true;
    return { next: () => this.#next(), return: async () => ({ done: true, value: undefined }) };
  }

  async #next(): Promise<IteratorResult<ColumnBatch>> {
    if (this.#failure) throw this.#failure.error;
    while (!this.#done) {
      let r: IteratorResult<ColumnBatch>;
      try {
        r = await this.#source.next();
      } catch (error) {
        this.#done = true;
        this.#failure = { error };
        throw error;
      }
      if (r.done) break;
      if (r.value.numRows === 0) continue;
      this.#rows += r.value.numRows;
      return r;
    }
    this.#done = true;
    return { done: true, value: undefined };
  }
}

/** A BatchData over batches already in memory (a sink's tests, a replayed batch). */
export const batchDataOf = (schema: StructType, batches: readonly ColumnBatch[]): BatchStream =>
  new BatchStream(
    schema,
    (async function* () {
      yield* batches;
    })(),
  );
