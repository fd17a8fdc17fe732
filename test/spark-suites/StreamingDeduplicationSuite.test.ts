/**
 * Scenarios of Spark's StreamingDeduplicationSuite (sql/core/.../streaming/StreamingDeduplicationSuite.scala),
 * in our own code: dropDuplicates on all or some columns, chained, with a watermark (state evicted
 * by no-data batches, late rows dropped and counted), before an aggregation in every mode, and the
 * numDroppedDuplicateRows custom metric.
 */
import { describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import { type Action, addData, assertDroppedByWatermark, assertNumStateRows, assertOnQuery, checkAnswer, checkLastBatch, checkNewAnswer, testStream } from "./stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const vs = (...values: number[]) => values.map((value) => ({ value }));
const ts = (...secs: number[]) => secs.map((t) => ({ t }));
/** 10..15, five times over (as the suite's `(1 to 5).flatMap(_ => 10 to 15)`). */
const tenToFifteenTimesFive = () => vs(...Array.from({ length: 5 }, () => [10, 11, 12, 13, 14, 15]).flat());
const droppedDuplicates = (n: number): Action =>
  assertOnQuery(`numDroppedDuplicateRows ${n}`, (_q, { progress }) => expect(progress.filter((p) => p.numInputRows > 0).at(-1)!.stateOperators[0]!.customMetrics.numDroppedDuplicateRows).toBe(n));

/** value → eventTime with a 10 s watermark, deduplicated on all columns, event time as seconds. */
function dedupByEventTime(input: ReturnType<typeof spark.memoryStream>) {
  return input.toDF().withColumn("eventTime", F.expr("timestamp_seconds(value)")).withWatermark("eventTime", "10 seconds").dropDuplicates().select(col("eventTime").cast("long").alias("t"));
}

describe("StreamingDeduplicationSuite", () => {
  it("deduplicate with all columns", async () => {
    const input = spark.memoryStream("value STRING");
    await testStream(spark, input.toDF().dropDuplicates(), {}, addData(input, { value: "a" }), checkLastBatch({ value: "a" }), assertNumStateRows([1], [1]), addData(input, { value: "a" }), checkLastBatch(), assertNumStateRows([1], [0]), addData(input, { value: "b" }), checkLastBatch({ value: "b" }), assertNumStateRows([2], [1]));
  });

  it("deduplicate with some columns", async () => {
    const input = spark.memoryStream("_1 STRING, _2 INT");
    await testStream(
      spark,
      input.toDF().dropDuplicates(["_1"]),
      {},
      addData(input, { _1: "a", _2: 1 }),
      checkLastBatch({ _1: "a", _2: 1 }),
      assertNumStateRows([1], [1]),
      addData(input, { _1: "a", _2: 2 }),
      checkLastBatch(),
      assertNumStateRows([1], [0]),
      addData(input, { _1: "b", _2: 1 }),
      checkLastBatch({ _1: "b", _2: 1 }),
      assertNumStateRows([2], [1]),
    );
  });

  it("multiple deduplicates", async () => {
    const input = spark.memoryStream("_1 STRING, _2 INT");
    await testStream(
      spark,
      input.toDF().dropDuplicates().dropDuplicates(["_1"]),
      {},
      addData(input, { _1: "a", _2: 1 }),
      checkLastBatch({ _1: "a", _2: 1 }),
      assertNumStateRows([1, 1], [1, 1]),
      addData(input, { _1: "a", _2: 2 }),
      checkLastBatch(),
      assertNumStateRows([1, 2], [0, 1]),
      addData(input, { _1: "b", _2: 1 }),
      checkLastBatch({ _1: "b", _2: 1 }),
      assertNumStateRows([2, 3], [1, 1]),
    );
  });

  it("deduplicate with watermark: no-data batches evict, late rows are dropped (SPARK-35896 metrics)", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(
      spark,
      dedupByEventTime(input),
      {},
      addData(input, ...tenToFifteenTimesFive()),
      checkAnswer(...ts(10, 11, 12, 13, 14, 15)),
      assertNumStateRows([6], [6]),
      addData(input, ...vs(25)),
      checkNewAnswer(...ts(25)),
      assertNumStateRows([1], [1]),
      addData(input, ...vs(10)),
      checkNewAnswer(),
      assertNumStateRows([1], [0]),
      assertDroppedByWatermark(1),
      addData(input, ...vs(45)),
      checkNewAnswer(...ts(45)),
      assertNumStateRows([1], [1]),
      assertOnQuery("reported as dedupe", (_q, { progress }) => expect(progress.at(-1)!.stateOperators[0]!.operatorName).toBe("dedupe")),
    );
  });

  it("deduplicate with aggregate, append mode", async () => {
    const input = spark.memoryStream("value INT");
    const df = input
      .toDF()
      .withColumn("eventTime", F.expr("timestamp_seconds(value)"))
      .withWatermark("eventTime", "10 seconds")
      .dropDuplicates()
      .groupBy(F.window(col("eventTime"), "5 seconds").alias("window"))
      .agg(F.count("*").alias("count"))
      .select(col("window").getField("start").cast("long").alias("start"), col("count"));
    await testStream(
      spark,
      df,
      {},
      addData(input, ...tenToFifteenTimesFive()),
      checkLastBatch(),
      assertNumStateRows([2, 6], [2, 6]),
      addData(input, ...vs(25)),
      checkLastBatch({ start: 10, count: 5 }),
      assertNumStateRows([2, 1], [1, 1]),
      addData(input, ...vs(10)),
      checkLastBatch(),
      assertNumStateRows([2, 1], [0, 0]),
      assertDroppedByWatermark(0, 1),
      addData(input, ...vs(40)),
      checkLastBatch({ start: 15, count: 1 }, { start: 25, count: 1 }),
      assertNumStateRows([1, 1], [1, 1]),
    );
  });

  for (const outputMode of ["update", "complete"] as const) {
    it(`deduplicate with aggregate, ${outputMode} mode`, async () => {
      const input = spark.memoryStream("str STRING, num INT");
      const df = input.toDF().dropDuplicates().groupBy("str").agg(F.sum("num").alias("s"));
      const complete = outputMode === "complete";
      await testStream(
        spark,
        df,
        { outputMode },
        addData(input, { str: "a", num: 1 }),
        checkLastBatch({ str: "a", s: 1 }),
        assertNumStateRows([1, 1], [1, 1]),
        addData(input, { str: "a", num: 1 }),
        complete ? checkLastBatch({ str: "a", s: 1 }) : checkLastBatch(),
        assertNumStateRows([1, 1], [0, 0]),
        addData(input, { str: "a", num: 2 }),
        checkLastBatch({ str: "a", s: 3 }),
        assertNumStateRows([1, 2], [1, 1]),
        addData(input, { str: "b", num: 1 }),
        complete ? checkLastBatch({ str: "a", s: 3 }, { str: "b", s: 1 }) : checkLastBatch({ str: "b", s: 1 }),
        assertNumStateRows([2, 3], [1, 1]),
      );
    });
  }

  it("SPARK-19841: the watermark predicate filters on the keys, whatever their positions", async () => {
    const input = spark.memoryStream("time INT, id INT");
    const df = input.toDF().withColumn("time", F.expr("timestamp_seconds(time)")).withWatermark("time", "1 second").dropDuplicates(["id", "time"]).select("id");
    const ids = (...xs: number[]) => xs.map((id) => ({ id }));
    const rows = (...pairs: [number, number][]) => pairs.map(([time, id]) => ({ time, id }));
    await testStream(
      spark,
      df,
      {},
      addData(input, ...rows([1, 1], [1, 1], [1, 2])),
      checkAnswer(...ids(1, 2)),
      addData(input, ...rows([1, 1], [2, 3], [2, 4])),
      checkNewAnswer(...ids(3, 4)),
      addData(input, ...rows([1, 0], [1, 1], [3, 5], [3, 6])),
      checkNewAnswer(...ids(5, 6)),
      addData(input, ...rows([1, 0], [4, 7])),
      checkNewAnswer(...ids(7)),
    );
  });

  it("SPARK-21546: dropDuplicates keeps the first row of a key that is not the event time", async () => {
    const input = spark.memoryStream("id INT, time INT");
    const df = input.toDF().withColumn("time", F.expr("timestamp_seconds(time)")).withWatermark("time", "1 second").dropDuplicates(["id"]).select(col("id"), col("time").cast("long").alias("time"));
    await testStream(spark, df, {}, addData(input, { id: 1, time: 1 }, { id: 1, time: 2 }, { id: 2, time: 2 }), checkAnswer({ id: 1, time: 1 }, { id: 2, time: 2 }));
  });

  it("SPARK-35880: numDroppedDuplicateRows counts the duplicates each batch dropped", async () => {
    const input = spark.memoryStream("_1 STRING, _2 INT");
    await testStream(
      spark,
      input.toDF().dropDuplicates(["_1"]),
      {},
      addData(input, { _1: "a", _2: 1 }),
      checkLastBatch({ _1: "a", _2: 1 }),
      droppedDuplicates(0),
      addData(input, { _1: "a", _2: 2 }, { _1: "b", _2: 3 }),
      checkLastBatch({ _1: "b", _2: 3 }),
      droppedDuplicates(1),
      addData(input, { _1: "a", _2: 5 }, { _1: "b", _2: 2 }, { _1: "c", _2: 9 }),
      checkLastBatch({ _1: "c", _2: 9 }),
      droppedDuplicates(2),
    );
    const wm = spark.memoryStream("value INT");
    await testStream(
      spark,
      dedupByEventTime(wm),
      {},
      addData(wm, ...tenToFifteenTimesFive()),
      checkAnswer(...ts(10, 11, 12, 13, 14, 15)),
      droppedDuplicates(24),
      addData(wm, ...vs(14)),
      checkNewAnswer(),
      droppedDuplicates(1),
      addData(wm, ...vs(25)),
      checkNewAnswer(...ts(25)),
      droppedDuplicates(0),
      addData(wm, ...vs(10)),
      checkNewAnswer(),
      droppedDuplicates(0),
      addData(wm, ...vs(26, 26)),
      checkNewAnswer(...ts(26)),
      droppedDuplicates(1),
    );
  });
});
