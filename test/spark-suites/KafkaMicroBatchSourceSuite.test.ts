/**
 * Spark's KafkaMicroBatchSourceSuite (and the KafkaSourceSuiteBase scenarios it runs), ported onto
 * the real broker the Kafka tests start (test/support/kafka-broker.ts). Values are produced as
 * numbers' text and read back as `v` INT, as the Scala suite maps `value` to an Int. Triggers that
 * Spark drives with a StreamManualClock run here on a ManualClock too: a batch runs when the
 * clock moves, and `advanceClock` waits until the query waits for its next trigger. The
 * maxTriggerDelay of minOffsetsPerTrigger is measured on the query's clock, so the suite moves the
 * clock past it where Spark's sleeps.
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Consumer, Producer } from "@platformatic/kafka";
import { Session, type SluiceError, expr } from "../../src/index.js";
import type { DataFrame, ForeachWriter } from "../../src/index.js";
import { ManualClock } from "../../src/common/clock.js";
import { addPartitions, createTopic, deleteTopic, kafkaBootstrap, produce, topicName } from "../support/kafka-broker.js";
import { type Action, type Row, addInput, advanceClock, assertOnQuery, checkAnswer, checkLastBatch, checkNewAnswer, expectFailure, startStream, stopStream, testStream } from "./stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = (): string => mkdtempSync(join(tmpdir(), "sluice-kafka-suite-"));

type Opts = Record<string, string | number>;

/** The kafka source with `opts`, its value as `v` INT. */
async function kafka(opts: Opts, ...extra: string[]): Promise<DataFrame> {
  return spark.readStream
    .format("kafka")
    .options({ "kafka.bootstrap.servers": await kafkaBootstrap(), ...opts })
    .load()
    .selectExpr("CAST(CAST(value AS STRING) AS INT) AS v", ...extra);
}

const send = (topic: string, values: readonly (number | string)[], partition = 0, timestamp?: number): Promise<void> =>
  produce(topic, values.map((v) => ({ value: String(v), partition, ...(timestamp !== undefined ? { timestamp } : {}) })));
/** Spark's AddKafkaData: the values spread round-robin over the topic's partitions. */
const sendSpread = async (topic: string, partitions: number, values: readonly number[]): Promise<void> => {
  for (let p = 0; p < partitions; p++) {
    const mine = values.filter((_, i) => i % partitions === p);
    if (mine.length > 0) await send(topic, mine, p);
  }
};
const vs = (...n: number[]): Row[] => n.map((v) => ({ v }));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The source offsets of every batch in the offsets log: Spark's JSON line, parsed. */
function offsetLog(chk: string): unknown[] {
  const files = readdirSync(join(chk, "offsets")).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b);
  return files.map((f) => JSON.parse(readFileSync(join(chk, "offsets", String(f)), "utf8").split("\n")[2]!));
}

/** Delete `topic` and create it again with `partitions` (creation waits until the deletion is done). */
async function recreate(topic: string, partitions: number, values: number[]): Promise<void> {
  await deleteTopic(topic);
  for (let i = 0; ; i++) {
    try {
      await createTopic(topic, partitions);
      break;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await send(topic, values, 0);
}

/** A transactional producer (the suite's withTransactionalProducer). */
async function transactional(): Promise<Producer> {
  return new Producer({ clientId: "sluice-suite-tx", bootstrapBrokers: [await kafkaBootstrap()], acks: -1, idempotent: true, transactionalId: `suite-${topicName("tx")}`, producerId: -1n, producerEpoch: -1 });
}
/**
 * Spark's WithOffsetSync: wait until the partition's end reaches `offset` (with `stable`, the
 * read_committed end too: a commit's markers are written after commitTransaction returns).
 */
async function waitForOffset(topic: string, offset: number, stable: boolean): Promise<void> {
  const c = new Consumer({ clientId: "sluice-suite-sync", groupId: `sync-${topicName("g")}`, bootstrapBrokers: [await kafkaBootstrap()] });
  try {
    for (let i = 0; i < 500; i++) {
      const end = Number((await c.listOffsets({ topics: [topic], isolationLevel: 0 })).get(topic)![0]);
      const lso = Number((await c.listOffsets({ topics: [topic], isolationLevel: 1 })).get(topic)![0]);
      if (end >= offset && (!stable || lso >= offset)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`${topic} did not reach offset ${offset}`);
  } finally {
    await c.close(true);
  }
}
const txSend = (topic: string, values: readonly string[]) => values.map((v) => ({ topic, value: Buffer.from(v), partition: 0 }));

describe("KafkaMicroBatchSourceSuite: read limits", () => {
  it("maxOffsetsPerTrigger: each batch shares the cap by partition size; Trigger.Once ignores it", async () => {
    const topic = topicName("maxoff");
    await createTopic(topic, 3);
    await send(topic, range(100, 200), 0);
    await send(topic, range(10, 20), 1);
    await send(topic, [1], 2);
    const df = await kafka({ subscribe: topic, startingOffsets: "earliest", maxOffsetsPerTrigger: 10 });
    const clock = new ManualClock(0);
    const first = [1, 10, ...range(100, 107)];
    const second = [...first, 11, ...range(108, 116)];
    const third = [...second, 12, ...range(117, 125)];
    await testStream(spark, df, {},
      startStream({ processingTime: 100 }, clock),
      checkAnswer(...vs(...first)),
      advanceClock(100),
      checkAnswer(...vs(...second)),
      stopStream,
      startStream({ processingTime: 100 }, clock),
      checkAnswer(...vs(...third)),
      advanceClock(100),
      checkAnswer(...vs(...third, 13, ...range(126, 134))),
    );
    const all = [1, ...range(10, 20), ...range(100, 200)];
    const chk = tmp();
    await testStream(spark, df, { checkpointLocation: chk },
      startStream({ once: true }),
      checkAnswer(...vs(...all)),
      stopStream,
      addInput(() => send(topic, range(1000, 1010), 0)),
      startStream({ once: true }),
      checkAnswer(...vs(...all, ...range(1000, 1010))),
    );
  });

  it("minOffsetsPerTrigger waits for enough new offsets until maxTriggerDelay passes", async () => {
    const topic = topicName("minoff");
    await createTopic(topic, 3);
    await send(topic, range(100, 109), 0);
    await send(topic, range(10, 14), 1);
    await send(topic, [1], 2);
    const df = await kafka({ subscribe: topic, startingOffsets: "earliest", minOffsetsPerTrigger: 15, maxTriggerDelay: "5s" });
    const clock = new ManualClock(0);
    const first = [1, ...range(10, 14), ...range(100, 109)];
    const second = [...first, ...range(15, 20), ...range(110, 120), 2];
    await testStream(spark, df, {},
      startStream({ processingTime: 100 }, clock),
      // The first batch always runs.
      checkAnswer(...vs(...first)),
      addInput(() => send(topic, range(15, 20), 1)),
      advanceClock(100),
      checkNewAnswer(),
      addInput(async () => {
        await send(topic, range(110, 120), 0);
        await send(topic, [2], 2);
      }),
      advanceClock(100),
      checkAnswer(...vs(...second)),
      addInput(async () => {
        await send(topic, range(121, 125), 0);
        await send(topic, range(21, 25), 1);
      }),
      advanceClock(100),
      checkNewAnswer(),
      // maxTriggerDelay passes on the query's clock.
      advanceClock(5000),
      checkAnswer(...vs(...second, ...range(121, 125), ...range(21, 25))),
    );
  });

  it("compositeReadLimit: minOffsetsPerTrigger with maxOffsetsPerTrigger", async () => {
    const topic = topicName("composite");
    await createTopic(topic, 3);
    await send(topic, range(100, 120), 0);
    await send(topic, range(10, 20), 1);
    await send(topic, [1], 2);
    const df = await kafka({ subscribe: topic, startingOffsets: "earliest", minOffsetsPerTrigger: 15, maxOffsetsPerTrigger: 20, maxTriggerDelay: "5s" });
    const clock = new ManualClock(0);
    const first = [1, ...range(10, 15), ...range(100, 111)];
    const second = [...first, ...range(16, 24), 2, ...range(112, 121)];
    await testStream(spark, df, {},
      startStream({ processingTime: 100 }, clock),
      // The first batch runs, capped at 20 offsets.
      checkAnswer(...vs(...first)),
      // 14 offsets left: fewer than 15, so the next trigger waits.
      advanceClock(100),
      checkNewAnswer(),
      addInput(async () => {
        await send(topic, range(121, 128), 0);
        await send(topic, range(21, 30), 1);
        await send(topic, [2], 2);
      }),
      advanceClock(100),
      checkAnswer(...vs(...second)),
      advanceClock(100),
      checkNewAnswer(),
      advanceClock(5000),
      checkAnswer(...vs(...second, ...range(25, 30), ...range(122, 128))),
    );
  });

  it("SPARK-26718 maxOffsetsPerTrigger of Long.MaxValue does not overflow", async () => {
    const topic = topicName("longmax");
    await createTopic(topic);
    await send(topic, range(0, 4), 0);
    const df = await kafka({ subscribe: topic, startingOffsets: JSON.stringify({ [topic]: { "0": 5 } }), maxOffsetsPerTrigger: "9223372036854775807" });
    await testStream(spark, df, {}, checkAnswer(), addInput(() => send(topic, range(30, 34))), checkAnswer(...vs(...range(30, 34))));
  });

  it("SPARK-22956 a union of two sources: each keeps its own offsets when it has no new data", async () => {
    const small = topicName("small");
    const big = topicName("big");
    await createTopic(small);
    await createTopic(big);
    await send(small, range(0, 9));
    await send(big, range(100, 199));
    const opts = { startingOffsets: "earliest", maxOffsetsPerTrigger: 5 };
    const df = (await kafka({ subscribe: small, ...opts })).union(await kafka({ subscribe: big, ...opts }));
    const clock = new ManualClock(0);
    await testStream(spark, df, {},
      startStream({ processingTime: 100 }, clock),
      checkLastBatch(...vs(...range(0, 4), ...range(100, 104))),
      advanceClock(100),
      checkLastBatch(...vs(...range(5, 9), ...range(105, 109))),
      advanceClock(100),
      checkLastBatch(...vs(...range(110, 114))),
      stopStream,
      startStream({ processingTime: 100 }, clock),
      checkLastBatch(...vs(...range(115, 119))),
      advanceClock(100),
      checkLastBatch(...vs(...range(120, 124))),
    );
  });

  it("Trigger.AvailableNow: 15 records at 5 per trigger are 3 batches", async () => {
    const topic = topicName("avnow");
    await createTopic(topic, 5);
    await send(topic, range(0, 14), 0);
    const df = await kafka({ subscribe: topic, startingOffsets: "earliest", maxOffsetsPerTrigger: 5 });
    let batches = 0;
    const q = await df.writeStream.foreachBatch(() => void batches++).option("checkpointLocation", tmp()).trigger({ availableNow: true }).start();
    await q.awaitTermination();
    expect(batches).toBe(3);
  });
});

describe("KafkaMicroBatchSourceSuite: Trigger.AvailableNow when the topic changes under it", () => {
  it.each([
    ["fewer partitions", 3, range(0, 14), /Some of partitions in Kafka topic\(s\) have been lost during running query with Trigger\.AvailableNow\..*topic-partitions for latest offset: .*topic-partitions for end offset: /],
    ["fewer records", 5, range(0, 9), /Some of partitions in Kafka topic\(s\) report available offset which is less than end offset during running query with Trigger\.AvailableNow\..*latest offset: .*end offset: /],
  ])("%s than the run fixed at its start: the query fails, whatever failOnDataLoss says", async (_what, partitions, values, message) => {
    const topic = topicName("avnow-gone");
    await createTopic(topic, 5);
    await send(topic, range(0, 14), 0);
    const df = await kafka({ subscribe: topic, startingOffsets: "earliest", maxOffsetsPerTrigger: 5, failOnDataLoss: "true" });
    const q = await df.writeStream.foreachBatch(() => recreate(topic, partitions, values)).option("checkpointLocation", tmp()).trigger({ availableNow: true }).start();
    await expect(q.awaitTermination()).rejects.toThrow(message);
  });
});

describe("KafkaSourceSuiteBase: SPARK-53560 an AvailableNow retry of an uncommitted batch after partitions were added", () => {
  /** The suite's udfFailOn7: the batch fails while its rows are written, after planning. */
  const failOn7 = (failures: { left: number }): ForeachWriter => ({
    process(row) {
      if (row.v === 7 && failures.left > 0) {
        failures.left--;
        throw new Error("error for 7");
      }
    },
  });
  const availableNow = (df: DataFrame, chk: string, writer: ForeachWriter) => df.writeStream.foreach(writer).option("checkpointLocation", chk).trigger({ availableNow: true }).start();

  it("the retried batch keeps the offsets in the offset log and gets past planning (it fails on 7 again)", async () => {
    const topic = topicName("avnow-retry");
    await createTopic(topic, 1);
    await send(topic, range(1, 7), 0);
    const df = await kafka({ subscribe: topic, startingOffsets: "earliest" });
    const chk = tmp();
    const always = { left: Number.POSITIVE_INFINITY };
    await expect((await availableNow(df, chk, failOn7(always))).awaitTermination()).rejects.toThrow(/error for 7/);
    await addPartitions(topic, 2);
    const retry = await availableNow(df, chk, failOn7(always));
    await expect(retry.awaitTermination()).rejects.toThrow(/error for 7/);
    expect(offsetLog(chk)).toEqual([{ [topic]: { "0": 7 } }]);
    // The failed re-run reports the offsets it ran with (before the fix, the error path itself failed).
    expect((retry.exception as SluiceError | null)?.context).toMatchObject({ startOffset: "[-]", endOffset: `[{"${topic}":{"0":7}}]` });
  });

  it("once the retried batch commits, the next batch reads the added partition from its start", async () => {
    const topic = topicName("avnow-retry-ok");
    await createTopic(topic, 1);
    await send(topic, range(1, 7), 0);
    const df = await kafka({ subscribe: topic, startingOffsets: "earliest" });
    const chk = tmp();
    await expect((await availableNow(df, chk, failOn7({ left: 1 }))).awaitTermination()).rejects.toThrow(/error for 7/);
    await addPartitions(topic, 2);
    await send(topic, [20, 21], 1);
    const rows: number[] = [];
    const q = await df.writeStream.foreach({ process: (r) => void rows.push(r.v as number) }).option("checkpointLocation", chk).trigger({ availableNow: true }).start();
    await q.awaitTermination();
    expect(rows.sort((a, b) => a - b)).toEqual([...range(1, 7), 20, 21]);
    expect(offsetLog(chk)).toEqual([{ [topic]: { "0": 7 } }, { [topic]: { "0": 7, "1": 2 } }]);
  });
});

describe("KafkaMicroBatchSourceSuite: metrics and progress", () => {
  it("input row metrics: numInputRows adds up to the records read", async () => {
    const topic = topicName("rows");
    await createTopic(topic, 5);
    await send(topic, [-1]);
    const df = await kafka({ subscribe: topic });
    await testStream(spark, df, {},
      startStream({ processingTime: 1 }),
      checkAnswer(),
      addInput(() => sendSpread(topic, 5, [1, 2, 3])),
      checkAnswer(...vs(1, 2, 3)),
      assertOnQuery("rows read", (_q, { progress }) => expect(progress.reduce((n, p) => n + p.numInputRows, 0)).toBe(3)),
    );
  });

  it("custom metrics with a rate limit: min/max/avg offsets behind latest above 0", async () => {
    const topic = topicName("lag");
    await createTopic(topic, 2);
    await send(topic, range(1, 5), 0);
    await send(topic, range(6, 10), 1);
    const df = await kafka({ subscribe: topic, startingOffsets: "earliest", maxOffsetsPerTrigger: 1 });
    await testStream(spark, df, {},
      checkAnswer(...vs(...range(1, 10))),
      assertOnQuery("lag metrics", (q) => {
        const withLag = q.recentProgress.map((p) => p.sources[0]?.metrics ?? {}).filter((m) => Number(m.avgOffsetsBehindLatest) > 0).at(-1);
        expect(Object.keys(withLag ?? {}).sort()).toEqual(["avgOffsetsBehindLatest", "maxOffsetsBehindLatest", "minOffsetsBehindLatest"]);
        expect(Number(withLag!.minOffsetsBehindLatest)).toBeGreaterThan(0);
        expect(Number(withLag!.maxOffsetsBehindLatest)).toBeGreaterThan(0);
      }),
    );
  });

  it("custom metrics without a rate limit: nothing behind", async () => {
    const topic = topicName("nolag");
    await createTopic(topic, 2);
    await send(topic, range(1, 5), 0);
    await send(topic, range(6, 10), 1);
    const df = await kafka({ subscribe: topic, startingOffsets: "earliest" });
    await testStream(spark, df, {},
      checkAnswer(...vs(...range(1, 10))),
      assertOnQuery("lag metrics", (q) => {
        expect(q.recentProgress.at(-1)!.sources[0]!.metrics).toEqual({ avgOffsetsBehindLatest: "0.0", maxOffsetsBehindLatest: "0", minOffsetsBehindLatest: "0" });
      }),
    );
  });

  it("a stream-stream self join is one source in the offsets log; its two scans add up in numInputRows", async () => {
    const topic = topicName("selfjoin");
    await createTopic(topic, 2);
    const values = await kafka({ subscribe: topic }, "CAST(CAST(value AS STRING) AS INT) % 5 AS key");
    const df = values.join(values.withColumnRenamed("v", "v2"), "key");
    const chk = tmp();
    await testStream(spark, df, { checkpointLocation: chk },
      checkAnswer(),
      addInput(() => sendSpread(topic, 2, [1, 2])),
      checkAnswer({ key: 1, v: 1, v2: 1 }, { key: 2, v: 2, v2: 2 }),
      addInput(() => sendSpread(topic, 2, [6, 3])),
      checkAnswer({ key: 1, v: 1, v2: 1 }, { key: 2, v: 2, v2: 2 }, { key: 3, v: 3, v2: 3 }, { key: 1, v: 6, v2: 1 }, { key: 1, v: 1, v2: 6 }, { key: 1, v: 6, v2: 6 }),
      assertOnQuery("one source, 8 rows", (_q, { progress }) => {
        expect(progress.reduce((n, p) => n + p.numInputRows, 0)).toBe(8);
        for (const p of progress) expect(p.sources).toHaveLength(1);
      }),
    );
    for (const entry of offsetLog(chk)) expect(Object.keys(entry as object)).toEqual([topic]);
  });

  it("KafkaSource with watermark: a window count on the record timestamp", async () => {
    const now = Date.now();
    const topic = topicName("wm");
    await createTopic(topic);
    await send(topic, [1]);
    const df = spark.readStream.format("kafka").options({ "kafka.bootstrap.servers": await kafkaBootstrap(), subscribe: topic, startingOffsets: "earliest" }).load()
      .withWatermark("timestamp", "10 seconds").groupBy(expr("window(timestamp, '5 seconds')").as("window")).count().selectExpr("window.start AS window", "count");
    const q = await df.writeStream.format("memory").outputMode("complete").queryName("kafka_suite_wm").option("checkpointLocation", tmp()).start();
    await q.processAllAvailable();
    const rows = await spark.table("kafka_suite_wm").collect();
    await q.stop();
    expect(rows).toHaveLength(1);
    expect((rows[0]!.window as Date).getTime()).toBeGreaterThanOrEqual(now - 5000);
    expect(Number(rows[0]!.count)).toBe(1);
  });
});

describe("KafkaMicroBatchSourceSuite: topics that change", () => {
  it("subscribePattern with a topic deleted and a new one matching (failOnDataLoss=false)", async () => {
    const prefix = topicName("pat");
    const seems = `${prefix}-seems`;
    const bad = `${prefix}-bad`;
    await createTopic(seems, 5);
    await send(seems, [-1]);
    const chk = tmp();
    const df = await kafka({ subscribePattern: `${prefix}-.*`, failOnDataLoss: "false" });
    await testStream(spark, df, { checkpointLocation: chk },
      checkAnswer(),
      addInput(() => sendSpread(seems, 5, [1, 2, 3])),
      checkAnswer(...vs(1, 2, 3)),
      addInput(async () => {
        await deleteTopic(seems);
        await createTopic(bad, 5);
      }),
      checkAnswer(...vs(1, 2, 3)),
      addInput(() => sendSpread(bad, 5, [4, 5, 6])),
      checkAnswer(...vs(1, 2, 3, 4, 5, 6)),
    );
    // SPARK-41375: an empty partition list is never logged as the latest offset.
    for (const entry of offsetLog(chk)) expect(entry).not.toEqual({});
  });

  it("subscribePattern with a topic recreated between runs fails: its offset went back", async () => {
    const prefix = topicName("recreate");
    const good = `${prefix}-good`;
    const bad = `${prefix}-bad`;
    await createTopic(good);
    await send(good, [1, 3]);
    await createTopic(bad);
    await send(bad, [2, 4]);
    const df = await kafka({ subscribePattern: `${prefix}-.*`, startingOffsets: "earliest" });
    await testStream(spark, df, {},
      checkAnswer(...vs(1, 2, 3, 4)),
      stopStream,
      addInput(async () => {
        await deleteTopic(bad);
        await createTopic(bad);
        await send(bad, [6]);
      }),
      startStream(),
      expectFailure(undefined, "was changed from 2 to 1"),
    );
  });

  it("delete a topic while a batch runs: the foreach writer's open() recreates it; failOnDataLoss=false keeps the query alive", async () => {
    const topic = topicName("deleted-mid");
    await createTopic(topic);
    await send(topic, range(1, 10));
    const df = await kafka({ subscribe: topic, startingOffsets: "earliest", failOnDataLoss: "false", "kafkaConsumer.pollTimeoutMs": 1000 });
    const collected: number[] = [];
    let opened = 0;
    const q = await df.writeStream
      .foreach({
        // Before the batch fetches a record, as Spark's executors do: the range it was planned with is gone.
        open: async () => {
          opened++;
          await recreate(topic, 1, []);
          return true;
        },
        process: (row) => void collected.push(row.v as number),
      })
      .option("checkpointLocation", tmp())
      .start();
    await q.processAllAvailable();
    await q.stop();
    expect(q.exception).toBeNull();
    expect(opened).toBeGreaterThan(0);
    // The records were deleted before they were fetched: none reached the writer.
    expect(collected).toEqual([]);
  });

  it("SPARK-56243 a record timestamp that overflows microseconds fails the query with KAFKA_MALFORMED_RECORD_TIMESTAMP", async () => {
    const topic = topicName("ts-overflow");
    // The broker must accept a timestamp far in the future (Kafka 4 refuses one over an hour ahead by default).
    await createTopic(topic, 1, { "message.timestamp.after.max.ms": "9223372036854775807" });
    // Nanoseconds where milliseconds belong: ×1000 overflows a long.
    const nanos = 1712345678123456789n;
    const p = new Producer({ clientId: "sluice-suite-ts", bootstrapBrokers: [await kafkaBootstrap()], acks: -1 });
    try {
      await p.send({ messages: [{ topic, value: Buffer.from("value"), partition: 0, timestamp: nanos }] });
    } finally {
      await p.close();
    }
    const df = spark.readStream.format("kafka").options({ "kafka.bootstrap.servers": await kafkaBootstrap(), subscribe: topic, startingOffsets: "earliest" }).load();
    const q = await df.writeStream.format("memory").queryName("kafka_suite_ts_overflow").option("checkpointLocation", tmp()).start();
    await q.processAllAvailable().catch(() => undefined);
    await q.stop();
    const err = q.exception as SluiceError | null;
    expect(err?.code).toBe("KAFKA_MALFORMED_RECORD_TIMESTAMP");
    expect(err?.context.sqlState).toBe("22008");
    expect(err?.message).toContain(topic);
    expect(err?.message).toContain(String(nanos));
    expect((err?.cause as Error | undefined)?.message).toMatch(/overflow/);
  });

  it("(de)serialization of initial offsets: start, stop, start again", async () => {
    const topic = topicName("initial");
    await createTopic(topic, 5);
    const df = await kafka({ subscribe: topic });
    await testStream(spark, df, {}, checkAnswer(), stopStream, startStream(), checkAnswer(), addInput(() => send(topic, [7])), checkAnswer(...vs(7)));
  });
});

describe("KafkaMicroBatchSourceSuite: transactions", () => {
  /** Spark's read_committed / read_uncommitted scenario: batches of 3 offsets, markers take offsets too. */
  async function transactionalSteps(isolation: "read_committed" | "read_uncommitted", expected: number[][]): Promise<void> {
    const topic = topicName(isolation);
    await createTopic(topic);
    const df = await kafka({ subscribe: topic, startingOffsets: "earliest", maxOffsetsPerTrigger: 3, "kafka.isolation.level": isolation });
    const clock = new ManualClock(0);
    const p = await transactional();
    let tx: Awaited<ReturnType<Producer["beginTransaction"]>> | undefined;
    const step = (i: number): Action[] => [advanceClock(100), checkNewAnswer(...vs(...expected[i]!))];
    /** One transaction per value list, left open, committed or aborted; then wait for `offset`. */
    const inTx = (lists: string[][], end: "open" | "commit" | "abort", offset: number): Action =>
      addInput(async () => {
        for (const values of lists) {
          tx = await p.beginTransaction();
          await tx.send({ messages: txSend(topic, values) });
          if (end === "commit") await tx.commit();
          if (end === "abort") await tx.abort();
        }
        await waitForOffset(topic, offset, end !== "open");
      });
    try {
      await testStream(spark, df, {},
        startStream({ processingTime: 100 }, clock),
        checkNewAnswer(),
        inTx([["0", "1", "2", "3", "4"]], "open", 5),
        ...step(0),
        addInput(async () => {
          await tx!.commit();
          await waitForOffset(topic, 6, true);
        }),
        ...step(1),
        ...step(2),
        inTx([["6", "7", "8", "9", "10"]], "abort", 12),
        ...step(3),
        ...step(4),
        inTx([["12", "13", "14", "15", "16"]], "commit", 18),
        ...step(5),
        ...step(6),
        inTx([["18"], ["20"], ["22", "23"]], "commit", 25),
        ...step(7),
        ...step(8),
        ...step(9),
      );
    } finally {
      await p.close();
    }
  }

  it("read_committed: open and aborted transactions are not read; markers take offsets", async () => {
    await transactionalSteps("read_committed", [[], [0, 1, 2], [3, 4], [], [], [12, 13, 14], [15, 16], [18, 20], [22, 23], []]);
  });

  it("read_uncommitted: open and aborted transactions are read", async () => {
    await transactionalSteps("read_uncommitted", [[0, 1, 2], [3, 4], [], [6, 7, 8], [9, 10], [12, 13, 14], [15, 16], [18, 20], [22, 23], []]);
  });

  it("SPARK-27494 records with null keys and values", async () => {
    const topic = topicName("nulls");
    await createTopic(topic);
    const p = await transactional();
    try {
      const tx = await p.beginTransaction();
      const msgs = [
        ...Array.from({ length: 5 }, () => ({ topic, partition: 0 })),
        ...range(1, 5).map((i) => ({ topic, partition: 0, key: Buffer.from(String(i)) })),
        ...range(6, 10).map((i) => ({ topic, partition: 0, value: Buffer.from(String(i)) })),
      ];
      await tx.send({ messages: msgs });
      await tx.commit();
    } finally {
      await p.close();
    }
    const df = spark.readStream.format("kafka").options({ "kafka.bootstrap.servers": await kafkaBootstrap(), subscribe: topic, startingOffsets: "earliest", "kafka.isolation.level": "read_committed" }).load().selectExpr("CAST(key AS STRING) AS k", "CAST(value AS STRING) AS v");
    await testStream(spark, df, {},
      checkAnswer(
        ...Array.from({ length: 5 }, () => ({ k: null, v: null })),
        ...range(1, 5).map((i) => ({ k: String(i), v: null })),
        ...range(6, 10).map((i) => ({ k: null, v: String(i) })),
      ),
    );
  });
});

/** KafkaSourceSuiteBase's start positions, for each way of naming the topic. */
describe.each([
  ["assign", (t: string) => ({ assign: JSON.stringify({ [t]: [0, 1, 2, 3, 4] }) }), false],
  ["subscribe", (t: string) => ({ subscribe: t }), true],
  ["subscribePattern", (t: string) => ({ subscribePattern: `${t.slice(0, -7)}-.*` }), true],
] as const)("KafkaSourceSuiteBase: %s", (_name, strategy, grow) => {
  const newTopic = (): string => `${topicName("base")}-suffix`;
  const growStep = (topic: string): Action => addInput(async () => (grow ? addPartitions(topic, 10) : undefined));
  const partitionsNow = (): number => (grow ? 10 : 5);

  it.each([true, false])("from latest offsets (failOnDataLoss %s)", async (failOnDataLoss) => {
    const topic = newTopic();
    await createTopic(topic, 5);
    await send(topic, [-1]);
    const df = await kafka({ ...strategy(topic), startingOffsets: "latest", failOnDataLoss: String(failOnDataLoss) }, "CAST(CAST(value AS STRING) AS INT) + 1 AS w");
    const w = (...n: number[]): Row[] => n.map((x) => ({ v: x - 1, w: x }));
    await testStream(spark, df, {},
      checkAnswer(),
      addInput(() => sendSpread(topic, 5, [1, 2, 3])),
      checkAnswer(...w(2, 3, 4)),
      stopStream,
      startStream(),
      checkAnswer(...w(2, 3, 4)),
      stopStream,
      addInput(() => sendSpread(topic, 5, [4, 5, 6])),
      startStream(),
      checkAnswer(...w(2, 3, 4, 5, 6, 7)),
      addInput(() => sendSpread(topic, 5, [7, 8])),
      checkAnswer(...w(2, 3, 4, 5, 6, 7, 8, 9)),
      growStep(topic),
      addInput(() => sendSpread(topic, partitionsNow(), range(9, 16))),
      checkAnswer(...w(...range(2, 17))),
    );
  });

  it.each([true, false])("from earliest offsets (failOnDataLoss %s)", async (failOnDataLoss) => {
    const topic = newTopic();
    await createTopic(topic, 5);
    await sendSpread(topic, 5, [1, 2, 3]);
    const df = await kafka({ ...strategy(topic), startingOffsets: "earliest", failOnDataLoss: String(failOnDataLoss) });
    await testStream(spark, df, {},
      addInput(() => sendSpread(topic, 5, [4, 5, 6])),
      checkAnswer(...vs(...range(1, 6))),
      stopStream,
      startStream(),
      checkAnswer(...vs(...range(1, 6))),
      stopStream,
      addInput(() => sendSpread(topic, 5, [7, 8])),
      startStream(),
      checkAnswer(...vs(...range(1, 8))),
      growStep(topic),
      addInput(() => sendSpread(topic, partitionsNow(), range(9, 16))),
      checkAnswer(...vs(...range(1, 16))),
    );
  });

  it.each([true, false])("from specific offsets (failOnDataLoss %s)", async (failOnDataLoss) => {
    const topic = newTopic();
    await createTopic(topic, 5);
    await send(topic, [-20, -21, -22], 0);
    await send(topic, [-10, -11, -12], 1);
    await send(topic, [0, 1, 2], 2);
    await send(topic, [10, 11, 12], 3);
    await send(topic, [20, 21, 22], 4);
    const starting = JSON.stringify({ [topic]: { "0": -2, "1": -1, "2": 0, "3": 1, "4": 2 } });
    const df = await kafka({ ...strategy(topic), startingOffsets: starting, failOnDataLoss: String(failOnDataLoss) });
    const seen = [-20, -21, -22, 0, 1, 2, 11, 12, 22];
    await testStream(spark, df, {},
      checkAnswer(...vs(...seen)),
      stopStream,
      startStream(),
      checkAnswer(...vs(...seen)),
      addInput(() => sendSpread(topic, 5, range(30, 34))),
      checkAnswer(...vs(...seen, ...range(30, 34))),
    );
  });

  /** The suite's timestamp layout: partitions 0-3 have records at both times, partition 4 only at the first. */
  async function timestampTopic(topic: string, first: number, second: number): Promise<void> {
    await createTopic(topic, 5, { "retention.ms": "-1" });
    for (const [p, vals] of [[0, [-20]], [1, [-10]], [2, [0, 1]], [3, [10, 11]], [4, [20, 21, 22]]] as const) await send(topic, vals, p, first);
    for (const [p, vals] of [[0, [-21, -22]], [1, [-11, -12]], [2, [2]], [3, [12]]] as const) await send(topic, vals, p, second);
  }

  /** The timestamp scenarios' steps: restarts, records added while stopped, partitions added. */
  const timestampSteps = (topic: string, df: DataFrame, seen: number[]): Promise<void> =>
    testStream(spark, df, {},
      checkAnswer(...vs(...seen)),
      stopStream,
      startStream(),
      checkAnswer(...vs(...seen)),
      stopStream,
      addInput(() => sendSpread(topic, 5, [30, 31, 32])),
      startStream(),
      checkAnswer(...vs(...seen, 30, 31, 32)),
      growStep(topic),
      addInput(() => sendSpread(topic, partitionsNow(), range(40, 44))),
      checkAnswer(...vs(...seen, 30, 31, 32, ...range(40, 44))),
    );

  it.each([true, false])("from specific timestamps (failOnDataLoss %s)", async (failOnDataLoss) => {
    const topic = newTopic();
    const first = Date.now() - 5000;
    const second = first + 1000;
    await timestampTopic(topic, first, second);
    const byTs = JSON.stringify({ [topic]: { "0": second, "1": second, "2": second, "3": second, "4": first } });
    const df = await kafka({ ...strategy(topic), startingOffsetsByTimestamp: byTs, failOnDataLoss: String(failOnDataLoss) });
    const seen = [-21, -22, -11, -12, 2, 12, 20, 21, 22];
    await timestampSteps(topic, df, seen);
  });

  it.each([true, false])("from a global timestamp (failOnDataLoss %s)", async (failOnDataLoss) => {
    const topic = newTopic();
    const first = Date.now() - 5000;
    const second = first + 1000;
    await timestampTopic(topic, first, second);
    await send(topic, [23, 24], 4, second);
    const df = await kafka({ ...strategy(topic), startingTimestamp: second, failOnDataLoss: String(failOnDataLoss) });
    const seen = [-21, -22, -11, -12, 2, 12, 23, 24];
    await timestampSteps(topic, df, seen);
  });

  it("from timestamps with no matching offset: an error by default or with strategy error, latest with strategy latest", async () => {
    const topic = newTopic();
    const first = Date.now() - 5000;
    const second = first + 1000;
    await timestampTopic(topic, first, second);
    const byTs = JSON.stringify({ [topic]: Object.fromEntries(range(0, 4).map((p) => [String(p), second])) });
    for (const extra of [{}, { startingOffsetsByTimestampStrategy: "error" }] as Opts[]) {
      const df = await kafka({ ...strategy(topic), startingOffsetsByTimestamp: byTs, ...extra });
      await testStream(spark, df, {}, expectFailure(undefined, /No offset matched from request of topic-partition .*-4 and timestamp/));
    }
    const df = await kafka({ ...strategy(topic), startingOffsetsByTimestamp: byTs, startingOffsetsByTimestampStrategy: "latest" });
    await testStream(spark, df, {},
      checkAnswer(...vs(-21, -22, -11, -12, 2, 12)),
      addInput(() => send(topic, [23, 24, 25], 4, second)),
      checkNewAnswer(...vs(23, 24, 25)),
    );
  });
});

describe("KafkaSourceSuiteBase: topic-level starting offsets", () => {
  /** A progress offset, as JSON text or already parsed. */
  const offsetsOf = (o: unknown): unknown => (typeof o === "string" ? JSON.parse(o) : o);

  it("subscribing topics from topic-level offsets: one topic from earliest, one from latest, across a restart", async () => {
    const [t1, t2] = [topicName("toplevel-a"), topicName("toplevel-b")];
    await createTopic(t1, 3);
    await createTopic(t2, 2);
    await send(t1, [1, 2, 3], 0);
    await send(t2, [11], 0);
    const df = await kafka({ subscribe: `${t1},${t2}`, startingOffsets: JSON.stringify({ [t1]: "earliest", [t2]: "latest" }) });
    await testStream(spark, df, {},
      checkAnswer(...vs(1, 2, 3)),
      // "11" predates the query: topic2 starts at its latest offsets, so only what comes after is read.
      addInput(async () => {
        await send(t2, [12], 0);
        await send(t1, [4], 1);
      }),
      checkAnswer(...vs(1, 2, 3, 12, 4)),
      stopStream,
      startStream(),
      checkAnswer(...vs(1, 2, 3, 12, 4)),
      assertOnQuery("the initial offsets name every partition of both topics", (_q, { progress }) => {
        expect(progress[0]!.sources[0]!.startOffset).toBeNull();
        expect(offsetsOf(progress[0]!.sources[0]!.endOffset)).toEqual({ [t1]: { "0": 3, "1": 0, "2": 0 }, [t2]: { "0": 1, "1": 0 } });
      }),
    );
  });

  it("a topic created after the start that matches subscribePattern is read from its earliest offset", async () => {
    const prefix = topicName("toplevel-pat");
    await createTopic(`${prefix}-a`, 1);
    await send(`${prefix}-a`, [1], 0);
    const df = await kafka({ subscribePattern: `${prefix}-.*`, startingOffsets: JSON.stringify({ [`${prefix}-a`]: "earliest" }) });
    await testStream(spark, df, {},
      checkAnswer(...vs(1)),
      addInput(async () => {
        await createTopic(`${prefix}-b`, 1);
        await send(`${prefix}-b`, [2], 0);
      }),
      checkAnswer(...vs(1, 2)),
      assertOnQuery("the new topic is in the offsets", (_q, { progress }) => expect(offsetsOf(progress.at(-1)!.sources[0]!.endOffset)).toEqual({ [`${prefix}-a`]: { "0": 1 }, [`${prefix}-b`]: { "0": 1 } })),
    );
  });

  it("a topic bound as a whole without assigned partitions fails the query, naming it", async () => {
    const t = topicName("toplevel-none");
    await createTopic(t, 1);
    const missing = `${t}-missing`;
    const df = await kafka({ subscribe: t, startingOffsets: JSON.stringify({ [t]: "earliest", [missing]: "latest" }) });
    await testStream(spark, df, {}, expectFailure("KAFKA_TOPIC_OFFSET_DOES_NOT_MATCH_ASSIGNED", missing));
  });

  it("a batch read between topic-level offsets; a batch start of latest or an end of earliest is refused", async () => {
    const t = topicName("toplevel-batch");
    await createTopic(t, 2);
    await send(t, [1, 2], 0);
    await send(t, [3], 1);
    const read = (o: Opts) => spark.read.format("kafka").options({ "kafka.bootstrap.servers": "127.0.0.1:1", subscribe: t, ...Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)])) });
    const rows = await spark.read.format("kafka").options({ "kafka.bootstrap.servers": await kafkaBootstrap(), subscribe: t, startingOffsets: JSON.stringify({ [t]: "EARLIEST" }), endingOffsets: JSON.stringify({ [t]: "latest" }) }).load().selectExpr("CAST(CAST(value AS STRING) AS INT) AS v").collect();
    expect(rows.map((r) => r.v).sort()).toEqual([1, 2, 3]);
    expect(() => read({ startingOffsets: JSON.stringify({ [t]: "latest" }) }).load()).toThrow(`startingOffsets for ${t} can't be latest for batch queries on Kafka`);
    expect(() => read({ endingOffsets: JSON.stringify({ [t]: "earliest" }) }).load()).toThrow(`ending offset for ${t} can't be earliest for batch queries on Kafka`);
  });
});

describe("KafkaSourceSuiteBase: options and columns", () => {
  it("Kafka column types, headers included", async () => {
    const now = Date.now();
    const topic = topicName("types");
    await createTopic(topic);
    await produce(topic, [{ value: "1", headers: { a: "b", c: "d" } }]);
    const df = spark.readStream.format("kafka").options({ "kafka.bootstrap.servers": await kafkaBootstrap(), subscribe: topic, startingOffsets: "earliest", includeHeaders: "true" }).load();
    const q = await df.writeStream.format("memory").queryName("kafka_suite_types").option("checkpointLocation", tmp()).start();
    await q.processAllAvailable();
    const [row] = await spark.table("kafka_suite_types").collect();
    await q.stop();
    expect(row!.key).toBeNull();
    expect(Buffer.from(row!.value as Uint8Array).toString()).toBe("1");
    expect(row!.topic).toBe(topic);
    expect(row!.partition).toBe(0);
    expect(Number(row!.offset)).toBe(0);
    expect((row!.timestamp as Date).getTime()).toBeGreaterThanOrEqual(now - 1000);
    expect(row!.timestampType).toBe(0);
    const headers = (row!.headers as { key: string; value: Uint8Array }[]).map((h) => [h.key, Buffer.from(h.value).toString()]);
    expect(headers).toEqual([["a", "b"], ["c", "d"]]);
  });

  it("bad source options are refused with Spark's words", async () => {
    const bad = (opts: Opts) => () => spark.readStream.format("kafka").options(Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, String(v)]))).load();
    expect(bad({ subscribe: "t", endingOffsets: "latest" })).toThrow(/Ending offset not valid in streaming queries/i);
    expect(bad({ subscribe: "t", endingOffsetsByTimestamp: '{"t": {"0": 1000}}' })).toThrow(/Ending timestamp not valid in streaming queries/i);
    expect(bad({})).toThrow(/options must be specified.*subscribe.*subscribePattern|subscribe.*subscribePattern.*options must be specified/i);
    expect(bad({ subscribe: "t", subscribePattern: "t.*" })).toThrow(/only one.*options can be specified/i);
    expect(bad({ subscribe: "t", assign: '{"a":[0]}' })).toThrow(/only one.*options can be specified/i);
    expect(bad({ assign: "" })).toThrow(/no topicpartitions to assign/i);
    expect(bad({ subscribe: "" })).toThrow(/no topics to subscribe/i);
    expect(bad({ subscribePattern: "" })).toThrow(/pattern to subscribe is empty/i);
    expect(bad({ "kafka.bootstrap.servers": "fake", subscribe: "t", minOffsetsPerTrigger: 20, maxOffsetsPerTrigger: 15 })).toThrow("value of minOffsetPerTrigger(20) is higher than the maxOffsetsPerTrigger(15)");
    for (const v of ["a", "1.0", "0", "-1"]) expect(bad({ "kafka.bootstrap.servers": "fake", subscribe: "t", minPartitions: v })).toThrow(/minPartitions/);
  });

  it("unsupported kafka configs are refused", () => {
    for (const [k, v] of [["kafka.auto.offset.reset", "someValue"], ["kafka.enable.auto.commit", "x"], ["kafka.interceptor.classes", "x"], ["kafka.key.deserializer", "x"], ["kafka.value.deserializer", "x"], ["kafka.auto.offset.reset", "none"], ["kafka.auto.offset.reset", "earliest"], ["kafka.auto.offset.reset", "latest"]]) {
      expect(() => spark.readStream.format("kafka").options({ subscribe: "topic", "kafka.bootstrap.servers": "somehost", [k!]: v! }).load(), k).toThrow(/not supported/);
    }
  });

  it("offsets from case-insensitive option values", async () => {
    const topic = topicName("case");
    await createTopic(topic);
    await send(topic, [1, 2]);
    const df = await kafka({ subscribe: topic, STARTINGOFFSETS: "earLiEst" });
    await testStream(spark, df, {}, checkAnswer(...vs(1, 2)));
  });
});
