/**
 * groupByKey(fn).flatMapGroupsWithState / mapGroupsWithState over a stream (Spark's
 * FlatMapGroupsWithStateExec). State per key: [...state fields, exists, timeoutTimestampMs]
 * under the text of the key. Per micro-batch:
 *   1. with EventTimeTimeout and a watermark, input rows whose event time is ≤ the previous
 *      batch's watermark are dropped as late (numRowsDroppedByWatermark);
 *   2. the batch's rows are grouped by key; the function runs once per key with its rows and state
 *      (in batch 0 with an initial state, its keys start with that state and are all called);
 *   3. with a timeout, every stored key whose timeout is earlier than the batch time
 *      (ProcessingTimeTimeout) or this batch's watermark (EventTimeTimeout) runs once more with
 *      no rows and hasTimedOut — also in batches without new data;
 *   4. after each call, as in Spark: a removed state without a timeout is deleted
 *      (numRowsRemoved, counted even when the key had no state yet); otherwise it is written when updated, removed or its timeout changed
 *      (numRowsUpdated). The store commits with the batch; a failing call fails the batch and
 *      leaves nothing committed.
 */
import { type ColumnBatch, batchFromRows } from "../../columnar/column-batch.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { GroupStateImpl, callGroupFunction, decodeGroupKey, loadInitialState, rowToStateValue, stateValueToRow } from "../../physical/operators/group-state.js";
import type { GroupsWithStateSpec, Row } from "../../plan/groups-with-state.js";
import { StructType } from "../../types/struct-type.js";
import type { StateStore, StateValue } from "../state/state-store.js";
import { groupRowsByKey } from "./group-rows-by-key.js";
import { type StatefulContext, commitAndReport } from "./stateful-context.js";

export interface GroupsWithStateExecSpec {
  readonly operatorId: number;
  readonly spec: GroupsWithStateSpec;
  /** The input's watermarked event-time column, if any. */
  readonly eventTimeIndex: number | undefined;
}

export class FlatMapGroupsWithStateExec implements ExecutionPlan {
  readonly name = "FlatMapGroupsWithStateExec";
  readonly children: readonly ExecutionPlan[];
  readonly schema: StructType;

  constructor(
    readonly child: ExecutionPlan,
    readonly op: GroupsWithStateExecSpec,
    readonly state: StatefulContext,
  ) {
    this.children = [child];
    this.schema = op.spec.outputSchema;
  }

  describe(): string {
    const s = this.op.spec;
    return `${this.name}: ${s.isMap ? "mapGroupsWithState" : "flatMapGroupsWithState"}, ${s.outputMode}, ${s.timeout}, state=${s.stateSchema.simpleString()}`;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const { spec } = this.op;
    const { state } = this;
    const stateSchema = spec.stateSchema;
    const valueSchema = new StructType([
      ...stateSchema.fields.map((f) => ({ ...f, nullable: true })),
      { name: "__exists", type: { kind: "boolean" }, nullable: false },
      { name: "__timeoutTimestampMs", type: { kind: "double" }, nullable: true },
    ]);
    const provider = state.provider(this.op.operatorId, { keySchema: StructType.fromDDL("key STRING"), valueSchema });
    const store = await provider.getStore(state.batchId);
    const batchTimestampMs = Math.floor(ctx.eval.currentTimestampUs / 1000);
    const watermarkMs = state.hasWatermark ? state.evictionWatermarkMs : undefined;
    const t0 = performance.now();

    // 1–2. Group the batch's rows by key (first-seen order), dropping late rows.
    const dropLate = spec.timeout === "EventTimeTimeout" && state.hasWatermark && this.op.eventTimeIndex !== undefined;
    const { groups, dropped } = await groupRowsByKey(this.child.execute(ctx), spec.keyFn, dropLate ? { eventTimeIndex: this.op.eventTimeIndex!, watermarkMs: state.lateEventsWatermarkMs } : undefined);

    const out: Row[] = [];
    let updated = 0;
    let removed = 0;
    const run = async (k: string, key: unknown, rows: Row[], stored: StateValue | undefined, hasTimedOut: boolean): Promise<void> => {
      const gs = new GroupStateImpl(stored && stored[stateSchema.fields.length] === true ? stateValueToRow(stateSchema, stored) : undefined, {
        timeout: spec.timeout,
        batchTimestampMs,
        watermarkMs,
        hasTimedOut,
        isMap: spec.isMap,
      });
      await callGroupFunction(spec, key, rows, gs, out);
      const oldTimeout = (stored?.[stateSchema.fields.length + 1] as number | null | undefined) ?? null;
      const newTimeout = gs.timeoutTimestampMs ?? null;
      if (gs.isRemoved && newTimeout === null) {
        // Spark counts the removal even when the key had no stored state (PySpark 4.0.1 golden).
        if (stored !== undefined) store.remove(k);
        removed++;
      } else if (gs.isUpdated || gs.isRemoved || newTimeout !== oldTimeout) {
        store.put(k, [...(gs.exists ? rowToStateValue(stateSchema, gs.get(), `The state of key ${k}`) : stateSchema.fields.map(() => null)), gs.exists, newTimeout]);
        updated++;
      }
    };
    // Spark 3.2+'s initial state, in the query's first batch: it becomes the keys' state, and every
    // key in it is called in this batch, with or without rows.
    if (spec.initialState && state.batchId === 0) {
      for (const [k, init] of await loadInitialState(spec)) {
        store.put(k, [...rowToStateValue(stateSchema, init.state, `The initial state of key ${k}`), true, null]);
        if (!groups.has(k)) groups.set(k, { key: init.key, rows: [] });
      }
    }
    for (const [k, g] of groups) await run(k, g.key, g.rows, store.get(k), false);

    // 3. Timeouts, in batches with and without data.
    const threshold = spec.timeout === "ProcessingTimeTimeout" ? batchTimestampMs : spec.timeout === "EventTimeTimeout" ? watermarkMs : undefined;
    if (threshold !== undefined) {
      for (const [k, v] of await timedOut(store, stateSchema.fields.length + 1, threshold)) await run(k, decodeGroupKey(k), [], v, true);
    }
    if (spec.timeout !== "NoTimeout") state.nextTimeout?.(this.op.operatorId, await earliestTimeout(store, stateSchema.fields.length + 1));
    const updateMs = performance.now() - t0;
    if (out.length > 0) yield batchFromRows(spec.outputSchema, out);
    await commitAndReport(state, this.op.operatorId, provider, store, {
      operatorName: "flatMapGroupsWithState",
      numRowsUpdated: updated,
      numRowsRemoved: removed,
      updateMs,
      removalMs: 0,
      droppedByWatermark: dropped,
    });
  }
}

/** Stored keys whose timeout (value at `index`) is set and earlier than `thresholdMs`. */
async function timedOut(store: StateStore, index: number, thresholdMs: number): Promise<[string, StateValue][]> {
  const due: [string, StateValue][] = [];
  for await (const chunk of store.scanChunks()) for (const [k, v] of chunk) if (typeof v[index] === "number" && (v[index] as number) < thresholdMs) due.push([k, v]);
  return due;
}

async function earliestTimeout(store: StateStore, index: number): Promise<number | undefined> {
  let min: number | undefined;
  for await (const chunk of store.scanChunks()) for (const [, v] of chunk) if (typeof v[index] === "number" && (min === undefined || (v[index] as number) < min)) min = v[index] as number;
  return min;
}
