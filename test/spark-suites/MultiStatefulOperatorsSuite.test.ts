/**
 * Scenarios of Spark's MultiStatefulOperatorsSuite (sql/core/.../streaming/MultiStatefulOperatorsSuite.scala),
 * in our own code: chains of stateful operators in append mode, where each operator judges late
 * rows against the previous batch's watermark and evicts against the current one (Spark ≥ 3.4),
 * so that what one operator emits is not late for the next. State rows and rows dropped by the
 * watermark are listed downstream first, as Spark's progress does.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type DataFrame, Session, col, expr, functions as F } from "../../src/index.js";
import { addData, addInput, assertDroppedByWatermark, assertNumStateRows, checkAnswer, checkNewAnswer, testStream } from "./stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ value: from + i }));
const vs = (...values: number[]) => values.map((value) => ({ value }));
type Input = ReturnType<typeof spark.memoryStream>;
const withEventTime = (input: Input, delay: string): DataFrame => input.toDF().withColumn("eventTime", F.expr("timestamp_seconds(value)")).withWatermark("eventTime", delay);

describe("MultiStatefulOperatorsSuite", () => {
  it("window agg -> window agg, append mode", async () => {
    const input = spark.memoryStream("value INT");
    const df = withEventTime(input, "0 seconds")
      .groupBy(F.window(col("eventTime"), "5 seconds").alias("window"))
      .agg(F.count("*").alias("count"))
      .groupBy(F.window(col("window"), "10 seconds"))
      .agg(F.count("*").alias("count"), F.sum("count").alias("sum"))
      .select(col("window").getField("start").cast("long").alias("start"), col("count"), col("sum"));
    const r = (start: number, count: number, sum: number) => ({ start, count, sum });
    await testStream(
      spark,
      df,
      {},
      addData(input, ...range(10, 21)),
      checkNewAnswer(r(10, 2, 10)),
      assertNumStateRows([0, 1]),
      assertDroppedByWatermark(0, 0),
      addData(input, ...range(10, 29)),
      checkNewAnswer(),
      assertNumStateRows([1, 1]),
      assertDroppedByWatermark(0, 2),
      addData(input, ...vs(30, 31)),
      checkNewAnswer(r(20, 2, 12)),
      assertNumStateRows([0, 1]),
      assertDroppedByWatermark(0, 0),
    );
  });

  it("agg -> agg -> agg over window_time, append mode", async () => {
    const input = spark.memoryStream("value INT");
    const df = withEventTime(input, "0 seconds")
      .groupBy(F.window(col("eventTime"), "5 seconds").alias("window"))
      .agg(F.count("*").alias("count"))
      .groupBy(F.window(F.window_time(col("window")), "10 seconds").alias("window"))
      .agg(F.count("*").alias("count"), F.sum("count").alias("sum"))
      .groupBy(F.window(F.window_time(col("window")), "20 seconds").alias("window"))
      .agg(F.count("*").alias("count"), F.sum("sum").alias("sum"))
      .select(col("window").getField("start").cast("long").alias("start"), col("window").getField("end").cast("long").alias("end"), col("count"), col("sum"));
    const r = (start: number, end: number, count: number, sum: number) => ({ start, end, count, sum });
    await testStream(
      spark,
      df,
      {},
      addData(input, ...range(0, 37)),
      checkNewAnswer(r(0, 20, 2, 20)),
      assertNumStateRows([1, 1, 1]),
      assertDroppedByWatermark(0, 0, 0),
      addData(input, ...range(30, 60)),
      checkNewAnswer(r(20, 40, 2, 23), r(40, 60, 2, 20)),
      assertNumStateRows([0, 0, 1]),
      assertDroppedByWatermark(0, 0, 1),
    );
  });

  it("stream deduplication -> aggregation, append mode", async () => {
    const input = spark.memoryStream("value INT");
    const df = withEventTime(input, "10 seconds")
      .dropDuplicates(["value", "eventTime"])
      .groupBy(F.window(col("eventTime"), "5 seconds").alias("window"))
      .agg(F.count("*").alias("count"), F.sum("value").alias("sum"))
      .select(col("window").getField("start").cast("long").alias("start"), col("count"));
    await testStream(spark, df, {}, addData(input, ...range(1, 15)), checkNewAnswer({ start: 0, count: 4 }), assertNumStateRows([3, 10]), assertDroppedByWatermark(0, 0));
  });

  it("aggregation -> stream deduplication without event time in the keys, append mode", async () => {
    const agg = (input: Input) =>
      withEventTime(input, "0 seconds")
        .groupBy(F.window(col("eventTime"), "5 seconds").alias("window"))
        .agg(F.count("*").alias("count"))
        .withColumn("windowEnd", F.expr("window.end"));
    const in1 = spark.memoryStream("value INT");
    const noEventTime = agg(in1).dropDuplicates(["count", "windowEnd"]).select(col("windowEnd").cast("long").alias("windowEnd"), col("count"));
    const r = (windowEnd: number, count: number) => ({ windowEnd, count });
    await testStream(spark, noEventTime, {}, addData(in1, ...vs(1, 5, 10, 15)), checkNewAnswer(r(5, 1), r(10, 1), r(15, 1)), assertNumStateRows([3, 1]), assertDroppedByWatermark(0, 0));
  });

  it("join -> window agg, append mode", async () => {
    const in1 = spark.memoryStream("value INT");
    const in2 = spark.memoryStream("value INT");
    const side = (input: Input, n: number): DataFrame =>
      input.toDF().withColumnRenamed("value", `value${n}`).withColumn(`eventTime${n}`, F.expr(`timestamp_seconds(value${n})`)).withWatermark(`eventTime${n}`, "0 seconds");
    const df = side(in1, 1)
      .join(side(in2, 2), expr("eventTime1 = eventTime2"), "inner")
      .groupBy(F.window(col("eventTime1"), "5 seconds").alias("window"))
      .agg(F.count("*").alias("count"))
      .select(col("window").getField("start").cast("long").alias("start"), col("count"));
    const both = (...v: number[]) =>
      addInput(() => {
        in1.addData(vs(...v));
        in2.addData(vs(...v));
      });
    await testStream(
      spark,
      df,
      {},
      // the no-data batch after it evicts the join's state (watermark 4); the window [0, 5) stays open
      both(1, 2, 3, 4),
      checkNewAnswer(),
      assertNumStateRows([1, 0]),
      assertDroppedByWatermark(0, 0),
      both(5),
      checkNewAnswer({ start: 0, count: 4 }),
      assertNumStateRows([1, 0]),
      assertDroppedByWatermark(0, 0),
    );
  });

  it("join with a range on non-time columns -> window agg, append mode", async () => {
    const in1 = spark.memoryStream("value INT");
    const in2 = spark.memoryStream("`start` INT, `end` INT");
    const left = in1.toDF().withColumnRenamed("value", "value1").withColumn("eventTime1", F.expr("timestamp_seconds(value1)")).withColumn("v1", F.expr("timestamp_seconds(value1)")).withWatermark("eventTime1", "0 seconds");
    const right = in2
      .toDF()
      .withColumn("eventTime2Start", F.expr("timestamp_seconds(start)"))
      .withColumn("start2", F.expr("timestamp_seconds(start)"))
      .withColumn("end2", F.expr("timestamp_seconds(`end`)"))
      .withWatermark("eventTime2Start", "0 seconds");
    const df = left
      .join(right, expr("v1 >= start2 AND v1 < end2 AND eventTime1 = start2"), "inner")
      .groupBy(F.window(col("eventTime1"), "5 seconds").alias("window"))
      .agg(F.count("*").alias("count"))
      .select(col("window").getField("start").cast("long").alias("start"), col("count"));
    await testStream(
      spark,
      df,
      {},
      addData(in1, ...vs(1, 2, 3, 4)),
      addData(in2, ...[1, 2, 3, 4].map((start) => ({ start, end: start + 1 }))),
      checkNewAnswer(),
      assertNumStateRows([1, 0]),
      assertDroppedByWatermark(0, 0),
    );
  });

  // The left (right) outer join's output keeps both event times; the window aggregation over
  // the preserved side's time closes [01:00, 01:10) only once the join has emitted its null row
  // for ("2", 01:00:30), after the watermark passes 02:16.
  // As Spark, the aggregation gets the join's output watermark — the input watermark less the
  // join's 1 hour range (00:14:59.999999 when the inputs are at 01:15) — so it keeps the window
  // open; with the query's watermark it would emit [01:00, 01:10) with cnt 1 in the second step.
  for (const how of ["left_outer", "right_outer"] as const) {
    it(`stream-stream time interval ${how.replace("_", " ")} join -> aggregation, append mode`, async () => {
      const in1 = spark.memoryStream("id STRING, t STRING");
      const in2 = spark.memoryStream("id STRING, t STRING");
      const s1 = in1.toDF().selectExpr("id AS id1", "CAST(t AS TIMESTAMP) AS timestamp1").withWatermark("timestamp1", "0 seconds").alias("s1");
      const s2 = in2.toDF().selectExpr("id AS id2", "CAST(t AS TIMESTAMP) AS timestamp2").withWatermark("timestamp2", "0 seconds").alias("s2");
      const cond = expr("s1.id1 = s2.id2 AND (s1.timestamp1 BETWEEN s2.timestamp2 - INTERVAL 1 hour AND s2.timestamp2 + INTERVAL 1 hour)");
      // Spark's right outer variant swaps the inputs' roles: the preserved side gets the data of input1.
      const [preserved, other] = how === "left_outer" ? [in1, in2] : [in2, in1];
      const df = s1
        .join(s2, cond, how)
        .groupBy(F.window(col(how === "left_outer" ? "timestamp1" : "timestamp2"), "10 minutes"))
        .agg(F.count("*").alias("cnt"))
        .selectExpr("CAST(window.start AS STRING) AS window_start", "CAST(window.end AS STRING) AS window_end", "cnt");
      const rows = (...r: [string, string][]) => r.map(([id, t]) => ({ id, t: `2023-01-01 ${t}` }));
      const add = (p: [string, string][], o: [string, string][]) =>
        addInput(() => {
          preserved.addData(rows(...p));
          other.addData(rows(...o));
        });
      await testStream(
        spark,
        df,
        {},
        add([["1", "01:00:10"], ["2", "01:00:30"]], [["1", "01:00:20"]]),
        checkAnswer(),
        add([["5", "01:15:00"]], [["6", "01:15:00"]]),
        checkAnswer(),
        add([["5", "02:16:00"]], [["6", "02:16:00"]]),
        checkAnswer({ window_start: "2023-01-01 01:00:00", window_end: "2023-01-01 01:10:00", cnt: 2 }),
      );
    });
  }

  it("PySpark 4.0.1 runs the deduplication on window_time(window) and evicts its state at once (golden)", () => {
    const golden = JSON.parse(readFileSync(new URL("golden/multi-stateful.json", import.meta.url), "utf8")) as { scenarios: Record<string, { batches: { state: [string, number, number, number, number][] }[][] }> };
    const [first] = golden.scenarios["agg-dedup-window-time"]!.batches;
    expect(first!.at(-1)!.state).toEqual([["dedupe", 0, 3, 3, 0], ["stateStoreSave", 1, 0, 3, 0]]);
  });

  // window_time(window) next to the window is one event time seen twice; the deduplication evicts
  // by the window_time key at once (PySpark 4.0.1: dedupe state 0, 3 updated and 3 removed,
  // scripts/oracle/gen_spark_suite_multi_stateful.py, golden/multi-stateful.json).
  it("aggregation -> stream deduplication with window_time among the keys, append mode", async () => {
    const agg = (input: Input) =>
      withEventTime(input, "0 seconds")
        .groupBy(F.window(col("eventTime"), "5 seconds").alias("window"))
        .agg(F.count("*").alias("count"))
        .withColumn("windowEnd", F.expr("window.end"));
    const in2 = spark.memoryStream("value INT");
    const withTime = agg(in2)
      .withColumn("windowTime", F.expr("window_time(window)"))
      .withColumn("windowTimeMicros", F.expr("unix_micros(windowTime)"))
      .dropDuplicates(["count", "windowEnd", "windowTime"])
      .select(col("windowEnd").cast("long").alias("windowEnd"), col("windowTimeMicros").cast("long").alias("micros"), col("count"));
    const m = (windowEnd: number, micros: number, count: number) => ({ windowEnd, micros, count });
    await testStream(spark, withTime, {}, addData(in2, ...vs(1, 5, 10, 15)), checkNewAnswer(m(5, 4_999_999, 1), m(10, 9_999_999, 1), m(15, 14_999_999, 1)), assertNumStateRows([0, 1]), assertDroppedByWatermark(0, 0));
  });
});
