import type { ColumnBatch } from "../../columnar/column-batch.js";
import { sliceBatch } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";

/**
 * Skips `offset` rows, then passes at most `limit` rows, and stops pulling its child as soon as
 * the limit is reached (leaving the loop closes the child's iterator). A negative limit means none.
 */
export class LimitExec implements ExecutionPlan {
  readonly name = "LimitExec";
  readonly children: readonly ExecutionPlan[];

  constructor(
    readonly child: ExecutionPlan,
    readonly limit: number,
    readonly offset = 0,
  ) {
    this.children = [child];
  }

  get schema(): StructType {
    return this.child.schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    let toSkip = Math.max(0, this.offset);
    let remaining = this.limit < 0 ? Number.POSITIVE_INFINITY : this.limit;
    if (remaining === 0) return;
    for await (const batch of this.child.execute(ctx)) {
      throwIfAborted(ctx);
      let start = 0;
      if (toSkip > 0) {
        start = Math.min(toSkip, batch.numRows);
        toSkip -= start;
      }
      const take = Math.min(remaining, batch.numRows - start);
      if (take > 0) {
        yield start === 0 && take === batch.numRows ? batch : sliceBatch(batch, start, start + take);
        remaining -= take;
      }
      if (remaining <= 0) return;
    }
  }

  describe(): string {
    const limit = this.limit < 0 || this.limit >= Number.MAX_SAFE_INTEGER ? "none" : String(this.limit);
    return `${this.name}: limit=${limit}${this.offset > 0 ? `, offset=${this.offset}` : ""}`;
  }
}
