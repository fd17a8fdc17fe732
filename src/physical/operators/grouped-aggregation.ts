/**
 * The group table of a batch aggregation, shared by HashAggregateExec (one thread sees every
 * row) and the partial/final split (parallel-aggregate-exec.ts: workers fold pieces of the input
 * into partial buffers, the main thread merges them in piece order).
 *
 * 1. `update`: the batch's key vectors are encoded to dense group ids (GroupKeyEncoder; nulls
 *    form a group, NaN = NaN, -0.0 = 0.0); with grouping sets (rollup/cube) once per set, keys
 *    outside the set nulled and the set's index an extra hidden key. Each aggregate keeps the
 *    rows passing its FILTER; a DISTINCT one keeps the first row per (group, arguments).
 * 2. `partial` (partial mode): the groups' key values and every non-distinct aggregate's partial
 *    state (GroupAccumulator.state); a DISTINCT aggregate cannot merge states, so it gives its
 *    distinct (group, arguments) rows instead, as Spark plans a distinct aggregate over the keys
 *    plus the distinct columns.
 * 3. `merge` (final): a partial's keys are encoded into this table, states merged into the
 *    accumulators, distinct rows fed through this table's own distinct filter. Merging partials in
 *    input order gives the groups in the order one thread meets them, and order-sensitive
 *    aggregates (first, last, collect_list) the same values.
 * 4. `keyVectors` / `results`: the group buffer's columns.
 */
import { take } from "../../columnar/column-batch.js";
import { type Vector, constantVector, makeVector, nullVector } from "../../columnar/vector.js";
import type { AggregateFunction, EvalContext, GroupAccumulator } from "../../expr/function-types.js";
import { type DataType, IntegerType } from "../../types/data-type.js";
import { GroupKeyEncoder } from "../hash/group-key-encoder.js";

/** What the table needs of an aggregate call (an RAggCall is one). */
export interface AggregateSpec {
  readonly fn: AggregateFunction;
  readonly args: readonly { readonly type: DataType }[];
  readonly type: DataType;
  readonly distinct: boolean;
  readonly ignoreNulls: boolean;
  readonly literals: readonly (unknown | undefined)[];
}

/** A partial aggregation's buffers: per group its keys; per aggregate its states, or for a DISTINCT one its distinct rows (group id, then the arguments). */
export interface PartialAggregate {
  readonly numGroups: number;
  readonly keys: readonly Vector[];
  readonly aggs: readonly ({ readonly states: readonly Vector[] } | { readonly numRows: number; readonly groupIds: Int32Array; readonly args: readonly Vector[] })[];
}

export class GroupedAggregation {
  readonly #encoder: GroupKeyEncoder;
  readonly #accs: GroupAccumulator[];
  readonly #distinct: (GroupKeyEncoder | null)[];

  constructor(
    groupByTypes: readonly DataType[],
    aggs: readonly AggregateSpec[],
    evalCtx: EvalContext,
    private readonly groupingSets: readonly (readonly number[])[] | undefined,
    /** partial: DISTINCT aggregates keep their distinct rows for `partial()` (their accumulators are unused). */
    private readonly mode: "complete" | "partial",
  ) {
    const keyTypes = [...groupByTypes];
    if (groupingSets) keyTypes.push(IntegerType);
    this.#encoder = new GroupKeyEncoder(keyTypes);
    this.#accs = aggs.map((a) => a.fn.create(a.args.map((x) => x.type), a.type, evalCtx, { distinct: a.distinct, ignoreNulls: a.ignoreNulls, literals: a.literals }));
    this.#distinct = aggs.map((a) => (a.distinct ? new GroupKeyEncoder([IntegerType, ...a.args.map((x) => x.type)], { keepKeys: mode === "partial" }) : null));
  }

  get numGroups(): number {
    return this.#encoder.numGroups;
  }

  /** Fold `n` rows in: the group-by key vectors, each aggregate's argument vectors and FILTER mask (null: every row). */
  update(keyVecs: readonly Vector[], argVecs: readonly (readonly Vector[])[], masks: readonly (Uint8Array | null)[], n: number): void {
    const sets = this.groupingSets;
    const passes = sets ? sets.map((set, s) => [...keyVecs.map((v, k) => (set.includes(k) ? v : nullVector(v.type, n))), constantVector(IntegerType, s, n)]) : [keyVecs];
    for (const keys of passes) {
      const ids = this.#encoder.encode(keys, n);
      const numGroups = this.#encoder.numGroups;
      for (let a = 0; a < this.#accs.length; a++) {
        const distinct = this.#distinct[a]!;
        if (distinct !== null && this.mode === "partial") feedDistinctOnly(ids, argVecs[a]!, n, masks[a]!, distinct);
        else feed(this.#accs[a]!, ids, argVecs[a]!, n, numGroups, masks[a]!, distinct);
      }
    }
  }

  /** This table as a partial aggregate (partial mode). */
  partial(): PartialAggregate {
    const n = this.#encoder.numGroups;
    return {
      numGroups: n,
      keys: this.#encoder.keyVectors(),
      aggs: this.#accs.map((acc, a) => {
        const d = this.#distinct[a];
        if (!d) return { states: acc.state(n) };
        const [gids, ...args] = d.keyVectors();
        return { numRows: d.numGroups, groupIds: gids!.values as Int32Array, args };
      }),
    };
  }

  /** Merge a partial aggregate (final mode). */
  merge(p: PartialAggregate): void {
    if (p.numGroups === 0) return;
    const ids = this.#encoder.encode(p.keys, p.numGroups);
    const numGroups = this.#encoder.numGroups;
    p.aggs.forEach((part, a) => {
      if ("states" in part) {
        this.#accs[a]!.merge(ids, part.states, p.numGroups, numGroups);
        return;
      }
      const mapped = new Int32Array(part.numRows);
      for (let i = 0; i < part.numRows; i++) mapped[i] = ids[part.groupIds[i]!]!;
      feed(this.#accs[a]!, mapped, part.args, part.numRows, numGroups, null, this.#distinct[a]!);
    });
  }

  /** The group-by key values per group (the hidden grouping-set key left out). */
  keyVectors(numGroupBy: number): Vector[] {
    return this.#encoder.keyVectors().slice(0, numGroupBy);
  }

  /** Each aggregate's final values for groups 0..numGroups-1. */
  results(numGroups: number): Vector[] {
    return this.#accs.map((acc) => acc.evaluate(numGroups));
  }
}

/** The rows of `n` passing `mask` (null: every row, or all pass). */
function passing(mask: Uint8Array | null, n: number): Int32Array | null {
  if (mask === null) return null;
  let m = 0;
  for (let i = 0; i < n; i++) m += mask[i]!;
  if (m === n) return null;
  const rows = new Int32Array(m);
  for (let i = 0, j = 0; i < n; i++) if (mask[i] === 1) rows[j++] = i;
  return rows;
}

/** The first row of each (group, arguments) not seen before, among `rows` (null: all n). */
function firstDistinct(distinct: GroupKeyEncoder, ids: Int32Array, args: readonly Vector[], rows: Int32Array | null, n: number): number[] {
  const sub = rows === null ? ids : select(ids, rows);
  const subArgs = rows === null ? args : args.map((v) => take(v, rows));
  const count = sub.length;
  let next = distinct.numGroups;
  const pairIds = distinct.encode([makeVector(IntegerType, sub), ...subArgs], count);
  const firsts: number[] = [];
  for (let i = 0; i < count; i++) if (pairIds[i] === next) (firsts.push(rows === null ? i : rows[i]!), next++);
  return firsts;
}

/** Applies FILTER and DISTINCT, then folds the remaining rows into the accumulator. */
function feed(acc: GroupAccumulator, ids: Int32Array, args: readonly Vector[], n: number, numGroups: number, mask: Uint8Array | null, distinct: GroupKeyEncoder | null): void {
  let rows = passing(mask, n);
  if (distinct !== null) {
    const firsts = firstDistinct(distinct, ids, args, rows, n);
    if (firsts.length < n || rows !== null) rows = Int32Array.from(firsts);
  }
  if (rows === null) {
    acc.update(ids, args, n, numGroups);
    return;
  }
  const r = rows;
  acc.update(
    select(ids, r),
    args.map((v) => take(v, r)),
    r.length,
    numGroups,
  );
}

/** A partial DISTINCT aggregate only records its distinct (group, arguments) rows. */
function feedDistinctOnly(ids: Int32Array, args: readonly Vector[], n: number, mask: Uint8Array | null, distinct: GroupKeyEncoder): void {
  firstDistinct(distinct, ids, args, passing(mask, n), n);
}

function select(ids: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = ids[rows[i]!]!;
  return out;
}
