/**
 * groupByKey(fn).flatMapGroupsWithState / mapGroupsWithState over a stream (Spark's
 * FlatMapGroupsWithStateExec). State per key: [...state fields, exists, timeoutTimestampMs]
 * under the text of the key. Per micro-batch:
 *   1. with EventTimeTimeout and a watermark, input rows whose event time is ≤ the previous
 *      batch's watermark are dropped as late (numRowsDroppedByWatermark);
 *   2. the batch's rows are grouped by key; the function runs once per key with its rows and state;
 *   3. with a timeout, every stored key whose timeout is earlier than the batch time
 *      (ProcessingTimeTimeout) or this batch's watermark (EventTimeTimeout) runs once more with
 *      no rows and hasTimedOut — also in batches without new data;
 *   4. after each call, as in Spark: a removed state without a timeout is deleted
 *      (numRowsRemoved, counted even when the key had no state yet); otherwise it is written when updated, removed or its timeout changed
 *      (numRowsUpdated). The store commits with the batch; a failing call fails the batch and
 *      leaves nothing committed.
 */
import { type ColumnBatch, batchFromRows, batchToRows, getValue, makeBatch, vectorFromValues } from "../../columnar/column-batch.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { GroupStateImpl, callGroupFunction, decodeGroupKey, encodeGroupKey } from "../../physical/operators/group-state.js";
import type { GroupsWithStateSpec, Row } from "../../plan/groups-with-state.js";
import { StructType } from "../../types/struct-type.js";
import type { StateStore, StateValue } from "../state/state-store.js";
import { atOrBelowWatermark, eventTimeUs } from "./event-time.js";
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
    const groups = new Map<string, { key: unknown; rows: Row[] }>();
    let dropped = 0;
    const dropLate = spec.timeout === "EventTimeTimeout" && state.hasWatermark && this.op.eventTimeIndex !== undefined;
    for await (const batch of this.child.execute(ctx)) {
      const rows = batchToRows(batch);
      for (let i = 0; i < rows.length; i++) {
        if (dropLate) {
          const t = eventTimeUs(batch.columns[this.op.eventTimeIndex!]!, i);
          if (t !== null && atOrBelowWatermark(t, state.lateEventsWatermarkMs)) {
            dropped++;
            continue;
          }
        }
        const key = spec.keyFn(rows[i]!);
        const k = encodeGroupKey(key);
        const g = groups.get(k);
        if (g) g.rows.push(rows[i]!);
        else groups.set(k, { key, rows: [rows[i]!] });
      }
    }

    const out: Row[] = [];
    let updated = 0;
    let removed = 0;
    const run = async (k: string, key: unknown, rows: Row[], stored: StateValue | undefined, hasTimedOut: boolean): Promise<void> => {
      const gs = new GroupStateImpl(stored && stored[stateSchema.fields.length] === true ? decodeState(stateSchema, stored) : undefined, {
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
        store.put(k, [...(gs.exists ? encodeState(stateSchema, gs.get(), k) : stateSchema.fields.map(() => null)), gs.exists, newTimeout]);
        updated++;
      }
    };
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

/** A state object (as the user sees rows) → engine values in the state schema. */
function encodeState(schema: StructType, value: Row, key: string): unknown[] {
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`The state of key ${key} must be an object with the fields of the state schema (${schema.simpleString()}), got ${Array.isArray(value) ? "an array" : typeof value}`);
  }
  const b = batchFromRows(schema, [value]);
  return b.columns.map((c) => getValue(c, 0));
}

function decodeState(schema: StructType, stored: StateValue): Row {
  return batchToRows(makeBatch(schema, schema.fields.map((f, i) => vectorFromValues(f.type, [stored[i]])), 1))[0]!;
}
