/**
 * Streaming aggregation in partition worker threads (issue 15): with local[2] the batch's output
 * rows come in the same order as with local[1] over the same partitions (touched groups by their
 * first row, stored groups by partition); an aggregate failing inside a worker fails the batch
 * with its own error and leaves the batch uncommitted; a restart runs it again.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type DataFrame, Session, col, functions as F } from "../../src/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate();
type Row = { k: string; n: number; ts: Date };

const BATCHES: Row[][] = [0, 1, 2, 3].map((b) =>
  Array.from({ length: 50 }, (_, i) => ({ k: `g${(i * 7 + b * 3) % 23}`, n: ((i * 31 + b) % 17) - 8, ts: new Date(Date.UTC(2024, 0, 1) + (b * 25 + (i % 30)) * 1000) })),
);

/** The rows of each batch as foreachBatch sees them, in order. */
async function runBatches(master: string, mode: "update" | "complete", build: (df: DataFrame) => DataFrame): Promise<Record<string, unknown>[][]> {
  spark.conf.set("spark.master", master);
  spark.conf.set("spark.sql.shuffle.partitions", 5);
  const input = spark.memoryStream("k STRING, n INT, ts TIMESTAMP");
  const seen: Record<string, unknown>[][] = [];
  const q = await build(input.toDF())
    .writeStream.outputMode(mode)
    .foreachBatch(async (df) => void seen.push(await df.collect()))
    .option("checkpointLocation", mkdtempSync(join(tmpdir(), "sluice-aggw-")))
    .start();
  for (const b of BATCHES) {
    input.addData(b);
    await q.processAllAvailable();
  }
  await q.stop();
  return seen;
}

afterEach(() => {
  spark.conf.unset("spark.master");
  spark.conf.unset("spark.sql.shuffle.partitions");
});

describe("streaming aggregation in partition workers", () => {
  const agg = (df: DataFrame) => df.groupBy("k").agg(F.count("*").alias("c"), F.expr("sum(n) * 2 + 1").alias("s"), F.expr("collect_list(n)").alias("l"));
  for (const mode of ["update", "complete"] as const) {
    it(`${mode} mode: local[2] emits the rows of each batch in local[1]'s order`, { timeout: 60_000 }, async () => {
      const one = await runBatches("local[1]", mode, agg);
      expect(one.map((b) => b.length)).toEqual([23, 23, 23, 23]);
      expect(await runBatches("local[2]", mode, agg)).toEqual(one);
    });
  }

  it("window aggregation with eviction (update): local[2] equals local[1], batch by batch", { timeout: 60_000 }, async () => {
    const build = (df: DataFrame) => df.withWatermark("ts", "5 seconds").groupBy(F.window(col("ts"), "10 seconds"), col("k")).agg(F.max("n").alias("m"));
    const one = await runBatches("local[1]", "update", build);
    expect(await runBatches("local[2]", "update", build)).toEqual(one);
  });

  it("an aggregate failing in a worker fails the batch with its error, uncommitted; a restart fails the same way", { timeout: 60_000 }, async () => {
    spark.conf.set("spark.master", "local[2]");
    spark.conf.set("spark.sql.shuffle.partitions", 4);
    const chk = mkdtempSync(join(tmpdir(), "sluice-aggw-fail-"));
    const input = spark.memoryStream("k STRING");
    // 2^62 per row: the sum of two rows of a group overflows BIGINT (ANSI on, Spark 4's default).
    const start = () =>
      input
        .toDF()
        .groupBy("k")
        .agg(F.expr("sum(CAST(4611686018427387904 AS BIGINT))").alias("s"))
        .writeStream.outputMode("update")
        .format("memory")
        .queryName("aggw_fail")
        .option("checkpointLocation", chk)
        .start();
    input.addData([{ k: "a" }, { k: "b" }, { k: "a" }]);
    let q = await start();
    await expect(q.awaitTermination()).rejects.toMatchObject({ code: "ARITHMETIC_OVERFLOW" });
    expect(existsSync(join(chk, "commits", "0"))).toBe(false);
    q = await start();
    await expect(q.awaitTermination()).rejects.toMatchObject({ code: "ARITHMETIC_OVERFLOW" });
    expect(existsSync(join(chk, "commits", "0"))).toBe(false);
  });
});
