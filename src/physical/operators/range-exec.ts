import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch } from "../../columnar/column-batch.js";
import { makeVector } from "../../columnar/vector.js";
import { SluiceError } from "../../common/errors.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";

/** `spark.range(start, end, step)`: one BIGINT column `id`, produced `batchSize` rows at a time. */
export class RangeExec implements ExecutionPlan {
  readonly name = "RangeExec";
  readonly children: readonly ExecutionPlan[] = [];

  constructor(
    readonly schema: StructType,
    readonly start: number,
    readonly end: number,
    readonly step: number,
  ) {
    if (step === 0 || !Number.isFinite(step)) {
      throw new SluiceError("analysis", "INVALID_PARAMETER_VALUE", `The range step must be a non-zero integer, got ${step}. Pass step=1 or another non-zero value.`, {
        step,
      });
    }
  }

  /** Number of values, as Spark computes it (ceil of (end - start) / step, at least 0). */
  get count(): number {
    const n = Math.ceil((this.end - this.start) / this.step);
    return n > 0 ? n : 0;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const total = this.count;
    const size = Math.max(1, ctx.batchSize);
    for (let off = 0; off < total; off += size) {
      throwIfAborted(ctx);
      const n = Math.min(size, total - off);
      const values = new Float64Array(n);
      let x = this.start + off * this.step;
      for (let i = 0; i < n; i++, x += this.step) values[i] = x;
      yield makeBatch(this.schema, [makeVector(this.schema.fields[0]!.type, values)], n);
    }
  }

  describe(): string {
    return `${this.name}: (${this.start}, ${this.end}, step=${this.step})`;
  }
}
