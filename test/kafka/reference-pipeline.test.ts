/**
 * The Kafka → Delta reference pipeline (examples/reference-pipeline) on the real broker: the
 * event set with retries, late events and malformed JSON is produced into a topic, the
 * TypeScript and the SQL pipelines run on it (Trigger.AvailableNow), and delta-rs reads the
 * Delta tables they wrote: the aggregates equal the expected windows exactly, the dead-letter
 * table holds each malformed record once, and progress carries Spark's Kafka lag metrics.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { referenceEvents } from "../../examples/reference-pipeline/events.js";
import { startReferencePipeline } from "../../examples/reference-pipeline/pipeline.js";
import { produceEvents } from "../../examples/reference-pipeline/producer.js";
import { startSqlReferencePipeline } from "../../examples/reference-pipeline/sql.js";
import { Session } from "../../src/index.js";
import { kafkaBootstrap, topicName } from "../support/kafka-broker.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PY = join(ROOT, ".oracle/venv/bin/python");

/** The rows of a Delta table as delta-rs reads them, timestamps as ISO text. */
export function deltaRsRows(path: string): Record<string, unknown>[] {
  const script = [
    "import json, sys, os",
    "from deltalake import DeltaTable",
    "rows = DeltaTable(sys.argv[1]).to_pyarrow_table().to_pylist()",
    "print(json.dumps(rows, default=lambda v: v.isoformat().replace('+00:00', 'Z')))",
    "sys.stdout.flush(); os._exit(0)",
  ].join("\n");
  const r = spawnSync(PY, ["-c", script, path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`delta-rs could not read ${path}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>[];
}

/** Aggregate rows as [window_start, events, amount], sorted; delta-rs gives naive UTC instants. */
export const aggregateRows = (rows: Record<string, unknown>[]): [string, number, number][] =>
  rows
    .map((r) => [new Date(`${String(r.window_start).replace(/Z?$/, "Z")}`).toISOString(), Number(r.events), Number(r.amount)] as [string, number, number])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));

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

describe.skipIf(!existsSync(PY))("Kafka reference pipeline on the real broker", () => {
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
