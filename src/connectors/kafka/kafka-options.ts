/**
 * Options of the kafka source and sink, with Spark's names and rules (KafkaSourceProvider):
 * keys are case-insensitive; `kafka.`-prefixed keys are Kafka client configs, passed to the client;
 * every other key must be one the source or sink knows. Every bad key is reported at once, and
 * an option Sluice does not implement is an error, never ignored.
 */
import { parseIntervalMs } from "../../common/duration.js";
import { configError } from "../../common/errors.js";
import { EARLIEST, LATEST, type PartitionOffsets, type SpecificOffsets, entries, parseAssign, parseOffsetsJson, parseSpecificOffsets } from "./kafka-offsets.js";
import { type KafkaSecurity, SECURITY_CONFIGS, kafkaSecurity } from "./kafka-security.js";

/** Which partitions to read: Spark's AssignStrategy / SubscribeStrategy / SubscribePatternStrategy. */
export type TopicStrategy =
  | { readonly kind: "assign"; readonly partitions: readonly { topic: string; partition: number }[] }
  | { readonly kind: "subscribe"; readonly topics: readonly string[] }
  | { readonly kind: "subscribePattern"; readonly pattern: RegExp };

/** Where a read starts or ends (Spark's KafkaOffsetRangeLimit). */
export type OffsetSpec =
  | { readonly kind: "earliest" }
  | { readonly kind: "latest" }
  | ({ readonly kind: "specific" } & SpecificOffsets)
  | { readonly kind: "globalTimestamp"; readonly timestampMs: number }
  | { readonly kind: "timestamps"; readonly timestamps: PartitionOffsets };

/** Client settings: what `kafka.*` options configure. */
export interface KafkaClientConfig {
  readonly bootstrapServers: readonly string[];
  readonly clientId?: string;
  readonly groupId?: string;
  readonly readCommitted: boolean;
  readonly requestTimeoutMs?: number;
  readonly retryBackoffMs?: number;
  readonly fetchMaxWaitMs?: number;
  readonly fetchMaxBytes?: number;
  readonly maxPartitionFetchBytes?: number;
  readonly acks?: number;
  readonly idempotent?: boolean;
  readonly compression?: "none" | "gzip" | "snappy" | "lz4" | "zstd";
  /** TLS and SASL settings (kafka-security.ts); absent for PLAINTEXT. */
  readonly security?: KafkaSecurity;
}

export interface KafkaSourceOptions {
  readonly strategy: TopicStrategy;
  readonly starting: OffsetSpec;
  readonly ending: OffsetSpec;
  /** startingOffsetsByTimestampStrategy: what a timestamp with no offset after it resolves to. */
  readonly noMatchLatest: boolean;
  readonly failOnDataLoss: boolean;
  readonly includeHeaders: boolean;
  readonly minPartitions?: number;
  readonly maxOffsetsPerTrigger?: number;
  readonly minOffsetsPerTrigger?: number;
  readonly maxTriggerDelayMs: number;
  readonly groupIdPrefix: string;
  readonly fetchOffsetRetries: number;
  readonly fetchOffsetRetryIntervalMs: number;
  readonly pollTimeoutMs: number;
  readonly client: KafkaClientConfig;
}

export interface KafkaSinkOptions {
  readonly topic?: string;
  /** Beyond Spark: one Kafka transaction per micro-batch (see kafka-sink.ts). */
  readonly transactional: boolean;
  readonly client: KafkaClientConfig;
}

const SOURCE_KEYS = [
  "assign",
  "subscribe",
  "subscribePattern",
  "startingOffsets",
  "endingOffsets",
  "startingTimestamp",
  "endingTimestamp",
  "startingOffsetsByTimestamp",
  "endingOffsetsByTimestamp",
  "startingOffsetsByTimestampStrategy",
  "failOnDataLoss",
  "includeHeaders",
  "minPartitions",
  "maxOffsetsPerTrigger",
  "minOffsetsPerTrigger",
  "maxTriggerDelay",
  "groupIdPrefix",
  "fetchOffset.numRetries",
  "fetchOffset.retryIntervalMs",
  "kafkaConsumer.pollTimeoutMs",
];
// The async progress tracking options are the query's (streaming/runtime/async-progress-tracking.ts).
const SINK_KEYS = ["topic", "checkpointLocation", "path", "asyncProgressTrackingEnabled", "asyncProgressTrackingCheckpointIntervalMs"];

// Kafka configs (after `kafka.`) and what they set. Spark refuses some with its own reasons.
const CONSUMER_CONFIGS = new Set(["bootstrap.servers", "client.id", "group.id", "isolation.level", "request.timeout.ms", "retry.backoff.ms", "fetch.max.wait.ms", "fetch.max.bytes", "max.partition.fetch.bytes", ...SECURITY_CONFIGS]);
const PRODUCER_CONFIGS = new Set(["bootstrap.servers", "client.id", "acks", "enable.idempotence", "compression.type", "request.timeout.ms", "retry.backoff.ms", "transactional", ...SECURITY_CONFIGS]);
const SPARK_REFUSED: Record<string, string> = {
  "auto.offset.reset":
    "Kafka option 'auto.offset.reset' is not supported. Instead set the source option 'startingOffsets' to 'earliest' or 'latest' to specify where to start. Structured Streaming manages which offsets are consumed internally; 'startingOffsets' only applies when a new streaming query is started, and resuming always picks up from where the query left off.",
  "key.deserializer": "Kafka option 'key.deserializer' is not supported as keys are deserialized as byte arrays with ByteArrayDeserializer. Use DataFrame operations to explicitly deserialize the keys.",
  "value.deserializer": "Kafka option 'value.deserializer' is not supported as values are deserialized as byte arrays with ByteArrayDeserializer. Use DataFrame operations to explicitly deserialize the values.",
  "enable.auto.commit": "Kafka option 'enable.auto.commit' is not supported",
  "interceptor.classes": "Kafka option 'interceptor.classes' is not supported",
  "key.serializer": "Kafka option 'key.serializer' is not supported as keys are serialized with ByteArraySerializer.",
  "value.serializer": "Kafka option 'value.serializer' is not supported as value are serialized with ByteArraySerializer.",
  "transactional.id": "Kafka option 'transactional.id' is not supported: set option kafka.transactional=true and the sink derives a transactional id from the query id, stable across restarts",
};

type Lower = Readonly<Record<string, string>>;
const lowerKeys = (raw: Readonly<Record<string, string>>): Lower => Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v]));

class Problems {
  readonly list: string[] = [];
  add(p: string): void {
    this.list.push(p);
  }
  throwIfAny(what: string): void {
    if (this.list.length === 1) throw configError("INVALID_OPTION", this.list[0]!, { format: "kafka" });
    if (this.list.length > 1) throw configError("INVALID_OPTION", `Invalid ${what} options: ${this.list.join("; ")}`, { format: "kafka" });
  }
}

function bool(o: Lower, key: string, dflt: boolean, p: Problems): boolean {
  const v = o[key.toLowerCase()];
  if (v === undefined) return dflt;
  if (/^true$/i.test(v.trim())) return true;
  if (/^false$/i.test(v.trim())) return false;
  p.add(`${key}=${v} (expected true or false)`);
  return dflt;
}

/**
 * A count of offsets, a Scala Long in Spark: any positive LONG is taken, and one above
 * Number.MAX_SAFE_INTEGER counts as that (no topic holds more offsets), so Long.MaxValue works.
 */
function offsetCount(o: Lower, key: string, p: Problems): number | undefined {
  const v = o[key.toLowerCase()]?.trim();
  if (v !== undefined && /^\+?\d{16,}$/.test(v) && BigInt(v) > BigInt(Number.MAX_SAFE_INTEGER) && BigInt(v) <= 9223372036854775807n) return Number.MAX_SAFE_INTEGER;
  return int(o, key, p);
}

function int(o: Lower, key: string, p: Problems, min = 1): number | undefined {
  const v = o[key.toLowerCase()];
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  // An integer's digits only, as Scala's toInt: "1.0" and "1e3" are refused.
  if (!/^[+-]?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) {
    p.add(`${key} must be ${min === 1 ? "positive" : `an integer >= ${min}`}, got ${v}`);
    return undefined;
  }
  return n;
}

function checkKeys(o: Lower, known: readonly string[], configs: Set<string>, p: Problems): void {
  const lower = new Set(known.map((k) => k.toLowerCase()));
  for (const key of Object.keys(o)) {
    if (key.startsWith("kafka.")) {
      const c = key.slice(6);
      if (SPARK_REFUSED[c]) p.add(SPARK_REFUSED[c]!);
      else if (!configs.has(c)) p.add(`Kafka option '${c}' is not supported by Sluice's Kafka client (supported: ${[...configs].sort().join(", ")})`);
    } else if (!lower.has(key)) {
      p.add(`Unknown kafka option '${key}' (known: ${known.join(", ")}, and kafka.* client configs)`);
    }
  }
}

function clientConfig(o: Lower, p: Problems, forWhat: "consumer" | "producer"): KafkaClientConfig {
  const servers = o["kafka.bootstrap.servers"];
  if (servers === undefined || servers.trim() === "") p.add(`Option 'kafka.bootstrap.servers' must be specified for configuring Kafka ${forWhat}`);
  const iso = (o["kafka.isolation.level"] ?? "read_uncommitted").toLowerCase();
  if (iso !== "read_committed" && iso !== "read_uncommitted") p.add(`kafka.isolation.level must be read_committed or read_uncommitted, got ${o["kafka.isolation.level"]}`);
  const security = kafkaSecurity(o, (x) => p.add(x));
  const acksRaw = o["kafka.acks"];
  let acks: number | undefined;
  if (acksRaw !== undefined) {
    acks = acksRaw.trim() === "all" ? -1 : Number(acksRaw);
    if (![-1, 0, 1].includes(acks)) p.add(`kafka.acks must be all, -1, 0 or 1, got ${acksRaw}`);
  }
  const comp = o["kafka.compression.type"]?.toLowerCase();
  if (comp !== undefined && !["none", "gzip", "snappy", "lz4", "zstd"].includes(comp)) p.add(`kafka.compression.type must be none, gzip, snappy, lz4 or zstd, got ${o["kafka.compression.type"]}`);
  const idem = o["kafka.enable.idempotence"] === undefined ? undefined : bool(o, "kafka.enable.idempotence", true, p);
  const num = (k: string): number | undefined => int(o, `kafka.${k}`, p, 0);
  return {
    bootstrapServers: (servers ?? "").split(",").map((s) => s.trim()).filter((s) => s !== ""),
    readCommitted: iso === "read_committed",
    ...(o["kafka.client.id"] !== undefined ? { clientId: o["kafka.client.id"] } : {}),
    ...(o["kafka.group.id"] !== undefined ? { groupId: o["kafka.group.id"] } : {}),
    ...opt("requestTimeoutMs", num("request.timeout.ms")),
    ...opt("retryBackoffMs", num("retry.backoff.ms")),
    ...opt("fetchMaxWaitMs", num("fetch.max.wait.ms")),
    ...opt("fetchMaxBytes", num("fetch.max.bytes")),
    ...opt("maxPartitionFetchBytes", num("max.partition.fetch.bytes")),
    ...opt("acks", acks),
    ...opt("idempotent", idem),
    ...(comp !== undefined ? { compression: comp as KafkaClientConfig["compression"] } : {}),
    ...(security.tls || security.sasl ? { security } : {}),
  };
}

const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } => (v === undefined ? {} : ({ [k]: v } as { [P in K]: V }));

function strategyOf(o: Lower, p: Problems): TopicStrategy {
  const given = (["assign", "subscribe", "subscribepattern"] as const).filter((k) => o[k] !== undefined);
  if (given.length === 0) p.add("One of the following options must be specified for Kafka source: subscribe, subscribepattern, assign. See the docs for more details.");
  if (given.length > 1) p.add("Only one of the following options can be specified for Kafka source: subscribe, subscribepattern, assign. See the docs for more details.");
  const key = given[0];
  if (key === "assign") {
    const v = o.assign!;
    if (!v.trim().startsWith("{")) p.add(`No topicpartitions to assign as specified value for option 'assign' is '${v}'`);
    else {
      try {
        return { kind: "assign", partitions: parseAssign(v) };
      } catch (e) {
        p.add((e as Error).message);
      }
    }
  } else if (key === "subscribepattern") {
    const v = o.subscribepattern!.trim();
    if (v === "") p.add(`Pattern to subscribe is empty as specified value for option 'subscribePattern' is '${o.subscribepattern}'`);
    else {
      try {
        // Java's Pattern.matcher(topic).matches(): the whole name must match.
        return { kind: "subscribePattern", pattern: new RegExp(`^(?:${v})$`) };
      } catch {
        p.add(`subscribePattern '${v}' is not a valid regular expression`);
      }
    }
  } else if (key === "subscribe") {
    const topics = o.subscribe!.split(",").map((t) => t.trim()).filter((t) => t !== "");
    if (topics.length === 0) p.add(`No topics to subscribe to as specified value for option 'subscribe' is '${o.subscribe}'`);
    return { kind: "subscribe", topics };
  }
  return { kind: "subscribe", topics: [] };
}

/** Spark's getKafkaOffsetRangeLimit: global timestamp, then per-partition timestamps, then offsets. */
function offsetSpec(o: Lower, which: "starting" | "ending", dflt: OffsetSpec, p: Problems): OffsetSpec {
  const ts = o[`${which}timestamp`];
  if (ts !== undefined) {
    const n = Number(ts.trim());
    if (!/^-?\d+$/.test(ts.trim()) || !Number.isSafeInteger(n)) p.add(`Expected a single long value, got ${ts} (option ${which}Timestamp)`);
    return { kind: "globalTimestamp", timestampMs: n };
  }
  const byTs = o[`${which}offsetsbytimestamp`];
  if (byTs !== undefined) {
    try {
      return { kind: "timestamps", timestamps: parseOffsetsJson(byTs.trim(), `${which}OffsetsByTimestamp`) };
    } catch (e) {
      p.add((e as Error).message);
      return dflt;
    }
  }
  const v = o[`${which}offsets`]?.trim();
  if (v === undefined) return dflt;
  if (v.toLowerCase() === "latest") return { kind: "latest" };
  if (v.toLowerCase() === "earliest") return { kind: "earliest" };
  try {
    return { kind: "specific", ...parseSpecificOffsets(v, `${which}Offsets`) };
  } catch (e) {
    p.add((e as Error).message);
    return dflt;
  }
}

/** Options of `readStream.format("kafka")` (streaming) or `read.format("kafka")` (batch). */
export function parseKafkaSourceOptions(raw: Readonly<Record<string, string>>, streaming: boolean): KafkaSourceOptions {
  const o = lowerKeys(raw);
  const p = new Problems();
  checkKeys(o, SOURCE_KEYS, CONSUMER_CONFIGS, p);
  const strategy = strategyOf(o, p);
  const starting = offsetSpec(o, "starting", streaming ? { kind: "latest" } : { kind: "earliest" }, p);
  const ending = offsetSpec(o, "ending", { kind: "latest" }, p);
  if (streaming) {
    if (o.endingoffsets !== undefined || o.endingtimestamp !== undefined) p.add("ending offset not valid in streaming queries");
    if (o.endingoffsetsbytimestamp !== undefined) p.add("ending timestamp not valid in streaming queries");
  } else {
    // Spark's validateBatchOptions.
    if (starting.kind === "latest") p.add("starting offset can't be latest for batch queries on Kafka");
    if (starting.kind === "specific") {
      for (const e of entries(starting.offsets)) if (e.offset === LATEST) p.add(`startingOffsets for ${e.topic}-${e.partition} can't be latest for batch queries on Kafka`);
      for (const [topic, o] of starting.topics) if (o === LATEST) p.add(`startingOffsets for ${topic} can't be latest for batch queries on Kafka`);
    }
    if (ending.kind === "earliest") p.add("ending offset can't be earliest for batch queries on Kafka");
    if (ending.kind === "specific") {
      for (const e of entries(ending.offsets)) if (e.offset === EARLIEST) p.add(`ending offset for ${e.topic}-${e.partition} can't be earliest for batch queries on Kafka`);
      for (const [topic, o] of ending.topics) if (o === EARLIEST) p.add(`ending offset for ${topic} can't be earliest for batch queries on Kafka`);
    }
    for (const k of ["maxOffsetsPerTrigger", "minOffsetsPerTrigger", "maxTriggerDelay"]) {
      if (o[k.toLowerCase()] !== undefined) p.add(`${k} applies to streaming reads only (Spark ignores it in batch queries; Sluice refuses it so that nothing is silently ignored)`);
    }
  }
  const strat = o.startingoffsetsbytimestampstrategy?.toLowerCase();
  if (strat !== undefined && strat !== "error" && strat !== "latest") p.add(`startingOffsetsByTimestampStrategy must be error or latest, got ${o.startingoffsetsbytimestampstrategy}`);
  const minPartitions = int(o, "minPartitions", p);
  const maxOffsetsPerTrigger = offsetCount(o, "maxOffsetsPerTrigger", p);
  const minOffsetsPerTrigger = offsetCount(o, "minOffsetsPerTrigger", p);
  if (minOffsetsPerTrigger !== undefined && maxOffsetsPerTrigger !== undefined && minOffsetsPerTrigger > maxOffsetsPerTrigger) {
    p.add(`The value of minOffsetPerTrigger(${minOffsetsPerTrigger}) is higher than the maxOffsetsPerTrigger(${maxOffsetsPerTrigger}).`);
  }
  let maxTriggerDelayMs = 15 * 60_000;
  if (o.maxtriggerdelay !== undefined) {
    try {
      maxTriggerDelayMs = parseIntervalMs(/^\d+$/.test(o.maxtriggerdelay.trim()) ? `${o.maxtriggerdelay}ms` : o.maxtriggerdelay);
    } catch {
      p.add(`maxTriggerDelay=${o.maxtriggerdelay} (expected a duration such as "5 minutes" or "30s")`);
    }
  }
  const client = clientConfig(o, p, "consumer");
  const failOnDataLoss = bool(o, "failOnDataLoss", true, p);
  const includeHeaders = bool(o, "includeHeaders", false, p);
  const fetchOffsetRetries = int(o, "fetchOffset.numRetries", p) ?? 3;
  const fetchOffsetRetryIntervalMs = int(o, "fetchOffset.retryIntervalMs", p, 0) ?? 1000;
  const pollTimeoutMs = int(o, "kafkaConsumer.pollTimeoutMs", p) ?? 120_000;
  p.throwIfAny(streaming ? "kafka source" : "kafka batch read");
  return {
    strategy,
    starting,
    ending,
    noMatchLatest: strat === "latest",
    failOnDataLoss,
    includeHeaders,
    maxTriggerDelayMs,
    groupIdPrefix: o.groupidprefix ?? (streaming ? "spark-kafka-source" : "spark-kafka-relation"),
    fetchOffsetRetries,
    fetchOffsetRetryIntervalMs,
    pollTimeoutMs,
    client,
    ...opt("minPartitions", minPartitions),
    ...opt("maxOffsetsPerTrigger", maxOffsetsPerTrigger),
    ...opt("minOffsetsPerTrigger", minOffsetsPerTrigger),
  };
}

/** Options of `writeStream.format("kafka")` and `write.format("kafka")`. */
export function parseKafkaSinkOptions(raw: Readonly<Record<string, string>>): KafkaSinkOptions {
  const o = lowerKeys(raw);
  const p = new Problems();
  checkKeys(o, SINK_KEYS, PRODUCER_CONFIGS, p);
  const client = clientConfig(o, p, "producer");
  const transactional = bool(o, "kafka.transactional", false, p);
  if (transactional && client.idempotent === false) p.add("kafka.transactional=true needs an idempotent producer: remove kafka.enable.idempotence=false");
  if (transactional && client.acks !== undefined && client.acks !== -1) p.add("kafka.transactional=true needs kafka.acks=all");
  if (transactional && /^\s*true\s*$/i.test(o.asyncprogresstrackingenabled ?? "")) {
    p.add("kafka.transactional=true cannot be used with asyncProgressTrackingEnabled=true: after a crash, async progress tracking re-runs the batches since its last written offsets under new batch ids and ranges, so the sink could not tell a re-run batch from a new one; it is at-least-once, as in Spark");
  }
  p.throwIfAny("kafka sink");
  const topic = o.topic?.trim();
  return { transactional, client, ...(topic !== undefined && topic !== "" ? { topic } : {}) };
}
