/**
 * Scenarios of Spark's StreamingSessionWindowSuite (sql/core/.../streaming/StreamingSessionWindowSuite.scala),
 * in our own code: words of each line are session ids, sessions have a 10 s gap, the watermark a
 * 30 s delay. Sessions merge when a new event bridges them; append mode emits a session once the
 * watermark passes its end; late events are dropped and counted.
 */
import { describe, expect, it } from "vitest";
import { type DataFrame, Session, col, functions as F } from "../../src/index.js";
import { addData, assertDroppedByWatermark, checkLastBatch, checkNewAnswer, testStream } from "./stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
type Input = ReturnType<typeof spark.memoryStream>;
const lines = (...pairs: [string, number][]) => pairs.map(([_1, _2]) => ({ _1, _2 }));
const s = (sessionId: string, start: number, end: number, numEvents: number) => ({ sessionId, start, end, durationMs: end - start, numEvents });

function sessionWindowQuery(input: Input): DataFrame {
  return input
    .toDF()
    .select(col("_1").alias("value"), col("_2").alias("timestamp"))
    .withColumn("eventTime", col("timestamp").cast("timestamp"))
    .withWatermark("eventTime", "30 seconds")
    .selectExpr("explode(split(value, ' ')) AS sessionId", "eventTime")
    .groupBy(F.session_window(col("eventTime"), "10 seconds").alias("session"), col("sessionId"))
    .agg(F.count("*").alias("numEvents"))
    .selectExpr("sessionId", "CAST(session.start AS LONG) AS start", "CAST(session.end AS LONG) AS end", "CAST(session.end AS LONG) - CAST(session.start AS LONG) AS durationMs", "numEvents");
}

function sessionWindowOnGlobalKey(input: Input): DataFrame {
  return input
    .toDF()
    .withColumn("eventTime", col("value").cast("timestamp"))
    .withWatermark("eventTime", "10 seconds")
    .groupBy(F.session_window(col("eventTime"), "5 seconds").alias("session"))
    .agg(F.count("*").alias("count"), F.sum("value").alias("sum"));
}

describe("StreamingSessionWindowSuite", () => {
  it("complete mode: sessions placed before, merged, after", async () => {
    const input = spark.memoryStream("_1 STRING, _2 BIGINT");
    const base = [s("hello", 40, 51, 2), s("world", 40, 51, 2), s("structured", 41, 51, 1)];
    await testStream(
      spark,
      sessionWindowQuery(input),
      { outputMode: "complete" },
      addData(input, ...lines(["hello world spark streaming", 40], ["world hello structured streaming", 41])),
      checkLastBatch(...base, s("streaming", 40, 51, 2), s("spark", 40, 50, 1)),
      addData(input, ...lines(["spark streaming", 25])),
      checkLastBatch(s("spark", 25, 35, 1), s("streaming", 25, 35, 1), ...base, s("streaming", 40, 51, 2), s("spark", 40, 50, 1)),
      addData(input, ...lines(["spark streaming", 30])),
      checkLastBatch(s("spark", 25, 50, 3), s("streaming", 25, 51, 4), ...base),
      addData(input, ...lines(["hello apache spark", 60])),
      checkLastBatch(s("spark", 25, 50, 3), s("streaming", 25, 51, 4), ...base, s("hello", 60, 70, 1), s("apache", 60, 70, 1), s("spark", 60, 70, 1)),
      addData(input, ...lines(["structured streaming", 90])),
      checkLastBatch(s("spark", 25, 50, 3), s("streaming", 25, 51, 4), ...base, s("hello", 60, 70, 1), s("apache", 60, 70, 1), s("spark", 60, 70, 1), s("structured", 90, 100, 1), s("streaming", 90, 100, 1)),
    );
  });

  it("append mode: a session is emitted once the watermark passes its end; late events are dropped", async () => {
    const input = spark.memoryStream("_1 STRING, _2 BIGINT");
    await testStream(
      spark,
      sessionWindowQuery(input),
      {},
      addData(input, ...lines(["hello world spark streaming", 40], ["world hello structured streaming", 41])),
      checkNewAnswer(),
      addData(input, ...lines(["spark streaming", 25])),
      checkNewAnswer(),
      addData(input, ...lines(["spark streaming", 0])),
      checkNewAnswer(),
      assertDroppedByWatermark(2),
      addData(input, ...lines(["spark streaming", 30])),
      checkNewAnswer(),
      addData(input, ...lines(["hello apache spark", 60])),
      checkNewAnswer(),
      addData(input, ...lines(["structured streaming", 90])),
      checkNewAnswer(s("spark", 25, 50, 3), s("streaming", 25, 51, 4), s("hello", 40, 51, 2), s("world", 40, 51, 2), s("structured", 41, 51, 1)),
    );
  });

  // Deliberate difference (README.md): Spark fails a session window without another key ("Global
  // aggregation with session window in streaming query is not supported"); Sluice runs it.
  it("complete mode: a session window without a key runs (Spark refuses it)", async () => {
    const input = spark.memoryStream("value INT");
    const df = sessionWindowOnGlobalKey(input).select(col("session.start").cast("long").alias("start"), col("session.end").cast("long").alias("end"), col("count"), col("sum"));
    await testStream(spark, df, { outputMode: "complete" }, addData(input, { value: 40 }), checkLastBatch({ start: 40, end: 45, count: 1, sum: 40 }), addData(input, { value: 43 }), checkLastBatch({ start: 40, end: 48, count: 2, sum: 83 }));
  });

  it("update mode is refused for session windows, with or without a key", async () => {
    for (const df of [sessionWindowQuery(spark.memoryStream("_1 STRING, _2 BIGINT")), sessionWindowOnGlobalKey(spark.memoryStream("value INT"))]) {
      await expect(df.writeStream.format("memory").queryName("session_update").outputMode("update").start()).rejects.toThrowError(/Update output mode.*not supported.*for session window/i);
    }
  });
});
