import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";
import type { ExecutionPlan, TaskContext } from "../execution-plan.js";

/**
 * withWatermark in a batch query: a pass-through (Spark ignores watermarks in batch queries).
 * Streaming execution replaces it with an operator that tracks the event-time maximum.
 */
export class WatermarkExec implements ExecutionPlan {
  readonly name = "WatermarkExec";
  readonly children: readonly ExecutionPlan[];

  constructor(
    readonly child: ExecutionPlan,
    readonly eventTimeIndex: number,
    readonly delayMs: number,
  ) {
    this.children = [child];
  }

  get schema(): StructType {
    return this.child.schema;
  }

  execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    return this.child.execute(ctx);
  }

  describe(): string {
    return `${this.name}: ${this.schema.fields[this.eventTimeIndex]?.name ?? this.eventTimeIndex}, delay=${this.delayMs} ms`;
  }
}
