/**
 * The rows of one micro-batch as foreachBatch's DataFrame reads them. Spark computes that
 * DataFrame again for every action on it; Sluice does the same without holding the batch:
 *   1. the first action streams the batch's live output (the rows the engine counts), so a
 *      function that only writes the DataFrame keeps memory flat;
 *   2. a later action runs the batch again over the same offsets (`BatchData.replay`), which the
 *      engine offers when the batch has no stateful operator;
 *   3. a stateful batch cannot run twice (its state would be applied twice): its first action
 *      reads the whole batch into memory and every action reads that copy, as before streaming.
 * The relation closes when the function returns; a DataFrame kept past that fails to read.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { executionError } from "../../common/errors.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import { type BatchData, materializeBatch } from "../api/sink.js";

let nextId = 0;

export class MicroBatchRelation {
  /** Unique in the process: the DataFrame's read node names the relation by it. */
  readonly id = String(nextId++);
  readonly schema: BatchData["schema"];
  readonly #replay: BatchData["replay"];
  #live: BatchData | undefined;
  #copy: Promise<ColumnBatch[]> | undefined;
  #closed = false;
  readonly #onClose: (() => void)[] = [];

  constructor(
    readonly batchId: number,
    data: BatchData,
  ) {
    this.#live = data;
    this.#replay = data.replay;
    this.schema = data.schema;
  }

  /** The scan a DataFrame over this batch runs (a new one per action). */
  scan(): ExecutionPlan {
    return {
      name: "MicroBatchScanExec",
      schema: this.schema,
      children: [],
      describe: () => `MicroBatchScan [${this.schema.fieldNames.join(", ")}] batch ${this.batchId}`,
      execute: () => this.read(),
    };
  }

  onClose(fn: () => void): void {
    this.#onClose.push(fn);
  }

  close(): void {
    this.#closed = true;
    for (const fn of this.#onClose.splice(0)) fn();
  }

  private async *read(): AsyncGenerator<ColumnBatch> {
    if (this.#closed) {
      throw executionError("MICRO_BATCH_CLOSED", `The DataFrame of micro-batch ${this.batchId} was read after its foreachBatch function returned; read it inside the function (or collect its rows there)`, { batch: this.batchId });
    }
    const live = this.#live;
    this.#live = undefined;
    if (this.#replay) {
      yield* live ? live.batches : this.#replay();
      return;
    }
    this.#copy ??= materializeBatch(live!);
    yield* await this.#copy;
  }
}
