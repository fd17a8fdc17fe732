/**
 * Kafka offsets as Spark keeps them (KafkaSourceOffset, JsonUtils): a map topic → partition →
 * the next offset to read (one past the last record read, as KafkaConsumer.position()), stored
 * as JSON such as `{"events":{"0":42,"1":17}}` with topics and partitions in sorted order.
 * In offset specs (startingOffsets, endingOffsets) -2 means earliest and -1 latest, and a topic
 * may be bound as a whole (`{"topicA":"earliest","topicB":{"0":23}}`, Spark 4's topic-level
 * offsets), expanded to the topic's partitions when the spec is resolved.
 *
 * Also the two pure range computations of a micro-batch: `rateLimit` (maxOffsetsPerTrigger,
 * spread over partitions in proportion to their new data) and `splitRanges` (minPartitions).
 */
import { configError, inputError } from "../../common/errors.js";

/** topic → partition → offset. Offsets are JS numbers: Kafka offsets stay far below 2^53. */
export type PartitionOffsets = ReadonlyMap<string, ReadonlyMap<number, number>>;

export const EARLIEST = -2;
export const LATEST = -1;

/** "topic-partition", the key Spark prints for a TopicPartition. */
export const tpKey = (topic: string, partition: number): string => `${topic}-${partition}`;

/** Every (topic, partition, offset), sorted by topic then partition. */
export function entries(o: PartitionOffsets): { topic: string; partition: number; offset: number }[] {
  const out: { topic: string; partition: number; offset: number }[] = [];
  for (const topic of [...o.keys()].sort()) {
    const parts = o.get(topic)!;
    for (const partition of [...parts.keys()].sort((a, b) => a - b)) out.push({ topic, partition, offset: parts.get(partition)! });
  }
  return out;
}

export function fromEntries(list: Iterable<{ topic: string; partition: number; offset: number }>): PartitionOffsets {
  const out = new Map<string, Map<number, number>>();
  for (const { topic, partition, offset } of list) {
    let m = out.get(topic);
    if (!m) out.set(topic, (m = new Map()));
    m.set(partition, offset);
  }
  return out;
}

export const offsetOf = (o: PartitionOffsets, topic: string, partition: number): number | undefined => o.get(topic)?.get(partition);

/** Spark's JSON form, topics and partitions sorted. */
export function offsetsToJson(o: PartitionOffsets): string {
  const obj: Record<string, Record<string, number>> = {};
  for (const { topic, partition, offset } of entries(o)) (obj[topic] ??= {})[String(partition)] = offset;
  return JSON.stringify(obj);
}

/**
 * Parse `{"topic":{"0":23,"1":-1}}`. `what` names the option or file for the error
 * (Spark: "Expected e.g. {"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}, got ...").
 */
export function parseOffsetsJson(json: string, what: string, asInput = false): PartitionOffsets {
  const fail = (): never => {
    const msg = `${what}: expected e.g. {"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}, got ${json}`;
    throw asInput ? inputError("INVALID_OFFSET", msg, { offsets: json }) : configError("INVALID_OPTION", msg, { option: what });
  };
  return partitionsOf(Object.entries(jsonObject(json, fail)), fail);
}

function partitionsOf(topics: [string, unknown][], fail: () => never): PartitionOffsets {
  const list: { topic: string; partition: number; offset: number }[] = [];
  for (const [topic, parts] of topics) {
    if (typeof parts !== "object" || parts === null || Array.isArray(parts)) return fail();
    for (const [p, off] of Object.entries(parts as Record<string, unknown>)) {
      const partition = Number(p);
      if (!/^\d+$/.test(p) || typeof off !== "number" || !Number.isSafeInteger(off)) return fail();
      list.push({ topic, partition, offset: off });
    }
  }
  return fromEntries(list);
}

/** A startingOffsets/endingOffsets JSON: offsets per partition, and topics bound as a whole. */
export interface SpecificOffsets {
  readonly offsets: PartitionOffsets;
  /** topic → EARLIEST or LATEST, for every partition the topic has when the spec is resolved. */
  readonly topics: ReadonlyMap<string, number>;
}

/**
 * Parse startingOffsets/endingOffsets JSON (Spark's JsonUtils with topic-level offsets): a topic
 * maps to its partitions' offsets or to "earliest"/"latest" (any case) for all of its partitions.
 */
export function parseSpecificOffsets(json: string, option: string): SpecificOffsets {
  const fail = (): never => {
    throw configError("INVALID_OPTION", `${option}: expected e.g. {"topicA":{"0":23,"1":-1},"topicB":"earliest"}, got ${json}`, { option });
  };
  const topics = new Map<string, number>();
  const perPartition: [string, unknown][] = [];
  for (const [topic, v] of Object.entries(jsonObject(json, fail))) {
    if (typeof v !== "string") perPartition.push([topic, v]);
    else if (/^earliest$/i.test(v)) topics.set(topic, EARLIEST);
    else if (/^latest$/i.test(v)) topics.set(topic, LATEST);
    else return fail();
  }
  return { offsets: partitionsOf(perPartition, fail), topics };
}

/**
 * Spark's SpecificOffsetRangeLimit.resolve: each topic bound as a whole gets EARLIEST/LATEST for
 * every partition `assigned` has of it (the partitions found now, so the binding survives added
 * partitions); offsets given per partition are kept as they are. A topic bound as a whole that
 * has no assigned partition is an error (Spark's KAFKA_TOPIC_OFFSET_DOES_NOT_MATCH_ASSIGNED).
 */
export function expandTopicOffsets(spec: SpecificOffsets, assigned: readonly { topic: string; partition: number }[], option: string): PartitionOffsets {
  if (spec.topics.size === 0) return spec.offsets;
  const expanded = assigned.filter((tp) => spec.topics.has(tp.topic)).map((tp) => ({ ...tp, offset: spec.topics.get(tp.topic)! }));
  const unmatched = [...spec.topics.keys()].filter((t) => !expanded.some((e) => e.topic === t)).sort();
  if (unmatched.length > 0) {
    const have = [...new Set(assigned.map((tp) => tp.topic))].sort();
    throw configError(
      "KAFKA_TOPIC_OFFSET_DOES_NOT_MATCH_ASSIGNED",
      `${option} binds topic(s) ${unmatched.join(", ")} as a whole, but no partition of them is assigned: the topic may not exist (yet) or the subscription may not cover it. Assigned topics: ${have.length > 0 ? have.join(", ") : "none"}`,
      { option, topics: unmatched.join(",") },
    );
  }
  return fromEntries([...expanded, ...entries(spec.offsets)]);
}

function jsonObject(json: string, fail: () => never): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return fail();
  }
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail();
}

/** Parse the `assign` option: `{"topicA":[0,1],"topicB":[2,4]}`. */
export function parseAssign(json: string): { topic: string; partition: number }[] {
  const fail = (): never => {
    throw configError("INVALID_OPTION", `assign: expected e.g. {"topicA":[0,1],"topicB":[0,1]}, got ${json}`, { option: "assign" });
  };
  const out: { topic: string; partition: number }[] = [];
  for (const [topic, parts] of Object.entries(jsonObject(json, fail))) {
    if (!Array.isArray(parts)) return fail();
    for (const p of parts) {
      if (typeof p !== "number" || !Number.isInteger(p) || p < 0) return fail();
      out.push({ topic, partition: p });
    }
  }
  return out;
}

/**
 * maxOffsetsPerTrigger (Spark's KafkaMicroBatchStream.rateLimit): each partition with new data
 * gets `limit × its share of all new offsets`, rounded down, but at least 1 (no partition
 * starves), never past its latest offset. `from` holds the start of every partition in `until`.
 */
export function rateLimit(limit: number, from: PartitionOffsets, until: PartitionOffsets): PartitionOffsets {
  const sizes = entries(until).map((e) => ({ ...e, begin: offsetOf(from, e.topic, e.partition) ?? e.offset, size: 0 }));
  for (const s of sizes) s.size = Math.max(0, s.offset - s.begin);
  const total = sizes.reduce((a, s) => a + s.size, 0);
  if (total < 1) return until;
  return fromEntries(
    sizes.map((s) => {
      if (s.size === 0) return s;
      const prorate = limit * (s.size / total);
      const n = prorate < 1 ? Math.ceil(prorate) : Math.floor(prorate);
      return { topic: s.topic, partition: s.partition, offset: Math.min(s.offset, s.begin + n) };
    }),
  );
}

export interface OffsetRange {
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly untilOffset: number;
}

/**
 * minPartitions (Spark's KafkaOffsetRangeCalculator): ranges without data are dropped; when fewer
 * ranges remain than `minPartitions`, each is split into about `size / total × minPartitions`
 * (at least 1) equal pieces, read as separate tasks.
 */
export function splitRanges(ranges: readonly OffsetRange[], minPartitions: number | undefined): OffsetRange[] {
  const toRead = ranges.filter((r) => r.untilOffset > r.fromOffset);
  if (minPartitions === undefined || toRead.length >= minPartitions) return toRead;
  const total = toRead.reduce((a, r) => a + (r.untilOffset - r.fromOffset), 0);
  return toRead.flatMap((r) => {
    const size = r.untilOffset - r.fromOffset;
    const parts = Math.max(Math.round((size / total) * minPartitions), 1);
    return Array.from({ length: parts }, (_, i) => ({
      topic: r.topic,
      partition: r.partition,
      fromOffset: r.fromOffset + Math.floor((size * i) / parts),
      untilOffset: r.fromOffset + Math.floor((size * (i + 1)) / parts),
    }));
  });
}
