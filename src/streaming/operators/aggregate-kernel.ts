/**
 * The per-partition work of a streaming aggregation, the same on the main thread (every
 * partition) and in a partition worker (the partitions that thread owns, parallel/):
 *   1. `process`: the batch's rows, already evaluated into group key vectors, each aggregate's
 *      argument vectors and its FILTER mask, are grouped (typed hash tables); a group seen for
 *      the first time in this batch first merges its stored partial state, then the rows are
 *      folded in (so first/last keep order);
 *   2. `finish`: write every touched group's partial state back to its partition's store, then
 *      give the group buffers the output mode asks for — the touched groups (update), every stored
 *      group (complete), the groups at or below the watermark, which are evicted (append and
 *      update; only append outputs them) — store by store, in the order the stores are given.
 * A group lives in the partition Spark's hash of the group key columns picks (hashPartitionOf).
 * The result expressions, which may call user code, are evaluated by the caller on the main
 * thread over these buffers (aggregate-state.ts).
 *
 * An aggregate crosses to a worker as its wire layout: aggregate functions by name (all are
 * built in; their literal arguments must be plain data), types as JSON.
 */
import { type ColumnBatch, getValue, maskToIndices, take } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import type { OutputMode } from "../../connectors/api/sink.js";
import { lookupAggregateFunction } from "../../expr/aggregates/registry.js";
import type { EvalContext, GroupAccumulator } from "../../expr/function-types.js";
import { GroupKeyEncoder } from "../../physical/hash/group-key-encoder.js";
import { hashPartitionIds } from "../../physical/hash/hash-partitioning.js";
import type { DataType } from "../../types/data-type.js";
import { dataTypeFromJson, dataTypeToJson } from "../../types/json-schema.js";
import type { StateKeyFormat, StateStore, StateValue } from "../state/state-store.js";
import { type AggregateLayout, groupBuffer, mergeStateRows, newAccumulators, storedGroupBuffer } from "./aggregate-state.js";
import { atOrBelowWatermark } from "./event-time.js";
import { stateKeysOf } from "./state-key.js";

/** Which group key carries event time: a timestamp key, or a window struct (its end counts). */
export interface EventTimeKey {
  readonly index: number;
  readonly kind: "timestamp" | "window";
}

/** How a batch ends for the aggregation's state. */
export interface AggregateEnd {
  readonly mode: OutputMode;
  /** Evict the stored groups whose event-time key is at or below this watermark (ms); null: none. */
  readonly evictAtOrBelowMs: number | null;
  readonly eventTimeKey: EventTimeKey | undefined;
}

/** Group buffers to output: the touched groups (update mode), and stored groups per store given. */
export interface AggregateOutput {
  readonly touched: ColumnBatch | null;
  readonly stored: readonly ColumnBatch[];
}

export class AggregateKernel {
  readonly #encoder: GroupKeyEncoder;
  readonly #accs: GroupAccumulator[];
  readonly #keyTypes: readonly DataType[];
  /** Per group id, in first-seen order: key values, state key, partition. */
  readonly #keyRows: unknown[][] = [];
  readonly #keyStrings: string[] = [];
  readonly #keyPartitions: number[] = [];

  constructor(
    readonly layout: AggregateLayout,
    readonly numPartitions: number,
    /** The store of a partition (this thread owns every partition its groups hash to). */
    private readonly partition: (p: number) => StateStore,
    private readonly ctx: { readonly eval: EvalContext },
    /** How state keys are encoded (pinned in the checkpoint). */
    private readonly keyFormat: StateKeyFormat,
  ) {
    this.#keyTypes = layout.groupBy.map((e) => e.type);
    this.#encoder = new GroupKeyEncoder(this.#keyTypes, { keepKeys: false });
    this.#accs = newAccumulators(layout, ctx);
  }

  /** The groups touched so far in this batch. */
  get numGroups(): number {
    return this.#keyRows.length;
  }

  /** Fold rows into their groups: each aggregate gets its argument vectors, and its FILTER mask (null: every row). Returns each row's group id. */
  process(keyVecs: readonly Vector[], args: readonly (readonly Vector[])[], masks: readonly (Uint8Array | null)[], numRows: number): Int32Array {
    const { layout } = this;
    const before = this.#encoder.numGroups;
    const gids = this.#encoder.encode(keyVecs, numRows);
    const newGids: number[] = [];
    const newRows: StateValue[] = [];
    const keyOf = stateKeysOf(this.keyFormat, keyVecs);
    const parts = this.#encoder.numGroups > before ? hashPartitionIds(keyVecs, numRows, this.numPartitions) : null;
    for (let i = 0; i < numRows; i++) {
      const gid = gids[i]!;
      if (gid < before || gid < this.#keyRows.length) continue;
      const values = keyVecs.map((v) => getValue(v, i));
      const key = keyOf(i);
      const part = parts![i]!;
      this.#keyRows.push(values);
      this.#keyStrings.push(key);
      this.#keyPartitions.push(part);
      const stored = this.partition(part).get(key);
      if (stored) {
        newGids.push(gid);
        newRows.push(stored);
      }
    }
    const n = this.#keyRows.length;
    mergeStateRows(layout, this.#accs, newGids, newRows, n);
    layout.aggs.forEach((_, a) => {
      const mask = masks[a] ?? null;
      if (mask === null) {
        this.#accs[a]!.update(gids, args[a]!, numRows, n);
        return;
      }
      const ix = maskToIndices(mask);
      const subIds = new Int32Array(ix.length);
      for (let j = 0; j < ix.length; j++) subIds[j] = gids[ix[j]!]!;
      this.#accs[a]!.update(subIds, args[a]!.map((v) => take(v, ix)), ix.length, n);
    });
    return gids;
  }

  /** Write the touched groups' partial state back, then give the output `end.mode` asks for over `stores` (in that order). */
  async finish(stores: readonly StateStore[], end: AggregateEnd): Promise<AggregateOutput> {
    const { layout, ctx } = this;
    const n = this.#keyRows.length;
    const states = this.#accs.map((a) => a.state(n));
    for (let g = 0; g < n; g++) {
      const row: unknown[] = [...this.#keyRows[g]!];
      for (const vs of states) for (const v of vs) row.push(getValue(v, g));
      this.partition(this.#keyPartitions[g]!).put(this.#keyStrings[g]!, row);
    }
    const touched = end.mode === "update" ? groupBuffer(layout, this.#accs, this.#keyRows) : null;
    const stored: ColumnBatch[] = [];
    if (end.mode === "complete") {
      for (const s of stores) stored.push(await storedGroupBuffer(layout, [s], ctx, () => true, false));
    } else if (end.evictAtOrBelowMs !== null && end.eventTimeKey !== undefined) {
      const wm = end.evictAtOrBelowMs;
      const k = end.eventTimeKey;
      // A state value starts with the group's key values.
      const expired = (v: StateValue): boolean => {
        const t = groupEventTimeUs(k, v);
        return t !== undefined && atOrBelowWatermark(t, wm);
      };
      for (const s of stores) {
        const evicted = await storedGroupBuffer(layout, [s], ctx, expired, true);
        if (end.mode === "append") stored.push(evicted);
      }
    }
    return { touched, stored };
  }
}

/** The event time (µs) of a group: its timestamp key, or its window key's end. */
function groupEventTimeUs(k: EventTimeKey, keyValues: readonly unknown[]): number | undefined {
  const v = keyValues[k.index];
  if (v === null || v === undefined) return undefined;
  return k.kind === "window" ? (v as { end: number }).end : (v as number);
}

/** An aggregate's layout as plain data, for a partition worker. */
export interface AggregateLayoutWire {
  readonly keyTypes: readonly unknown[];
  readonly aggs: readonly {
    readonly fn: string;
    readonly argTypes: readonly unknown[];
    readonly distinct: boolean;
    readonly ignoreNulls: boolean;
    readonly type: unknown;
    readonly stateTypes: readonly unknown[];
    readonly literals: readonly unknown[];
  }[];
}

/** The wire form of a layout, or null when it cannot run in a worker (a function not found by its name, a literal that is not plain data). */
export function aggregateLayoutToWire(node: AggregateLayout): AggregateLayoutWire | null {
  if (!node.aggs.every((a) => lookupAggregateFunction(a.fn.name) === a.fn && a.literals.every(isPlainData))) return null;
  return {
    keyTypes: node.groupBy.map((e) => dataTypeToJson(e.type)),
    aggs: node.aggs.map((a) => ({
      fn: a.fn.name,
      argTypes: a.args.map((x) => dataTypeToJson(x.type)),
      distinct: a.distinct,
      ignoreNulls: a.ignoreNulls,
      type: dataTypeToJson(a.type),
      stateTypes: a.stateTypes.map(dataTypeToJson),
      literals: a.literals,
    })),
  };
}

export function aggregateLayoutFromWire(w: AggregateLayoutWire): AggregateLayout {
  const type = (j: unknown): DataType => dataTypeFromJson(j) as DataType;
  return {
    groupBy: w.keyTypes.map((j) => ({ type: type(j) })),
    aggs: w.aggs.map((a) => ({
      fn: lookupAggregateFunction(a.fn)!,
      args: a.argTypes.map((j) => ({ type: type(j) })),
      distinct: a.distinct,
      ignoreNulls: a.ignoreNulls,
      type: type(a.type),
      stateTypes: a.stateTypes.map(type),
      literals: a.literals,
    })),
  };
}

/** Values that structured clone carries unchanged: primitives, and arrays of them. */
function isPlainData(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.every(isPlainData);
  return ["string", "number", "bigint", "boolean"].includes(typeof v);
}
