/**
 * What the Kafka writer sends for each row (Spark's KafkaWriter / KafkaRowWriter): `value`
 * (STRING or BINARY, required), optional `key` (STRING or BINARY), `topic` (STRING; the `topic`
 * option wins over it), `partition` (INT), `headers` (ARRAY<STRUCT<key STRING, value BINARY>>)
 * and `timestamp` (TIMESTAMP). The schema is checked before anything is written, with Spark's messages.
 */
import { type ColumnBatch, getValue } from "../../columnar/column-batch.js";
import { analysisError, executionError } from "../../common/errors.js";
import { type DataType, simpleString } from "../../types/data-type.js";
import type { StructType } from "../../types/struct-type.js";

export interface KafkaMessage {
  readonly topic: string;
  readonly key?: Buffer;
  readonly value: Buffer;
  readonly partition?: number;
  readonly headers?: Map<Buffer, Buffer>;
  readonly timestamp?: bigint;
}

/** Column index per attribute, after the schema was checked. */
export interface KafkaRowLayout {
  readonly topic: number;
  readonly key: number;
  readonly value: number;
  readonly partition: number;
  readonly headers: number;
  readonly timestamp: number;
}

const accepts = (t: DataType, kinds: readonly string[]): boolean => kinds.includes(t.kind);
const HEADERS_TYPE = "array<struct<key:string,value:binary>>";

/** Spark's KafkaWriter.validateQuery; errors are analysis errors raised before the first write. */
export function kafkaRowLayout(schema: StructType, topicOption: string | undefined): KafkaRowLayout {
  const find = (name: string): number => schema.fields.findIndex((f) => f.name === name);
  const check = (name: string, kinds: readonly string[], wanted: string): number => {
    const i = find(name);
    if (i >= 0 && !accepts(schema.fields[i]!.type, kinds) && !(name === "headers" && simpleString(schema.fields[i]!.type) === HEADERS_TYPE)) {
      throw analysisError("KAFKA_INVALID_COLUMN_TYPE", `${name} attribute unsupported type ${simpleString(schema.fields[i]!.type)}. ${name} must be a(n) ${wanted}`, { column: name });
    }
    return i;
  };
  const topic = topicOption === undefined ? check("topic", ["string"], "string") : -1;
  if (topicOption === undefined && topic < 0) {
    throw analysisError("KAFKA_TOPIC_REQUIRED", "topic option required when no 'topic' attribute is present. Use the topic option for setting a topic.", { option: "topic" });
  }
  const value = check("value", ["string", "binary"], "string or binary");
  if (value < 0) throw analysisError("KAFKA_VALUE_REQUIRED", "Required attribute 'value' not found", { column: "value" });
  const hi = find("headers");
  if (hi >= 0 && simpleString(schema.fields[hi]!.type) !== HEADERS_TYPE) {
    throw analysisError("KAFKA_INVALID_COLUMN_TYPE", `headers attribute unsupported type ${simpleString(schema.fields[hi]!.type)}. headers must be a(n) ${HEADERS_TYPE}`, { column: "headers" });
  }
  return {
    topic,
    key: check("key", ["string", "binary"], "string or binary"),
    value,
    partition: check("partition", ["int"], "int"),
    headers: hi,
    timestamp: check("timestamp", ["timestamp"], "timestamp"),
  };
}

const bytes = (v: unknown): Buffer => (typeof v === "string" ? Buffer.from(v, "utf8") : Buffer.from((v as Uint8Array).buffer, (v as Uint8Array).byteOffset, (v as Uint8Array).byteLength));

/** The messages of one batch. A null topic is Spark's "null topic present in the data" error. */
export function kafkaMessages(b: ColumnBatch, layout: KafkaRowLayout, topicOption: string | undefined): KafkaMessage[] {
  const out: KafkaMessage[] = [];
  const col = (i: number) => (i < 0 ? undefined : b.columns[i]!);
  const [t, k, v, p, h, ts] = [col(layout.topic), col(layout.key), col(layout.value)!, col(layout.partition), col(layout.headers), col(layout.timestamp)];
  for (let r = 0; r < b.numRows; r++) {
    const topic = topicOption ?? (getValue(t!, r) as string | null);
    if (topic === null) throw executionError("KAFKA_NULL_TOPIC", "null topic present in the data. Use the topic option for setting a default topic.", { column: "topic" });
    const value = getValue(v, r);
    const key = k ? getValue(k, r) : null;
    const partition = p ? (getValue(p, r) as number | null) : null;
    const headers = h ? (getValue(h, r) as { key: string | null; value: Uint8Array | null }[] | null) : null;
    const tsUs = ts ? (getValue(ts, r) as number | null) : null;
    out.push({
      topic,
      // A null value is a tombstone; the client sends an empty payload for it.
      value: value === null ? Buffer.alloc(0) : bytes(value),
      ...(key !== null ? { key: bytes(key) } : {}),
      ...(partition !== null ? { partition } : {}),
      ...(headers ? { headers: new Map(headers.map((x) => [Buffer.from(x.key ?? "", "utf8"), x.value === null ? Buffer.alloc(0) : bytes(x.value)])) } : {}),
      ...(tsUs !== null ? { timestamp: BigInt(Math.floor(tsUs / 1000)) } : {}),
    });
  }
  return out;
}
