/**
 * Scenarios of Spark's StreamingDeduplicationWithinWatermarkSuite
 * (sql/core/.../streaming/StreamingDeduplicationWithinWatermarkSuite.scala), in our own code: a key
 * is a duplicate until the watermark passes its first event time plus the delay; refused on a batch
 * DataFrame and on a stream without a watermark.
 */
import { describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import { addData, assertDroppedByWatermark, assertNumStateRows, checkAnswer, checkNewAnswer, testStream } from "./stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const vs = (...values: number[]) => values.map((value) => ({ value }));
const ts = (...secs: number[]) => secs.map((t) => ({ t }));

describe("StreamingDeduplicationWithinWatermarkSuite", () => {
  it("deduplicate in a batch DataFrame is refused", async () => {
    for (const df of [spark.range(10).dropDuplicatesWithinWatermark(), spark.range(10).withColumn("newcol", col("id")).dropDuplicatesWithinWatermark(["newcol"])]) {
      await expect(df.collect()).rejects.toThrowError(/dropDuplicatesWithinWatermark is not supported with batch DataFrames\/DataSets/);
    }
  });

  it("deduplicate without an event-time column is refused", async () => {
    const input = spark.memoryStream("value STRING");
    for (const df of [input.toDF().dropDuplicatesWithinWatermark(), input.toDF().withColumn("newcol", col("value")).dropDuplicatesWithinWatermark(["newcol"])]) {
      await expect(df.writeStream.format("memory").queryName("dwm_no_wm").start()).rejects.toThrowError(/dropDuplicatesWithinWatermark is not supported on streaming DataFrames\/DataSets without watermark/);
    }
  });

  it("deduplicate with all columns, event time among them", async () => {
    const input = spark.memoryStream("value INT");
    const df = input.toDF().withColumn("eventTime", F.expr("timestamp_seconds(value)")).withWatermark("eventTime", "10 seconds").dropDuplicatesWithinWatermark().select(col("eventTime").cast("long").alias("t"));
    await testStream(
      spark,
      df,
      {},
      addData(input, ...vs(...Array.from({ length: 5 }, () => [10, 11, 12, 13, 14, 15]).flat())),
      checkAnswer(...ts(10, 11, 12, 13, 14, 15)),
      assertNumStateRows([6], [6]),
      addData(input, ...vs(13, 14, 15, 16, 17)),
      checkNewAnswer(...ts(16, 17)),
      assertNumStateRows([8], [2]),
      addData(input, ...vs(5)),
      checkNewAnswer(),
      assertNumStateRows([8], [0]),
      assertDroppedByWatermark(1),
      addData(input, ...vs(35)),
      checkNewAnswer(...ts(35)),
      assertNumStateRows([3], [1]),
      addData(input, ...vs(55)),
      checkNewAnswer(...ts(55)),
      assertNumStateRows([1], [1]),
    );
  });

  it("deduplicate on a subset of columns without the event time", async () => {
    const input = spark.memoryStream("_1 STRING, _2 INT");
    const df = input.toDF().withColumn("eventTime", F.expr("timestamp_seconds(_2)")).withWatermark("eventTime", "2 seconds").dropDuplicatesWithinWatermark(["_1"]).select(col("_1"), col("eventTime").cast("long").alias("t"));
    const r = (k: string, t: number) => ({ _1: k, t });
    const add = (...pairs: [string, number][]) => addData(input, ...pairs.map(([_1, _2]) => ({ _1, _2 })));
    await testStream(
      spark,
      df,
      {},
      add(["a", 17]),
      checkNewAnswer(r("a", 17)),
      assertNumStateRows([1], [1]),
      add(["a", 16]),
      checkNewAnswer(),
      assertNumStateRows([1], [0]),
      add(["a", 13]),
      checkNewAnswer(),
      assertNumStateRows([1], [0]),
      assertDroppedByWatermark(1),
      add(["b", 22], ["c", 21]),
      checkNewAnswer(r("b", 22), r("c", 21)),
      assertNumStateRows([2], [2]),
      add(["a", 21]),
      checkNewAnswer(r("a", 21)),
      assertNumStateRows([3], [1]),
      add(["d", 25]),
      checkNewAnswer(r("d", 25)),
      assertNumStateRows([2], [1]),
    );
  });
});
