import type { ColumnBatch } from "../../columnar/column-batch.js";
import { filterBatch, takeBatch } from "../../columnar/column-batch.js";
import { type SparkRandom, xorShiftRandom } from "../../expr/functions/rand.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";

/**
 * `df.sample(...)` on Sluice's one partition, index 0. Without replacement this is Spark's
 * BernoulliCellSampler over [0, fraction): a row is kept when the next nextDouble() of
 * XORShiftRandom(seed + 0) is below `fraction`, one draw per row in input order — the same draws
 * as `rand(seed)`, so Sluice keeps exactly the rows PySpark keeps on one partition.
 * With replacement each row is repeated k ~ Poisson(fraction) times; Spark draws k from
 * commons-math's Well19937c-based PoissonDistribution, which Sluice does not reproduce, so the
 * rows differ from Spark's for the same seed (docs/differences.md). Every execution restarts the
 * generator, so running the same DataFrame twice gives the same sample, as in Spark.
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
    const rng = xorShiftRandom(this.seed);
    for await (const batch of this.child.execute(ctx)) {
      throwIfAborted(ctx);
      if (batch.numRows === 0) continue;
      const out = this.withReplacement ? takeBatch(batch, repeats(rng, this.fraction, batch.numRows)) : filterBatch(batch, keep(rng, this.fraction, batch.numRows));
      if (out.numRows > 0) yield out;
    }
  }

  describe(): string {
    return `${this.name}: 0.0, ${this.fraction}, ${this.withReplacement}, ${this.seed}`;
  }
}

function keep(rng: SparkRandom, fraction: number, n: number): Uint8Array {
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = rng.nextDouble() < fraction ? 1 : 0;
  return mask;
}

/** Row indices, each row repeated Poisson(mean) times. */
function repeats(rng: SparkRandom, mean: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let k = poisson(rng, mean); k > 0; k--) out.push(i);
  return out;
}

/** Knuth's multiplication method, in steps of at most 500 so e^-mean never underflows. */
function poisson(rng: SparkRandom, mean: number): number {
  let k = 0;
  for (let left = mean; left > 0; left -= 500) {
    const limit = Math.exp(-Math.min(left, 500));
    let p = rng.nextDouble();
    while (p > limit) {
      k++;
      p *= rng.nextDouble();
    }
  }
  return k;
}
