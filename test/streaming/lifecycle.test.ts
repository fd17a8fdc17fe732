import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import type { StreamingQueryListener } from "../../src/streaming/progress/listener-bus.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = () => mkdtempSync(join(tmpdir(), "sluice-life-"));

describe("streaming query lifecycle", () => {
  it("reports isStreaming and refuses batch actions on streams and writeStream on batches", async () => {
    const s = spark.memoryStream("v INT").toDF();
    expect(s.isStreaming).toBe(true);
    expect(spark.range(3).isStreaming).toBe(false);
    await expect(s.collect()).rejects.toMatchObject({ code: "STREAMING_BATCH_ACTION", message: expect.stringContaining("writeStream") });
    expect(() => s.write).toThrowError(expect.objectContaining({ code: "STREAMING_BATCH_ACTION" }));
    expect(() => spark.range(3).writeStream).toThrowError(expect.objectContaining({ code: "WRITE_STREAM_NOT_ALLOWED" }));
  });

  it("delivers listener events in Spark's order with Spark's progress fields", async () => {
    const events: string[] = [];
    const progress: unknown[] = [];
    const listener: StreamingQueryListener = {
      onQueryStarted: () => void events.push("started"),
      onQueryProgress: (e) => {
        events.push("progress");
        progress.push(JSON.parse(e.progress.json));
      },
      onQueryIdle: () => void events.push("idle"),
      onQueryTerminated: (e) => void events.push(`terminated:${e.exception}`),
    };
    spark.streams.addListener(listener);
    const input = spark.memoryStream("v INT");
    input.addData([{ v: 1 }, { v: 2 }]);
    const q = await input.toDF().writeStream.format("memory").queryName("life_events").start();
    await q.processAllAvailable();
    await q.stop();
    await spark.streams.bus.drain();
    spark.streams.removeListener(listener);
    const dedup = events.filter((e, i) => e !== events[i - 1]);
    // After a batch, the next idle event waits for spark.sql.streaming.noDataProgressEventInterval (10 s).
    expect(dedup).toEqual(["started", "progress", "terminated:null"]);
    const p = progress[0] as Record<string, any>;
    expect(p).toMatchObject({ id: q.id, runId: q.runId, name: "life_events", batchId: 0, numInputRows: 2 });
    expect(Object.keys(p.durationMs).sort()).toEqual(["addBatch", "commitOffsets", "getBatch", "latestOffset", "queryPlanning", "triggerExecution", "walCommit"]);
    expect(p.sources[0]).toMatchObject({ description: expect.stringContaining("MemoryStream"), startOffset: null, endOffset: 0, latestOffset: 0, numInputRows: 2 });
    expect(p.sink).toMatchObject({ description: "MemorySink[life_events]", numOutputRows: 2 });
    expect(await spark.table("life_events").count()).toBe(2);
  });

  it("keeps the query id across restarts and changes the runId", async () => {
    const chk = tmp();
    const input = spark.memoryStream("v INT");
    const start = () => input.toDF().writeStream.format("memory").queryName("life_ids").option("checkpointLocation", chk).start();
    const q1 = await start();
    await q1.stop();
    const q2 = await start();
    await q2.stop();
    expect(q2.id).toBe(q1.id);
    expect(q2.runId).not.toBe(q1.runId);
  });

  it("re-runs an uncommitted batch with exactly its logged offsets", async () => {
    const chk = tmp();
    const input = spark.memoryStream("v INT");
    const seen: [number, number[]][] = [];
    const start = () =>
      input
        .toDF()
        .writeStream.foreachBatch(async (df, id) => void seen.push([id, (await df.collect()).map((r) => r.v as number)]))
        .option("checkpointLocation", chk)
        .start();
    input.addData([{ v: 1 }]);
    let q = await start();
    await q.processAllAvailable();
    input.addData([{ v: 2 }]);
    await q.processAllAvailable();
    await q.stop();
    // Simulate a crash after offsets/1 was written but before commits/1.
    rmSync(join(chk, "commits", "1"));
    input.addData([{ v: 3 }]);
    q = await start();
    await q.processAllAvailable();
    await q.stop();
    expect(seen).toEqual([
      [0, [1]],
      [1, [2]],
      [1, [2]],
      [2, [3]],
    ]);
  });

  it("fails a restart on a corrupt offsets file, naming it", async () => {
    const chk = tmp();
    const input = spark.memoryStream("v INT");
    input.addData([{ v: 1 }]);
    const start = () => input.toDF().writeStream.format("memory").queryName("life_corrupt").option("checkpointLocation", chk).start();
    const q = await start();
    await q.processAllAvailable();
    await q.stop();
    const file = join(chk, "offsets", "0");
    writeFileSync(file, readFileSync(file, "utf8").slice(0, 20));
    const q2 = await start();
    await expect(q2.awaitTermination()).rejects.toMatchObject({ code: "CHECKPOINT_CORRUPT", message: expect.stringContaining(file) });
    expect(q2.exception).toMatchObject({ code: "CHECKPOINT_CORRUPT" });
    expect(q2.isActive).toBe(false);
  });

  it("refuses a different query on an existing checkpoint", async () => {
    const chk = tmp();
    const a = spark.memoryStream("v INT");
    const b = spark.memoryStream("v INT");
    const q = await a.toDF().writeStream.format("memory").queryName("life_a").option("checkpointLocation", chk).start();
    await q.stop();
    await expect(b.toDF().writeStream.format("memory").queryName("life_b").option("checkpointLocation", chk).start()).rejects.toMatchObject({
      code: "CHECKPOINT_INCOMPATIBLE_QUERY",
    });
  });

  it("trigger once runs one batch and availableNow drains in read-limit-sized batches", async () => {
    const input = spark.memoryStream("v INT");
    input.addData([{ v: 1 }]);
    input.addData([{ v: 2 }]);
    const once = await input.toDF().writeStream.format("memory").queryName("life_once").trigger({ once: true }).start();
    await once.awaitTermination();
    expect(once.recentProgress.length).toBe(1);
    expect(await spark.table("life_once").count()).toBe(2);
  });

  it("processAllAvailable rejects when the query fails", async () => {
    const input = spark.memoryStream("a INT, b INT");
    const q = await input.toDF().select(col("a").divide(col("b")).alias("q")).writeStream.format("memory").queryName("life_fail").start();
    input.addData([{ a: 1, b: 0 }]);
    await expect(q.processAllAvailable()).rejects.toMatchObject({ code: "DIVIDE_BY_ZERO" });
    await expect(q.processAllAvailable()).rejects.toMatchObject({ code: "DIVIDE_BY_ZERO" });
  });

  it("awaitTermination with a timeout resolves false while running", async () => {
    const q = await spark.memoryStream("v INT").toDF().writeStream.format("memory").queryName("life_timeout").start();
    // Seconds, as PySpark's awaitTermination(timeout), or a duration string.
    expect(await q.awaitTermination(0.03)).toBe(false);
    expect(await q.awaitTermination("30 milliseconds")).toBe(false);
    expect(spark.streams.active.map((x) => x.id)).toContain(q.id);
    expect(spark.streams.get(q.id)).toBe(q);
    await q.stop();
    expect(await q.awaitTermination(1)).toBe(true);
  });

  it("awaitTermination refuses a timeout that is not positive (PySpark's VALUE_NOT_POSITIVE)", async () => {
    const q = await spark.memoryStream("v INT").toDF().writeStream.format("memory").queryName("life_bad_timeout").start();
    try {
      for (const bad of [0, -1, Number.NaN, "-5 seconds"]) {
        await expect(q.awaitTermination(bad)).rejects.toMatchObject({ code: "VALUE_NOT_POSITIVE" });
      }
      await expect(q.awaitTermination("soon")).rejects.toMatchObject({ code: "INVALID_INTERVAL" });
    } finally {
      await q.stop();
    }
  });

  it("rejects unsupported operations at start() with a message that says what to change", async () => {
    const s = spark.memoryStream("v INT").toDF();
    await expect(s.orderBy("v").writeStream.format("memory").queryName("x1").start()).rejects.toMatchObject({ code: "STREAMING_SORT_NOT_SUPPORTED" });
    await expect(s.limit(3).writeStream.format("memory").queryName("x2").outputMode("update").start()).rejects.toMatchObject({ code: "STREAMING_LIMIT_NOT_SUPPORTED" });
    await expect(s.writeStream.format("memory").queryName("x3").outputMode("complete").start()).rejects.toMatchObject({
      code: "STREAMING_OUTPUT_MODE_INVALID",
      message: expect.stringContaining("no streaming aggregations"),
    });
    const dim = spark.createDataFrame([{ v: 1 }], "v INT");
    await expect(s.join(dim, "v", "full").writeStream.format("memory").queryName("x4").start()).rejects.toMatchObject({ code: "STREAM_STATIC_JOIN_NOT_SUPPORTED" });
    await expect(dim.join(s, "v", "left").writeStream.format("memory").queryName("x5").start()).rejects.toMatchObject({ code: "STREAM_STATIC_JOIN_NOT_SUPPORTED" });
    await expect(s.writeStream.format("memory").start()).rejects.toMatchObject({ code: "QUERY_NAME_REQUIRED" });
    await expect(s.writeStream.format("json").start("/tmp/x")).rejects.toMatchObject({ code: "CHECKPOINT_LOCATION_REQUIRED" });
    expect(() => s.writeStream.outputMode("upsert")).toThrowError(expect.objectContaining({ code: "INVALID_OUTPUT_MODE" }));
    await expect(s.writeStream.format("memory").queryName("x6").trigger({ processingTime: "soon" }).start()).rejects.toMatchObject({ code: "INVALID_INTERVAL" });
  });

  it("needs a schema for streaming file sources unless inference is on", () => {
    expect(() => spark.readStream.json(tmp())).toThrowError(expect.objectContaining({ code: "STREAMING_SCHEMA_REQUIRED" }));
    expect(spark.readStream.schema("a INT").json(tmp()).columns).toEqual(["a"]);
  });

  it("rate source produces timestamp and value columns at the configured rate", async () => {
    const df = spark.readStream.format("rate").option("rowsPerSecond", 5).load();
    expect(df.dtypes).toEqual([
      ["timestamp", "timestamp"],
      ["value", "bigint"],
    ]);
    expect(() => spark.readStream.format("rate").option("rowsPerSecond", -1).load()).toThrowError(expect.objectContaining({ code: "INVALID_OPTION" }));
  });

  it("console sink prints Spark's batch banner", async () => {
    const input = spark.memoryStream("v INT");
    input.addData([{ v: 7 }]);
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (chunks.push(String(s)), true)) as typeof process.stdout.write;
    try {
      const q = await input.toDF().select(F.col("v").plus(1).alias("w")).writeStream.format("console").trigger({ once: true }).start();
      await q.awaitTermination();
    } finally {
      process.stdout.write = write;
    }
    expect(chunks.join("")).toContain("-------------------------------------------\nBatch: 0\n-------------------------------------------\n+---+\n|  w|\n+---+\n|  8|\n+---+\n");
  });
});
