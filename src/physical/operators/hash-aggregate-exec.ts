/**
 * HashAggregateExec: GROUP BY with columnar accumulators.
 *
 * 1. Per input batch, evaluate the group keys and encode them to dense group ids
 *    (GroupKeyEncoder; nulls form a group, NaN = NaN, -0.0 = 0.0).
 *    With grouping sets (rollup/cube) each batch is encoded once per set: keys outside the set
 *    become null and the set's index is an extra hidden key, so a rolled-up null and a data null
 *    stay apart.
 * 2. For each aggregate: keep the rows passing its FILTER (WHERE ...); for DISTINCT keep the
 *    first row per (group, arguments); then `GroupAccumulator.update(groupIds, args, n, numGroups)`.
 * 3. After the input ends, build the buffer batch [group keys..., aggregate results...] and
 *    evaluate the result expressions over it. A global aggregate (no keys, no grouping sets)
 *    yields one row even when the input is empty.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch, sliceBatch, take } from "../../columnar/column-batch.js";
import { type Vector, constantVector, makeVector, nullVector } from "../../columnar/vector.js";
import type { CompiledExpr, GroupAccumulator } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import type { RAggCall } from "../../plan/resolved-plan.js";
import { type DataType, IntegerType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { GroupKeyEncoder } from "../hash/group-key-encoder.js";
import { type Compiler, exprToString, exprsToString } from "./describe.js";
import { trueMask } from "./filter-exec.js";

interface CompiledAgg {
  readonly call: RAggCall;
  readonly args: readonly CompiledExpr[];
  readonly filter: CompiledExpr | null;
}

export class HashAggregateExec implements ExecutionPlan {
  readonly name = "HashAggregateExec";
  readonly children: readonly ExecutionPlan[];
  private readonly keys: readonly CompiledExpr[];
  private readonly aggs: readonly CompiledAgg[];
  private readonly results: readonly CompiledExpr[];
  private readonly bufferSchema: StructType;

  constructor(
    readonly child: ExecutionPlan,
    readonly groupBy: readonly RExpr[],
    readonly aggCalls: readonly RAggCall[],
    readonly resultExprs: readonly RExpr[],
    readonly schema: StructType,
    compile: Compiler,
    readonly groupingSets?: readonly (readonly number[])[],
  ) {
    this.children = [child];
    this.keys = groupBy.map(compile);
    this.aggs = aggCalls.map((call) => ({
      call,
      args: call.args.map(compile),
      filter: call.filter ? compile(call.filter) : null,
    }));
    this.results = resultExprs.map(compile);
    this.bufferSchema = new StructType([
      ...groupBy.map((k, i) => ({ name: `_key${i}`, type: k.type, nullable: true })),
      ...aggCalls.map((a, i) => ({ name: `_agg${i}`, type: a.type, nullable: true })),
    ]);
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const sets = this.groupingSets;
    const keyTypes: DataType[] = this.groupBy.map((k) => k.type);
    if (sets) keyTypes.push(IntegerType);
    const encoder = new GroupKeyEncoder(keyTypes);
    const accs = this.aggs.map((a) =>
      a.call.fn.create(
        a.call.args.map((x) => x.type),
        a.call.type,
        ctx.eval,
        { distinct: a.call.distinct, ignoreNulls: a.call.ignoreNulls, literals: a.call.literals },
      ),
    );
    const distinct = this.aggs.map((a) =>
      a.call.distinct ? new GroupKeyEncoder([IntegerType, ...a.call.args.map((x) => x.type)], { keepKeys: false }) : null,
    );

    for await (const batch of this.child.execute(ctx)) {
      throwIfAborted(ctx);
      const n = batch.numRows;
      if (n === 0) continue;
      const keyVecs = this.keys.map((k) => k(batch));
      const argVecs = this.aggs.map((a) => a.args.map((f) => f(batch)));
      const masks = this.aggs.map((a) => (a.filter ? trueMask(a.filter(batch), n) : null));
      const passes = sets ? sets.map((set, s) => [...keyVecs.map((v, k) => (set.includes(k) ? v : nullVector(v.type, n))), constantVector(IntegerType, s, n)]) : [keyVecs];
      for (const keys of passes) {
        const ids = encoder.encode(keys, n);
        const numGroups = encoder.numGroups;
        for (let a = 0; a < accs.length; a++) {
          feed(accs[a]!, ids, argVecs[a]!, n, numGroups, masks[a]!, distinct[a]!);
        }
      }
    }

    let numGroups = encoder.numGroups;
    if (numGroups === 0 && this.groupBy.length === 0 && !sets) numGroups = 1;
    if (numGroups === 0) return;
    const keyVectors = encoder.keyVectors().slice(0, this.groupBy.length);
    const buffer = makeBatch(
      this.bufferSchema,
      [...keyVectors, ...accs.map((acc) => acc.evaluate(numGroups))],
      numGroups,
    );
    const out = makeBatch(
      this.schema,
      this.results.map((r) => r(buffer)),
      numGroups,
    );
    const size = Math.max(1, ctx.batchSize);
    if (out.numRows <= size) yield out;
    else for (let off = 0; off < out.numRows; off += size) yield sliceBatch(out, off, off + size);
  }

  describe(): string {
    const aggs = this.aggCalls.map((a) => (a.filter ? `${a.name} FILTER (WHERE ${exprToString(a.filter)})` : a.name));
    const sets = this.groupingSets ? `, sets=${JSON.stringify(this.groupingSets)}` : "";
    return `${this.name}: keys=[${exprsToString(this.groupBy)}], aggs=[${aggs.join(", ")}]${sets}`;
  }
}

/** Applies FILTER and DISTINCT, then folds the remaining rows into the accumulator. */
function feed(
  acc: GroupAccumulator,
  ids: Int32Array,
  args: readonly Vector[],
  n: number,
  numGroups: number,
  mask: Uint8Array | null,
  distinct: GroupKeyEncoder | null,
): void {
  let rows: Int32Array | null = null;
  if (mask !== null) {
    let m = 0;
    for (let i = 0; i < n; i++) m += mask[i]!;
    if (m < n) {
      rows = new Int32Array(m);
      for (let i = 0, j = 0; i < n; i++) if (mask[i] === 1) rows[j++] = i;
    }
  }
  if (distinct !== null) {
    const sub = rows === null ? ids : select(ids, rows);
    const subArgs = rows === null ? args : args.map((v) => take(v, rows!));
    const count = sub.length;
    let next = distinct.numGroups;
    const pairIds = distinct.encode([makeVector(IntegerType, sub), ...subArgs], count);
    const firsts: number[] = [];
    for (let i = 0; i < count; i++) if (pairIds[i] === next) (firsts.push(rows === null ? i : rows[i]!), next++);
    if (firsts.length < count || rows !== null) rows = Int32Array.from(firsts);
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

function select(ids: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = ids[rows[i]!]!;
  return out;
}
