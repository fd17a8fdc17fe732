/**
 * Scenarios of Spark's StreamingQueryListenerSuite (sql/core/.../streaming/
 * StreamingQueryListenerSuite.scala), in our own code: the events of one query in order and their
 * content, adding and removing listeners, onQueryIdle rate-limited by
 * spark.sql.streaming.noDataProgressEventInterval, and no-data batches reported as progress.
 * The event order and the terminated event's text are PySpark 4.0.1's, from golden/progress.json.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Session, functions as F } from "../../src/index.js";
import { ManualClock } from "../../src/common/clock.js";
import type { QueryIdleEvent, QueryStartedEvent, QueryTerminatedEvent, StreamingQueryListener, StreamingQueryProgress } from "../../src/dataframe/streaming-query-types.js";
import { addData, advanceClock, assertOnQuery, checkAnswer, startStream, stopStream, testStream } from "./stream-test.js";

const here = dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(join(here, "golden", "progress.json"), "utf8")) as Record<string, { event: string; exception?: string | null; errorClassOnException?: string | null }[]>;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

/** Collects one query's events (by id) in the order they arrive. */
class EventCollector implements StreamingQueryListener {
  started: QueryStartedEvent | null = null;
  progress: StreamingQueryProgress[] = [];
  idle: QueryIdleEvent[] = [];
  terminated: QueryTerminatedEvent | null = null;
  order: string[] = [];
  errors: string[] = [];
  onQueryStarted(e: QueryStartedEvent): void {
    this.started = e;
    this.order.push("started");
  }
  onQueryProgress(e: { progress: StreamingQueryProgress }): void {
    if (!this.started) this.errors.push("onQueryProgress before onQueryStarted");
    this.progress.push(e.progress);
    this.order.push("progress");
  }
  onQueryIdle(e: QueryIdleEvent): void {
    this.idle.push(e);
    this.order.push("idle");
  }
  onQueryTerminated(e: QueryTerminatedEvent): void {
    if (!this.started) this.errors.push("onQueryTerminated before onQueryStarted");
    this.terminated = e;
    this.order.push("terminated");
  }
  reset(): void {
    Object.assign(this, { started: null, progress: [], idle: [], terminated: null, order: [], errors: [] });
  }
}

const withListener = async (l: StreamingQueryListener, body: () => Promise<void>): Promise<void> => {
  spark.streams.addListener(l);
  try {
    await body();
  } finally {
    spark.streams.removeListener(l);
  }
};
const drained = () => spark.streams.bus.drain();

describe("StreamingQueryListenerSuite", () => {
  it("single listener: started, progress and terminated events with their content", async () => {
    const listener = new EventCollector();
    const input = spark.memoryStream("value INT");
    const clock = new ManualClock();
    await withListener(listener, async () => {
      expect(listener.started).toBeNull();
      await testStream(
        spark,
        input.toDF().selectExpr("10 div value AS v"),
        {},
        startStream({ processingTime: 100 }, clock),
        assertOnQuery("started", async (q) => {
          await drained();
          expect(listener.started).toMatchObject({ id: q.id, runId: q.runId, name: q.name });
          expect(listener.progress.filter((p) => p.numInputRows > 0)).toEqual([]);
          expect(listener.terminated).toBeNull();
        }),
        addData(input, { value: 1 }, { value: 2 }),
        advanceClock(100),
        checkAnswer({ v: 10 }, { v: 5 }),
        assertOnQuery("progress", async (q) => {
          await drained();
          expect(listener.progress.filter((p) => p.numInputRows > 0).at(-1)!.json).toBe(q.lastProgress!.json);
          expect(listener.terminated).toBeNull();
        }),
        assertOnQuery("terminated cleanly", async (q) => {
          await q.stop();
          await drained();
          expect(listener.terminated).toEqual({ id: q.id, runId: q.runId, exception: null, errorClassOnException: null });
          expect(listener.errors).toEqual([]);
          listener.reset();
        }),
        stopStream,
        startStream({ processingTime: 100 }, clock),
        addData(input, { value: 0 }),
        assertOnQuery("terminated with the cause's text", async (q) => {
          clock.advance(100);
          await q.awaitTermination().catch(() => undefined);
          await drained();
          const t = listener.terminated!;
          expect(t.id).toBe(q.id);
          // As Spark: the cause's text and error class, not the STREAM_FAILED wrapper's.
          expect(t.exception).toMatch(/divi/i);
          expect(t.exception).not.toMatch(/terminated with exception/);
          expect(t.errorClassOnException).toBe("DIVIDE_BY_ZERO");
          expect(listener.errors).toEqual([]);
        }),
      );
    });
    const theirs = golden["failure-events"]!;
    expect(theirs.map((e) => e.event)).toEqual(["started", "terminated"]);
    expect(theirs[1]!.exception).not.toMatch(/STREAM_FAILED/);
  });

  it("adding and removing listeners", async () => {
    const isActive = async (l: EventCollector): Promise<boolean> => {
      l.reset();
      const q = await spark.memoryStream("value INT").toDF().writeStream.format("memory").queryName("listener_probe").start();
      await q.stop();
      await drained();
      return l.started !== null;
    };
    const l1 = new EventCollector();
    const l2 = new EventCollector();
    spark.streams.addListener(l1);
    try {
      expect(await isActive(l1)).toBe(true);
      expect(await isActive(l2)).toBe(false);
      spark.streams.addListener(l2);
      expect(await isActive(l1)).toBe(true);
      expect(await isActive(l2)).toBe(true);
      spark.streams.removeListener(l1);
      expect(await isActive(l1)).toBe(false);
      expect(await isActive(l2)).toBe(true);
    } finally {
      spark.streams.removeListener(l1);
      spark.streams.removeListener(l2);
    }
  });

  it("event ordering: onQueryStarted is delivered before start() resolves, terminated last", async () => {
    const l = new EventCollector();
    await withListener(l, async () => {
      for (let i = 0; i < 10; i++) {
        l.reset();
        const q = await spark.memoryStream("value INT").toDF().writeStream.format("memory").queryName("listener_order").start();
        expect(l.started, "onQueryStarted not called before the query returned").not.toBeNull();
        await q.stop();
        await drained();
        expect(l.order.at(-1)).toBe("terminated");
        expect(l.errors).toEqual([]);
      }
    });
  });

  it("idle triggers post onQueryIdle (not onQueryProgress), at most once per noDataProgressEventInterval", async () => {
    const l = new EventCollector();
    const input = spark.memoryStream("value INT");
    const clock = new ManualClock();
    spark.conf.set("spark.sql.streaming.noDataProgressEventInterval", "1000");
    try {
      await withListener(l, async () => {
        await testStream(
          spark,
          input.toDF(),
          {},
          startStream({ processingTime: 100 }, clock),
          advanceClock(0),
          // The first idle trigger reports at once (Spark starts the interval at Long.MinValue).
          assertOnQuery("first idle", async () => {
            await drained();
            expect(l.idle).toHaveLength(1);
          }),
          ...Array.from({ length: 20 }, () => advanceClock(100)),
          assertOnQuery("rate-limited", async (q) => {
            await drained();
            // Triggers at 0, 100, …, 2000 ms: idle reports at 0, 1000 and 2000 only.
            expect(l.idle.map((e) => e.timestamp)).toEqual(["1970-01-01T00:00:00.000Z", "1970-01-01T00:00:01.000Z", "1970-01-01T00:00:02.000Z"]);
            expect(l.idle.every((e) => e.id === q.id && e.runId === q.runId)).toBe(true);
            expect(l.progress).toEqual([]);
          }),
          addData(input, { value: 1 }),
          advanceClock(100),
          checkAnswer({ value: 1 }),
          ...Array.from({ length: 9 }, () => advanceClock(100)),
          assertOnQuery("a batch restarts the interval", async () => {
            await drained();
            expect(l.progress.map((p) => p.numInputRows)).toEqual([1]);
            // The batch ran at 2100; the next idle report is due at 3100.
            expect(l.idle).toHaveLength(3);
          }),
          advanceClock(100),
          assertOnQuery("idle again", async () => {
            await drained();
            expect(l.idle.at(-1)!.timestamp).toBe("1970-01-01T00:00:03.100Z");
          }),
        );
      });
    } finally {
      spark.conf.unset("spark.sql.streaming.noDataProgressEventInterval");
    }
    // PySpark 4.0.1: a data batch's progress, then idle events, then terminated.
    expect(golden["idle-events"]!.map((e) => e.event)).toEqual(["started", "progress", "idle", "terminated"]);
  });

  it("a no-data batch (the watermark moved) is reported by onQueryProgress", async () => {
    const l = new EventCollector();
    const input = spark.memoryStream("value INT");
    const df = input.toDF().withColumn("ts", F.expr("timestamp_seconds(value)")).withWatermark("ts", "10 seconds").groupBy(F.window("ts", "5 seconds")).count();
    await withListener(l, async () => {
      await testStream(
        spark,
        df,
        {},
        addData(input, { value: 10 }, { value: 30 }),
        checkAnswer({ window: { start: new Date(10_000), end: new Date(15_000) }, count: 1 }),
        assertOnQuery("progress events", async () => {
          await drained();
          // batch 0 with the rows, batch 1 without input that evicts the closed window
          expect(l.progress.map((p) => [p.batchId, p.numInputRows])).toEqual([[0, 2], [1, 0]]);
        }),
      );
    });
  });
});
