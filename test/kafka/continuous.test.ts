/**
 * The continuous trigger (`trigger({ continuous: "..." })`) on a real broker: a Kafka → Kafka
 * map/filter query sends rows as they arrive and checkpoints once per epoch (offsets/N, commits/N);
 * stopped and restarted, it goes on from the last committed epoch, and with the transactional sink
 * a read_committed consumer sees each row once. Kafka → memory commits per epoch too. Records
 * that arrive while an epoch's long-poll fetches are open reach the sink within that epoch, an
 * aborted transaction's records never under read_committed, and a topic deleted under an open
 * fetch is data loss. Spark's refusals at start().
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { Producer } from "@platformatic/kafka";
import { createTopic, deleteTopic, kafkaBootstrap, produce, readTopic, topicName } from "../support/kafka-broker.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = (): string => mkdtempSync(join(tmpdir(), "sluice-kafka-continuous-"));
const entries = (chk: string, log: string): number[] =>
  readdirSync(join(chk, log))
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
const opts = async (extra: Record<string, string>) => ({ "kafka.bootstrap.servers": await kafkaBootstrap(), ...extra });
const values = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ value: String(from + i) }));

/** Read `topic` (read_committed) until `done` holds for its values, for at most 30 s. */
async function waitForTopic(topic: string, done: (values: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const got = (await readTopic(topic)).map((r) => r.value);
    if (done(got) || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("continuous trigger, kafka source", () => {
  it("maps and filters Kafka into Kafka as records arrive, one checkpoint entry per epoch; a restart goes on exactly once with the transactional sink", async () => {
    const [inTopic, outTopic] = [topicName("cont-in"), topicName("cont-out")];
    await createTopic(inTopic);
    await createTopic(outTopic);
    await produce(inTopic, values(10));
    const chk = tmp();
    const start = async () =>
      spark.readStream
        .format("kafka")
        .options(await opts({ subscribe: inTopic, startingOffsets: "earliest" }))
        .load()
        .selectExpr("CAST(CAST(value AS STRING) AS INT) AS n")
        .where("n % 2 = 0")
        .selectExpr("CAST(n * 10 AS STRING) AS value")
        .writeStream.format("kafka")
        .options(await opts({ topic: outTopic, "kafka.transactional": "true" }))
        .option("checkpointLocation", chk)
        .trigger({ continuous: "300 milliseconds" })
        .start();
    const even = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i).filter((n) => n % 2 === 0).map((n) => String(n * 10));
    let q = await start();
    expect(await waitForTopic(outTopic, (v) => v.length >= 5)).toEqual(even(0, 10));
    await produce(inTopic, values(10, 10)); // while it runs
    expect(await waitForTopic(outTopic, (v) => v.length >= 10)).toEqual(even(0, 20));
    await q.processAllAvailable();
    expect(q.lastProgress).toBeNull(); // as Spark: a continuous query reports no progress
    await q.stop();
    const epochs = entries(chk, "offsets");
    expect(epochs.length).toBeGreaterThan(1);
    expect(epochs).toEqual(epochs.map((_, i) => i));
    expect(entries(chk, "commits")).toEqual(epochs);
    const last = readFileSync(join(chk, "offsets", String(epochs[epochs.length - 1])), "utf8");
    expect(last).toContain(`{"${inTopic}":{"0":20}}`);
    await produce(inTopic, values(10, 20));
    q = await start();
    expect(await waitForTopic(outTopic, (v) => v.length >= 15)).toEqual(even(0, 30));
    await q.stop();
    expect(entries(chk, "offsets")[0]).toBe(0);
    expect(entries(chk, "offsets").length).toBeGreaterThan(epochs.length);
  }, 120_000);

  it("writes to the memory sink once per epoch", async () => {
    const topic = topicName("cont-mem");
    await createTopic(topic, 2);
    await produce(topic, [...values(3).map((r) => ({ ...r, partition: 0 })), ...values(3, 3).map((r) => ({ ...r, partition: 1 }))]);
    const q = await spark.readStream
      .format("kafka")
      .options(await opts({ subscribe: topic, startingOffsets: "earliest" }))
      .load()
      .selectExpr("CAST(value AS STRING) AS v", "partition")
      .writeStream.format("memory")
      .queryName("cont_mem")
      .trigger({ continuous: "200 milliseconds" })
      .start();
    await q.processAllAvailable();
    await q.processAllAvailable();
    await q.stop();
    const rows = await spark.sql("SELECT v, partition FROM cont_mem ORDER BY v").collect();
    expect(rows.map((r) => [r.v, r.partition])).toEqual([["0", 0], ["1", 0], ["2", 0], ["3", 1], ["4", 1], ["5", 1]]);
  }, 60_000);

  it("hands on records that arrive while an epoch's fetches are open, from every partition; read_committed skips an aborted transaction", async () => {
    const [inTopic, outTopic] = [topicName("cont-live-in"), topicName("cont-live-out")];
    await createTopic(inTopic, 2);
    await createTopic(outTopic);
    const chk = tmp();
    const q = await spark.readStream
      .format("kafka")
      .options(await opts({ subscribe: inTopic, startingOffsets: "earliest", "kafka.isolation.level": "read_committed" }))
      .load()
      .selectExpr("CAST(value AS STRING) AS value")
      .writeStream.format("kafka")
      .options(await opts({ topic: outTopic }))
      .option("checkpointLocation", chk)
      .trigger({ continuous: "1 minute" }) // every record below arrives within the first epoch
      .start();
    await produce(inTopic, [{ value: "a0", partition: 0 }]);
    expect(await waitForTopic(outTopic, (v) => v.length >= 1)).toEqual(["a0"]);
    const tx = new Producer({ clientId: "cont-live-tx", bootstrapBrokers: [await kafkaBootstrap()], idempotent: true, transactionalId: topicName("cont-live-tx"), producerId: -1n, producerEpoch: -1 });
    try {
      const aborted = await tx.beginTransaction();
      await aborted.send({ messages: [{ topic: inTopic, partition: 1, value: Buffer.from("aborted") }] });
      await aborted.abort();
      const committed = await tx.beginTransaction();
      await committed.send({ messages: [{ topic: inTopic, partition: 1, value: Buffer.from("b1") }] });
      await committed.commit();
    } finally {
      await tx.close();
    }
    await produce(inTopic, [{ value: "a2", partition: 0 }]);
    expect((await waitForTopic(outTopic, (v) => v.length >= 3)).sort()).toEqual(["a0", "a2", "b1"]);
    expect(existsSync(join(chk, "offsets", "0"))).toBe(false); // still the first epoch
    await q.stop();
  }, 120_000);

  it("a topic deleted under an open fetch is data loss: the query fails with failOnDataLoss", async () => {
    const [topic, outTopic] = [topicName("cont-gone"), topicName("cont-gone-out")];
    await createTopic(topic);
    await createTopic(outTopic);
    await produce(topic, values(2));
    const q = await spark.readStream
      .format("kafka")
      .options(await opts({ subscribe: topic, startingOffsets: "earliest" }))
      .load()
      .selectExpr("value")
      .writeStream.format("kafka")
      .options(await opts({ topic: outTopic }))
      .option("checkpointLocation", tmp())
      .trigger({ continuous: "1 minute" })
      .start();
    const failed = q.awaitTermination().then(
      () => "ended",
      (e: Error) => e.message,
    );
    expect(await waitForTopic(outTopic, (v) => v.length >= 2)).toEqual(["0", "1"]); // read up to offset 2, then fetching live
    await deleteTopic(topic);
    expect(await failed).toMatch(new RegExp(`${topic}-0 \\(from offset 2\\) are gone`));
  }, 120_000);

  it("refuses what Spark refuses at start()", async () => {
    const topic = topicName("cont-bad");
    await createTopic(topic);
    const kafka = async () => spark.readStream.format("kafka").options(await opts({ subscribe: topic })).load();
    const continuous = { continuous: "1 second" };
    const toMemory = (df: Awaited<ReturnType<typeof kafka>>, name: string, mode: "append" | "complete" = "append") => df.writeStream.format("memory").queryName(name).outputMode(mode).trigger(continuous).start();
    await expect(toMemory((await kafka()).groupBy("partition").count(), "c1", "complete")).rejects.toThrow("Continuous processing does not support Aggregate operations.");
    await expect(toMemory((await kafka()).dropDuplicates(["key"]), "c2")).rejects.toThrow("Continuous processing does not support Deduplicate operations.");
    await expect(toMemory((await kafka()).selectExpr("current_timestamp() AS t"), "c3")).rejects.toThrow("Continuous processing does not support current time operations.");
    await expect(toMemory((await kafka()).union(await kafka()), "c4")).rejects.toThrow("Continuous processing does not support Union operations.");
    await expect(toMemory(spark.readStream.format("json").schema("a INT").load(tmp()), "c5")).rejects.toThrow("Continuous processing does not support StreamingRelation operations.");
    await expect(toMemory(spark.memoryStream("a INT").toDF(), "c6")).rejects.toThrow("Data source memory does not support continuous processing");
    await expect((await kafka()).writeStream.format("parquet").option("checkpointLocation", tmp()).trigger(continuous).start(tmp())).rejects.toThrow("'parquet' is not supported with continuous trigger");
    await expect((await kafka()).writeStream.foreachBatch(() => undefined).trigger(continuous).start()).rejects.toThrow("'foreachBatch' is not supported with continuous trigger");
    await expect((await kafka()).writeStream.format("memory").queryName("c7").trigger({ continuous: "-1 second" }).start()).rejects.toThrow("The interval of a continuous trigger should not be negative");
    await expect((await kafka()).writeStream.format("memory").queryName("c8").option("asyncProgressTrackingEnabled", "true").trigger(continuous).start()).rejects.toThrow("Async progress tracking cannot be used with a continuous trigger");
    expect(spark.streams.active.length).toBe(0);
  });
});
