import type { ColumnBatch } from "../../columnar/column-batch.js";
import { filterBatch, takeBatch } from "../../columnar/column-batch.js";
import { type SparkRandom, xorShiftRandom } from "../../expr/functions/rand.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { sparkPoissonCounts } from "./poisson-sampler.js";

/**
 * `df.sample(...)` on Sluice's one partition, index 0. Without replacement this is Spark's
 * BernoulliCellSampler over [0, fraction): a row is kept when the next nextDouble() of
 * XORShiftRandom(seed + 0) is below `fraction`, one draw per row in input order — the same draws
 * as `rand(seed)`, so Sluice keeps exactly the rows PySpark keeps on one partition.
 * With replacement each row is repeated k times, k drawn as Spark's PoissonSampler draws it
 * (poisson-sampler.ts), so the repeated rows match Spark's too. Every execution restarts the
 * generators, so running the same DataFrame twice gives the same sample, as in Spark.
 */
export class SampleExec implements ExecutionPlan {
  readonly name = "SampleExec";
  readonly children: readonly ExecutionPlan[];

  constructor(
    readonly child: ExecutionPlan,
    readonly fraction: number,
    readonly withReplacement: boolean,
    readonly seed: number,
  ) {
    this.children = [child];
  }

  get schema(): StructType {
    return this.child.schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const pick = this.withReplacement ? withReplacement(sparkPoissonCounts(this.seed, this.fraction)) : bernoulli(xorShiftRandom(this.seed), this.fraction);
    for await (const batch of this.child.execute(ctx)) {
      throwIfAborted(ctx);
      if (batch.numRows === 0) continue;
      const out = pick(batch);
      if (out.numRows > 0) yield out;
    }
  }

  describe(): string {
    return `${this.name}: 0.0, ${this.fraction}, ${this.withReplacement}, ${this.seed}`;
  }
}

/** Keeps a row when its draw is below the fraction. */
function bernoulli(rng: SparkRandom, fraction: number): (b: ColumnBatch) => ColumnBatch {
  return (b) => {
    const mask = new Uint8Array(b.numRows);
    for (let i = 0; i < b.numRows; i++) mask[i] = rng.nextDouble() < fraction ? 1 : 0;
    return filterBatch(b, mask);
  };
}

/** Repeats each row as many times as its count. */
function withReplacement(counts: () => number): (b: ColumnBatch) => ColumnBatch {
  return (b) => {
    const rows: number[] = [];
    for (let i = 0; i < b.numRows; i++) for (let k = counts(); k > 0; k--) rows.push(i);
    return takeBatch(b, rows);
  };
}
