import { describe, expect, it } from "vitest";
import { EARLIEST, expandTopicOffsets, fromEntries, offsetsToJson, parseAssign, parseOffsetsJson, parseSpecificOffsets, rateLimit, splitRanges } from "./kafka-offsets.js";

const offsets = (o: Record<string, Record<string, number>>) => parseOffsetsJson(JSON.stringify(o), "test");

describe("Kafka offsets (Spark's KafkaSourceOffset JSON)", () => {
  it("round-trips Spark's JSON with topics and partitions sorted", () => {
    const o = fromEntries([
      { topic: "b", partition: 10, offset: 5 },
      { topic: "a", partition: 2, offset: 1 },
      { topic: "b", partition: 9, offset: 7 },
    ]);
    expect(offsetsToJson(o)).toBe('{"a":{"2":1},"b":{"9":7,"10":5}}');
    expect(offsetsToJson(parseOffsetsJson(offsetsToJson(o), "x"))).toBe(offsetsToJson(o));
  });

  it("refuses malformed offsets and assign values, naming the option", () => {
    expect(() => parseOffsetsJson('{"t":{"0":"x"}}', "startingOffsets")).toThrow(/startingOffsets: expected e.g./);
    expect(() => parseOffsetsJson("[1]", "startingOffsets")).toThrow(/got \[1\]/);
    expect(() => parseAssign('{"t":[0,"1"]}')).toThrow(/assign: expected/);
    expect(parseAssign('{"t":[0,1],"u":[3]}')).toEqual([
      { topic: "t", partition: 0 },
      { topic: "t", partition: 1 },
      { topic: "u", partition: 3 },
    ]);
  });

  it("topic-level offsets: a topic bound as a whole, in any case, beside per-partition offsets", () => {
    const spec = parseSpecificOffsets('{"topic-A":"eArLiEst","topic-B":{"0":23},"topic-C":"LATEST"}', "startingOffsets");
    expect(offsetsToJson(spec.offsets)).toBe('{"topic-B":{"0":23}}');
    expect([...spec.topics]).toEqual([["topic-A", -2], ["topic-C", -1]]);
    expect(() => parseSpecificOffsets('{"t":"soon"}', "startingOffsets")).toThrow(/startingOffsets: expected e.g. .*"topicB":"earliest"/);
    // The offsets log never holds topic-level offsets.
    expect(() => parseOffsetsJson('{"t":"earliest"}', "log", true)).toThrow(/expected e.g./);
  });

  it("topic-level offsets expand to the assigned partitions of their topics (Spark's KafkaOffsetRangeLimitSuite)", () => {
    const assigned = [{ topic: "topicA", partition: 0 }, { topic: "topicA", partition: 1 }, { topic: "topicB", partition: 0 }];
    const spec = { offsets: offsets({ topicB: { "0": 23 } }), topics: new Map([["topicA", EARLIEST]]) };
    expect(offsetsToJson(expandTopicOffsets(spec, assigned, "startingOffsets"))).toBe('{"topicA":{"0":-2,"1":-2},"topicB":{"0":23}}');
    // Offsets given per partition win over the topic's binding.
    const both = { offsets: offsets({ topicA: { "1": 5 } }), topics: new Map([["topicA", EARLIEST]]) };
    expect(offsetsToJson(expandTopicOffsets(both, assigned, "startingOffsets"))).toBe('{"topicA":{"0":-2,"1":5}}');
    const none = { offsets: offsets({}), topics: new Map([["topicA", EARLIEST], ["topicC", EARLIEST]]) };
    expect(() => expandTopicOffsets(none, [{ topic: "topicA", partition: 0 }], "startingOffsets")).toThrow(expect.objectContaining({ code: "KAFKA_TOPIC_OFFSET_DOES_NOT_MATCH_ASSIGNED", message: expect.stringContaining("topicC") }));
  });

  it("maxOffsetsPerTrigger spreads the limit by each partition's share, at least 1 each", () => {
    const from = offsets({ t: { "0": 0, "1": 0, "2": 5 } });
    const until = offsets({ t: { "0": 90, "1": 10, "2": 5 } });
    // 90 and 10 new offsets of 100: 10 → 9 and 1; partition 2 has nothing new.
    expect(offsetsToJson(rateLimit(10, from, until))).toBe('{"t":{"0":9,"1":1,"2":5}}');
    // A small partition is not starved: 1/100 × 5 rounds up to 1.
    expect(offsetsToJson(rateLimit(5, from, until))).toBe('{"t":{"0":4,"1":1,"2":5}}');
    expect(offsetsToJson(rateLimit(1000, from, until))).toBe(offsetsToJson(until));
  });

  it("minPartitions splits ranges in proportion to their size and drops empty ones", () => {
    const r = splitRanges(
      [
        { topic: "t", partition: 0, fromOffset: 0, untilOffset: 300 },
        { topic: "t", partition: 1, fromOffset: 10, untilOffset: 110 },
        { topic: "t", partition: 2, fromOffset: 4, untilOffset: 4 },
      ],
      4,
    );
    expect(r.map((x) => [x.partition, x.fromOffset, x.untilOffset])).toEqual([
      [0, 0, 100],
      [0, 100, 200],
      [0, 200, 300],
      [1, 10, 110],
    ]);
    expect(splitRanges([{ topic: "t", partition: 0, fromOffset: 0, untilOffset: 5 }], undefined)).toHaveLength(1);
  });
});
