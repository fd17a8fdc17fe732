import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";

/** UNION ALL: each input in turn (inputs are already projected to the same columns and types). */
export class UnionExec implements ExecutionPlan {
  readonly name = "UnionExec";

  constructor(
    readonly children: readonly ExecutionPlan[],
    readonly schema: StructType,
  ) {}

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    for (const child of this.children) {
      for await (const b of child.execute(ctx)) {
        throwIfAborted(ctx);
        yield b.schema === this.schema ? b : makeBatch(this.schema, b.columns, b.numRows);
      }
    }
  }

  describe(): string {
    return `${this.name}: ${this.children.length} inputs`;
  }
}
