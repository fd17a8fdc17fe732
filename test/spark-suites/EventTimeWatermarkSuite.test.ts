/**
 * Scenarios of Spark's EventTimeWatermarkSuite (sql/core/.../streaming/EventTimeWatermarkSuite.scala),
 * in our own code. Input values are seconds; `eventTime` is timestamp_seconds(value), windows are
 * reported by their start in seconds, as the suite does.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DataFrame, Session, col, functions as F } from "../../src/index.js";
import {
  addData,
  addInput,
  assertDroppedByWatermark,
  assertEventStats,
  assertEventStatsSec,
  assertNumStateRows,
  assertOnQuery,
  checkAnswer,
  checkLastBatch,
  checkNewAnswer,
  expectFailure,
  startStream,
  stopStream,
  testStream,
} from "./stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const vs = (...values: number[]) => values.map((value) => ({ value }));
const counts = (...pairs: [number, number][]) => pairs.map(([start, count]) => ({ start, count }));

/** value → eventTime, optionally watermarked, counted per 5-second window (start in seconds). */
function windowedCounts(input: { toDF(): DataFrame }, delay: string | null = "10 seconds", alias = "window"): DataFrame {
  let df = input.toDF().withColumn("eventTime", F.expr("timestamp_seconds(value)"));
  if (delay) df = df.withWatermark("eventTime", delay);
  return df
    .groupBy(F.window(col("eventTime"), "5 seconds").alias(alias))
    .agg(F.count("*").alias("count"))
    .select(col(alias).getField("start").cast("long").alias("start"), col("count"));
}

describe("EventTimeWatermarkSuite", () => {
  it("error on bad column / wrong type", () => {
    const df = spark.memoryStream("value INT").toDF();
    expect(() => df.withWatermark("badColumn", "1 minute")).toThrowError(/badColumn/);
    expect(() => df.withWatermark("value", "1 minute")).toThrowError(/value.*int|int.*value/i);
  });

  it("delay threshold should not be negative", () => {
    const df = spark.memoryStream("value INT").toDF().withColumn("eventTime", F.expr("timestamp_seconds(value)"));
    for (const d of ["-1 year", "1 year -13 months", "1 month -40 days", "-10 seconds"]) {
      expect(() => df.withWatermark("eventTime", d), d).toThrowError(/should not be negative/);
    }
  });

  it("event time and watermark metrics: none without a watermark, min/max/avg/watermark with one", async () => {
    const in1 = spark.memoryStream("value INT");
    await testStream(
      spark,
      windowedCounts(in1, null),
      { outputMode: "complete" },
      addData(in1, ...vs(15)),
      checkLastBatch(...counts([15, 1])),
      assertEventStats((e) => expect(e).toEqual({})),
      addData(in1, ...vs(10, 12, 14)),
      checkLastBatch(...counts([10, 3], [15, 1])),
      assertEventStats((e) => expect(e).toEqual({})),
    );
    const in2 = spark.memoryStream("value INT");
    await testStream(
      spark,
      windowedCounts(in2),
      {},
      addData(in2, ...vs(15)),
      checkAnswer(),
      assertEventStatsSec(15, 15, 15, 0),
      addData(in2, ...vs(10, 12, 14)),
      checkAnswer(),
      assertEventStatsSec(10, 14, 12, 5),
      addData(in2, ...vs(25)),
      checkAnswer(...counts([10, 3])),
      assertEventStatsSec(25, 25, 25, 5),
    );
  });

  it("event time and watermark metrics with Trigger.Once: the new watermark is used by the next run", async () => {
    const input = spark.memoryStream("value INT");
    const once = { once: true } as const;
    const runOnce = (...values: number[]) => [addData(input, ...vs(...values)), startStream(once), assertOnQuery("terminates", (q) => q.awaitTermination().then(() => undefined))];
    await testStream(
      spark,
      windowedCounts(input),
      {},
      startStream(once),
      assertOnQuery("terminates", (q) => q.awaitTermination().then(() => undefined)),
      stopStream,
      ...runOnce(15),
      checkNewAnswer(),
      assertEventStatsSec(15, 15, 15, 0),
      stopStream,
      ...runOnce(10, 12, 14),
      checkNewAnswer(),
      assertEventStatsSec(10, 14, 12, 5),
      stopStream,
      ...runOnce(25),
      checkNewAnswer(),
      assertEventStatsSec(25, 25, 25, 5),
      stopStream,
      ...runOnce(50),
      checkNewAnswer(...counts([10, 3])),
      assertEventStatsSec(50, 50, 50, 15),
      stopStream,
      ...runOnce(50),
      checkNewAnswer(...counts([15, 1], [25, 1])),
      assertEventStatsSec(50, 50, 50, 40),
    );
  });

  it("append mode: a window is emitted once the watermark passes it; late rows are dropped and counted", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(
      spark,
      windowedCounts(input),
      {},
      addData(input, ...vs(10, 11, 12, 13, 14, 15)),
      checkNewAnswer(),
      addData(input, ...vs(25)),
      checkNewAnswer(...counts([10, 5])),
      assertNumStateRows([2]),
      assertDroppedByWatermark(0),
      addData(input, ...vs(10)),
      checkNewAnswer(),
      assertNumStateRows([2]),
      assertDroppedByWatermark(1),
    );
  });

  it("update mode: late rows are ignored", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(
      spark,
      windowedCounts(input),
      { outputMode: "update" },
      addData(input, ...vs(10, 11, 12, 13, 14, 15)),
      checkNewAnswer(...counts([10, 5], [15, 1])),
      addData(input, ...vs(25)),
      checkNewAnswer(...counts([25, 1])),
      assertNumStateRows([2]),
      assertDroppedByWatermark(0),
      addData(input, ...vs(10, 25)),
      checkNewAnswer(...counts([25, 2])),
      assertNumStateRows([2]),
      assertDroppedByWatermark(1),
      addData(input, ...vs(10)),
      checkNewAnswer(),
      assertNumStateRows([2]),
      assertDroppedByWatermark(1),
    );
  });

  it("delay in months and years: a month is 31 days", async () => {
    const input = spark.memoryStream("value BIGINT");
    const nowSec = 1_700_000_000;
    await testStream(
      spark,
      windowedCounts(input, "2 years 5 months"),
      {},
      addData(input, { value: nowSec }),
      checkAnswer(),
      addData(input, { value: nowSec }),
      checkAnswer(),
      assertEventStats((e) => {
        expect(e.max).toBe(new Date(nowSec * 1000).toISOString());
        expect(e.watermark).toBe(new Date(nowSec * 1000 - 29 * 31 * 86_400_000).toISOString());
      }),
    );
  });

  it("SPARK-35815 delay thresholds in the unit form and as ANSI intervals, as PySpark 4.0.1 reads them (a month is 31 days)", async () => {
    // golden/watermark-delay.json (scripts/oracle/gen_spark_suite_watermark_delay.py): the suite's
    // variants and a few PySpark refuses, each with its delay in ms or PySpark's error class.
    const golden = JSON.parse(readFileSync(join(import.meta.dirname, "golden", "watermark-delay.json"), "utf8")) as Record<string, { ms?: number; error?: string }>;
    const df = spark.memoryStream("value INT").toDF().withColumn("eventTime", F.expr("timestamp_seconds(value)"));
    for (const [delay, want] of Object.entries(golden)) {
      if (want.ms !== undefined) expect(df.withWatermark("eventTime", delay).explainString(), delay).toContain(`delay ${want.ms} ms`);
      else expect(() => df.withWatermark("eventTime", delay), delay).toThrowError(/interval/i);
    }
    const [S, M, H, D] = [1000, 60_000, 3_600_000, 86_400_000];
    // The ANSI forms move the watermark as the unit forms do.
    const nowSec = 1_700_000_000;
    for (const [delay, ms] of [["interval '1 2:3:4' day to second", D + 2 * H + 3 * M + 4 * S], ["interval '1-2' year to month", 14 * 31 * D]] as const) {
      const input = spark.memoryStream("value BIGINT");
      await testStream(
        spark,
        windowedCounts(input, delay),
        {},
        addData(input, { value: nowSec }),
        checkAnswer(),
        addData(input, { value: nowSec }),
        checkAnswer(),
        assertEventStats((e) => expect(e.watermark, delay).toBe(new Date(nowSec * 1000 - ms).toISOString())),
      );
    }
    expect(() => df.withWatermark("eventTime", "interval '-1 0:0:0' day to second")).toThrowError(/should not be negative/);
  });

  it("recovery: a batch whose commit was lost re-runs with its logged watermark", async () => {
    const input = spark.memoryStream("value INT");
    const chk = mkdtempSync(join(tmpdir(), "sluice-etw-recovery-"));
    await testStream(
      spark,
      windowedCounts(input),
      { checkpointLocation: chk },
      addData(input, ...vs(10, 11, 12, 13, 14, 15)),
      checkAnswer(),
      addData(input, ...vs(25)),
      checkAnswer(...counts([10, 5])),
      stopStream,
      addInput(() => {
        // purge the latest commit: the last batch runs again on restart
        const last = readdirSync(join(chk, "commits")).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => b - a)[0]!;
        rmSync(join(chk, "commits", String(last)));
      }),
      startStream(),
      addData(input, ...vs(10, 27, 30)),
      checkNewAnswer(...counts([10, 5], [15, 1])),
      stopStream,
      startStream(),
      addData(input, ...vs(17)),
      checkNewAnswer(),
      addData(input, ...vs(40)),
      checkNewAnswer(...counts([25, 2])),
    );
  });

  it("watermark with 2 streams: min policy; 0 until both sides have data; only the global watermark survives a restart", async () => {
    const first = spark.memoryStream("value INT");
    const second = spark.memoryStream("value INT");
    const side = (m: typeof first, delay: string) => m.toDF().withColumn("eventTime", F.expr("timestamp_seconds(value)")).withWatermark("eventTime", delay).select("value");
    const df = side(first, "10 seconds").union(side(second, "5 seconds")).agg(F.sum("value").alias("s"));
    const after = (f: number[], s: number[], expectedMs: number) => [
      ...(f.length ? [addData(first, ...vs(...f))] : []),
      ...(s.length ? [addData(second, ...vs(...s))] : []),
      processed(),
      addData(first, ...vs(0)),
      processed(),
      assertOnQuery(`watermark ${expectedMs}`, (_q, { progress }) => expect(progress.at(-1)!.eventTime.watermark).toBe(new Date(expectedMs).toISOString())),
    ];
    await testStream(
      spark,
      df,
      { outputMode: "complete" },
      ...after([11], [], 0),
      ...after([], [6], 1000),
      ...after([], [8], 1000),
      ...after([21], [], 3000),
      ...after([], [17, 28, 39], 11000),
      ...after([31], [], 21000),
      ...after([41], [], 31000),
      ...after([51], [], 34000),
      ...after([100], [100], 90000),
      ...after([120], [110], 105000),
      ...after([130], [125], 120000),
      ...after([100], [100], 120000),
      ...after([140], [100], 120000),
      ...after([100], [135], 130000),
      ...after([200], [190], 185000),
      stopStream,
      startStream(),
      ...after([], [], 185000),
      ...after([], [200], 185000),
      ...after([200], [], 190000),
    );
  });

  it("MultipleWatermarkPolicy max: the fastest input's watermark; the policy in the checkpoint wins over the session's on restart", async () => {
    const POLICY = "spark.sql.streaming.multipleWatermarkPolicy";
    const first = spark.memoryStream("value INT");
    const second = spark.memoryStream("value INT");
    const side = (m: typeof first, delay: string) => m.toDF().withColumn("eventTime", F.expr("timestamp_seconds(value)")).withWatermark("eventTime", delay).select("value");
    const df = side(first, "10 seconds").union(side(second, "5 seconds")).agg(F.sum("value").alias("s"));
    const after = (f: number[], s: number[], expectedMs: number) => [
      ...(f.length ? [addData(first, ...vs(...f))] : []),
      ...(s.length ? [addData(second, ...vs(...s))] : []),
      processed(),
      addData(first, ...vs(0)),
      processed(),
      assertOnQuery(`watermark ${expectedMs}`, (_q, { progress }) => expect(progress.at(-1)!.eventTime.watermark).toBe(new Date(expectedMs).toISOString())),
    ];
    spark.conf.set(POLICY, "max");
    try {
      await testStream(
        spark,
        df,
        { outputMode: "complete" },
        ...after([11], [], 1000), // only the first input has data: its watermark, not 0 as under min
        ...after([], [6], 1000),
        ...after([], [28], 23000),
        ...after([21], [], 23000), // the slower input does not hold it back
        ...after([100], [], 90000),
        stopStream,
        addInput(() => spark.conf.set(POLICY, "min")),
        startStream(),
        ...after([], [200], 195000), // still max: min would stay at 90 s
        ...after([150], [], 195000),
      );
    } finally {
      spark.conf.unset(POLICY);
    }
  });

  it("complete mode evicts nothing and drops no late rows", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(
      spark,
      windowedCounts(input),
      { outputMode: "complete" },
      addData(input, ...vs(10, 11, 12)),
      checkLastBatch(...counts([10, 3])),
      addData(input, ...vs(25)),
      checkLastBatch(...counts([10, 3], [25, 1])),
      addData(input, ...vs(25)),
      checkLastBatch(...counts([10, 3], [25, 2])),
      addData(input, ...vs(10)),
      checkLastBatch(...counts([10, 4], [25, 2])),
      addData(input, ...vs(25)),
      checkLastBatch(...counts([10, 4], [25, 3])),
    );
  });

  it("group by on raw timestamp", async () => {
    const input = spark.memoryStream("value INT");
    const df = input
      .toDF()
      .withColumn("eventTime", F.expr("timestamp_seconds(value)"))
      .withWatermark("eventTime", "10 seconds")
      .groupBy("eventTime")
      .agg(F.count("*").alias("count"))
      .select(col("eventTime").cast("long").alias("start"), col("count"));
    await testStream(spark, df, {}, addData(input, ...vs(10)), checkAnswer(), addData(input, ...vs(25)), checkAnswer(...counts([10, 1])));
  });

  it("overriding a watermark downstream is not allowed (Spark ≥ 3.4)", async () => {
    const input = spark.memoryStream("a BIGINT, b BIGINT");
    const df = input
      .toDF()
      .withColumn("first", F.expr("timestamp_seconds(a)"))
      .withColumn("second", F.expr("timestamp_seconds(b)"))
      .withWatermark("first", "1 minute")
      .select("*")
      .withWatermark("second", "2 minutes")
      .groupBy(F.window(col("second"), "1 minute"))
      .count();
    await testStream(spark, df, {}, addData(input, { a: 100, b: 200 }), expectFailure("STREAMING_REDEFINE_WATERMARK", /Redefining watermark is disallowed.*spark\.sql\.streaming\.statefulOperator\.allowMultiple/));
  });

  it("the watermark is ignored in a batch query", async () => {
    const df = spark.range(1, 101).withColumn("eventTime", F.expr("timestamp_seconds(id)")).withWatermark("eventTime", "1 minute").select(col("eventTime").cast("long").alias("t"));
    const rows = await df.collect();
    expect(rows.map((r) => Number(r.t))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("an alias on the window keeps its watermark (SPARK-27340)", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(
      spark,
      windowedCounts(input, "10 seconds", "aliasWindow"),
      {},
      addData(input, ...vs(10, 11, 12, 13, 14, 15)),
      checkNewAnswer(),
      addData(input, ...vs(25)),
      checkNewAnswer(...counts([10, 5])),
      assertNumStateRows([2]),
      addData(input, ...vs(10)),
      checkNewAnswer(),
      assertNumStateRows([2]),
    );
  });

  for (const flag of [true, false]) {
    it(`no-data micro-batches ${flag ? "on" : "off"}: a moved watermark ${flag ? "closes windows without new data" : "waits for data"}`, async () => {
      spark.conf.set("spark.sql.streaming.noDataMicroBatches.enabled", String(flag));
      try {
        const input = spark.memoryStream("value INT");
        await testStream(spark, windowedCounts(input), {}, addData(input, ...vs(10, 11, 12, 13, 14, 15)), checkNewAnswer(), addData(input, ...vs(25)), flag ? checkNewAnswer(...counts([10, 5])) : checkNewAnswer());
      } finally {
        spark.conf.unset("spark.sql.streaming.noDataMicroBatches.enabled");
      }
    });
  }
});

/** Process what is available without checking rows. */
function processed() {
  return assertOnQuery("processed", (q) => q.processAllAvailable());
}
