/**
 * Scenarios of Spark's StreamingQueryStatusAndProgressSuite (sql/core/.../streaming/
 * StreamingQueryStatusAndProgressSuite.scala), in our own code, plus the status checks of
 * StreamingQuerySuite's "status, lastProgress, and recentProgress". Where the JSON shape is
 * compared with Spark's, the reference is PySpark 4.0.1's JVM output recorded by
 * scripts/oracle/gen_spark_suite_progress.py in golden/progress.json.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Session, functions as F } from "../../src/index.js";
import { ManualClock } from "../../src/common/clock.js";
import { StreamingQueryProgress, type StreamingQueryProgressData } from "../../src/streaming/progress/progress.js";
import type { QueryStatus } from "../../src/streaming/streaming-query.js";
import { addData, advanceClock, assertOnQuery, checkAnswer, expectFailure, startStream, stopStream, testStream } from "./stream-test.js";

const here = dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(join(here, "golden", "progress.json"), "utf8")) as Record<string, unknown>;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = (): string => mkdtempSync(join(tmpdir(), "sluice-progress-suite-"));

const op = { operatorName: "op1", numRowsTotal: 0, numRowsUpdated: 1, allUpdatesTimeMs: 1, numRowsRemoved: 2, allRemovalsTimeMs: 34, commitTimeMs: 23, memoryUsedBytes: 3, numRowsDroppedByWatermark: 0, numShufflePartitions: 2, numStateStoreInstances: 2 };
const at = "2016-12-05T20:54:20.827Z";
const full = (over: Partial<StreamingQueryProgressData> = {}): StreamingQueryProgress =>
  new StreamingQueryProgress({
    id: "5d9f1a5c-0000-4000-8000-000000000001",
    runId: "5d9f1a5c-0000-4000-8000-000000000002",
    name: "myName",
    timestamp: at,
    batchId: 2,
    batchDuration: 0,
    numInputRows: 678,
    inputRowsPerSecond: 10,
    processedRowsPerSecond: Number.POSITIVE_INFINITY,
    durationMs: { total: 0 },
    eventTime: { watermark: at, min: at, max: at, avg: at },
    stateOperators: [{ ...op, customMetrics: { stateOnCurrentVersionSizeBytes: 2, loadedMapCacheHitCount: 1, loadedMapCacheMissCount: 0 } }],
    sources: [{ description: "source", startOffset: 123, endOffset: 456, latestOffset: 789, numInputRows: 678, inputRowsPerSecond: 10, processedRowsPerSecond: Number.POSITIVE_INFINITY, metrics: {} }],
    sink: { description: "sink", numOutputRows: -1, metrics: {} },
    observedMetrics: { event2: { rc: 1, min_q: "hello", max_q: "world" }, event1: { c1: 1, c2: 3.5 } },
    ...over,
  });

/** Keys in order at every level, values by JSON type, as the oracle script records them. */
function shape(v: unknown, key?: string): unknown {
  if (Array.isArray(v)) return v.map((x) => shape(x));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x, k)]));
  if (key && ["numInputRows", "numOutputRows", "numRowsTotal", "numRowsUpdated", "batchId", "numRowsRemoved", "numRowsDroppedByWatermark", "operatorName", "name"].includes(key)) return v;
  if (key === "description") return String(v).includes("/") ? "<path>" : v;
  if (v === null) return null;
  if (typeof v === "number") return Number.isInteger(v) && !/Second/.test(key ?? "") ? "int" : "float";
  return typeof v === "string" ? "str" : typeof v;
}

describe("StreamingQueryStatusAndProgressSuite", () => {
  it("StreamingQueryProgress - prettyJson: Spark's key order, sorted maps, infinite rates left out", () => {
    expect(full().prettyJson).toBe(`{
  "id" : "5d9f1a5c-0000-4000-8000-000000000001",
  "runId" : "5d9f1a5c-0000-4000-8000-000000000002",
  "name" : "myName",
  "timestamp" : "${at}",
  "batchId" : 2,
  "batchDuration" : 0,
  "numInputRows" : 678,
  "inputRowsPerSecond" : 10.0,
  "durationMs" : {
    "total" : 0
  },
  "eventTime" : {
    "avg" : "${at}",
    "max" : "${at}",
    "min" : "${at}",
    "watermark" : "${at}"
  },
  "stateOperators" : [ {
    "operatorName" : "op1",
    "numRowsTotal" : 0,
    "numRowsUpdated" : 1,
    "allUpdatesTimeMs" : 1,
    "numRowsRemoved" : 2,
    "allRemovalsTimeMs" : 34,
    "commitTimeMs" : 23,
    "memoryUsedBytes" : 3,
    "numRowsDroppedByWatermark" : 0,
    "numShufflePartitions" : 2,
    "numStateStoreInstances" : 2,
    "customMetrics" : {
      "loadedMapCacheHitCount" : 1,
      "loadedMapCacheMissCount" : 0,
      "stateOnCurrentVersionSizeBytes" : 2
    }
  } ],
  "sources" : [ {
    "description" : "source",
    "startOffset" : 123,
    "endOffset" : 456,
    "latestOffset" : 789,
    "numInputRows" : 678,
    "inputRowsPerSecond" : 10.0
  } ],
  "sink" : {
    "description" : "sink",
    "numOutputRows" : -1
  },
  "observedMetrics" : {
    "event1" : {
      "c1" : 1,
      "c2" : 3.5
    },
    "event2" : {
      "rc" : 1,
      "min_q" : "hello",
      "max_q" : "world"
    }
  }
}`);
  });

  it("StreamingQueryProgress - prettyJson: a null name stays, empty maps and NaN rates are left out", () => {
    const p = full({ name: null, inputRowsPerSecond: Number.NaN, eventTime: {}, stateOperators: [{ ...op, customMetrics: {} }], observedMetrics: {}, sources: [{ description: "source", startOffset: null, endOffset: 456, latestOffset: null, numInputRows: 678, inputRowsPerSecond: Number.NaN, processedRowsPerSecond: Number.NEGATIVE_INFINITY, metrics: {} }] });
    const json = JSON.parse(p.json) as Record<string, any>;
    expect(Object.keys(json)).toEqual(["id", "runId", "name", "timestamp", "batchId", "batchDuration", "numInputRows", "durationMs", "stateOperators", "sources", "sink"]);
    expect(json.name).toBeNull();
    expect(Object.keys(json.stateOperators[0])).not.toContain("customMetrics");
    expect(json.sources[0]).toEqual({ description: "source", startOffset: null, endOffset: 456, latestOffset: null, numInputRows: 678 });
  });

  it("StreamingQueryProgress - json is the compact form of prettyJson; toString is prettyJson", () => {
    for (const p of [full(), full({ name: null, eventTime: {}, observedMetrics: {} })]) {
      expect(JSON.parse(p.json)).toEqual(JSON.parse(p.prettyJson));
      expect(p.json).not.toMatch(/\n| : /);
      expect(String(p)).toBe(p.prettyJson);
    }
  });

  it("StreamingQueryStatus - json, prettyJson, toString", async () => {
    const q = await spark.memoryStream("value INT").toDF().writeStream.format("memory").queryName("status_json").start();
    try {
      await q.processAllAvailable();
      // The embedded engine's status (a QueryStatus); the executor contract promises only its fields.
      const s = q.status as QueryStatus;
      expect(s.prettyJson).toBe(`{\n  "message" : "Waiting for data to arrive",\n  "isDataAvailable" : false,\n  "isTriggerActive" : false\n}`);
      expect(s.json).toBe(`{"message":"Waiting for data to arrive","isDataAvailable":false,"isTriggerActive":false}`);
      expect(String(s)).toBe(s.prettyJson);
    } finally {
      await q.stop();
    }
  });

  it("a live query's progress JSON has the shape PySpark 4.0.1 prints (first startOffset null, empty maps left out)", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "in"));
    writeFileSync(join(dir, "in", "f0.json"), '{"k":"a","ts":"2024-01-01T00:00:10Z"}\n{"k":"b","ts":"2024-01-01T00:00:20Z"}\n');
    const df = spark.readStream.schema("k STRING, ts TIMESTAMP").json(join(dir, "in"));
    const q = await df.groupBy("k").count().writeStream.format("memory").queryName("p1").outputMode("complete").option("checkpointLocation", join(dir, "chk")).start();
    try {
      await q.processAllAvailable();
      const mine = shape(JSON.parse(q.recentProgress.find((p) => p.batchId === 0 && p.numInputRows > 0)!.json)) as Record<string, any>;
      const theirs = structuredClone(golden["progress-no-watermark"]) as Record<string, any>;
      // Spark's HDFS state store reports its map-cache metrics; Sluice's stores have none to report.
      delete theirs.stateOperators[0].customMetrics;
      // Spark describes the file source as FileStreamSource[file:/...]; the sink as MemorySink.
      theirs.sink.description = "MemorySink[p1]";
      // Beyond Spark (additive, README): Sluice's file source reports its latest offset and file counts.
      expect(mine.sources[0].latestOffset).toEqual(mine.sources[0].endOffset);
      expect(Object.keys(mine.sources[0].metrics)).toEqual(["numDroppedMalformedRecords", "numFilesSeen", "numMalformedRecords"]);
      mine.sources[0].latestOffset = null;
      delete mine.sources[0].metrics;
      expect(mine).toEqual(theirs);
      expect(JSON.stringify(Object.keys(mine))).toBe(JSON.stringify(Object.keys(theirs)));
      expect(q.status).toEqual(golden["status-after-batch"]);
    } finally {
      await q.stop();
    }
    expect(q.status).toEqual(golden["status-after-stop"]);
  });

  it("with a watermark, eventTime has avg/max/min/watermark, and a no-data batch only the watermark", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "in"));
    writeFileSync(join(dir, "in", "f0.json"), '{"k":"a","ts":"2024-01-01T00:00:10Z"}\n{"k":"b","ts":"2024-01-01T00:00:20Z"}\n');
    const df = spark.readStream.schema("k STRING, ts TIMESTAMP").json(join(dir, "in"));
    const q = await df.withWatermark("ts", "10 seconds").groupBy(F.window("ts", "5 seconds")).count().writeStream.format("memory").queryName("p2").option("checkpointLocation", join(dir, "chk")).start();
    try {
      await q.processAllAvailable();
      const mine = q.recentProgress.filter((p) => p.durationMs.addBatch !== undefined).map((p) => JSON.parse(p.json) as Record<string, any>);
      const theirs = golden["progress-watermark"] as Record<string, any>[];
      expect(mine.map((p) => Object.keys(p.eventTime))).toEqual(theirs.map((p) => Object.keys(p.eventTime).sort()));
      const row = (p: Record<string, any>) => [p.batchId, p.numInputRows, p.sources[0].startOffset === null, p.sink.numOutputRows];
      expect(mine.map(row)).toEqual(theirs.map(row));
      expect(mine[1]!.sources[0].startOffset).toEqual(mine[0]!.sources[0].endOffset);
    } finally {
      await q.stop();
    }
  });

  it("SPARK-19378: an idle trigger keeps reporting the state operators' totals (noDataProgressEventInterval)", async () => {
    spark.conf.set("spark.sql.streaming.noDataProgressEventInterval", "10");
    const input = spark.memoryStream("value INT");
    const q = await input.toDF().groupBy("value").count().writeStream.format("memory").queryName("metric_continuity").outputMode("complete").start();
    try {
      input.addData([{ value: 1 }, { value: 2 }]);
      await q.processAllAvailable();
      const progress = q.lastProgress!;
      expect(progress.stateOperators.length).toBeGreaterThan(0);
      // Idle triggers poll every pollingDelay (10 ms); wait for the first idle report after the batch.
      for (let i = 0; i < 2000 && q.lastProgress!.timestamp === progress.timestamp; i++) await new Promise((r) => setTimeout(r, 5));
      const next = q.lastProgress!;
      expect(next.timestamp).not.toBe(progress.timestamp);
      // An idle report carries the id of the batch that would run next.
      expect(next.batchId).toBe(q.recentProgress.find((p) => p.numInputRows > 0)!.batchId + 1);
      expect(next.numInputRows).toBe(0);
      expect(next.stateOperators[0]!.numRowsTotal).toBe(2);
      expect(next.stateOperators[0]!.numRowsUpdated).toBe(0);
      expect(next.sink.numOutputRows).toBe(0);
      // Spark's idle report: only latestOffset and triggerExecution durations, the batch's end as start and end.
      const json = JSON.parse(next.json) as Record<string, any>;
      const theirs = (golden["idle-recentProgress"] as Record<string, any>[])[1]!;
      expect(Object.keys(json.durationMs)).toEqual(Object.keys(theirs.durationMs));
      expect(json.sources[0].startOffset).toEqual(json.sources[0].endOffset);
    } finally {
      await q.stop();
      spark.conf.unset("spark.sql.streaming.noDataProgressEventInterval");
    }
  });

  it("SPARK-29973: processedRowsPerSecond over at least a millisecond (ManualClock)", async () => {
    const input = spark.memoryStream("value INT");
    const clock = new ManualClock();
    await testStream(
      spark,
      input.toDF(),
      {},
      startStream({ processingTime: 1000 }, clock),
      advanceClock(1000),
      assertOnQuery("no input yet", (q) => {
        expect(q.lastProgress!.numInputRows).toBe(0);
        expect(q.lastProgress!.processedRowsPerSecond).toBe(0);
      }),
      addData(input, { value: 1 }, { value: 2 }),
      advanceClock(1000),
      assertOnQuery("2 rows in 0 ms", (q) => {
        expect(q.lastProgress!.numInputRows).toBe(2);
        expect(q.lastProgress!.processedRowsPerSecond).toBe(2000);
      }),
    );
  });

  it("status, lastProgress and recentProgress through a processing-time query's life (StreamingQuerySuite)", async () => {
    const input = spark.memoryStream("value INT");
    const clock = new ManualClock();
    const df = input.toDF().selectExpr("10 div value AS v").agg(F.count("*").alias("n"));
    let before = "";
    await testStream(
      spark,
      df,
      { outputMode: "complete" },
      startStream({ processingTime: 100 }, clock),
      advanceClock(0),
      assertOnQuery("waiting", (q) => {
        expect(q.status).toEqual({ message: "Waiting for next trigger", isDataAvailable: false, isTriggerActive: false });
        expect(q.recentProgress.filter((p) => p.numInputRows > 0)).toEqual([]);
      }),
      addData(input, { value: 1 }, { value: 2 }),
      advanceClock(100),
      checkAnswer({ n: 2 }),
      assertOnQuery("after a batch", (q) => {
        expect(q.status).toEqual({ message: "Waiting for next trigger", isDataAvailable: true, isTriggerActive: false });
        const p = q.lastProgress!;
        expect(q.recentProgress.at(-1)).toBe(p);
        expect(p).toMatchObject({ id: q.id, name: q.name, batchId: 0, timestamp: "1970-01-01T00:00:00.100Z", numInputRows: 2 });
        expect(p.sources).toHaveLength(1);
        expect(p.sources[0]!.description).toContain("MemoryStream");
        expect(p.sources[0]!.startOffset).toBeNull();
        expect(p.sources[0]!.endOffset).not.toBeNull();
        expect(p.stateOperators.map((o) => [o.numRowsTotal, o.numRowsUpdated])).toEqual([[1, 1]]);
        expect(p.sink.description).toContain("MemorySink");
      }),
      addData(input, { value: 1 }, { value: 2 }),
      advanceClock(100),
      checkAnswer({ n: 4 }),
      assertOnQuery("second batch", (q) => {
        expect(q.lastProgress!.batchId).toBe(1);
        // 2 rows over the 100 ms since the previous trigger started
        expect(q.lastProgress!.sources[0]!.inputRowsPerSecond).toBe(20);
      }),
      advanceClock(100),
      assertOnQuery("after a trigger without data", (q) => {
        expect(q.status).toEqual({ message: "Waiting for next trigger", isDataAvailable: false, isTriggerActive: false });
        before = q.lastProgress!.json;
      }),
      assertOnQuery("stop", async (q) => {
        await q.stop();
        expect(q.lastProgress!.json).toBe(before);
        expect(q.status).toEqual({ message: "Stopped", isDataAvailable: false, isTriggerActive: false });
      }),
      stopStream,
      startStream({ processingTime: 100 }, clock),
      addData(input, { value: 0 }),
      assertOnQuery("fail", async (q) => {
        clock.advance(100);
        await q.awaitTermination().catch(() => undefined);
        expect(q.status.isDataAvailable).toBe(false);
        expect(q.status.isTriggerActive).toBe(false);
        expect(q.status.message).toMatch(/^Terminated with exception: .*DIVIDE_BY_ZERO|^Terminated with exception: .*[Dd]ivi/);
      }),
    );
  });

  it("a failing batch fails the query (the status names the exception)", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(spark, input.toDF().selectExpr("10 div value AS v"), {}, addData(input, { value: 0 }), expectFailure());
  });
});
