/**
 * Streaming aggregation over session windows (Spark's SessionWindowStateStoreRestoreExec +
 * MergingSessionsExec + SessionWindowStateStoreSaveExec in one operator). The session key of
 * each input row is its own session struct<start, end> = (ts, ts + gap). State holds one entry
 * per (other keys, session start), as Spark: the group key values (session struct included)
 * followed by every aggregate's partial state; the other keys come first in the state key, so
 * a prefix scan finds a group's sessions. Per batch:
 *   1. drop late rows (their session ends ≤ the previous batch's watermark), counting them;
 *   2. fold every new row into its own partial state (one columnar pass);
 *   3. per group, sort stored sessions and new rows by start and merge every run whose start is
 *      ≤ the running end (an event exactly at a session's end joins it, as in Spark), merging
 *      the partial states in start order (so first/last match Spark); a run that took new rows
 *      is written back and the stored sessions it absorbed under another start are removed;
 *   4. output by mode — complete: every session; append: the sessions whose end is ≤ this
 *      batch's watermark, then evicted (update mode, which Spark rejects for session windows
 *      and streaming-checks.ts does too, would emit the runs that took new rows).
 * numRowsUpdated counts every session of a touched group, as Spark's metric does.
 *
 * Keys and partitions follow the checkpoint's pinned key format (state-key.ts). `binary`: the
 * other keys' binary form and the start as a TIMESTAMP column, in the partition
 * pmod(murmur3(other keys), n) — Spark's HashPartitioning of the keys without the session — so a
 * group's sessions share one partition and a prefix scan reads that partition only. `json`
 * (checkpoints from before): the JSON text of [...other keys, start], placed by Murmur3 of that
 * text (stringPartitionOf), a group's sessions spread over partitions and scanned in all.
 */
import { type ColumnBatch, filterBatch, getValue } from "../../columnar/column-batch.js";
import { compileExpr } from "../../expr/compile.js";
import type { CompiledExpr, GroupAccumulator } from "../../expr/function-types.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { GroupKeyEncoder } from "../../physical/hash/group-key-encoder.js";
import { hashPartitionOf, stringPartitionOf } from "../../physical/hash/hash-partitioning.js";
import type { RAggregate } from "../../plan/resolved-plan.js";
import { StructType } from "../../types/struct-type.js";
import type { DataType } from "../../types/data-type.js";
import type { PartitionedStateStore } from "../state/partitioned-state-store.js";
import type { StateStore, StateValue } from "../state/state-store.js";
import { aggregateOutputSchema, aggregateStateSchema, describeAggregate, emitStoredGroups, evaluateGroups, mergeStateRows, newAccumulators } from "./aggregate-state.js";
import { atOrBelowWatermark } from "./event-time.js";
import { type StatefulContext, commitAndReport } from "./stateful-context.js";
import { binaryStateKey, stateKey } from "./state-key.js";

export interface SessionAggregateSpec {
  readonly operatorId: number;
  readonly node: RAggregate;
  /** groupBy index of the session struct key. */
  readonly sessionKey: number;
}

type Session = { start: number; end: number };

/** One item to merge: a stored session (state row) or a new input row. */
interface Item {
  readonly start: number;
  readonly end: number;
  readonly stored?: StateValue;
  readonly storedKey?: string;
  readonly storedPartition?: number;
  /** A new row's slot: its own partial state in the per-row pass. */
  readonly slot?: number;
}

/** Where one group's sessions live (SessionWindowAggregateExec.addressing). */
interface GroupAddress {
  readonly prefix: string;
  key(start: number): string;
  partition(key: string): number;
  /** What a prefix scan for the group reads: its partition, or every partition. */
  readonly scan: StateStore;
}

export class SessionWindowAggregateExec implements ExecutionPlan {
  readonly name = "SessionWindowAggregateExec";
  readonly children: readonly ExecutionPlan[];
  readonly schema: StructType;

  constructor(
    readonly child: ExecutionPlan,
    readonly spec: SessionAggregateSpec,
    readonly state: StatefulContext,
  ) {
    this.children = [child];
    this.schema = aggregateOutputSchema(spec.node);
  }

  describe(): string {
    return describeAggregate("SessionWindowAggregateExec", this.spec.node, this.state.outputMode);
  }

  /**
   * How a group (its other keys) addresses its sessions: the key prefix they share, the state
   * key of a session start, and the one partition holding them all, or null (json: any partition).
   */
  private addressing(store: PartitionedStateStore): (others: readonly unknown[]) => GroupAddress {
    const n = store.numPartitions;
    if (this.state.stateKeyFormat === "binary") {
      const types: DataType[] = this.spec.node.groupBy.filter((_, i) => i !== this.spec.sessionKey).map((e) => e.type);
      const startType: DataType[] = [{ kind: "timestamp" }];
      return (others) => {
        const prefix = binaryStateKey(types, others);
        const p = hashPartitionOf(types, others, n);
        return { prefix, key: (start) => prefix + binaryStateKey(startType, [start]), partition: () => p, scan: store.partition(p) };
      };
    }
    return (others) => ({
      prefix: others.length === 0 ? "[" : stateKey(others).slice(0, -1) + ",",
      key: (start) => stateKey([...others, start]),
      partition: (key) => stringPartitionOf(key, n),
      scan: store,
    });
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const { spec, state } = this;
    const node = spec.node;
    const sk = spec.sessionKey;
    // Every access names its partition (addressing; eviction goes partition by partition).
    const provider = state.provider(spec.operatorId, aggregateStateSchema(node), undefined, null);
    const store = await provider.getStore(state.batchId);
    const address = this.addressing(store);
    const groupExprs = node.groupBy.map((e) => compileExpr(e, ctx.eval));
    const argExprs = node.aggs.map((a) => a.args.map((e) => compileExpr(e, ctx.eval)));
    const filters = node.aggs.map((a) => (a.filter ? compileExpr(a.filter, ctx.eval) : null));
    const result = node.resultExprs.map((e) => compileExpr(e, ctx.eval));
    const t0 = performance.now();

    // 1. collect the batch's rows per group (other keys), dropping late ones
    const batches: ColumnBatch[] = [];
    const slots: Int32Array[] = [];
    let nSlots = 0;
    // Dense ids for the other keys from typed hash tables; a group's key row is built once.
    const otherIdx = node.groupBy.map((_, i) => i).filter((i) => i !== sk);
    const encoder = otherIdx.length > 0 ? new GroupKeyEncoder(otherIdx.map((i) => node.groupBy[i]!.type), { keepKeys: false }) : null;
    const groupList: { others: unknown[]; items: Item[]; address?: GroupAddress }[] = [];
    let dropped = 0;
    for await (const input of this.child.execute(ctx)) {
      if (input.numRows === 0) continue;
      const keyVecs = groupExprs.map((g) => g(input));
      batches.push(input);
      const slot = new Int32Array(input.numRows).fill(-1);
      slots.push(slot);
      const gids = encoder ? encoder.encode(otherIdx.map((j) => keyVecs[j]!), input.numRows) : new Int32Array(input.numRows);
      for (let i = 0; i < input.numRows; i++) {
        const gid = gids[i]!;
        if (gid === groupList.length) groupList.push({ others: otherIdx.map((j) => getValue(keyVecs[j]!, i)), items: [] });
        const s = getValue(keyVecs[sk]!, i) as Session | null;
        if (s === null) continue;
        if (state.hasWatermark && atOrBelowWatermark(s.end, state.lateEventsWatermarkMs)) {
          dropped++;
          continue;
        }
        const g = groupList[gid]!;
        slot[i] = nSlots;
        g.items.push({ start: s.start, end: s.end, slot: nSlots++ });
      }
    }
    if (dropped > 0 && state.lateRows) this.reportLate(batches, groupExprs);

    // 2-3. every new row's partial state first (one columnar pass), so that stored sessions and
    // rows can be merged in start order (first/last follow it, as in Spark); then merge sessions
    // per group; clusters with new rows get a dense id
    const rowAccs = newAccumulators(node, ctx);
    batches.forEach((batch, b) => this.fold(rowAccs, batch, slots[b]!, nSlots, argExprs, filters));
    const rowStates = rowAccs.map((a) => a.state(nSlots));
    const nk = node.groupBy.length;
    const rowState = (slot: number): StateValue => {
      const r: unknown[] = new Array<unknown>(nk).fill(null);
      for (const vs of rowStates) for (const v of vs) r.push(getValue(v, slot));
      return r;
    };
    const accs = newAccumulators(this.spec.node, ctx);
    const outKeys: unknown[][] = [];
    const outAddress: GroupAddress[] = [];
    const mergeIds: number[] = [];
    const mergeRows: StateValue[] = [];
    const replaced = new Map<string, number>();
    // As in Spark, every session of a touched group counts as updated (Spark rewrites the group).
    let updated = 0;
    for (const g of groupList) {
      const items = g.items;
      if (items.length === 0) continue; // only late rows
      const ga = address(g.others);
      for await (const [k, v] of ga.scan.prefixScan(ga.prefix)) {
        const s = v[sk] as Session;
        items.push({ start: s.start, end: s.end, stored: v, storedKey: k, storedPartition: ga.partition(k) });
      }
      items.sort((a, b) => a.start - b.start);
      for (let i = 0; i < items.length; ) {
        let j = i + 1;
        let end = items[i]!.end;
        while (j < items.length && items[j]!.start <= end) end = Math.max(end, items[j++]!.end);
        const run = items.slice(i, j);
        i = j;
        updated++;
        if (run.every((x) => x.stored)) continue; // untouched stored session
        const gid = outKeys.length;
        const keys = [...g.others];
        keys.splice(sk, 0, { start: run[0]!.start, end });
        outKeys.push(keys);
        outAddress.push(ga);
        for (const x of run) {
          mergeIds.push(gid);
          mergeRows.push(x.stored ?? rowState(x.slot!));
          if (x.stored) replaced.set(x.storedKey!, x.storedPartition!);
        }
      }
    }
    const n = outKeys.length;
    mergeStateRows(node, accs, mergeIds, mergeRows, n);
    const states = accs.map((a) => a.state(n));
    for (let g = 0; g < n; g++) {
      const row: unknown[] = [...outKeys[g]!];
      for (const vs of states) for (const v of vs) row.push(getValue(v, g));
      const ga = outAddress[g]!;
      const key = ga.key((outKeys[g]![sk] as Session).start);
      replaced.delete(key);
      store.partition(ga.partition(key)).put(key, row);
    }
    // Sessions merged into one with another start are gone.
    for (const [k, p] of replaced) store.partition(p).remove(k);
    const updateMs = performance.now() - t0;

    // 4. output by mode, evict
    const t1 = performance.now();
    const mode = state.outputMode;
    if (mode === "update" && n > 0) yield evaluateGroups(node, this.schema, accs, outKeys, result);
    if (mode === "complete") yield await emitStoredGroups(node, this.schema, store, ctx, result, () => true, false);
    if (state.hasWatermark && mode !== "complete") {
      const wm = state.evictionWatermarkMs;
      const expired = (v: StateValue): boolean => atOrBelowWatermark((v[sk] as Session).end, wm);
      const out = await emitStoredGroups(node, this.schema, store, ctx, result, expired, true);
      if (mode === "append" && out.numRows > 0) yield out;
    }
    const removalMs = performance.now() - t1;
    await commitAndReport(state, spec.operatorId, provider, store, { operatorName: "sessionWindowStateStoreSaveExec", numRowsUpdated: updated, updateMs, removalMs, droppedByWatermark: dropped });
  }

  /** Fold a batch's rows into groups `ids` (rows with id -1 were dropped). */
  private fold(accs: GroupAccumulator[], batch: ColumnBatch, ids: Int32Array, n: number, argExprs: CompiledExpr[][], filters: (CompiledExpr | null)[]): void {
    const keep = new Uint8Array(batch.numRows);
    for (let i = 0; i < ids.length; i++) if (ids[i]! >= 0) keep[i] = 1;
    this.spec.node.aggs.forEach((_, a) => {
      const filter = filters[a];
      const mask = keep.slice();
      if (filter) {
        const fv = filter(batch);
        for (let i = 0; i < mask.length; i++) if (!(fv.values[i] === 1 && (fv.validity === null || fv.validity[i] === 1))) mask[i] = 0;
      }
      const sub = filterBatch(batch, mask);
      if (sub.numRows === 0) return;
      const subIds = ids.filter((_, i) => mask[i] === 1);
      accs[a]!.update(subIds, argExprs[a]!.map((f) => f(sub)), sub.numRows, n);
    });
  }

  private reportLate(batches: readonly ColumnBatch[], groupExprs: CompiledExpr[]): void {
    const sk = this.spec.sessionKey;
    for (const batch of batches) {
      const sv = groupExprs[sk]!(batch);
      const late = new Uint8Array(batch.numRows);
      let any = false;
      for (let i = 0; i < batch.numRows; i++) {
        const s = getValue(sv, i) as Session | null;
        if (s !== null && atOrBelowWatermark(s.end, this.state.lateEventsWatermarkMs)) late[i] = 1;
        any ||= late[i] === 1;
      }
      if (any) this.state.lateRows!(this.spec.operatorId, filterBatch(batch, late));
    }
  }

}
