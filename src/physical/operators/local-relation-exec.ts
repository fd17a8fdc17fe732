import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";

/** Rows held in memory (createDataFrame, memory streams): yields the given batches in order. */
export class LocalRelationExec implements ExecutionPlan {
  readonly name = "LocalRelationExec";
  readonly children: readonly ExecutionPlan[] = [];

  constructor(
    readonly schema: StructType,
    readonly batches: readonly ColumnBatch[],
  ) {}

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    for (const b of this.batches) {
      throwIfAborted(ctx);
      // Re-label with this node's schema (names and nullability are the plan's).
      yield b.schema === this.schema ? b : makeBatch(this.schema, b.columns, b.numRows);
    }
  }

  describe(): string {
    const rows = this.batches.reduce((s, b) => s + b.numRows, 0);
    return `${this.name}: [${this.schema.fieldNames.join(", ")}], ${rows} rows`;
  }
}
