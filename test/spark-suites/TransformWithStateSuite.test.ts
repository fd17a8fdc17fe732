/**
 * Scenarios of Spark's TransformWithStateSuite (sql/core/.../streaming/TransformWithStateSuite.scala),
 * in our own code: a running count in a ValueState across restarts, processing-time timers
 * (registered, replaced, several per key), event-time timers with late rows dropped, handlers
 * returning lazy generators, deleteIfExists between two processors on one checkpoint, and the
 * errors for declaring state outside init and for a failing handler. Spark's suite runs with
 * RocksDB and 5 shuffle partitions; Sluice's default store gives the same rows.
 */
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/common/clock.js";
import { Session, functions as F } from "../../src/index.js";
import type { ExpiredTimerInfo, StatefulProcessor, StatefulProcessorHandle, TimerValues, ValueState } from "../../src/plan/transform-with-state.js";
import { addData, advanceClock, assertOnQuery, checkAnswer, checkNewAnswer, expectFailure, startStream, stopStream, testStream } from "./stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
type Row = Record<string, unknown>;
const kv = (key: string, value: string): Row => ({ key, value });
const OUT = "key STRING, value STRING";

/** Spark's RunningCountStatefulProcessor: counts rows per key; the third one clears the state and emits nothing. */
class RunningCount implements StatefulProcessor<string> {
  count!: ValueState<{ n: number }>;
  handle!: StatefulProcessorHandle;
  init(handle: StatefulProcessorHandle): void {
    this.handle = handle;
    this.count = handle.getValueState("countState", "n INT");
  }
  handleInputRows(key: string, _rows: Iterable<Row>, _t: TimerValues): Row[] {
    const n = (this.count.get()?.n ?? 0) + 1;
    if (n === 3) {
      this.count.clear();
      return [];
    }
    this.count.update({ n });
    return [kv(key, String(n))];
  }
}

/** RunningCountStatefulProcessorWithProcTimeTimer: keys a and c get a timer 5 s after their first row; it clears the count and emits -1. */
class RunningCountWithTimer extends RunningCount {
  override handleInputRows(key: string, rows: Iterable<Row>, t: TimerValues): Row[] {
    if ((this.count.get()?.n ?? 0) === 0 && (key === "a" || key === "c")) this.handle.registerTimer(t.getCurrentProcessingTimeInMs() + 5000);
    return super.handleInputRows(key, rows, t);
  }
  handleExpiredTimer(key: string): Row[] {
    this.count.clear();
    return [kv(key, "-1")];
  }
}

const stringStream = () => spark.memoryStream("value STRING");
const byValue = (input: ReturnType<typeof stringStream>) => input.toDF().groupByKey((r) => r.value as string);
const add = (input: ReturnType<typeof stringStream>, ...values: string[]) => addData(input, ...values.map((value) => ({ value })));
const metric = (name: string, fn: (v: number | undefined) => void) =>
  assertOnQuery(`customMetrics.${name}`, (_q, { progress }) => fn(progress.at(-1)!.stateOperators[0]!.customMetrics[name]));

describe("TransformWithStateSuite", () => {
  it("invalid processor should fail: state declared outside init", async () => {
    class DeclaresLate extends RunningCount {
      override handleInputRows(): Row[] {
        this.handle.getValueState("tempState", "n INT");
        return [];
      }
    }
    const input = stringStream();
    const df = byValue(input).transformWithState(new DeclaresLate(), { outputMode: "update", outputSchema: OUT });
    await testStream(spark, df, { outputMode: "update" }, add(input, "a"), expectFailure("STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_HANDLE_STATE", "invalid handle state"));
  });

  it("lazy iterators can properly get/set keyed state (and timers have the key set)", async () => {
    class Lazy implements StatefulProcessor<number> {
      v!: ValueState<{ x: number }>;
      h!: StatefulProcessorHandle;
      timerSet = false;
      init(h: StatefulProcessorHandle): void {
        this.h = h;
        this.v = h.getValueState("myValueState", "x BIGINT");
      }
      *handleInputRows(_key: number, rows: Iterable<Row>): Generator<Row> {
        this.v.get();
        this.v.update({ x: 1 });
        if (!this.timerSet) {
          this.h.registerTimer(0);
          this.timerSet = true;
        }
        for (const r of rows) {
          this.v.get();
          this.v.update({ x: r.t as number });
          yield { value: r.t };
        }
      }
      *handleExpiredTimer(): Generator<Row> {
        this.v.get();
        this.v.update({ x: 42 });
        yield { value: 42 };
      }
    }
    const input = spark.memoryStream("value INT");
    const df = input
      .toDF()
      .select(F.expr("timestamp_seconds(value)").alias("timestamp"))
      .withWatermark("timestamp", "10 seconds")
      .select(F.expr("CAST(timestamp AS BIGINT)").alias("t"), F.col("timestamp"))
      .groupByKey((r) => r.t as number)
      .transformWithState(new Lazy(), { outputMode: "update", timeMode: "EventTime", outputSchema: "value BIGINT" });
    // 12 moves the watermark to 2 s, so the timer at 0 fires (in the batch without data that follows).
    await testStream(spark, df, { outputMode: "update" }, addData(input, { value: 12 }), checkAnswer({ value: 12 }, { value: 42 }));
  });

  it("streaming should succeed: running count across restarts, with state metrics", async () => {
    const input = stringStream();
    const df = byValue(input).transformWithState(new RunningCount(), { outputMode: "update", outputSchema: OUT });
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      add(input, "a"),
      checkNewAnswer(kv("a", "1")),
      metric("numValueStateVars", (v) => expect(v).toBeGreaterThan(0)),
      metric("numRegisteredTimers", (v) => expect(v).toBe(0)),
      assertOnQuery("numRowsUpdated 1", (_q, { progress }) => expect(progress.at(-1)!.stateOperators[0]!.numRowsUpdated).toBe(1)),
      add(input, "a", "b"),
      checkNewAnswer(kv("a", "2"), kv("b", "1")),
      stopStream,
      startStream(),
      add(input, "a", "b"), // a reaches 3: its state goes and it emits nothing
      checkNewAnswer(kv("b", "2")),
      assertOnQuery("updated 1, removed 1", (_q, { progress }) => {
        const op = progress.at(-1)!.stateOperators[0]!;
        expect([op.operatorName, op.numRowsUpdated, op.numRowsRemoved, op.numRowsTotal]).toEqual(["transformWithStateExec", 1, 1, 1]);
      }),
      stopStream,
      startStream(),
      add(input, "a", "c"), // a starts over
      checkNewAnswer(kv("a", "1"), kv("c", "1")),
    );
  });

  it("processing time timer should succeed", async () => {
    const clock = new ManualClock(0);
    const input = stringStream();
    const df = byValue(input).transformWithState(new RunningCountWithTimer(), { outputMode: "update", timeMode: "ProcessingTime", outputSchema: OUT });
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      startStream({ processingTime: "1 second" }, clock),
      add(input, "a"),
      advanceClock(1000),
      checkNewAnswer(kv("a", "1")),
      metric("numRegisteredTimers", (v) => expect(v).toBe(1)),
      add(input, "b"),
      advanceClock(1000),
      checkNewAnswer(kv("b", "1")),
      add(input, "b"),
      advanceClock(10_000),
      checkNewAnswer(kv("a", "-1"), kv("b", "2")),
      stopStream,
      startStream({ processingTime: "1 second" }, clock),
      add(input, "b"),
      add(input, "c"),
      advanceClock(1000),
      checkNewAnswer(kv("c", "1")), // b reaches 3 and goes
      add(input, "d"),
      advanceClock(10_000),
      checkNewAnswer(kv("c", "-1"), kv("d", "1")),
      stopStream,
    );
  });

  it("processing time timer and updating timers should succeed", async () => {
    /** RunningCountStatefulProcessorWithProcTimeTimerUpdates: a's timer is replaced on its second row. */
    class Updates implements StatefulProcessor<string> {
      count!: ValueState<{ n: number }>;
      timer!: ValueState<{ ms: number }>;
      h!: StatefulProcessorHandle;
      init(h: StatefulProcessorHandle): void {
        this.h = h;
        this.count = h.getValueState("countState", "n INT");
        this.timer = h.getValueState("timerState", "ms BIGINT");
      }
      handleInputRows(key: string, rows: Iterable<Row>, t: TimerValues): Row[] {
        const before = this.count.get()?.n ?? 0;
        const n = before + [...rows].length;
        this.count.update({ n });
        if (key === "a" && before <= 1) {
          if (before === 1) this.h.deleteTimer(Number(this.timer.get()!.ms));
          const next = t.getCurrentProcessingTimeInMs() + (before === 0 ? 5000 : 7500);
          this.h.registerTimer(next);
          this.timer.update({ ms: next });
        }
        return [kv(key, String(n))];
      }
      handleExpiredTimer(key: string): Row[] {
        this.timer.clear();
        return [kv(key, "-1")];
      }
    }
    const clock = new ManualClock(0);
    const input = stringStream();
    const df = byValue(input).transformWithState(new Updates(), { outputMode: "update", timeMode: "ProcessingTime", outputSchema: OUT });
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      startStream({ processingTime: "1 second" }, clock),
      add(input, "a"),
      advanceClock(1000),
      checkNewAnswer(kv("a", "1")), // batch at 1 s: a's timer at 6 s
      add(input, "a"),
      advanceClock(2000),
      checkNewAnswer(kv("a", "2")), // batch at 3 s: a's timer moves to 10.5 s
      stopStream,
      startStream({ processingTime: "1 second" }, clock),
      add(input, "d"),
      advanceClock(10_000),
      checkNewAnswer(kv("a", "-1"), kv("d", "1")), // at 13 s the one timer of a fires once
      stopStream,
    );
  });

  it("processing time timer and multiple timers should succeed", async () => {
    /** RunningCountStatefulProcessorWithMultipleTimers: three timers per key; each emits the count, the last clears it. */
    class Multiple extends RunningCount {
      override handleInputRows(_key: string, rows: Iterable<Row>, t: TimerValues): Row[] {
        this.count.update({ n: (this.count.get()?.n ?? 0) + [...rows].length });
        if ([...this.handle.listTimers()].length === 0) {
          for (const d of [5000, 10_000, 15_000]) this.handle.registerTimer(t.getCurrentProcessingTimeInMs() + d);
          expect([...this.handle.listTimers()]).toHaveLength(3);
        }
        return [];
      }
      handleExpiredTimer(key: string, _t: TimerValues, info: ExpiredTimerInfo): Row[] {
        const n = this.count.get()?.n ?? 0;
        expect(info.getExpiryTimeInMs()).toBeGreaterThan(0);
        if ([...this.handle.listTimers()].length === 1) this.count.clear();
        return [kv(key, String(n))];
      }
    }
    const clock = new ManualClock(0);
    const input = stringStream();
    const df = byValue(input).transformWithState(new Multiple(), { outputMode: "update", timeMode: "ProcessingTime", outputSchema: OUT });
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      startStream({ processingTime: "1 second" }, clock),
      add(input, "a"),
      advanceClock(1000), // batch at 1 s: timers at 6, 11 and 16 s
      add(input, "a"),
      advanceClock(6000),
      checkNewAnswer(kv("a", "2")), // 7 s: the first timer
      add(input, "a"),
      advanceClock(5000),
      checkNewAnswer(kv("a", "3")), // 12 s: the second
      stopStream,
      startStream({ processingTime: "1 second" }, clock),
      add(input, "a"),
      advanceClock(5000),
      checkNewAnswer(kv("a", "4")), // 17 s: the third, after a restart
      stopStream,
    );
  });

  it("event time based timer (late rows dropped)", async () => {
    /** MaxEventTimeStatefulProcessor: the max event time per key, with a timer 5 s after it. */
    class MaxEventTime implements StatefulProcessor<string> {
      max!: ValueState<{ s: number }>;
      timer!: ValueState<{ ms: number }>;
      h!: StatefulProcessorHandle;
      init(h: StatefulProcessorHandle): void {
        this.h = h;
        this.max = h.getValueState("maxEventTimeState", "s BIGINT");
        this.timer = h.getValueState("timerState", "ms BIGINT");
      }
      handleInputRows(key: string, rows: Iterable<Row>): Row[] {
        const secs = [...rows].map((r) => Number(r.sec));
        const max = Math.max(...secs, Number(this.max.get()?.s ?? 0));
        this.max.update({ s: max });
        const due = (max + 5) * 1000;
        const registered = Number(this.timer.get()?.ms ?? 0);
        if (registered < due) {
          this.h.deleteTimer(registered);
          this.h.registerTimer(due);
          this.timer.update({ ms: due });
        }
        return [{ key, value: max }];
      }
      handleExpiredTimer(key: string): Row[] {
        this.max.clear();
        return [{ key, value: -1 }];
      }
    }
    const input = spark.memoryStream("key STRING, t INT");
    const df = input
      .toDF()
      .select(F.col("key"), F.expr("timestamp_seconds(t)").alias("eventTime"), F.col("t").alias("sec"))
      .withWatermark("eventTime", "10 seconds")
      .groupByKey((r) => r.key as string)
      .transformWithState(new MaxEventTime(), { outputMode: "update", timeMode: "EventTime", outputSchema: "key STRING, value INT" });
    const r = (key: string, value: number): Row => ({ key, value });
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      addData(input, { key: "a", t: 11 }, { key: "a", t: 13 }, { key: "a", t: 15 }),
      checkNewAnswer(r("a", 15)), // timer of a at 20 s; watermark 5 s
      addData(input, { key: "a", t: 4 }),
      checkNewAnswer(), // older than the watermark: dropped
      assertOnQuery("dropped 1", (_q, { progress }) => expect(progress.filter((p) => p.numInputRows > 0).at(-1)!.stateOperators[0]!.numRowsDroppedByWatermark).toBe(1)),
      addData(input, { key: "a", t: 10 }),
      checkNewAnswer(r("a", 15)),
      addData(input, { key: "b", t: 31 }), // watermark 21 s passes a's timer
      checkNewAnswer(r("a", -1), r("b", 31)),
      assertOnQuery("timer metrics", (_q, { progress }) => {
        const ops = progress.map((p) => p.stateOperators[0]!.customMetrics);
        expect(ops.some((m) => m.numRegisteredTimers! > 0)).toBe(true);
        expect(ops.some((m) => m.numDeletedTimers! > 0)).toBe(true);
      }),
    );
  });

  it("deleteIfExists drops a variable an earlier processor declared", async () => {
    class CountAndMostRecent implements StatefulProcessor<string> {
      count!: ValueState<{ n: number }>;
      recent!: ValueState<{ s: string }>;
      init(h: StatefulProcessorHandle): void {
        this.count = h.getValueState("countState", "n INT");
        this.recent = h.getValueState("mostRecent", "s STRING");
      }
      handleInputRows(key: string, rows: Iterable<Row>): Row[] {
        const n = (this.count.get()?.n ?? 0) + 1;
        const before = this.recent.get()?.s ?? "";
        return [...rows].map((row) => {
          this.recent.update({ s: row.v as string });
          this.count.update({ n });
          return { key, count: String(n), recent: before };
        });
      }
    }
    class MostRecentWithDeletion implements StatefulProcessor<string> {
      recent!: ValueState<{ s: string }>;
      init(h: StatefulProcessorHandle): void {
        h.deleteIfExists("countState");
        this.recent = h.getValueState("mostRecent", "s STRING");
      }
      handleInputRows(key: string, rows: Iterable<Row>): Row[] {
        const before = this.recent.get()?.s ?? "";
        return [...rows].map((row) => {
          this.recent.update({ s: row.v as string });
          return { key, recent: before };
        });
      }
    }
    const input = spark.memoryStream("k STRING, v STRING");
    const grouped = () => input.toDF().groupByKey((r) => r.k as string);
    const checkpointLocation = (await import("node:fs")).mkdtempSync((await import("node:path")).join((await import("node:os")).tmpdir(), "sluice-tws-"));
    await testStream(
      spark,
      grouped().transformWithState(new CountAndMostRecent(), { outputMode: "update", outputSchema: "key STRING, count STRING, recent STRING" }),
      { outputMode: "update", checkpointLocation },
      addData(input, { k: "a", v: "str1" }),
      checkNewAnswer({ key: "a", count: "1", recent: "" }),
    );
    await testStream(
      spark,
      grouped().transformWithState(new MostRecentWithDeletion(), { outputMode: "update", outputSchema: "key STRING, recent STRING" }),
      { outputMode: "update", checkpointLocation },
      addData(input, { k: "a", v: "str2" }, { k: "b", v: "str3" }),
      checkNewAnswer({ key: "a", recent: "str1" }, { key: "b", recent: "" }),
      metric("numValueStateVars", (v) => expect(v).toBeGreaterThan(0)),
      metric("numDeletedStateVars", (v) => expect(v).toBeGreaterThan(0)),
    );
  });

  it("an error in handleInputRows fails the query with TRANSFORM_WITH_STATE_USER_FUNCTION_ERROR", async () => {
    class Throws extends RunningCount {
      override handleInputRows(): Row[] {
        throw new Error("dummy unclassified error");
      }
    }
    const input = stringStream();
    const df = byValue(input).transformWithState(new Throws(), { outputMode: "update", outputSchema: OUT });
    await testStream(spark, df, { outputMode: "update" }, add(input, "a"), expectFailure("TRANSFORM_WITH_STATE_USER_FUNCTION_ERROR", /user-defined function handleInputRows .*Reason: dummy unclassified error/));
  });

  it("batch DataFrames are refused (Spark runs them; Sluice's difference)", () => {
    const df = spark.createDataFrame([{ value: "a" }, { value: "b" }], "value STRING");
    expect(() => df.groupByKey((r) => r.value).transformWithState(new RunningCount() as StatefulProcessor<unknown>, { outputMode: "append", outputSchema: OUT })).toThrow(/streaming DataFrames only/);
  });
});
