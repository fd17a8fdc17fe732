/**
 * A real Kafka broker for the tests that need one, started once per test run and shared by every
 * test file of that run (vitest runs files in child processes of one runner process):
 *   1. The first file to ask creates `<tmp>/sluice-kafka-<runner pid>/` (mkdir is the lock) and
 *      starts a broker there (scripts/kafka/broker.ts) with the runner as its owner: a watchdog
 *      kills the broker and removes the folder once the runner exits.
 *   2. Other files wait for its `bootstrap` file and use the same broker.
 * SLUICE_KAFKA_BOOTSTRAP=host:port uses a broker you started yourself (npm run kafka:start).
 *
 * Helpers create uniquely named topics, produce records and read a topic back with a
 * read_committed consumer, so tests never share a topic.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Admin, Consumer, Producer } from "@platformatic/kafka";
import { startBroker } from "../../scripts/kafka/broker.js";

let shared: Promise<string> | undefined;

/** The bootstrap address of this run's broker, started on first call. */
export function kafkaBootstrap(): Promise<string> {
  return (shared ??= findOrStart());
}

async function findOrStart(): Promise<string> {
  if (process.env.SLUICE_KAFKA_BOOTSTRAP) return process.env.SLUICE_KAFKA_BOOTSTRAP;
  const owner = process.ppid;
  const dir = join(tmpdir(), `sluice-kafka-${owner}`);
  const file = join(dir, "bootstrap");
  const failed = join(dir, "failed");
  let mine = false;
  try {
    mkdirSync(dir);
    mine = true;
  } catch {
    // another test file of this run is starting it
  }
  if (mine) {
    try {
      const b = await startBroker(join(dir, "broker"), { ownerPid: owner });
      writeFileSync(file, b.bootstrap);
      return b.bootstrap;
    } catch (e) {
      writeFileSync(failed, String((e as Error).message));
      throw e;
    }
  }
  const deadline = Date.now() + 120_000;
  while (!existsSync(file)) {
    if (existsSync(failed)) throw new Error(`The shared Kafka broker failed to start: ${readFileSync(failed, "utf8")}`);
    if (Date.now() > deadline) throw new Error(`Timed out waiting for the shared Kafka broker in ${dir}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return readFileSync(file, "utf8");
}

/** A fresh topic name (tests never share topics). */
export const topicName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

async function withAdmin<T>(fn: (a: Admin) => Promise<T>): Promise<T> {
  const a = new Admin({ clientId: "sluice-test-admin", bootstrapBrokers: [await kafkaBootstrap()] });
  try {
    return await fn(a);
  } finally {
    await a.close();
  }
}

export const createTopic = (topic: string, partitions = 1, configs: Record<string, string> = {}): Promise<void> =>
  withAdmin(async (a) => void (await a.createTopics({ topics: [topic], partitions, replicas: 1, configs: Object.entries(configs).map(([name, value]) => ({ name, value })) })));

export const deleteTopic = (topic: string): Promise<void> => withAdmin((a) => a.deleteTopics({ topics: [topic] }));

export const addPartitions = (topic: string, count: number): Promise<void> => withAdmin((a) => a.createPartitions({ topics: [{ name: topic, count }] }));

export interface TestRecord {
  readonly value: string;
  readonly key?: string;
  readonly partition?: number;
  readonly headers?: Record<string, string>;
  readonly timestamp?: number;
}

/** Produce records (idempotent, so a retried send never duplicates a record; acks=all). */
export async function produce(topic: string, records: readonly TestRecord[]): Promise<void> {
  const p = new Producer({ clientId: "sluice-test-producer", bootstrapBrokers: [await kafkaBootstrap()], acks: -1, idempotent: true });
  try {
    await p.send({
      messages: records.map((r) => ({
        topic,
        value: Buffer.from(r.value),
        ...(r.key !== undefined ? { key: Buffer.from(r.key) } : {}),
        partition: r.partition ?? 0,
        ...(r.headers ? { headers: new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])) } : {}),
        ...(r.timestamp !== undefined ? { timestamp: BigInt(r.timestamp) } : {}),
      })),
    });
  } finally {
    await p.close();
  }
}

export interface ReadRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/**
 * Every record of `topic` that the client's own group consumer sees from the earliest offset, in
 * partition/offset order: read_committed by default (aborted transactions and open ones hidden).
 */
export async function readTopic(topic: string, readCommitted = true): Promise<ReadRecord[]> {
  const bootstrapBrokers = [await kafkaBootstrap()];
  const c = new Consumer({ clientId: "sluice-test-reader", groupId: `test-${randomUUID()}`, bootstrapBrokers, isolationLevel: readCommitted ? 1 : 0, maxWaitTime: 100 });
  try {
    const ends = (await c.listOffsets({ topics: [topic], isolationLevel: readCommitted ? 1 : 0 })).get(topic)!;
    const out: ReadRecord[] = [];
    if (ends.every((e) => e === 0n)) return out;
    const stream = await c.consume({ topics: [topic], mode: "earliest", autocommit: false });
    const position = ends.map(() => -1n);
    const done = (): boolean => ends.every((e, p) => position[p]! + 1n >= e || e === 0n);
    // Markers of transactions take offsets too, so the end is not always a record: stop once
    // nothing new arrived for a while.
    let idle = setTimeout(() => void stream.close(), 1500);
    for await (const m of stream) {
      clearTimeout(idle);
      idle = setTimeout(() => void stream.close(), 1500);
      out.push({
        partition: m.partition,
        offset: Number(m.offset),
        key: m.key && m.key.length > 0 ? m.key.toString() : null,
        value: m.value ? m.value.toString() : "",
        headers: Object.fromEntries([...m.headers].map(([k, v]) => [k.toString(), v.toString()])),
      });
      position[m.partition] = m.offset;
      if (done()) break;
    }
    clearTimeout(idle);
    await stream.close();
    return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  } finally {
    await c.close(true);
  }
}
