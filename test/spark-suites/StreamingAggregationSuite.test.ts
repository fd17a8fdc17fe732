/**
 * Scenarios of Spark's StreamingAggregationSuite (sql/core/.../streaming/StreamingAggregationSuite.scala),
 * in our own code: counts per key in update/complete mode across restarts, append refused without a
 * watermark, sorting in complete mode, state metrics, current_timestamp()
 * pruning that must use the batch timestamp logged in the offsets log when a batch re-runs.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { batchToRows } from "../../src/columnar/column-batch.js";
import { ManualClock } from "../../src/common/clock.js";
import { Session, col, functions as F } from "../../src/index.js";
import { addData, addInput, advanceClock, assertNumStateRows, assertOnQuery, checkLastBatch, startStream, stopStream, testStream } from "./stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const vs = (...values: number[]) => values.map((value) => ({ value }));
const kc = (...pairs: [number, number][]) => pairs.map(([value, count]) => ({ value, count }));
const countByValue = (input: ReturnType<typeof spark.memoryStream>) => input.toDF().groupBy("value").agg(F.count("*").alias("count"));

describe("StreamingAggregationSuite", () => {
  it("simple count, update mode (with a restart)", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(
      spark,
      countByValue(input),
      { outputMode: "update" },
      addData(input, ...vs(3)),
      checkLastBatch(...kc([3, 1])),
      addData(input, ...vs(3, 2)),
      checkLastBatch(...kc([3, 2], [2, 1])),
      stopStream,
      startStream(),
      addData(input, ...vs(3, 2, 1)),
      checkLastBatch(...kc([3, 3], [2, 2], [1, 1])),
      addData(input, ...vs(4, 4, 4, 4)),
      checkLastBatch(...kc([4, 4])),
    );
  });

  it("count distinct through collect_set", async () => {
    const input = spark.memoryStream("k INT, vs ARRAY<INT>");
    const df = input.toDF().select(col("k"), F.explode(col("vs")).alias("value")).groupBy("k").agg(F.size(F.collect_set("value")).alias("n"));
    await testStream(spark, df, { outputMode: "update" }, addData(input, { k: 1, vs: [1, 2] }), checkLastBatch({ k: 1, n: 2 }));
  });

  it("simple count, complete mode (with a restart)", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(
      spark,
      countByValue(input),
      { outputMode: "complete" },
      addData(input, ...vs(3)),
      checkLastBatch(...kc([3, 1])),
      addData(input, ...vs(2)),
      checkLastBatch(...kc([3, 1], [2, 1])),
      stopStream,
      startStream(),
      addData(input, ...vs(3, 2, 1)),
      checkLastBatch(...kc([3, 2], [2, 2], [1, 1])),
      addData(input, ...vs(4, 4, 4, 4)),
      checkLastBatch(...kc([4, 4], [3, 2], [2, 2], [1, 1])),
    );
  });

  it("simple count, append mode is refused", async () => {
    const input = spark.memoryStream("value INT");
    await expect(countByValue(input).writeStream.format("memory").queryName("agg_append").outputMode("append").start()).rejects.toThrowError(/append output mode not supported/i);
  });

  it("sort after aggregate in complete mode keeps the order", async () => {
    const input = spark.memoryStream("value INT");
    const df = countByValue(input).orderBy(col("count").desc());
    await testStream(
      spark,
      df,
      { outputMode: "complete" },
      addData(input, ...vs(3)),
      checkLastBatch(...kc([3, 1])),
      addData(input, ...vs(2, 3)),
      checkLastBatch(...kc([3, 2], [2, 1])),
      stopStream,
      startStream(),
      addData(input, ...vs(3, 2, 1)),
      checkLastBatch(...kc([3, 3], [2, 2], [1, 1])),
      assertOnQuery("rows come sorted by count desc", (q) => {
        const rows = lastBatchRows(q.name!);
        expect(rows.map((r) => Number(r.count))).toEqual([3, 2, 1]);
      }),
      addData(input, ...vs(4, 4, 4, 4)),
      checkLastBatch(...kc([4, 4], [3, 3], [2, 2], [1, 1])),
      assertOnQuery("rows come sorted by count desc", (q) => expect(lastBatchRows(q.name!).map((r) => Number(r.count))).toEqual([4, 3, 2, 1])),
    );
  });

  it("state metrics: rows updated and total, update and complete mode", async () => {
    for (const outputMode of ["update", "complete"] as const) {
      const input = spark.memoryStream("value INT");
      const df = input.toDF().select(F.explode(F.array(col("value"), col("value").plus(1))).alias("value")).groupBy("value").agg(F.count("*").alias("count"));
      await testStream(
        spark,
        df,
        { outputMode },
        addData(input, ...vs(1)),
        checkLastBatch(...kc([1, 1], [2, 1])),
        assertNumStateRows([2], [2]),
        addData(input, ...vs(2, 3)),
        outputMode === "update" ? checkLastBatch(...kc([2, 2], [3, 2], [4, 1])) : checkLastBatch(...kc([1, 1], [2, 2], [3, 2], [4, 1])),
        assertNumStateRows([4], [3]),
        assertOnQuery("sink rows", (_q, { progress }) => expect(progress.at(-1)!.sink.numOutputRows).toBe(outputMode === "update" ? 3 : 4)),
      );
    }
  });

  it("multiple keys", async () => {
    const input = spark.memoryStream("value INT");
    const df = input.toDF().groupBy(col("value"), col("value").plus(1).alias("next")).agg(F.count("*").alias("count"));
    await testStream(spark, df, { outputMode: "update" }, addData(input, ...vs(1, 2)), checkLastBatch({ value: 1, next: 2, count: 1 }, { value: 2, next: 3, count: 1 }), addData(input, ...vs(1, 2)), checkLastBatch({ value: 1, next: 2, count: 2 }, { value: 2, next: 3, count: 2 }));
  });

  it("SPARK-22230: last() changes with new batches, complete mode", async () => {
    const input = spark.memoryStream("value INT");
    const df = input.toDF().agg(F.last("value").alias("last"));
    await testStream(
      spark,
      df,
      { outputMode: "complete" },
      addData(input, ...vs(1, 2, 3)),
      checkLastBatch({ last: 3 }),
      addData(input, ...vs(4, 5, 6)),
      checkLastBatch({ last: 6 }),
      addData(input),
      checkLastBatch({ last: 6 }),
      addData(input, ...vs(0)),
      checkLastBatch({ last: 0 }),
    );
  });

  it("SPARK-19690: a batch aggregation joined to the stream stays a batch aggregation", async () => {
    const input = spark.memoryStream("value INT");
    const batch = spark.createDataFrame(vs(1, 2, 3, 4, 5), "value INT").withColumn("parity", col("value").mod(2)).groupBy("parity").agg(F.count("*").alias("joinValue"));
    const df = input.toDF().join(batch, col("value").eq(col("parity")));
    const expected = [
      { value: 0, parity: 0, joinValue: 2 },
      { value: 1, parity: 1, joinValue: 3 },
    ];
    await testStream(spark, df, {}, addData(input, ...vs(0, 1, 2, 3)), checkLastBatch(...expected), addData(input, ...vs(0, 1, 2, 3)), checkLastBatch(...expected));
  });

  it("prune results by current_timestamp(), complete mode: a re-run batch keeps its logged batch timestamp", async () => {
    const input = spark.memoryStream("value BIGINT");
    const df = input.toDF().groupBy("value").agg(F.count("*").alias("count")).where(col("value").geq(F.current_timestamp().cast("long").minus(10)));
    const clock = new ManualClock(0);
    const chk = mkdtempSync(join(tmpdir(), "sluice-agg-now-"));
    const trigger = { processingTime: "10 seconds" };
    await testStream(
      spark,
      df,
      { outputMode: "complete", checkpointLocation: chk },
      startStream(trigger, clock),
      addData(input, ...vs(0, 5, 5, 10)),
      advanceClock(10_000),
      checkLastBatch(...kc([0, 1], [5, 2], [10, 1])),
      addData(input, ...vs(15, 15, 20)),
      advanceClock(10_000),
      checkLastBatch(...kc([10, 1], [15, 2], [20, 1])),
      addData(input, ...vs(0, 85)),
      advanceClock(10_000),
      checkLastBatch(...kc([20, 1], [85, 1])),
      stopStream,
      addInput(() => {
        // lose the last commit and move the clock a minute on: the re-run must not use it
        const last = Math.max(...readdirSync(join(chk, "commits")).filter((f) => /^\d+$/.test(f)).map(Number));
        rmSync(join(chk, "commits", String(last)));
        clock.advance(60_000);
      }),
      startStream(trigger, clock),
      checkLastBatch(...kc([20, 1], [85, 1])),
      addData(input, ...vs(85, 90, 100, 105)),
      advanceClock(10_000),
      checkLastBatch(...kc([90, 1], [100, 1], [105, 1])),
    );
  });

  it("prune results by current_date(), complete mode: a re-run batch keeps its logged batch date", async () => {
    const DAY = 86_400_000;
    const input = spark.memoryStream("value BIGINT"); // days since 1970-01-01
    const df = input.toDF().groupBy("value").agg(F.count("*").alias("count")).where(F.expr("value >= datediff(current_date(), date'1970-01-01') - 10"));
    const clock = new ManualClock(0);
    const chk = mkdtempSync(join(tmpdir(), "sluice-agg-today-"));
    const trigger = { processingTime: "10 days" };
    await testStream(
      spark,
      df,
      { outputMode: "complete", checkpointLocation: chk },
      startStream(trigger, clock),
      addData(input, ...vs(0, 5, 5, 10)),
      advanceClock(10 * DAY), // batch date day 10: keeps days ≥ 0
      checkLastBatch(...kc([0, 1], [5, 2], [10, 1])),
      addData(input, ...vs(15, 15, 20)),
      advanceClock(10 * DAY), // day 20: keeps ≥ 10
      checkLastBatch(...kc([10, 1], [15, 2], [20, 1])),
      addData(input, ...vs(0, 85)),
      advanceClock(10 * DAY), // day 30: keeps ≥ 20
      checkLastBatch(...kc([20, 1], [85, 1])),
      stopStream,
      addInput(() => {
        // lose the last commit and move the clock 60 days on: the re-run keeps day 30
        const last = Math.max(...readdirSync(join(chk, "commits")).filter((f) => /^\d+$/.test(f)).map(Number));
        rmSync(join(chk, "commits", String(last)));
        clock.advance(60 * DAY);
      }),
      startStream(trigger, clock),
      checkLastBatch(...kc([20, 1], [85, 1])),
      addData(input, ...vs(85, 90, 100, 105)),
      advanceClock(10 * DAY), // day 100: keeps ≥ 90
      checkLastBatch(...kc([90, 1], [100, 1], [105, 1])),
    );
  });
});

function lastBatchRows(name: string): Record<string, unknown>[] {
  return batchToRows(spark.memoryTables.get(name)!.batches().at(-1)!);
}
