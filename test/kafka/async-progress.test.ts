/**
 * Spark's async progress tracking (asyncProgressTrackingEnabled,
 * asyncProgressTrackingCheckpointIntervalMs) with the kafka sink on a real broker: offsets and
 * commits are written at the interval only, all rows still reach the topic, a restart re-runs the
 * batches since the last written offsets (at-least-once, as Spark documents), a log with gaps
 * cannot be restarted with the option off, and Spark's refusals.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { createTopic, kafkaBootstrap, readTopic, topicName } from "../support/kafka-broker.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = (): string => mkdtempSync(join(tmpdir(), "sluice-kafka-async-"));
const entries = (chk: string, log: string): string[] =>
  readdirSync(join(chk, log))
    .filter((n) => /^\d+$/.test(n))
    .sort((a, b) => Number(a) - Number(b));
const sinkOpts = async (extra: Record<string, string> = {}) => ({ "kafka.bootstrap.servers": await kafkaBootstrap(), ...extra });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A memory stream written to `topic` with the given async options; one batch per addData. */
function asyncQuery(topic: string, chk: string, async: Record<string, string>) {
  const input = spark.memoryStream("value STRING");
  const start = async (opts = async) => input.toDF().writeStream.format("kafka").options(await sinkOpts({ topic, ...opts })).option("checkpointLocation", chk).start();
  const batch = async (q: Awaited<ReturnType<typeof start>>, value: string) => {
    input.addData([{ value }]);
    await q.processAllAvailable();
  };
  return { start, batch };
}

describe("async progress tracking with the kafka sink", () => {
  it("writes offsets and commits once per interval; a restart re-runs the batches since (at-least-once)", async () => {
    const topic = topicName("async");
    await createTopic(topic);
    const chk = tmp();
    const { start, batch } = asyncQuery(topic, chk, { asyncProgressTrackingEnabled: "true", asyncProgressTrackingCheckpointIntervalMs: "3600000" });
    let q = await start();
    for (const v of ["a", "b", "c", "d"]) await batch(q, v);
    expect(q.lastProgress?.batchId).toBe(3);
    await q.stop();
    // Only the run's first batch was logged: the interval had not passed for the others.
    expect(entries(chk, "offsets")).toEqual(["0"]);
    expect(entries(chk, "commits")).toEqual(["0"]);
    expect((await readTopic(topic)).map((r) => r.value)).toEqual(["a", "b", "c", "d"]);
    // The restart goes on from batch 0: batches 1-3 run again, as one batch.
    q = await start();
    await q.processAllAvailable();
    await q.stop();
    expect((await readTopic(topic)).map((r) => r.value)).toEqual(["a", "b", "c", "d", "b", "c", "d"]);
    expect(entries(chk, "offsets")).toEqual(["0", "1"]);
    expect(entries(chk, "commits")).toEqual(["0", "1"]);
  });

  it("with interval 0 writes every batch's offsets and commit", async () => {
    const topic = topicName("async0");
    await createTopic(topic);
    const chk = tmp();
    const { start, batch } = asyncQuery(topic, chk, { asyncProgressTrackingEnabled: "true", asyncProgressTrackingCheckpointIntervalMs: "0" });
    const q = await start();
    for (const v of ["a", "b", "c"]) await batch(q, v);
    await q.stop();
    expect(entries(chk, "offsets")).toEqual(["0", "1", "2"]);
    expect(entries(chk, "commits")).toEqual(["0", "1", "2"]);
    expect((await readTopic(topic)).map((r) => r.value)).toEqual(["a", "b", "c"]);
  });

  it("a log with gaps re-runs from the last written batch; with the option off it cannot restart", async () => {
    const topic = topicName("asyncgap");
    await createTopic(topic);
    const chk = tmp();
    const on = { asyncProgressTrackingEnabled: "true", asyncProgressTrackingCheckpointIntervalMs: "4000" };
    const { start, batch } = asyncQuery(topic, chk, on);
    let q = await start();
    await batch(q, "a"); // batch 0: logged
    await batch(q, "b"); // batch 1: within the interval, not logged
    await sleep(4100);
    await batch(q, "c"); // batch 2: logged
    await q.stop();
    expect(entries(chk, "offsets")).toEqual(["0", "2"]);
    expect(entries(chk, "commits")).toEqual(["0", "2"]);
    // As after a crash between batch 2's offsets and its commit.
    rmSync(join(chk, "commits", "2"));
    await expect(start({})).rejects.toThrow(/offsets\/1 is missing although .*offsets\/2 exists: the log has a gap\..* If the query ran with asyncProgressTrackingEnabled=true .*restart it with that option\./);
    q = await start(on);
    await q.processAllAvailable();
    await q.stop();
    expect((await readTopic(topic)).map((r) => r.value)).toEqual(["a", "b", "c", "b", "c"]);
    expect(entries(chk, "commits")).toEqual(["0", "2"]);
  }, 30_000);

  it("works with the memory sink", async () => {
    const input = spark.memoryStream("x INT");
    const q = await input.toDF().writeStream.format("memory").queryName("async_mem").option("asyncProgressTrackingEnabled", "true").start();
    input.addData([{ x: 1 }, { x: 2 }]);
    await q.processAllAvailable();
    await q.stop();
    expect((await spark.sql("SELECT x FROM async_mem ORDER BY x").collect()).map((r) => r.x)).toEqual([1, 2]);
  });

  it("refuses what Spark refuses, and bad values, at start()", async () => {
    const topic = topicName("asyncbad");
    await createTopic(topic);
    const input = spark.memoryStream("value STRING");
    const on = { asyncProgressTrackingEnabled: "true" };
    const kafka = async (extra: Record<string, string>) => input.toDF().writeStream.format("kafka").options(await sinkOpts({ topic, ...extra })).option("checkpointLocation", tmp());
    await expect(input.toDF().writeStream.format("parquet").options(on).option("checkpointLocation", tmp()).start(tmp())).rejects.toThrow("Sink parquet does not support async progress tracking");
    await expect((await kafka(on)).trigger({ once: true }).start()).rejects.toThrow("Async progress tracking cannot be used with Once trigger");
    await expect((await kafka(on)).trigger({ availableNow: true }).start()).rejects.toThrow("Async progress tracking cannot be used with AvailableNow trigger");
    const counts = input.toDF().groupBy("value").count().writeStream.format("memory").queryName("async_counts").outputMode("complete").options(on);
    await expect(counts.start()).rejects.toThrow("Stateful streaming queries does not support async progress tracking at this moment.");
    await expect((await kafka({ ...on, "kafka.transactional": "true" })).start()).rejects.toThrow(/kafka.transactional=true cannot be used with asyncProgressTrackingEnabled=true/);
    await expect((await kafka({ asyncProgressTrackingEnabled: "yes" })).start()).rejects.toThrow("asyncProgressTrackingEnabled=yes (expected true or false)");
    await expect((await kafka({ ...on, asyncProgressTrackingCheckpointIntervalMs: "-5" })).start()).rejects.toThrow("asyncProgressTrackingCheckpointIntervalMs must be a non-negative number of milliseconds, got -5");
    await expect((await kafka({ asyncProgressTrackingCheckpointIntervalMs: "100" })).start()).rejects.toThrow("asyncProgressTrackingCheckpointIntervalMs applies only with asyncProgressTrackingEnabled=true");
    expect(await readTopic(topic)).toEqual([]);
  });
});
