/**
 * Stateful streaming operators through the StreamTest DSL, each with a restart in the middle.
 * With the default trigger, a batch without new data runs when the watermark has moved, so
 * windows close without waiting for more input (Spark's no-data micro-batches).
 */
import { describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import { stateOps, t, win } from "../support/stateful-progress.js";
import { AddData, AssertOnQuery, CheckAnswer, CheckLastBatch, CheckNewAnswer, StartStream, StopStream, testStream } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

describe("stateful streaming", () => {
  it("windowed count in append mode emits each window once the watermark passes its end", async () => {
    const input = spark.memoryStream("id STRING, ts TIMESTAMP");
    const counts = input
      .toDF()
      .withWatermark("ts", "10 seconds")
      .groupBy(F.window(col("ts"), "10 seconds"))
      .agg(F.count("*").alias("n"));
    await testStream(
      spark,
      counts,
      { outputMode: "append" },
      AddData(input, { id: "a", ts: t(100) }),
      CheckNewAnswer(),
      AddData(input, { id: "b", ts: t(115) }),
      CheckNewAnswer(),
      AddData(input, { id: "c", ts: t(130) }),
      CheckNewAnswer({ window: win(100, 110), n: 1 }, { window: win(110, 120), n: 1 }),
      StopStream,
      StartStream(),
      AddData(input, { id: "late", ts: t(95) }, { id: "d", ts: t(131) }),
      CheckNewAnswer(),
      AssertOnQuery("the late row was counted", (q) => expect(stateOps(q).some((o) => o.numRowsDroppedByWatermark === 1)).toBe(true)),
      AddData(input, { id: "e", ts: t(150) }),
      CheckNewAnswer({ window: win(130, 140), n: 2 }),
    );
  });

  it("routes late rows to a side output instead of dropping them silently (beyond Spark)", async () => {
    const input = spark.memoryStream("id STRING, ts TIMESTAMP");
    const late: [number, unknown[]][] = [];
    const counts = input
      .toDF()
      .withWatermark("ts", "10 seconds", { lateRows: async (df, batchId) => void late.push([batchId, (await df.collect()).map((r) => r.id)]) })
      .groupBy(F.window(col("ts"), "10 seconds"))
      .agg(F.count("*").alias("n"));
    await testStream(
      spark,
      counts,
      { outputMode: "update" },
      AddData(input, { id: "a", ts: t(100) }),
      CheckNewAnswer({ window: win(100, 110), n: 1 }),
      StopStream,
      StartStream(),
      AddData(input, { id: "late", ts: t(50) }, { id: "b", ts: t(101) }),
      CheckNewAnswer({ window: win(100, 110), n: 2 }),
    );
    expect(late.map(([, ids]) => ids)).toEqual([["late"]]);
  });

  it("sliding windows in append mode: each row counts in every window containing it", async () => {
    const input = spark.memoryStream("id STRING, ts TIMESTAMP");
    const counts = input
      .toDF()
      .withWatermark("ts", "0 seconds")
      .groupBy(F.window(col("ts"), "10 seconds", "5 seconds"))
      .agg(F.count("*").alias("n"));
    await testStream(
      spark,
      counts,
      { outputMode: "append" },
      AddData(input, { id: "a", ts: t(102) }, { id: "b", ts: t(107) }),
      CheckNewAnswer({ window: win(95, 105), n: 1 }),
      StopStream,
      StartStream(),
      AddData(input, { id: "c", ts: t(130) }),
      CheckNewAnswer({ window: win(100, 110), n: 2 }, { window: win(105, 115), n: 1 }),
    );
  });

  it("update mode emits the groups a batch touched; complete mode the whole result", async () => {
    const input = spark.memoryStream("k STRING, v INT");
    const agg = input.toDF().groupBy("k").agg(F.count("*").alias("n"), F.sum("v").alias("s"));
    await testStream(
      spark,
      agg,
      { outputMode: "update" },
      AddData(input, { k: "a", v: 1 }, { k: "a", v: 2 }, { k: "b", v: 5 }),
      CheckNewAnswer({ k: "a", n: 2, s: 3 }, { k: "b", n: 1, s: 5 }),
      StopStream,
      StartStream(),
      AddData(input, { k: "a", v: 10 }),
      CheckNewAnswer({ k: "a", n: 3, s: 13 }),
    );
    const input2 = spark.memoryStream("k STRING, v INT");
    await testStream(
      spark,
      input2.toDF().groupBy("k").agg(F.max("v").alias("top")),
      { outputMode: "complete" },
      AddData(input2, { k: "a", v: 1 }),
      CheckLastBatch({ k: "a", top: 1 }),
      StopStream,
      StartStream(),
      AddData(input2, { k: "b", v: 7 }, { k: "a", v: 3 }),
      CheckLastBatch({ k: "a", top: 3 }, { k: "b", top: 7 }),
      AssertOnQuery("state metrics", (q) => expect(stateOps(q).at(-1)).toMatchObject({ numRowsTotal: 2, numRowsUpdated: 2 })),
    );
  });

  it("dropDuplicates keeps state across restarts", async () => {
    const input = spark.memoryStream("id STRING, v INT");
    await testStream(
      spark,
      input.toDF().dropDuplicates(["id"]),
      {},
      AddData(input, { id: "a", v: 1 }, { id: "b", v: 2 }, { id: "a", v: 3 }),
      CheckAnswer({ id: "a", v: 1 }, { id: "b", v: 2 }),
      StopStream,
      StartStream(),
      AddData(input, { id: "a", v: 4 }, { id: "c", v: 5 }),
      CheckNewAnswer({ id: "c", v: 5 }),
    );
  });

  it("dropDuplicatesWithinWatermark forgets keys once the watermark passes event time + delay", async () => {
    const input = spark.memoryStream("id STRING, ts TIMESTAMP");
    await testStream(
      spark,
      input.toDF().withWatermark("ts", "10 seconds").dropDuplicatesWithinWatermark(["id"]),
      {},
      AddData(input, { id: "a", ts: t(100) }),
      CheckNewAnswer({ id: "a", ts: t(100) }),
      AddData(input, { id: "a", ts: t(105) }),
      CheckNewAnswer(),
      StopStream,
      StartStream(),
      AddData(input, { id: "x", ts: t(200) }),
      CheckNewAnswer({ id: "x", ts: t(200) }),
      AddData(input, { id: "a", ts: t(195) }),
      CheckNewAnswer({ id: "a", ts: t(195) }),
    );
  });

  it("rejects append-mode aggregation without a watermark, distinct aggregates and dropDuplicatesWithinWatermark without a watermark, with the fix", async () => {
    const s = spark.memoryStream("k STRING, ts TIMESTAMP").toDF();
    await expect(s.groupBy("k").count().writeStream.format("memory").queryName("st_x1").start()).rejects.toMatchObject({
      code: "STREAMING_OUTPUT_MODE_INVALID",
      message: expect.stringContaining("withWatermark"),
    });
    await expect(s.groupBy("k").agg(F.countDistinct("ts")).writeStream.outputMode("update").format("memory").queryName("st_x2").start()).rejects.toMatchObject({
      code: "STREAMING_DISTINCT_AGGREGATION",
    });
    await expect(s.dropDuplicatesWithinWatermark(["k"]).writeStream.format("memory").queryName("st_x3").start()).rejects.toMatchObject({
      code: "DEDUPLICATE_WITHIN_WATERMARK_WITHOUT_WATERMARK",
      message: expect.stringContaining("withWatermark()"),
    });
  });
});

describe("unbounded state warnings", () => {
  it("names operators whose state grows without bound, and not bounded ones", async () => {
    const { unboundedStateOperators } = await import("../../src/plan/streaming-checks.js");
    const s = spark.memoryStream("k STRING, ts TIMESTAMP").toDF();
    expect(unboundedStateOperators(s.groupBy("k").count().resolved)).toEqual([
      "aggregation by [k]: no watermarked event-time column among the grouping keys",
    ]);
    expect(unboundedStateOperators(s.dropDuplicates(["k"]).resolved)[0]).toMatch(/^dropDuplicates\(k\)/);
    const w = s.withWatermark("ts", "1 minute");
    expect(unboundedStateOperators(w.groupBy(F.window(col("ts"), "1 minute")).count().resolved)).toEqual([]);
    expect(unboundedStateOperators(w.dropDuplicatesWithinWatermark(["k"]).resolved)).toEqual([]);
    expect(unboundedStateOperators(s.groupBy().count().resolved)).toEqual([]);
    expect(s.groupBy("k").count().explainString()).toContain("== Unbounded state ==\naggregation by [k]");
  });

  it("explain of a stream deduplicating within its watermark shows the streaming operator, before and after the query ran", async () => {
    const s = spark.memoryStream("k STRING, ts TIMESTAMP");
    const d = s.toDF().withWatermark("ts", "1 minute").dropDuplicatesWithinWatermark(["k"]);
    expect(d.explainString()).toContain("StreamingDeduplicateWithinWatermarkExec: [k]");
    const q = await d.writeStream.format("memory").queryName("dedup_explain").start();
    s.addData([{ k: "a", ts: new Date(0) }]);
    await q.processAllAvailable();
    expect(q.explainString()).toContain("StreamingDeduplicateWithinWatermarkExec: [k]");
    await q.stop();
    expect(q.explainString()).toContain("StreamingDeduplicateWithinWatermarkExec: [k]");
  });
});

describe("state store providers in a query", () => {
  it("the LevelDB provider (state larger than memory) gives the same answers across restarts", async () => {
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", "leveldb");
    try {
      const input = spark.memoryStream("k STRING, v INT");
      await testStream(
        spark,
        input.toDF().groupBy("k").agg(F.sum("v").alias("s")),
        { outputMode: "update" },
        AddData(input, { k: "a", v: 1 }, { k: "b", v: 2 }),
        CheckNewAnswer({ k: "a", s: 1 }, { k: "b", s: 2 }),
        StopStream,
        StartStream(),
        AddData(input, { k: "a", v: 10 }),
        CheckNewAnswer({ k: "a", s: 11 }),
      );
    } finally {
      spark.conf.unset("spark.sql.streaming.stateStore.providerClass");
    }
  });

  it("keeps the checkpoint's provider when a restart's session names another, as Spark does", async () => {
    const { existsSync, mkdtempSync, readdirSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const chk = mkdtempSync(join(tmpdir(), "sluice-prov-"));
    const input = spark.memoryStream("k STRING");
    input.addData([{ k: "a" }]);
    const start = () => input.toDF().groupBy("k").count().writeStream.outputMode("complete").format("memory").queryName("prov_q").option("checkpointLocation", chk).start();
    const q = await start();
    await q.processAllAvailable();
    await q.stop();
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", "leveldb");
    try {
      input.addData([{ k: "b" }, { k: "a" }]);
      const q2 = await start();
      await q2.processAllAvailable();
      await q2.stop();
      expect((await spark.table("prov_q").collect()).map((r) => [r.k, Number(r.count)]).sort()).toEqual([["a", 2], ["b", 1]]);
      // the in-memory provider ran (LevelDB keeps a _leveldb folder in each store it opens)
      const partitions = readdirSync(join(chk, "state", "0"));
      expect(partitions.length).toBeGreaterThan(0);
      for (const p of partitions) expect(existsSync(join(chk, "state", "0", p, "_leveldb"))).toBe(false);
    } finally {
      spark.conf.unset("spark.sql.streaming.stateStore.providerClass");
    }
  });

});
