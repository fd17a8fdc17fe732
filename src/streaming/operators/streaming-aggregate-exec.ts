/**
 * Streaming aggregation (Spark's StateStoreRestoreExec + StateStoreSaveExec in one operator).
 * State per group: the group key values followed by every aggregate's partial state. Per batch:
 *   1. in append and update mode, drop the rows of late groups — groups whose event-time key (a
 *      timestamp key, or a window key's end) is ≤ the previous batch's watermark — counting the
 *      groups, as Spark's StateStoreSaveExec filters its merged per-group rows with the watermark
 *      predicate on the grouping key. A row older than the watermark therefore still counts while
 *      its window is open; an aggregation without an event-time key drops nothing, and complete
 *      mode never drops (nor evicts) anything;
 *   2. group the batch's rows; a group seen for the first time in this batch first merges its
 *      stored partial state, then the batch's rows are folded in (so first/last keep order);
 *   3. write every touched group's partial state back;
 *   4. output by mode — complete: every group; update: the groups touched in this batch;
 *      append: the groups whose event-time key (a window's end, or a timestamp) is ≤ this batch's
 *      watermark, which are final — then evict groups at or below the watermark (not in complete);
 *   5. commit the stores and report state metrics.
 * A group's state lives in the shuffle partition Spark's hash of the group key columns picks.
 */
import { type ColumnBatch, filterBatch, getValue, makeBatch } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { compileExpr } from "../../expr/compile.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { GroupKeyEncoder } from "../../physical/hash/group-key-encoder.js";
import { hashPartitionOf } from "../../physical/hash/hash-partitioning.js";
import type { RAggregate } from "../../plan/resolved-plan.js";
import { StructType } from "../../types/struct-type.js";
import type { StateValue } from "../state/state-store.js";
import { aggregateOutputSchema, aggregateStateSchema, describeAggregate, emitStoredGroups, evaluateGroups, mergeStateRows, newAccumulators } from "./aggregate-state.js";
import { atOrBelowWatermark, lateMask } from "./event-time.js";
import { type StatefulContext, commitAndReport } from "./stateful-context.js";
import { stateKey } from "./state-key.js";

export interface AggregateSpec {
  readonly operatorId: number;
  readonly node: RAggregate;
  /** Which group key carries event time: a timestamp key, or a window struct (its end counts). */
  readonly eventTimeKey: { readonly index: number; readonly kind: "timestamp" | "window" } | undefined;
}

export class StreamingAggregateExec implements ExecutionPlan {
  readonly name = "StreamingAggregateExec";
  readonly children: readonly ExecutionPlan[];
  readonly schema: StructType;

  constructor(
    readonly child: ExecutionPlan,
    readonly spec: AggregateSpec,
    readonly state: StatefulContext,
  ) {
    this.children = [child];
    this.schema = aggregateOutputSchema(spec.node);
  }

  describe(): string {
    return describeAggregate("StreamingAggregateExec", this.spec.node, this.state.outputMode);
  }

  /** The event time (µs) of a group: its timestamp key, or its window key's end. */
  private eventTimeUs(keyValues: readonly unknown[]): number | undefined {
    const k = this.spec.eventTimeKey;
    if (!k) return undefined;
    const v = keyValues[k.index];
    if (v === null || v === undefined) return undefined;
    return k.kind === "window" ? ((v as { end: number }).end) : (v as number);
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const { spec, state } = this;
    const node = spec.node;
    const provider = state.provider(spec.operatorId, aggregateStateSchema(node), "default", null);
    const store = await provider.getStore(state.batchId);
    const groupExprs = node.groupBy.map((e) => compileExpr(e, ctx.eval));
    const argExprs = node.aggs.map((a) => a.args.map((e) => compileExpr(e, ctx.eval)));
    const filters = node.aggs.map((a) => (a.filter ? compileExpr(a.filter, ctx.eval) : null));
    const result = node.resultExprs.map((e) => compileExpr(e, ctx.eval));
    const accs = newAccumulators(this.spec.node, ctx);
    const keyTypes = node.groupBy.map((e) => e.type);
    const encoder = new GroupKeyEncoder(keyTypes, { keepKeys: false });
    const keyRows: unknown[][] = [];
    const keyStrings: string[] = [];
    const keyPartitions: number[] = [];
    const lateGroups = new Set<string>();
    const dropsLate = state.hasWatermark && spec.eventTimeKey !== undefined && state.outputMode !== "complete";
    const t0 = performance.now();

    for await (const input of this.child.execute(ctx)) {
      let batch = input;
      let keyVecs = groupExprs.map((g) => g(batch));
      if (dropsLate) {
        const late = lateMask(keyVecs[spec.eventTimeKey!.index]!, batch.numRows, state.lateEventsWatermarkMs);
        if (late.count > 0) {
          for (let i = 0; i < batch.numRows; i++) if (late.mask[i] === 1) lateGroups.add(stateKey(keyVecs.map((v) => getValue(v, i))));
          state.lateRows?.(spec.operatorId, filterBatch(batch, late.mask));
          batch = filterBatch(batch, late.mask.map((x) => 1 - x));
          keyVecs = groupExprs.map((g) => g(batch));
        }
      }
      if (batch.numRows === 0) continue;
      // Dense group ids from typed hash tables; the state key string is built once per new group.
      const before = encoder.numGroups;
      const gids = encoder.encode(keyVecs, batch.numRows);
      const newGids: number[] = [];
      const newRows: StateValue[] = [];
      for (let i = 0; i < batch.numRows; i++) {
        const gid = gids[i]!;
        if (gid < before || gid < keyRows.length) continue;
        const values = keyVecs.map((v) => getValue(v, i));
        const key = stateKey(values);
        keyRows.push(values);
        keyStrings.push(key);
        const part = hashPartitionOf(keyTypes, values, store.numPartitions);
        keyPartitions.push(part);
        const stored = store.partition(part).get(key);
        if (stored) {
          newGids.push(gid);
          newRows.push(stored);
        }
      }
      mergeStateRows(node, accs, newGids, newRows, keyRows.length);
      node.aggs.forEach((_, a) => {
        const args: Vector[] = argExprs[a]!.map((f) => f(batch));
        const filter = filters[a];
        if (!filter) {
          accs[a]!.update(gids, args, batch.numRows, keyRows.length);
          return;
        }
        const mask = filter(batch);
        const sub = filterBatch(makeBatch(new StructType(args.map((v, j) => ({ name: `x${j}`, type: v.type, nullable: true }))), args, batch.numRows), maskFrom(mask));
        const subIds = Int32Array.from(gids.filter((_, i) => mask.values[i] === 1 && (mask.validity === null || mask.validity[i] === 1)));
        accs[a]!.update(subIds, sub.columns, sub.numRows, keyRows.length);
      });
    }

    // 3. write back the touched groups' partial state
    const n = keyRows.length;
    const states = accs.map((a) => a.state(n));
    for (let g = 0; g < n; g++) {
      const row: unknown[] = [...keyRows[g]!];
      for (const vs of states) for (const v of vs) row.push(getValue(v, g));
      store.partition(keyPartitions[g]!).put(keyStrings[g]!, row);
    }
    const updateMs = performance.now() - t0;

    // 4. output by mode, 5. evict
    const t1 = performance.now();
    const mode = state.outputMode;
    if (mode === "update" && n > 0) yield evaluateGroups(node, this.schema, accs, keyRows, result);
    if (mode === "complete") yield await emitStoredGroups(node, this.schema, store, ctx, result, () => true, false);
    if (state.hasWatermark && spec.eventTimeKey && mode !== "complete") {
      const wm = state.evictionWatermarkMs;
      // A state value starts with the group's key values.
      const expired = (v: StateValue): boolean => {
        const t = this.eventTimeUs(v);
        return t !== undefined && atOrBelowWatermark(t, wm);
      };
      const out = await emitStoredGroups(node, this.schema, store, ctx, result, expired, true);
      if (mode === "append" && out.numRows > 0) yield out;
    }
    const removalMs = performance.now() - t1;
    await commitAndReport(state, spec.operatorId, provider, store, { operatorName: "stateStoreSave", numRowsUpdated: n, updateMs, removalMs, droppedByWatermark: lateGroups.size });
  }
}

function maskFrom(v: Vector): Uint8Array {
  const m = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) m[i] = v.values[i] === 1 && (v.validity === null || v.validity[i] === 1) ? 1 : 0;
  return m;
}
