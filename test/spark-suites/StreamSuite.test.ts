/**
 * Scenarios of Spark's StreamSuite (sql/core/.../streaming/StreamSuite.scala), in our own code:
 * here the streaming limit tests. In append mode a limit is stateful across batches
 * (StreamingGlobalLimitExec); in complete mode it limits each batch's input; update mode refuses it.
 */
import { describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import { addData, addInput, assertNumStateRows, assertOnQuery, checkAnswer, checkLastBatch, startStream, stopStream, testStream } from "./stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const values = (...vs: number[]) => vs.map((value) => ({ value }));
const range = (from: number, to: number) => values(...Array.from({ length: to - from + 1 }, (_, i) => from + i));

describe("StreamSuite: streaming limit", () => {
  it("limit without state: one batch larger than the limit", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(spark, input.toDF().limit(4), {}, addData(input, ...range(1, 6)), checkAnswer(...range(1, 4)), addData(input, ...range(7, 9)), checkAnswer(...range(1, 4)));
  });

  it("limit with state: the count carries across batches and restarts", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(
      spark,
      input.toDF().limit(4),
      {},
      addData(input, ...range(1, 3)),
      checkAnswer(...range(1, 3)),
      assertNumStateRows([1], [1]),
      stopStream,
      startStream(),
      addData(input, ...range(4, 6)),
      checkAnswer(...range(1, 4)),
      assertNumStateRows([1], [1]),
      addData(input, ...range(7, 9)),
      checkAnswer(...range(1, 4)),
      assertNumStateRows([1], [0]),
      assertOnQuery("reported as globalLimit", (_q, { progress }) => expect(progress.at(-1)!.stateOperators[0]!.operatorName).toBe("globalLimit")),
    );
  });

  it("limit with other operators: a filter before it", async () => {
    const input = spark.memoryStream("value INT");
    const df = input.toDF().where(col("value").mod(2).eq(1)).limit(4);
    await testStream(spark, df, {}, addData(input, ...range(1, 5)), checkAnswer(...values(1, 3, 5)), addData(input, ...range(6, 9)), checkAnswer(...values(1, 3, 5, 7)), addData(input, ...range(10, 13)), checkAnswer(...values(1, 3, 5, 7)));
  });

  it("limit below an aggregation in complete mode limits each batch's input", async () => {
    const input = spark.memoryStream("value INT");
    const df = input.toDF().limit(5).groupBy("value").agg(F.count("*").alias("count"));
    await testStream(
      spark,
      df,
      { outputMode: "complete" },
      addData(input, ...range(1, 3)),
      checkLastBatch({ value: 1, count: 1 }, { value: 2, count: 1 }, { value: 3, count: 1 }),
      stopStream,
      addData(input, ...range(1, 9)),
      startStream(),
      checkLastBatch({ value: 1, count: 2 }, { value: 2, count: 2 }, { value: 3, count: 2 }, { value: 4, count: 1 }, { value: 5, count: 1 }),
    );
  });

  it("limit over a sorted aggregation in complete mode keeps the aggregation's state", async () => {
    const input = spark.memoryStream("value INT");
    const df = input.toDF().groupBy("value").agg(F.count("*").alias("count")).orderBy(col("value").desc()).limit(2);
    await testStream(
      spark,
      df,
      { outputMode: "complete" },
      addData(input, ...range(1, 3)),
      checkLastBatch({ value: 3, count: 1 }, { value: 2, count: 1 }),
      stopStream,
      startStream(),
      addData(input, ...values(3, 1)),
      checkLastBatch({ value: 3, count: 2 }, { value: 2, count: 1 }),
    );
  });

  it("limit in update mode is refused, with offset refused in any mode", async () => {
    const input = spark.memoryStream("value INT");
    await expect(input.toDF().limit(5).writeStream.format("memory").queryName("limit_update").outputMode("update").start()).rejects.toMatchObject({
      code: "STREAMING_LIMIT_NOT_SUPPORTED",
      message: expect.stringContaining("Limits are not supported on streaming DataFrames/Datasets in Update output mode"),
    });
    await expect(input.toDF().offset(2).writeStream.format("memory").queryName("offset_append").start()).rejects.toMatchObject({ code: "STREAMING_OFFSET_NOT_SUPPORTED" });
  });

  it("limit after a deduplication in append mode", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(spark, input.toDF().dropDuplicates().limit(3), {}, addData(input, ...values(1, 1, 2, 2)), checkAnswer(...values(1, 2)), addData(input, ...values(2, 3, 4, 5)), checkAnswer(...values(1, 2, 3)), assertNumStateRows([1, 5]));
  });
});

describe("StreamSuite: beyond limits", () => {
  it("map with recovery: a projection picks up where it stopped", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(
      spark,
      input.toDF().select(col("value").plus(1).alias("value")),
      {},
      addData(input, ...values(1, 2, 3)),
      checkAnswer(...values(2, 3, 4)),
      stopStream,
      addData(input, ...values(4, 5, 6)),
      startStream(),
      checkAnswer(...values(2, 3, 4, 5, 6, 7)),
    );
  });

  it("join with a static DataFrame", async () => {
    const input = spark.memoryStream("value INT");
    const smallTable = spark.createDataFrame([{ number: 1, word: "one" }, { number: 2, word: "two" }, { number: 4, word: "four" }], "number INT, word STRING");
    const joined = input.toDF().join(smallTable, col("value").eq(col("number"))).select("value", "word");
    await testStream(spark, joined, {}, addData(input, ...values(1, 2, 3)), checkAnswer({ value: 1, word: "one" }, { value: 2, word: "two" }), addData(input, ...values(4)), checkAnswer({ value: 1, word: "one" }, { value: 2, word: "two" }, { value: 4, word: "four" }));
  });

  it("union of two streams", async () => {
    const a = spark.memoryStream("value INT");
    const b = spark.memoryStream("value INT");
    await testStream(spark, a.toDF().union(b.toDF()), {}, addData(a, ...values(1, 2, 3)), addData(b, ...values(10, 11)), checkAnswer(...values(1, 2, 3, 10, 11)), addData(b, ...values(12)), checkAnswer(...values(1, 2, 3, 10, 11, 12)));
  });

  it("SPARK-20432: a stream unioned with itself gives each row twice", async () => {
    const input = spark.memoryStream("value INT");
    const df = input.toDF();
    await testStream(spark, df.union(df), {}, addData(input, ...values(1, 2)), checkAnswer(...values(1, 1, 2, 2)));
  });

  it("SPARK-26379: current_timestamp() and current_date() columns reach the sink (the batch's time)", async () => {
    const input = spark.memoryStream("value INT");
    const df = input.toDF().withColumn("cur_timestamp", F.current_timestamp()).withColumn("cur_date", F.current_date());
    await testStream(
      spark,
      df,
      {},
      addData(input, ...values(1)),
      assertOnQuery("the columns hold the batch's timestamp", async (q) => {
        await q.processAllAvailable();
        const rows = await spark.table(q.name!).collect();
        expect(rows).toHaveLength(1);
        const batchTs = new Date(q.recentProgress.find((p) => p.numInputRows > 0)!.timestamp);
        expect(rows[0]!.cur_timestamp).toEqual(batchTs);
        expect((rows[0]!.cur_date as Date).toISOString().slice(0, 10)).toBe(batchTs.toISOString().slice(0, 10));
      }),
    );
  });

  it("SPARK-19873: a restart with another spark.sql.shuffle.partitions keeps the checkpoint's and the state", async () => {
    const input = spark.memoryStream("value INT");
    const df = input.toDF().groupBy("value").agg(F.count("*").alias("count"));
    spark.conf.set("spark.sql.shuffle.partitions", "4");
    try {
      await testStream(
        spark,
        df,
        { outputMode: "complete" },
        addData(input, ...values(1, 2, 1)),
        checkLastBatch({ value: 1, count: 2 }, { value: 2, count: 1 }),
        stopStream,
        addInput(() => spark.conf.set("spark.sql.shuffle.partitions", "7")),
        startStream(),
        addData(input, ...values(1, 3)),
        checkLastBatch({ value: 1, count: 3 }, { value: 2, count: 1 }, { value: 3, count: 1 }),
        assertOnQuery("still 4 partitions", (_q, { progress }) => expect(progress.at(-1)!.stateOperators[0]!.numShufflePartitions).toBe(4)),
      );
    } finally {
      spark.conf.unset("spark.sql.shuffle.partitions");
    }
  });
});
