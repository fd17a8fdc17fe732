/**
 * Chained stateful operators (Spark ≥ 3.4): an aggregation over an aggregation, deduplication
 * before or after an aggregation. Each operator drops input rows at or below the previous batch's
 * watermark and evicts state at or below the current one, so what an append-mode aggregation
 * emits in a batch is never late for the operator after it. Each test restarts in the middle.
 */
import { describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import { stateOps, stateOpsPerBatch, t, win } from "../support/stateful-progress.js";
import { AddData, AssertOnQuery, CheckNewAnswer, StartStream, StopStream, testStream } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

function events() {
  const input = spark.memoryStream("id STRING, ts TIMESTAMP");
  return { input, df: input.toDF().withWatermark("ts", "10 seconds") };
}

describe("chained stateful operators", () => {
  it("a window aggregation over a window aggregation emits each minute once all its windows closed", async () => {
    const { input, df } = events();
    const perWindow = df.groupBy(F.window(col("ts"), "10 seconds")).agg(F.count("*").alias("n"));
    const perMinute = perWindow.groupBy(F.window(col("window"), "1 minute")).agg(F.sum("n").alias("total"), F.count("*").alias("windows"));
    await testStream(
      spark,
      perMinute,
      { outputMode: "append" },
      AddData(input, { id: "a", ts: t(5) }, { id: "b", ts: t(12) }, { id: "c", ts: t(25) }, { id: "d", ts: t(27) }),
      CheckNewAnswer(),
      AssertOnQuery("two operators, downstream first as in Spark; the first emitted [0, 10) to the second", (q) => {
        const [perMinuteOp, perWindowOp] = stateOpsPerBatch(q).at(-1)!;
        expect(perWindowOp).toMatchObject({ operatorName: "stateStoreSave", numRowsTotal: 2, numRowsRemoved: 1 });
        expect(perMinuteOp).toMatchObject({ operatorName: "stateStoreSave", numRowsTotal: 1, numRowsUpdated: 1 });
      }),
      StopStream,
      StartStream(),
      AddData(input, { id: "late", ts: t(3) }, { id: "e", ts: t(70) }),
      CheckNewAnswer({ window: win(0, 60), total: 4, windows: 3 }),
      AssertOnQuery("the late row was dropped by the first operator only", (q) => {
        const dropped = stateOps(q).map((o) => o.numRowsDroppedByWatermark);
        expect(dropped.reduce((a, b) => a + b, 0)).toBe(1);
        expect(stateOpsPerBatch(q).at(-1)![0]).toMatchObject({ numRowsTotal: 0, numRowsRemoved: 1 });
      }),
      AddData(input, { id: "f", ts: t(200) }),
      CheckNewAnswer({ window: win(60, 120), total: 1, windows: 1 }),
    );
  });

  it("window_time() carries the watermark to a plain timestamp key", async () => {
    const { input, df } = events();
    const perWindow = df.groupBy(F.window(col("ts"), "10 seconds")).agg(F.count("*").alias("n"));
    const byEnd = perWindow.select(F.window_time(col("window")).alias("wt"), col("n")).groupBy("wt").agg(F.sum("n").alias("n"));
    await testStream(
      spark,
      byEnd,
      { outputMode: "append" },
      AddData(input, { id: "a", ts: t(1) }, { id: "b", ts: t(2) }, { id: "c", ts: t(15) }),
      StopStream,
      StartStream(),
      AddData(input, { id: "d", ts: t(40) }),
      CheckNewAnswer({ wt: new Date(t(10).getTime() - 0.001), n: 2 }, { wt: new Date(t(20).getTime() - 0.001), n: 1 }),
    );
  });

  it("deduplication before and after an aggregation", async () => {
    const { input, df } = events();
    const counts = df.dropDuplicates(["id", "ts"]).groupBy(F.window(col("ts"), "10 seconds")).agg(F.count("*").alias("n")).dropDuplicates(["window"]);
    await testStream(
      spark,
      counts,
      { outputMode: "append" },
      AddData(input, { id: "a", ts: t(1) }, { id: "a", ts: t(1) }, { id: "b", ts: t(2) }),
      StopStream,
      StartStream(),
      AddData(input, { id: "a", ts: t(1) }, { id: "c", ts: t(30) }),
      CheckNewAnswer({ window: win(0, 10), n: 2 }),
      AssertOnQuery("three operators, dedup state bounded by the watermark", (q) => {
        const ops = stateOpsPerBatch(q).at(-1)!;
        expect(ops.map((o) => o.operatorName)).toEqual(["dedupe", "stateStoreSave", "dedupe"]);
        expect(ops[0]!.numRowsTotal).toBe(0);
      }),
    );
  });

  it("two aggregations side by side (a union) keep separate state and close their windows independently", async () => {
    const { input, df } = events();
    const tens = df.groupBy(F.window(col("ts"), "10 seconds")).agg(F.count("*").alias("n"));
    const twenties = df.groupBy(F.window(col("ts"), "20 seconds")).agg(F.count("*").alias("n"));
    await testStream(
      spark,
      tens.union(twenties),
      { outputMode: "append" },
      AddData(input, { id: "a", ts: t(1) }, { id: "b", ts: t(12) }),
      StopStream,
      StartStream(),
      AddData(input, { id: "c", ts: t(45) }),
      CheckNewAnswer({ window: win(0, 10), n: 1 }, { window: win(10, 20), n: 1 }, { window: win(0, 20), n: 2 }),
      AssertOnQuery("two operators with their own state", (q) => expect(stateOpsPerBatch(q).at(-1)!.map((o) => o.numRowsTotal)).toEqual([1, 1])),
    );
  });

  it("deduplication without event time before an update-mode aggregation is allowed", async () => {
    const input = spark.memoryStream("id STRING, v INT");
    const q = input.toDF().dropDuplicates(["id"]).groupBy("v").count();
    await testStream(
      spark,
      q,
      { outputMode: "update" },
      AddData(input, { id: "a", v: 1 }, { id: "a", v: 1 }, { id: "b", v: 1 }),
      CheckNewAnswer({ v: 1, count: 2 }),
      StopStream,
      StartStream(),
      AddData(input, { id: "b", v: 1 }, { id: "c", v: 1 }),
      CheckNewAnswer({ v: 1, count: 3 }),
    );
  });

  it("rejects a stateful operator after an update or complete aggregation, naming the check and the fix", async () => {
    const { df } = events();
    const perWindow = df.groupBy(F.window(col("ts"), "10 seconds")).agg(F.count("*").alias("n"));
    const chain = perWindow.groupBy(F.window(col("window"), "1 minute")).agg(F.sum("n"));
    for (const mode of ["update", "complete"] as const) {
      await expect(chain.writeStream.format("memory").queryName(`chain_${mode}`).outputMode(mode).start()).rejects.toMatchObject({
        code: "STREAMING_STATEFUL_OPERATOR_CORRECTNESS",
        message: expect.stringContaining("spark.sql.streaming.statefulOperator.checkCorrectness.enabled"),
      });
    }
    await expect(perWindow.dropDuplicatesWithinWatermark(["n"]).writeStream.format("memory").queryName("chain_dww").outputMode("update").start()).rejects.toMatchObject({
      code: "STREAMING_STATEFUL_OPERATOR_CORRECTNESS",
    });
    // A second aggregation in append mode needs a watermarked key of its own.
    await expect(perWindow.groupBy("n").count().writeStream.format("memory").queryName("chain_nokey").outputMode("append").start()).rejects.toMatchObject({
      code: "STREAMING_OUTPUT_MODE_INVALID",
    });
  });

  it("runs an update-mode chain when the correctness check is disabled, with a warning", async () => {
    const session = spark;
    session.conf.set("spark.sql.streaming.statefulOperator.checkCorrectness.enabled", "false");
    const input = session.memoryStream("k STRING, v INT");
    const chain = input.toDF().groupBy("k").agg(F.sum("v").alias("s")).groupBy("s").count();
    const warnings: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (warnings.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const q = await chain.writeStream.format("memory").queryName("chain_nocheck").outputMode("complete").start();
      input.addData([{ k: "a", v: 1 }, { k: "b", v: 1 }]);
      await q.processAllAvailable();
      expect(await session.table("chain_nocheck").collect()).toEqual([{ s: 1n, count: 2n }]);
      await q.stop();
    } finally {
      process.stderr.write = write;
      session.conf.unset("spark.sql.streaming.statefulOperator.checkCorrectness.enabled");
    }
    expect(warnings.join("")).toContain("global watermark correctness check");
  });
});
