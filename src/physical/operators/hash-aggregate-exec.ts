/**
 * HashAggregateExec: GROUP BY with columnar accumulators.
 *
 * 1. Per input batch, evaluate the group keys, each aggregate's arguments and FILTER, and fold
 *    them into the group table (grouped-aggregation.ts: grouping sets, FILTER, DISTINCT).
 * 2. After the input ends, build the buffer batch [group keys..., aggregate results...] and
 *    evaluate the result expressions over it. A global aggregate (no keys, no grouping sets)
 *    yields one row even when the input is empty.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch, sliceBatch } from "../../columnar/column-batch.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import type { RAggCall } from "../../plan/resolved-plan.js";
import { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { GroupedAggregation } from "./grouped-aggregation.js";
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
  /** Why this aggregate runs on one thread under local[N] with N > 1 (shown by describe; set by the planner). */
  oneThreadReason: string | undefined;

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
    const table = new GroupedAggregation(this.groupBy.map((k) => k.type), this.aggCalls, ctx.eval, this.groupingSets, "complete");
    for await (const batch of this.child.execute(ctx)) {
      throwIfAborted(ctx);
      const n = batch.numRows;
      if (n === 0) continue;
      table.update(
        this.keys.map((k) => k(batch)),
        this.aggs.map((a) => a.args.map((f) => f(batch))),
        this.aggs.map((a) => (a.filter ? trueMask(a.filter(batch), n) : null)),
        n,
      );
    }
    yield* this.output(table, ctx);
  }

  /** The result rows of a filled group table, in batches of ≤ ctx.batchSize rows. */
  *output(table: GroupedAggregation, ctx: TaskContext): Iterable<ColumnBatch> {
    let numGroups = table.numGroups;
    if (numGroups === 0 && this.groupBy.length === 0 && !this.groupingSets) numGroups = 1;
    if (numGroups === 0) return;
    const buffer = makeBatch(this.bufferSchema, [...table.keyVectors(this.groupBy.length), ...table.results(numGroups)], numGroups);
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
    const why = this.oneThreadReason === undefined ? "" : ` (one thread: ${this.oneThreadReason})`;
    return `${this.name}: keys=[${exprsToString(this.groupBy)}], aggs=[${aggs.join(", ")}]${sets}${why}`;
  }
}
