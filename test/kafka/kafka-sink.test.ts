/**
 * The kafka sink on a real broker: at-least-once streaming writes and batch writes with Spark's
 * columns and errors, and the transactional sink (kafka.transactional=true) checked with a
 * read_committed consumer: each row exactly once after SIGKILLs of the query's process, and a
 * zombie producer of the same query fenced off. SLUICE_KAFKA_KILLS sets the number of kills
 * (default 4).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Producer } from "@platformatic/kafka";
import { Session } from "../../src/index.js";
import { runChild } from "../support/run-child.js";
import { createTopic, kafkaBootstrap, produce, readTopic, topicName } from "../support/kafka-broker.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = (): string => mkdtempSync(join(tmpdir(), "sluice-kafka-sink-"));
const KILLS = Number(process.env.SLUICE_KAFKA_KILLS ?? 4);

const sinkOpts = async (extra: Record<string, string> = {}) => ({ "kafka.bootstrap.servers": await kafkaBootstrap(), ...extra });

describe("kafka sink: at-least-once (Spark's default)", () => {
  it("writes key, value, headers and partition columns; a restart continues after the last batch", async () => {
    const topic = topicName("sink");
    await createTopic(topic, 2);
    const input = spark.memoryStream("k STRING, v STRING, p INT");
    const chk = tmp();
    const start = async () =>
      input
        .toDF()
        .selectExpr("k AS key", "v AS value", "p AS partition", "array(named_struct('key', 'src', 'value', CAST('mem' AS BINARY))) AS headers")
        .writeStream.format("kafka")
        .options(await sinkOpts({ topic }))
        .option("checkpointLocation", chk)
        .start();
    let q = await start();
    input.addData([{ k: "a", v: "1", p: 0 }, { k: null, v: "2", p: 1 }]);
    await q.processAllAvailable();
    await q.stop();
    input.addData([{ k: "c", v: "3", p: 1 }]);
    q = await start();
    await q.processAllAvailable();
    await q.stop();
    const got = await readTopic(topic);
    expect(got.map((r) => [r.partition, r.offset, r.key, r.value, r.headers])).toEqual([
      [0, 0, "a", "1", { src: "mem" }],
      [1, 0, null, "2", { src: "mem" }],
      [1, 1, "c", "3", { src: "mem" }],
    ]);
  });

  it("routes rows by their topic column; the topic option wins over it", async () => {
    const [t1, t2, forced] = [topicName("route"), topicName("route"), topicName("forced")];
    for (const t of [t1, t2, forced]) await createTopic(t);
    const df = spark.createDataFrame([
      { topic: t1, value: "x" },
      { topic: t2, value: "y" },
    ]);
    await df.write.format("kafka").options(await sinkOpts()).save();
    expect((await readTopic(t1)).map((r) => r.value)).toEqual(["x"]);
    expect((await readTopic(t2)).map((r) => r.value)).toEqual(["y"]);
    await df.write.format("kafka").options(await sinkOpts({ topic: forced })).mode("append").save();
    expect((await readTopic(forced)).map((r) => r.value)).toEqual(["x", "y"]);
  });

  it("refuses what Spark refuses, before writing anything", async () => {
    const topic = topicName("bad");
    await createTopic(topic);
    const opts = await sinkOpts({ topic });
    await expect(spark.createDataFrame([{ key: "k" }]).write.format("kafka").options(opts).save()).rejects.toThrow("Required attribute 'value' not found");
    await expect(spark.createDataFrame([{ value: "v" }]).write.format("kafka").options(await sinkOpts()).save()).rejects.toThrow(
      "topic option required when no 'topic' attribute is present. Use the topic option for setting a topic.",
    );
    await expect(spark.createDataFrame([{ value: 1 }]).write.format("kafka").options(opts).save()).rejects.toThrow(/value attribute unsupported type bigint. value must be a\(n\) string or binary/);
    await expect(spark.createDataFrame([{ value: "v" }]).write.format("kafka").options(opts).mode("overwrite").save()).rejects.toThrow(/Save mode Overwrite not allowed for Kafka/);
    await expect(spark.createDataFrame([{ value: "v", topic: null }], "value STRING, topic STRING").write.format("kafka").options(await sinkOpts()).save()).rejects.toThrow(/null topic present in the data/);
    const input = spark.memoryStream("x STRING");
    await expect(input.toDF().writeStream.format("kafka").options(opts).option("checkpointLocation", tmp()).start()).rejects.toThrow("Required attribute 'value' not found");
    expect(await readTopic(topic)).toEqual([]);
  });
});

describe("kafka sink: exactly-once with kafka.transactional=true", () => {
  it("a read_committed consumer sees each row once after SIGKILLs of the query", async () => {
    const [inTopic, outTopic] = [topicName("eos-in"), topicName("eos-out")];
    await createTopic(inTopic, 2);
    await createTopic(outTopic, 2);
    const n = 120;
    await produce(inTopic, Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2 })));
    const chk = tmp();
    const args = [await kafkaBootstrap(), inTopic, outTopic, chk];
    const child = join(import.meta.dirname, "sink-child.ts");
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const outcomes: string[] = [];
    for (let i = 0; ; i++) {
      const outcome = await runChild(child, args, i < KILLS ? 300 + Math.floor(random() * 1500) : null);
      outcomes.push(outcome);
      if (outcome === "done") break;
    }
    expect(outcomes.filter((o) => o === "killed").length).toBeGreaterThan(0);
    const committed = await readTopic(outTopic);
    expect(committed.map((r) => r.value).sort()).toEqual(Array.from({ length: n }, (_, i) => `V${i}`).sort());
    // Uncommitted reads show what the killed runs left behind (aborted, so hidden above).
    expect((await readTopic(outTopic, false)).length).toBeGreaterThanOrEqual(n);
    // Sluice's own source skips aborted transactions and markers the same way under read_committed.
    const sluiceRead = async (isolation: string) =>
      (await spark.read.format("kafka").options(await sinkOpts({ subscribe: outTopic, "kafka.isolation.level": isolation })).load().selectExpr("CAST(value AS STRING) AS v").collect()).map((r) => r.v as string);
    expect((await sluiceRead("read_committed")).sort()).toEqual(committed.map((r) => r.value).sort());
    expect((await sluiceRead("read_uncommitted")).length).toBe((await readTopic(outTopic, false)).length);
  }, 240_000);

  it("a restarted query fences a zombie producer of the same query and aborts what it left open", async () => {
    const topic = topicName("fence");
    await createTopic(topic);
    const input = spark.memoryStream("value STRING");
    const chk = tmp();
    const start = async () => input.toDF().writeStream.format("kafka").options(await sinkOpts({ topic, "kafka.transactional": "true" })).option("checkpointLocation", chk).start();
    let q = await start();
    input.addData([{ value: "first" }]);
    await q.processAllAvailable();
    await q.stop();
    const queryId = q.id;
    // A zombie: an earlier run's producer, with the query's transactional id, mid-transaction.
    // Kafka answers CONCURRENT_TRANSACTIONS while the query's last commit completes: try again.
    let zombie: Producer | undefined;
    let tx: Awaited<ReturnType<Producer["beginTransaction"]>> | undefined;
    for (let attempt = 0; !tx; attempt++) {
      zombie = new Producer({ clientId: "zombie", bootstrapBrokers: [await kafkaBootstrap()], idempotent: true, transactionalId: `sluice-${queryId}`, producerId: -1n, producerEpoch: -1 });
      try {
        tx = await zombie.beginTransaction();
      } catch (e) {
        await zombie.close();
        if (attempt > 40) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await tx.send({ messages: [{ topic, value: Buffer.from("zombie") }] });
    q = await start();
    input.addData([{ value: "second" }]);
    await q.processAllAvailable();
    await q.stop();
    await expect(tx.commit()).rejects.toThrow();
    await zombie!.close().catch(() => undefined);
    expect((await readTopic(topic)).map((r) => r.value)).toEqual(["first", "second"]);
  });
});
