import { describe, expect, it } from "vitest";
import { parseKafkaSinkOptions, parseKafkaSourceOptions } from "./kafka-options.js";

const base = { "kafka.bootstrap.servers": "127.0.0.1:9092" };
const source = (o: Record<string, string>, streaming = true) => () => parseKafkaSourceOptions({ ...base, ...o }, streaming);

describe("kafka options (Spark's KafkaSourceProvider rules)", () => {
  it("needs exactly one of subscribe, subscribePattern, assign, and bootstrap servers", () => {
    expect(source({})).toThrow("One of the following options must be specified for Kafka source: subscribe, subscribepattern, assign.");
    expect(source({ subscribe: "a", assign: '{"a":[0]}' })).toThrow("Only one of the following options can be specified");
    expect(source({ subscribe: " , " })).toThrow("No topics to subscribe to as specified value for option 'subscribe' is ' , '");
    expect(source({ assign: "a" })).toThrow("No topicpartitions to assign as specified value for option 'assign' is 'a'");
    expect(source({ subscribePattern: "  " })).toThrow("Pattern to subscribe is empty");
    expect(() => parseKafkaSourceOptions({ subscribe: "a" }, true)).toThrow("Option 'kafka.bootstrap.servers' must be specified for configuring Kafka consumer");
    expect(() => parseKafkaSinkOptions({})).toThrow("Option 'kafka.bootstrap.servers' must be specified for configuring Kafka producer");
  });

  it("refuses unknown options and Kafka configs Spark refuses, all at once", () => {
    expect(source({ subscribe: "a", startingOffset: "earliest" })).toThrow(/Unknown kafka option 'startingoffset'/);
    expect(source({ subscribe: "a", "kafka.auto.offset.reset": "earliest" })).toThrow(/Kafka option 'auto.offset.reset' is not supported. Instead set the source option 'startingOffsets'/);
    expect(source({ subscribe: "a", "kafka.value.deserializer": "x" })).toThrow(/deserialized as byte arrays with ByteArrayDeserializer/);
    expect(source({ subscribe: "a", "kafka.linger.ms": "5" })).toThrow(/Kafka option 'linger.ms' is not supported by Sluice's Kafka client/);
    expect(source({ subscribe: "a", "kafka.security.protocol": "SASL_SSL" })).toThrow(/SASL_SSL needs kafka.sasl.jaas.config/);
    const both = source({ subscribe: "a", bogus: "1", minPartitions: "0" });
    expect(both).toThrow(/Invalid kafka source options: .*bogus.*; minPartitions must be positive, got 0/);
    expect(() => parseKafkaSinkOptions({ ...base, "kafka.transactional.id": "x" })).toThrow(/set option kafka.transactional=true/);
    expect(() => parseKafkaSinkOptions({ ...base, "kafka.key.serializer": "x" })).toThrow(/serialized with ByteArraySerializer/);
    expect(() => parseKafkaSinkOptions({ ...base, "kafka.transactional": "true", "kafka.acks": "1" })).toThrow(/needs kafka.acks=all/);
  });

  it("checks offsets and rate limits as Spark does, streaming and batch", () => {
    expect(source({ subscribe: "a", endingOffsets: "latest" })).toThrow("ending offset not valid in streaming queries");
    expect(source({ subscribe: "a", startingOffsets: "latest" }, false)).toThrow("starting offset can't be latest for batch queries on Kafka");
    expect(source({ subscribe: "a", startingOffsets: '{"a":{"0":-1}}' }, false)).toThrow("startingOffsets for a-0 can't be latest for batch queries on Kafka");
    expect(source({ subscribe: "a", endingOffsets: "earliest" }, false)).toThrow("ending offset can't be earliest for batch queries on Kafka");
    expect(source({ subscribe: "a", endingOffsets: '{"a":{"0":-2}}' }, false)).toThrow("ending offset for a-0 can't be earliest");
    expect(source({ subscribe: "a", maxOffsetsPerTrigger: "5" }, false)).toThrow(/maxOffsetsPerTrigger applies to streaming reads only/);
    expect(source({ subscribe: "a", minOffsetsPerTrigger: "10", maxOffsetsPerTrigger: "5" })).toThrow("The value of minOffsetPerTrigger(10) is higher than the maxOffsetsPerTrigger(5).");
    expect(source({ subscribe: "a", startingTimestamp: "yesterday" })).toThrow("Expected a single long value, got yesterday");
    expect(source({ subscribe: "a", startingOffsets: "{bad" })).toThrow(/startingOffsets: expected e.g./);
    expect(source({ subscribe: "a", maxTriggerDelay: "soon" })).toThrow(/maxTriggerDelay=soon/);
    expect(source({ subscribe: "a", failOnDataLoss: "maybe" })).toThrow(/failOnDataLoss=maybe \(expected true or false\)/);
  });

  it("reads the defaults and the kafka.* client settings", () => {
    const o = parseKafkaSourceOptions({ ...base, SUBSCRIBE: "a, b", "kafka.isolation.level": "read_committed", maxTriggerDelay: "30s", "kafka.fetch.max.bytes": "1000" }, true);
    expect(o.strategy).toEqual({ kind: "subscribe", topics: ["a", "b"] });
    expect(o.starting).toEqual({ kind: "latest" });
    expect(o.failOnDataLoss).toBe(true);
    expect(o.maxTriggerDelayMs).toBe(30_000);
    expect(o.client).toMatchObject({ bootstrapServers: ["127.0.0.1:9092"], readCommitted: true, fetchMaxBytes: 1000 });
    expect(parseKafkaSourceOptions({ ...base, subscribe: "a" }, false).starting).toEqual({ kind: "earliest" });
    expect(parseKafkaSinkOptions({ ...base, topic: " t ", "kafka.transactional": "TRUE" })).toMatchObject({ topic: "t", transactional: true });
  });
});
