/**
 * EventTimeWatermarkExec: passes rows through and gathers Spark's EventTimeStats of this batch —
 * max, min, avg and count of the event times in ms — which the query folds into the watermark for
 * the next batch (WatermarkTracker) and reports as progress `eventTime`.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import type { StructType } from "../../types/struct-type.js";

/** Spark's EventTimeStats (ms); `avg` is the running mean Spark keeps (avg += (t − avg) / count). */
export interface EventTimeStats {
  readonly maxMs: number;
  readonly minMs: number;
  readonly avgMs: number;
  readonly count: number;
}

export class EventTimeWatermarkExec implements ExecutionPlan {
  readonly name = "EventTimeWatermarkExec";
  readonly children: readonly ExecutionPlan[];
  /** Max event time seen in this execution, in µs (undefined: no non-null event time). */
  maxEventTimeUs: number | undefined;
  #max = -Infinity;
  #min = Infinity;
  #avg = 0;
  #count = 0;

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

  /** This execution's stats, undefined when it saw no event time. */
  get stats(): EventTimeStats | undefined {
    return this.#count === 0 ? undefined : { maxMs: this.#max, minMs: this.#min, avgMs: this.#avg, count: this.#count };
  }

  describe(): string {
    return `EventTimeWatermarkExec: ${this.child.schema.fields[this.eventTimeIndex]!.name}, delay ${this.delayMs} ms`;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    for await (const b of this.child.execute(ctx)) {
      const col = b.columns[this.eventTimeIndex]!;
      const values = col.values as Float64Array;
      let maxUs = this.maxEventTimeUs ?? -Infinity;
      for (let i = 0; i < b.numRows; i++) {
        if (col.validity !== null && col.validity[i] !== 1) continue;
        const us = values[i]!;
        if (us > maxUs) maxUs = us;
        // Spark adds eventTime / 1000 (a Long division, truncating toward zero).
        const ms = Math.trunc(us / 1000);
        if (ms > this.#max) this.#max = ms;
        if (ms < this.#min) this.#min = ms;
        this.#count++;
        this.#avg += (ms - this.#avg) / this.#count;
      }
      if (maxUs !== -Infinity) this.maxEventTimeUs = maxUs;
      yield b;
    }
  }
}
