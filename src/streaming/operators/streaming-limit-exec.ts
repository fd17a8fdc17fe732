/**
 * Streaming limit. In append mode it is Spark's StreamingGlobalLimitExec (over
 * StreamingLocalLimitExec): at most `limit` rows over the whole life of the query, not per batch.
 * Per batch:
 *   1. read the count of rows emitted so far from the state store (one row under a null key);
 *   2. pass input rows while the count is below the limit, counting them;
 *   3. drain the rest of the input, so that upstream operators finish (stateful ones commit,
 *      watermark nodes see every event time);
 *   4. when the count grew, store it (numRowsUpdated 1, as Spark); commit and report the store as
 *      `globalLimit`.
 * The count is checkpointed with the state, so a restarted query continues the limit and a re-run
 * batch starts from the count of the batch before it.
 * In complete mode (no state) the limit applies to each batch's complete result, as Spark plans a
 * plain limit there; it drains its input too, for the same reason. Update mode refuses a limit
 * (see plan/streaming-checks.ts).
 */
import { type ColumnBatch, sliceBatch } from "../../columnar/column-batch.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { NullType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { type StatefulContext, commitAndReport } from "./stateful-context.js";
import { binaryStateKey, stateKey } from "./state-key.js";

/** Spark's state layout for the limit: key `key NULL`, value `value BIGINT` (the count). */
const STATE_SCHEMA = {
  keySchema: new StructType([{ name: "key", type: NullType, nullable: true }]),
  valueSchema: StructType.fromDDL("value BIGINT"),
};
/** The one key, in the checkpoint's pinned key format (state-key.ts). */
const COUNT_KEY = { json: stateKey([null]), binary: binaryStateKey([NullType], [null]) } as const;

export class StreamingLimitExec implements ExecutionPlan {
  readonly name: string;
  readonly children: readonly ExecutionPlan[];

  /** `global`: the operator's id and batch context (append mode); absent: a per-batch limit. */
  constructor(
    readonly child: ExecutionPlan,
    readonly limit: number,
    readonly global?: { readonly operatorId: number; readonly state: StatefulContext },
  ) {
    this.children = [child];
    this.name = global ? "StreamingGlobalLimitExec" : "StreamingLocalLimitExec";
  }

  get schema(): StructType {
    return this.child.schema;
  }

  describe(): string {
    return `${this.name}: limit=${this.limit}`;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const g = this.global;
    const provider = g?.state.provider(g.operatorId, STATE_SCHEMA);
    const store = await provider?.getStore(g!.state.batchId);
    const t0 = performance.now();
    const countKey = COUNT_KEY[g?.state.stateKeyFormat ?? "binary"];
    const before = Number(store?.get(countKey)?.[0] ?? 0);
    let count = before;
    for await (const batch of this.child.execute(ctx)) {
      const take = Math.min(this.limit - count, batch.numRows);
      if (take <= 0) continue; // keep draining
      count += take;
      yield take === batch.numRows ? batch : sliceBatch(batch, 0, take);
    }
    if (!g || !provider || !store) return;
    const updated = count > before;
    if (updated) store.put(countKey, [count]);
    const updateMs = performance.now() - t0;
    await commitAndReport(g.state, g.operatorId, provider, store, { operatorName: "globalLimit", numRowsUpdated: updated ? 1 : 0, updateMs, removalMs: 0, droppedByWatermark: 0 });
  }
}
