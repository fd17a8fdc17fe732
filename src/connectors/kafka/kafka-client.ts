/**
 * The Kafka client behind the source and sink: @platformatic/kafka (pure TypeScript, from the npm
 * registry alone), imported on first use, one client at a time, so a pipeline without Kafka never
 * loads it and a query loads only the clients it uses.
 *
 * `KafkaAdminReader` answers what Spark's KafkaOffsetReaderAdmin answers: the partitions a topic
 * strategy covers now, and their earliest, latest or by-timestamp offsets (latest respects
 * kafka.isolation.level: read_committed gives the last stable offset).
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { SluiceError, configError, executionError } from "../../common/errors.js";
import type { KafkaClientConfig, OffsetSpec, TopicStrategy } from "./kafka-options.js";
import type { KafkaSecurity } from "./kafka-security.js";
import { EARLIEST, LATEST, type PartitionOffsets, entries, expandTopicOffsets, fromEntries, offsetOf, tpKey } from "./kafka-offsets.js";

type KafkaLib = typeof import("@platformatic/kafka");
export type KafkaConsumer = InstanceType<KafkaLib["Consumer"]>;
export type KafkaProducer = InstanceType<KafkaLib["Producer"]>;
export type KafkaAdmin = InstanceType<KafkaLib["Admin"]>;

/**
 * The client's parts, each imported from its own module on first use. The package's one entry
 * point evaluates all three clients, the schema registries and Avro, and compiles every option
 * validator (ajv, ~40, though the client runs them only with `strict: true`, which Sluice does not
 * set); a source needs the consumer, an at-least-once sink the producer. The modules are the
 * package's own files next to its entry point, so they are the very modules it would load.
 */
const modules = new Map<string, Promise<unknown>>();
function clientModule<T>(path: string): Promise<T> {
  let m = modules.get(path);
  if (m === undefined) {
    const entry = pathToFileURL(createRequire(import.meta.url).resolve("@platformatic/kafka"));
    m = import(new URL(path, entry).href);
    modules.set(path, m);
  }
  return m as Promise<T>;
}
export const loadConsumer = (): Promise<Pick<KafkaLib, "Consumer">> => clientModule("clients/consumer/index.js");
export const loadProducer = (): Promise<Pick<KafkaLib, "Producer">> => clientModule("clients/producer/index.js");
export const loadAdmin = (): Promise<Pick<KafkaLib, "Admin">> => clientModule("clients/admin/index.js");
const loadEnumerations = (): Promise<Pick<KafkaLib, "FetchIsolationLevels">> => clientModule("apis/enumerations.js");

/** The fetch isolation level kafka.isolation.level asks for. */
export async function isolationLevelOf(config: KafkaClientConfig): Promise<number> {
  const { FetchIsolationLevels } = await loadEnumerations();
  return config.readCommitted ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED;
}

/** Options every client of `config` shares (TLS and SASL/PLAIN from kafka-security.ts). */
export function baseOptions(config: KafkaClientConfig, role: string): { clientId: string; bootstrapBrokers: string[]; timeout?: number; retryDelay?: number; tls?: KafkaSecurity["tls"]; sasl?: KafkaSecurity["sasl"] } {
  return {
    clientId: config.clientId ?? `sluice-${role}`,
    bootstrapBrokers: [...config.bootstrapServers],
    ...(config.requestTimeoutMs !== undefined ? { timeout: config.requestTimeoutMs } : {}),
    ...(config.retryBackoffMs !== undefined ? { retryDelay: config.retryBackoffMs } : {}),
    ...(config.security?.tls ? { tls: config.security.tls } : {}),
    ...(config.security?.sasl ? { sasl: config.security.sasl } : {}),
  };
}

/** A client error as a SluiceError naming the broker and what was asked. */
export function kafkaError(what: string, config: KafkaClientConfig, e: unknown): SluiceError {
  if (e instanceof SluiceError) return e;
  const detail = [...new Set(rootMessages(e))].join("; ");
  return executionError("KAFKA_CLIENT_ERROR", `Kafka ${what} failed (bootstrap servers ${config.bootstrapServers.join(",")}): ${detail}`, { bootstrapServers: config.bootstrapServers.join(",") }, e);
}

/**
 * The innermost messages of a client error: the client wraps the reason (a failed SASL
 * authentication, an untrusted certificate) in layers of "Cannot connect to any broker".
 */
function rootMessages(e: unknown, depth = 0): string[] {
  const x = e as { errors?: unknown[]; cause?: unknown; message?: string } | undefined;
  if (depth < 8 && Array.isArray(x?.errors) && x.errors.length > 0) return x.errors.flatMap((c) => rootMessages(c, depth + 1));
  if (depth < 8 && x?.cause instanceof Error) return rootMessages(x.cause, depth + 1);
  return [x?.message ?? String(e)];
}

/** Whether a client error carries the Kafka error code `id` (e.g. OFFSET_OUT_OF_RANGE). */
export function hasKafkaError(e: unknown, id: string): boolean {
  const x = e as { apiId?: string; findBy?: (k: string, v: unknown) => unknown } | undefined;
  return x?.apiId === id || Boolean(x?.findBy?.("apiId", id));
}

/** Partition discovery and offset lookups for one source (Spark's KafkaOffsetReaderAdmin). */
export class KafkaAdminReader {
  #consumer: Promise<KafkaConsumer> | undefined;
  #admin: Promise<KafkaAdmin> | undefined;

  constructor(
    readonly config: KafkaClientConfig,
    readonly strategy: TopicStrategy,
    readonly groupId: string,
    /** fetchOffset.numRetries and fetchOffset.retryIntervalMs (Spark's withRetries). */
    readonly retry: { readonly attempts: number; readonly intervalMs: number } = { attempts: 3, intervalMs: 1000 },
  ) {}

  async #withRetries<T>(what: string, body: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await body();
      } catch (e) {
        if (attempt >= this.retry.attempts || (e instanceof SluiceError && e.kind === "config")) throw e instanceof SluiceError ? e : kafkaError(what, this.config, e);
        await new Promise((r) => setTimeout(r, this.retry.intervalMs));
      }
    }
  }

  consumer(): Promise<KafkaConsumer> {
    return (this.#consumer ??= Promise.all([loadConsumer(), isolationLevelOf(this.config)]).then(
      ([k, isolationLevel]) =>
        new k.Consumer({
          ...baseOptions(this.config, "source"),
          groupId: this.config.groupId ?? this.groupId,
          autocommit: false,
          isolationLevel,
          metadataMaxAge: 1000,
        }),
    ));
  }

  admin(): Promise<KafkaAdmin> {
    return (this.#admin ??= loadAdmin().then((k) => new k.Admin(baseOptions(this.config, "source-admin"))));
  }

  /**
   * The topic partitions the strategy covers now: subscribe and subscribePattern take every
   * partition of the matching topics that exist; assign its listed partitions that exist.
   */
  topicPartitions(): Promise<{ topic: string; partition: number }[]> {
    return this.#withRetries("partition discovery", () => this.#discover());
  }

  /**
   * The latest offsets of the partitions the strategy covers now. Discovery and lookup are retried
   * together, as Spark's fetchLatestOffsets: a topic deleted between the two is gone from the
   * next discovery instead of failing the lookup.
   */
  latestOffsets(): Promise<PartitionOffsets> {
    return this.#withRetries("listing offsets", async () => this.#list(await this.#discover(), LATEST));
  }

  /**
   * subscribe and assign name their topics: one Metadata request answers while they all exist
   * (one round trip a trigger, as Spark's describeTopics); only when one is missing, or for a
   * pattern, are the cluster's topics listed first.
   */
  async #discover(): Promise<{ topic: string; partition: number }[]> {
    const s = this.strategy;
    if (s.kind !== "subscribePattern") {
      const named = s.kind === "assign" ? [...new Set(s.partitions.map((p) => p.topic))] : s.topics;
      try {
        return this.#partitionsOf(named, await (await this.consumer()).metadata({ topics: [...named], forceUpdate: true }));
      } catch (e) {
        if (!hasKafkaError(e, "UNKNOWN_TOPIC_OR_PARTITION") && !/Unknown topic/.test((e as Error).message)) throw e;
      }
    }
    const existing = new Set(await (await this.admin()).listTopics());
    const wanted = s.kind === "assign" ? [...new Set(s.partitions.map((p) => p.topic))] : s.kind === "subscribe" ? s.topics : [...existing].filter((t) => s.pattern.test(t));
    const present = wanted.filter((t) => existing.has(t));
    if (present.length === 0) return [];
    return this.#partitionsOf(present, await (await this.consumer()).metadata({ topics: present, forceUpdate: true }));
  }

  #partitionsOf(topics: readonly string[], md: { topics: Map<string, { partitionsCount: number }> }): { topic: string; partition: number }[] {
    const count = (t: string): number => md.topics.get(t)?.partitionsCount ?? 0;
    const s = this.strategy;
    if (s.kind === "assign") return s.partitions.filter((p) => count(p.topic) > p.partition);
    return topics.flatMap((topic) => Array.from({ length: count(topic) }, (_, partition) => ({ topic, partition })));
  }

  /**
   * Offsets of `tps` at `timestamp`: -2 earliest, -1 latest, else the first offset whose record
   * timestamp is at or after it (-1 when there is none).
   */
  listOffsets(tps: readonly { topic: string; partition: number }[], timestamp: number): Promise<PartitionOffsets> {
    return this.#withRetries("listing offsets", () => this.#list(tps, timestamp));
  }

  async #list(tps: readonly { topic: string; partition: number }[], timestamp: number): Promise<PartitionOffsets> {
    if (tps.length === 0) return new Map();
    const c = await this.consumer();
    const byTopic: Record<string, number[]> = {};
    for (const { topic, partition } of tps) (byTopic[topic] ??= []).push(partition);
    const res = await c.listOffsetsWithTimestamps({ topics: Object.keys(byTopic), partitions: byTopic, timestamp: BigInt(timestamp) });
    return fromEntries(tps.map(({ topic, partition }) => ({ topic, partition, offset: Number(res.get(topic)?.get(partition)?.offset ?? -1n) })));
  }

  /**
   * Resolve a startingOffsets/endingOffsets spec for `tps` (Spark's fetchPartitionOffsets and
   * fetchSpecificOffsets): topic-level offsets expand to the topic's covered partitions, then
   * specific offsets must name exactly the covered partitions, -2/-1 in them resolve to
   * earliest/latest; a timestamp with no later record is an error for a start
   * (unless startingOffsetsByTimestampStrategy=latest) and latest for an end.
   */
  async resolve(spec: OffsetSpec, tps: readonly { topic: string; partition: number }[], isStart: boolean, noMatchLatest: boolean): Promise<PartitionOffsets> {
    const which = isStart ? "starting" : "ending";
    if (spec.kind === "earliest") return this.listOffsets(tps, EARLIEST);
    if (spec.kind === "latest") return this.listOffsets(tps, LATEST);
    if (spec.kind === "globalTimestamp" || spec.kind === "timestamps") {
      const given = spec.kind === "timestamps" ? spec.timestamps : undefined;
      if (given) checkSamePartitions(given, tps, `${which}OffsetsByTimestamp`);
      const out: { topic: string; partition: number; offset: number }[] = [];
      for (const tp of tps) {
        const ts = given ? offsetOf(given, tp.topic, tp.partition)! : (spec as { timestampMs: number }).timestampMs;
        let offset = offsetOf(await this.listOffsets([tp], ts), tp.topic, tp.partition)!;
        if (offset < 0) {
          if (isStart && !noMatchLatest) throw configError("KAFKA_NO_OFFSET_FOR_TIMESTAMP", `No offset matched from request of topic-partition ${tpKey(tp.topic, tp.partition)} and timestamp ${ts}.`, { topic: tp.topic, partition: tp.partition, timestamp: ts });
          offset = offsetOf(await this.listOffsets([tp], LATEST), tp.topic, tp.partition)!;
        }
        out.push({ ...tp, offset });
      }
      return fromEntries(out);
    }
    const offsets = expandTopicOffsets(spec, tps, `${which}Offsets`);
    checkSamePartitions(offsets, tps, `${which}Offsets`);
    const list = entries(offsets);
    const earliest = await this.listOffsets(list.filter((e) => e.offset === EARLIEST), EARLIEST);
    const latest = await this.listOffsets(list.filter((e) => e.offset === LATEST), LATEST);
    return fromEntries(list.map((e) => ({ ...e, offset: e.offset === EARLIEST ? offsetOf(earliest, e.topic, e.partition)! : e.offset === LATEST ? offsetOf(latest, e.topic, e.partition)! : e.offset })));
  }

  async close(): Promise<void> {
    const [c, a] = [this.#consumer, this.#admin];
    this.#consumer = this.#admin = undefined;
    await closeQuietly(c);
    await closeQuietly(a);
  }
}

function checkSamePartitions(given: PartitionOffsets, tps: readonly { topic: string; partition: number }[], option: string): void {
  const want = tps.map((t) => tpKey(t.topic, t.partition)).sort();
  const got = entries(given).map((e) => tpKey(e.topic, e.partition)).sort();
  if (want.join(",") !== got.join(",")) {
    throw configError(
      "KAFKA_OFFSETS_PARTITION_MISMATCH",
      `If ${option} contains specific offsets, you must specify all TopicPartitions. Use -1 for latest, -2 for earliest. Specified: ${got.join(", ")} Assigned: ${want.join(", ")}`,
      { option },
    );
  }
}

/** Close a client that may never have connected; a failing close is not worth an error. */
export async function closeQuietly(client: Promise<{ close(): unknown }> | undefined): Promise<void> {
  try {
    if (client) await (await client).close();
  } catch {
    // the client is gone either way
  }
}
