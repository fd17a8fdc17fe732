/**
 * EventTimeWatermarkExec: passes rows through and records the largest event time it saw in this
 * batch, which the query folds into the watermark for the next batch (WatermarkTracker).
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import type { StructType } from "../../types/struct-type.js";

export class EventTimeWatermarkExec implements ExecutionPlan {
  readonly name = "EventTimeWatermarkExec";
  readonly children: readonly ExecutionPlan[];
  /** Max event time seen in this execution, in µs (undefined: no non-null event time). */
  maxEventTimeUs: number | undefined;

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

  describe(): string {
    return `EventTimeWatermarkExec: ${this.child.schema.fields[this.eventTimeIndex]!.name}, delay ${this.delayMs} ms`;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    for await (const b of this.child.execute(ctx)) {
      const col = b.columns[this.eventTimeIndex]!;
      const values = col.values as Float64Array;
      let max = this.maxEventTimeUs ?? -Infinity;
      for (let i = 0; i < b.numRows; i++) {
        if ((col.validity === null || col.validity[i] === 1) && values[i]! > max) max = values[i]!;
      }
      if (max !== -Infinity) this.maxEventTimeUs = max;
      yield b;
    }
  }
}
