import { describe, expect, it } from "vitest";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { xorShiftRandom } from "../../expr/functions/rand.js";
import type { CacheSlot } from "../../plan/logical-plan.js";
import type { ExecutionPlan, TaskContext } from "../execution-plan.js";
import { InMemoryRelationExec } from "./in-memory-relation-exec.js";
import { SampleExec } from "./sample-exec.js";
import { relation, tuples } from "./test-helpers.js";

const ids = (n: number, per: number) =>
  Array.from({ length: Math.ceil(n / per) }, (_, b) => Array.from({ length: Math.min(per, n - b * per) }, (_, i) => ({ id: b * per + i })));

describe("SampleExec", () => {
  it("keeps row k when the k-th draw of XORShiftRandom(seed) is below the fraction, across batches", async () => {
    const input = relation("id BIGINT", ...ids(50, 7));
    const rng = xorShiftRandom(42);
    const expected = Array.from({ length: 50 }, (_, i) => BigInt(i)).filter(() => rng.nextDouble() < 0.3);
    const exec = new SampleExec(input, 0.3, false, 42);
    expect((await tuples(exec)).map((r) => r[0])).toEqual(expected);
    expect((await tuples(exec)).map((r) => r[0])).toEqual(expected); // each execution restarts the generator
    expect(exec.describe()).toBe("SampleExec: 0.0, 0.3, false, 42");
  });

  it("with replacement repeats rows in input order, as Spark's PoissonSampler draws them", async () => {
    // PySpark 4.0.1, local[1]: [r.id for r in spark.range(20).sample(True, 0.5, 7).collect()]
    const out = (await tuples(new SampleExec(relation("id BIGINT", ...ids(20, 3)), 0.5, true, 7))).map((r) => r[0] as number);
    expect(out).toEqual([0n, 3n, 7n, 7n, 9n, 10n, 11n, 11n, 15n, 17n]);
    const many = (await tuples(new SampleExec(relation("id BIGINT", ...ids(30, 4)), 50, true, 1))).map((r) => Number(r[0] as bigint));
    expect(many.length).toBeGreaterThan(30 * 40); // mean 50: steps of 40, still about 50 copies a row
    expect([...many].sort((a, b) => a - b)).toEqual(many);
  });
});

/** A child that counts how often it is executed. */
function counting(inner: ExecutionPlan): ExecutionPlan & { runs: number } {
  const c = {
    name: "Counting",
    schema: inner.schema,
    children: [inner],
    runs: 0,
    async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
      c.runs++;
      yield* inner.execute(ctx);
    },
    describe: () => "Counting",
  };
  return c;
}

describe("InMemoryRelationExec", () => {
  it("runs its child once while persisted, every time when not", async () => {
    const child = counting(relation("id BIGINT", ...ids(5, 2)));
    const slot: CacheSlot = { level: "StorageLevel(Memory Deserialized 1x Replicated)", batches: null };
    const exec = new InMemoryRelationExec(child, slot);
    const [a, b] = await Promise.all([tuples(exec), tuples(exec)]); // concurrent first actions share one computation
    expect(a).toEqual([[0n], [1n], [2n], [3n], [4n]]);
    expect(b).toEqual(a);
    expect(await tuples(exec)).toEqual(a);
    expect(child.runs).toBe(1);
    slot.level = null;
    slot.batches = null;
    await tuples(exec);
    await tuples(exec);
    expect(child.runs).toBe(3);
  });

  it("forgets a failed computation so the next action tries again", async () => {
    let fail = true;
    const inner = relation("id BIGINT", [{ id: 1 }]);
    const flaky: ExecutionPlan = {
      ...inner,
      name: "Flaky",
      schema: inner.schema,
      children: [],
      execute(ctx) {
        if (fail) throw new Error("boom");
        return inner.execute(ctx);
      },
      describe: () => "Flaky",
    };
    const exec = new InMemoryRelationExec(flaky, { level: "StorageLevel(Memory Deserialized 1x Replicated)", batches: null });
    await expect(tuples(exec)).rejects.toThrow("boom");
    fail = false;
    expect(await tuples(exec)).toEqual([[1n]]);
  });
});
