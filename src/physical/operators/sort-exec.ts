import type { ColumnBatch } from "../../columnar/column-batch.js";
import { concatBatches, sliceBatch, takeBatch } from "../../columnar/column-batch.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import type { RSortOrder } from "../../plan/resolved-plan.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { rowComparator, sortPermutation } from "../sort-compare.js";
import { type Compiler, sortOrderToString } from "./describe.js";

/**
 * A stable, total sort: drains its child, evaluates the sort keys once over all rows, sorts a
 * permutation with Spark's ordering (sort-compare.ts), then yields `batchSize` rows at a time.
 */
export class SortExec implements ExecutionPlan {
  readonly name = "SortExec";
  readonly children: readonly ExecutionPlan[];
  /** The compiled sort keys (ParallelSortExec merges by them too). */
  readonly keys: readonly CompiledExpr[];

  constructor(
    readonly child: ExecutionPlan,
    readonly order: readonly RSortOrder[],
    compile: Compiler,
  ) {
    this.children = [child];
    this.keys = order.map((o) => compile(o.expr));
  }

  get schema(): StructType {
    return this.child.schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const batches: ColumnBatch[] = [];
    for await (const b of this.child.execute(ctx)) {
      throwIfAborted(ctx);
      if (b.numRows > 0) batches.push(b);
    }
    if (batches.length === 0) return;
    const all = concatBatches(this.schema, batches);
    const sorted = sortBatch(all, this.order, this.keys);
    const size = Math.max(1, ctx.batchSize);
    for (let off = 0; off < sorted.numRows; off += size) yield sliceBatch(sorted, off, off + size);
  }

  describe(): string {
    return `${this.name}: [${this.order.map(sortOrderToString).join(", ")}]`;
  }
}

/** The rows of `batch` reordered by compiled sort keys (stable). */
export function sortBatch(batch: ColumnBatch, order: readonly RSortOrder[], keys: readonly CompiledExpr[]): ColumnBatch {
  if (keys.length === 0 || batch.numRows < 2) return batch;
  const cmp = rowComparator(order.map((o, k) => ({ vector: keys[k]!(batch), ascending: o.ascending, nullsFirst: o.nullsFirst })));
  return takeBatch(batch, sortPermutation(batch.numRows, cmp));
}
