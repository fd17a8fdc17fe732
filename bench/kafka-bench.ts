/**
 * Sluice's side of bench/kafka.sh, plus the helpers both engines share (run by kafka.sh):
 *   produce <bootstrap> <topic> <n>                  a topic of 4 partitions with n JSON events
 *   feed <bootstrap> <topic> <perSecond> <seconds>   events at a steady rate (for the latency runs)
 *   latency-report <bootstrap> <in> <out> <label>    p50/p99 of (out record time - in record time)
 *   throughput <bootstrap> <topic> <n>               Kafka -> Delta, availableNow, maxOffsetsPerTrigger
 *   sink <bootstrap> <in> <n> <transactional>        Kafka -> Kafka copy of <in>'s n records, availableNow,
 *                                                    maxOffsetsPerTrigger; with transactional=true one
 *                                                    transaction a batch (Sluice only: the sink's rows/s)
 *   stream <bootstrap> <in> <out> <trigger> <stop>   Kafka -> Kafka map query until file <stop> exists, + 5 s
 *                                                    (trigger: micro-batch with asyncProgressTrackingEnabled
 *                                                    | continuous)
 *   broker <ownerPid>                                start a broker in a temp folder, stopped when
 *                                                    ownerPid exits; prints KAFKA_BOOTSTRAP=host:port
 * Results are JSON lines ({engine, case, ...}); bench/kafka-compare.ts prints the ratios.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver, monitorEventLoopDelay } from "node:perf_hooks";
import { Admin, Producer } from "@platformatic/kafka";
import { Session, type StreamingQueryProgress } from "../src/index.js";
import { startBroker } from "../scripts/kafka/broker.js";

const [mode, bootstrap, ...args] = process.argv.slice(2);
const brokers = [bootstrap!];
const PARTITIONS = 4;
const out = (o: Record<string, unknown>): void => void process.stdout.write(JSON.stringify(o) + "\n");
const event = (i: number): Buffer => Buffer.from(JSON.stringify({ id: i, user: `u${i % 1000}`, amount: i % 97, kind: i % 3 === 0 ? "buy" : "view" }));

async function createTopic(topic: string): Promise<void> {
  const a = new Admin({ clientId: "bench-admin", bootstrapBrokers: brokers });
  try {
    await a.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
  } finally {
    await a.close();
  }
}

async function produce(topic: string, n: number): Promise<void> {
  await createTopic(topic);
  const p = new Producer({ clientId: "bench-producer", bootstrapBrokers: brokers, acks: -1 });
  try {
    for (let i = 0; i < n; i += 5000) {
      const m = Array.from({ length: Math.min(5000, n - i) }, (_, j) => ({ topic, partition: (i + j) % PARTITIONS, value: event(i + j) }));
      await p.send({ messages: m });
    }
  } finally {
    await p.close();
  }
}

/** Events at `perSecond`, in 10 ms slices; each record's timestamp is its send time. */
async function feed(topic: string, perSecond: number, seconds: number): Promise<void> {
  const p = new Producer({ clientId: "bench-feed", bootstrapBrokers: brokers, acks: 1 });
  const perSlice = Math.max(1, Math.round(perSecond / 100));
  const t0 = Date.now();
  let i = 0;
  try {
    for (let slice = 0; Date.now() - t0 < seconds * 1000; slice++) {
      const now = Date.now();
      await p.send({ messages: Array.from({ length: perSlice }, () => ({ topic, partition: i % PARTITIONS, value: event(i++), timestamp: BigInt(now) })) });
      const wait = t0 + (slice + 1) * 10 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  } finally {
    await p.close();
  }
}

/** The `f` quantile (0..1) of ascending `xs`. */
const quantile =
  (xs: readonly number[]) =>
  (f: number): number =>
    xs[Math.min(xs.length - 1, Math.floor(f * xs.length))] ?? NaN;

/** Record timestamps (ms) by event id of every record in `topic`, read with Sluice's batch read. */
async function timestamps(topic: string): Promise<Map<number, number>> {
  const spark = Session.builder().getOrCreate();
  const rows = await spark.read
    .format("kafka")
    .option("kafka.bootstrap.servers", bootstrap!)
    .option("subscribe", topic)
    .load()
    .selectExpr("CAST(get_json_object(CAST(value AS STRING), '$.id') AS BIGINT) AS id", "CAST(CAST(timestamp AS DOUBLE) * 1000 AS BIGINT) AS ms")
    .collect();
  return new Map(rows.map((r) => [Number(r.id), Number(r.ms)]));
}

async function latencyReport(inTopic: string, outTopic: string, label: string): Promise<void> {
  const [a, b] = [await timestamps(inTopic), await timestamps(outTopic)];
  const lat = [...b].filter(([id]) => a.has(id)).map(([id, t]) => t - a.get(id)!).sort((x, y) => x - y);
  const q = quantile(lat);
  const [engine, trigger] = label.split(":");
  out({ engine, case: `latency-${trigger}`, events: a.size, delivered: lat.length, p50Ms: q(0.5), p90Ms: q(0.9), p99Ms: q(0.99), maxMs: q(1) });
}

/** `topic` from its start, 50000 records a micro-batch. */
const backlog = (spark: Session, topic: string) =>
  spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap!).option("subscribe", topic).option("startingOffsets", "earliest").option("maxOffsetsPerTrigger", 50_000).load();

async function throughput(topic: string, n: number): Promise<void> {
  const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
  const tmp = mkdtempSync(join(tmpdir(), "bench-kafka-sluice-"));
  const t = performance.now();
  const q = await backlog(spark, topic)
    .selectExpr("CAST(value AS STRING) AS json", "timestamp")
    .selectExpr("from_json(json, 'id BIGINT, user STRING, amount BIGINT, kind STRING') AS e", "timestamp")
    .selectExpr("e.*", "timestamp")
    .writeStream.format("delta")
    .option("checkpointLocation", join(tmp, "chk"))
    .trigger({ availableNow: true })
    .start(join(tmp, "table"));
  await q.awaitTermination();
  const seconds = (performance.now() - t) / 1000;
  const rows = q.recentProgress.reduce((s, p) => s + p.numInputRows, 0);
  const batches = q.recentProgress.filter((p) => p.numInputRows > 0);
  if (rows !== n) throw new Error(`read ${rows} rows, expected ${n}`);
  out({ engine: "sluice", case: "kafka-to-delta", rows, seconds, batches: batches.length });
  await spark.stop();
}

/** The Kafka sink's rows/s: `topic`'s records copied to a new topic, 50000 a micro-batch. */
async function sink(topic: string, n: number, transactional: boolean): Promise<void> {
  const outTopic = `${topic}-copy-${transactional ? "tx" : "alo"}-${Date.now()}`;
  await createTopic(outTopic);
  const spark = Session.builder().getOrCreate();
  const tmp = mkdtempSync(join(tmpdir(), "bench-kafka-sluice-"));
  const t = performance.now();
  const q = await backlog(spark, topic)
    .selectExpr("key", "value")
    .writeStream.format("kafka")
    .option("kafka.bootstrap.servers", bootstrap!)
    .option("topic", outTopic)
    .option("kafka.transactional", String(transactional))
    .option("checkpointLocation", join(tmp, "chk"))
    .trigger({ availableNow: true })
    .start();
  await q.awaitTermination();
  const seconds = (performance.now() - t) / 1000;
  const rows = q.recentProgress.reduce((s, p) => s + p.numInputRows, 0);
  if (rows !== n) throw new Error(`copied ${rows} rows, expected ${n}`);
  const addBatchMs = q.recentProgress.reduce((s, p) => s + (p.durationMs.addBatch ?? 0), 0);
  out({ engine: "sluice", case: transactional ? "kafka-sink-transactional" : "kafka-sink", rows, seconds, addBatchSeconds: addBatchMs / 1000 });
  await spark.stop();
}

/**
 * A Kafka -> Kafka map query until `stopFile` exists (the feed ended), then 5 s more for the last
 * events; micro-batch progress gives the per-batch cost.
 */
async function stream(inTopic: string, outTopic: string, trigger: string, stopFile: string): Promise<void> {
  const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
  // Where a tail could come from inside this process: event-loop stalls and GC pauses, while the feed runs.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const gc: { kind: number; ms: number }[] = [];
  const gcObserver = new PerformanceObserver((l) => void gc.push(...l.getEntries().map((e) => ({ kind: (e as unknown as { detail: { kind: number } }).detail.kind, ms: e.duration }))));
  // Every batch's progress (recentProgress keeps only the last 100).
  const progress: StreamingQueryProgress[] = [];
  spark.streams.addListener({ onQueryProgress: (e) => void progress.push(e.progress) });
  const tmp = mkdtempSync(join(tmpdir(), "bench-kafka-sluice-"));
  const q = await spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", bootstrap!)
    .option("subscribe", inTopic)
    .option("startingOffsets", "earliest")
    .load()
    .selectExpr("value")
    .writeStream.format("kafka")
    .option("kafka.bootstrap.servers", bootstrap!)
    .option("topic", outTopic)
    .option("checkpointLocation", join(tmp, "chk"))
    // Micro-batch: offsets and commits written at an interval, off each batch's path (as PySpark's side).
    .options(trigger === "continuous" ? {} : { asyncProgressTrackingEnabled: "true" })
    .trigger(trigger === "continuous" ? { continuous: "1 second" } : {})
    .start();
  await q.processAllAvailable(); // the client is loaded and connected before the feed starts
  console.error("READY");
  loop.enable();
  gcObserver.observe({ entryTypes: ["gc"] });
  while (!existsSync(stopFile)) await new Promise((r) => setTimeout(r, 200));
  loop.disable();
  gcObserver.disconnect();
  await new Promise((r) => setTimeout(r, 5000));
  await q.stop();
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
  // perf_hooks' gc kinds: 1 scavenge (young generation), 2 mark-sweep-compact, 4 incremental marking, 8 weak callbacks.
  const gcOf = (kind: number): Record<string, number> => {
    const ms = gc.filter((x) => x.kind === kind).map((x) => x.ms).sort((x, y) => x - y);
    return { count: ms.length, totalMs: Math.round(ms.reduce((s, x) => s + x, 0)), maxMs: Math.round(quantile(ms)(1) || 0) };
  };
  out({
    engine: "sluice",
    case: "stalls",
    eventLoopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
    gc: { scavenge: gcOf(1), markCompact: gcOf(2), incremental: gcOf(4) },
  });
  const batches = progress.filter((p) => p.numInputRows > 0);
  if (batches.length > 0) {
    const sorted = (f: (p: StreamingQueryProgress) => number): number[] => batches.map(f).sort((a, b) => a - b);
    const median = (f: (p: StreamingQueryProgress) => number): number => quantile(sorted(f))(0.5);
    const parts = Object.fromEntries(Object.keys(batches[0]!.durationMs).map((k) => [k, median((b) => b.durationMs[k] ?? 0)]));
    const total = quantile(sorted((b) => b.durationMs.triggerExecution ?? 0));
    out({ engine: "sluice", case: "batch-duration", batches: batches.length, medianRows: median((b) => b.numInputRows), medianMs: total(0.5), p99Ms: total(0.99), maxMs: total(1), parts });
  }
  await spark.stop();
}

if (mode === "broker") {
  // argv: broker <ownerPid> (no bootstrap yet)
  const b = await startBroker(mkdtempSync(join(tmpdir(), "bench-kafka-broker-")), { ownerPid: Number(bootstrap) });
  console.log(`KAFKA_BOOTSTRAP=${b.bootstrap} BROKER_PID=${b.pid}`);
} else if (mode === "produce") await produce(args[0]!, Number(args[1]));
else if (mode === "feed") await feed(args[0]!, Number(args[1]), Number(args[2]));
else if (mode === "latency-report") await latencyReport(args[0]!, args[1]!, args[2]!);
else if (mode === "throughput") await throughput(args[0]!, Number(args[1]));
else if (mode === "sink") await sink(args[0]!, Number(args[1]), args[2] === "true");
else if (mode === "stream") await stream(args[0]!, args[1]!, args[2]!, args[3]!);
else throw new Error(`unknown mode ${mode}`);
process.exit(0);
