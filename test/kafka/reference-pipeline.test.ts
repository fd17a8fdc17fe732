/**
 * The Kafka → Delta reference pipeline (examples/reference-pipeline) on the real broker: the
 * event set with retries, late events and malformed JSON is produced into a topic, the
 * TypeScript and the SQL pipelines run on it (Trigger.AvailableNow), and delta-rs reads the
 * Delta tables they wrote: the aggregates equal the expected windows exactly, the dead-letter
 * table holds each malformed record once, and progress carries Spark's Kafka lag metrics.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { referenceEvents } from "../../examples/reference-pipeline/events.js";
import { startReferencePipeline } from "../../examples/reference-pipeline/pipeline.js";
import { produceEvents } from "../../examples/reference-pipeline/producer.js";
import { startSqlReferencePipeline } from "../../examples/reference-pipeline/sql.js";
import { Session } from "../../src/index.js";
import { kafkaBootstrap, topicName } from "../support/kafka-broker.js";
import { aggregateRows, deltaRsRows, hasDeltaRs } from "./delta-rs-rows.js";

const ev = referenceEvents();
const expectedRows = ev.expected.map((w) => [w.window_start, w.events, w.amount]);
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate();
/** The broker and the topic holding the event set, made once for both tests. */
let setup: Promise<{ bootstrap: string; topic: string }> | undefined;
const ready = () =>
  (setup ??= (async () => {
    const bootstrap = await kafkaBootstrap();
    const topic = topicName("reference");
    await produceEvents(bootstrap, topic, ev.records);
    return { bootstrap, topic };
  })());

describe.skipIf(!hasDeltaRs)("Kafka reference pipeline on the real broker", () => {
  it("TypeScript: exact window aggregates, dead letters once, Kafka lag in progress", async () => {
    const { bootstrap, topic } = await ready();
    const root = mkdtempSync(join(tmpdir(), "sluice-ref-ts-"));
    const queries = await startReferencePipeline(spark, { bootstrap, topic, root, trigger: { availableNow: true } });
    await Promise.all(queries.map((q) => q.awaitTermination()));
    expect(aggregateRows(deltaRsRows(join(root, "aggregates")))).toEqual(expectedRows);
    expect(deltaRsRows(join(root, "dead_letter")).map((r) => r.value).sort()).toEqual([...ev.malformed].sort());
    const metrics = queries[0]!.recentProgress.find((p) => p.numInputRows > 0)!.sources[0]!.metrics!;
    expect(Object.keys(metrics)).toEqual(expect.arrayContaining(["minOffsetsBehindLatest", "avgOffsetsBehindLatest", "maxOffsetsBehindLatest"]));
    // Batches of at most 50 offsets: the first batch left the rest of the topic behind.
    expect(Number(queries[0]!.recentProgress[0]!.sources[0]!.metrics!.maxOffsetsBehindLatest)).toBe(ev.records.length - 50);
  });

  it("SQL: the same aggregates and dead letters", async () => {
    const { bootstrap, topic } = await ready();
    const out = mkdtempSync(join(tmpdir(), "sluice-ref-sql-"));
    const queries = await startSqlReferencePipeline(spark, { KAFKA_BOOTSTRAP: bootstrap, TOPIC: topic, OUT: out, TRIGGER: "availableNow" });
    await Promise.all(queries.map((q) => q.awaitTermination()));
    expect(aggregateRows(deltaRsRows(join(out, "aggregates")))).toEqual(expectedRows);
    expect(deltaRsRows(join(out, "dead_letter")).map((r) => r.value).sort()).toEqual([...ev.malformed].sort());
  });
});
