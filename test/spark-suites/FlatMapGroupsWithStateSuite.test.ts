/**
 * Scenarios of Spark's FlatMapGroupsWithStateSuite (sql/core/.../streaming/FlatMapGroupsWithStateSuite.scala),
 * in our own code: a running count per key that forgets a key on its third row, in update and
 * append mode, through restarts; a function returning a lazy generator; an aggregation after
 * flatMapGroupsWithState; processing-time timeouts on a manual clock; event-time timeouts under a
 * watermark; a failing function that commits nothing; batch DataFrames; and the refusals Spark
 * gives. The running counts' rows and per-batch state metrics are PySpark 4.0.1's (golden/groups-with-state.json;
 * see the README for how they relate to Spark's assertNumStateRows).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/common/clock.js";
import { type GroupState, Session, functions as F } from "../../src/index.js";
import { type Progress, addData, addInput, advanceClock, checkLastBatch, assertOnQuery, checkNewAnswer, expectFailure, startStream, stopStream, testStream } from "./stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
type Row = Record<string, unknown>;
type Count = { count: number };
const STATE = "count INT"; // Spark keeps a Long; INT gives JS numbers back
const OUT = "key STRING, value STRING";
const kv = (key: string, value: string): Row => ({ key, value });

const strings = () => spark.memoryStream("value STRING");
const add = (input: ReturnType<typeof strings>, ...values: string[]) => addData(input, ...values.map((value) => ({ value })));
const byValue = (input: ReturnType<typeof strings>) => input.toDF().groupByKey((r) => r.value as string);

/** The state operator's [total, updated, removed] rows of the last batch. */
const stateRows = (total: number, updated: number, removed: number) =>
  assertOnQuery(`state rows ${total}/${updated}/${removed}`, (_q, { progress }: { progress: Progress[] }) => {
    const op = progress.at(-1)!.stateOperators[0]!;
    expect([op.numRowsTotal, op.numRowsUpdated, op.numRowsRemoved]).toEqual([total, updated, removed]);
  });

/** Spark's running count: the third row of a key removes its state (and emits nothing, or -1 with `emitRemoval`). */
const runningCount =
  (emitRemoval: boolean) =>
  (key: string, rows: Iterable<Row>, state: GroupState<Count>): Row[] => {
    const count = (state.getOption()?.count ?? 0) + [...rows].length;
    if (count === 3) {
      state.remove();
      return emitRemoval ? [kv(key, "-1")] : [];
    }
    state.update({ count });
    return [kv(key, String(count))];
  };

/** PySpark 4.0.1's applyInPandasWithState on the suite's running count (scripts/oracle/gen_spark_suite_groups_with_state.py). */
type GoldenBatch = { rows: string[]; state: [string, number, number, number, number][] };
const golden = JSON.parse(readFileSync(new URL("./golden/groups-with-state.json", import.meta.url), "utf8")) as { scenarios: Record<string, GoldenBatch[][]> };

/**
 * The steps Spark's streaming running-count scenarios share: a | a b | a b | a c, restarting
 * before each (the suite restarts before the last two); the third row of a removes its state.
 * Rows and [total, updated, removed] per batch as PySpark recorded them.
 */
const runningCountSteps = (input: ReturnType<typeof strings>, scenario: "flatMapGroupsWithState" | "mapGroupsWithState") =>
  [["a"], ["a", "b"], ["a", "b"], ["a", "c"]].flatMap((values, i) => {
    const [batch, ...more] = golden.scenarios[scenario]![i]!;
    expect(more).toEqual([]);
    const [, total, updated, removed] = batch!.state[0]!;
    return [...(i > 0 ? [stopStream, startStream()] : []), add(input, ...values), checkNewAnswer(...batch!.rows.map((r) => JSON.parse(r) as Row)), stateRows(total, updated, removed)];
  });

describe("FlatMapGroupsWithStateSuite", () => {
  it("flatMapGroupsWithState - streaming (update mode, restarts, state rows)", async () => {
    const input = strings();
    const df = byValue(input).flatMapGroupsWithState({ outputMode: "update", stateSchema: STATE, outputSchema: OUT }, (key, rows, state: GroupState<Count>) => {
      // No watermark in this query: asking for it fails (Spark: "Cannot get event time watermark timestamp without setting watermark").
      expect(() => state.getCurrentWatermarkMs()).toThrow(/without setting watermark/);
      expect(state.getCurrentProcessingTimeMs()).toBeGreaterThanOrEqual(0);
      return runningCount(false)(key, rows, state);
    });
    await testStream(spark, df, { outputMode: "update" }, ...runningCountSteps(input, "flatMapGroupsWithState"));
  });

  it("flatMapGroupsWithState - streaming + func returns iterator that updates state lazily", async () => {
    const input = strings();
    const df = byValue(input).flatMapGroupsWithState({ outputMode: "update", stateSchema: STATE, outputSchema: OUT }, function* (key, rows, state: GroupState<Count>) {
      for (const _ of rows) {
        const count = (state.getOption()?.count ?? 0) + 1;
        if (count === 3) {
          state.remove();
        } else {
          state.update({ count });
          yield kv(key, String(count));
        }
      }
    });
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      add(input, "a", "a", "b"),
      checkNewAnswer(kv("a", "1"), kv("a", "2"), kv("b", "1")),
      stopStream,
      startStream(),
      add(input, "a", "b"),
      checkNewAnswer(kv("b", "2")),
      stopStream,
      startStream(),
      add(input, "a", "c"),
      checkNewAnswer(kv("a", "1"), kv("c", "1")),
    );
  });

  it("flatMapGroupsWithState - streaming + aggregation (append below a complete-mode count)", async () => {
    const input = strings();
    const df = byValue(input)
      .flatMapGroupsWithState({ outputMode: "append", stateSchema: STATE, outputSchema: OUT }, runningCount(true))
      .groupBy("key")
      .count();
    const counts = (...pairs: [string, number][]) => pairs.map(([key, count]) => ({ key, count }));
    await testStream(
      spark,
      df,
      { outputMode: "complete" },
      // Complete mode: every batch holds the whole count table.
      add(input, "a"),
      checkLastBatch(...counts(["a", 1])),
      add(input, "a", "b"),
      checkLastBatch(...counts(["a", 2], ["b", 1])),
      stopStream,
      startStream(),
      add(input, "a", "b"), // (a, -1) and (b, 2) each count once more
      checkLastBatch(...counts(["a", 3], ["b", 2])),
      stopStream,
      startStream(),
      add(input, "a", "c"),
      checkLastBatch(...counts(["a", 4], ["b", 2], ["c", 1])),
    );
  });

  it("flatMapGroupsWithState - batch: one call per key, no prior state", async () => {
    const df = spark
      .createDataFrame([{ value: "a" }, { value: "a" }, { value: "b" }], "value STRING")
      .groupByKey((r) => r.value as string)
      .flatMapGroupsWithState({ outputMode: "update", stateSchema: STATE, outputSchema: "key STRING, n INT" }, (key, rows, state: GroupState<Count>) => {
        if (state.exists) throw new Error("state.exists should be false");
        expect(() => state.getCurrentWatermarkMs()).toThrow(/without setting watermark/);
        return [{ key, n: [...rows].length }];
      });
    const rows = await df.collect();
    expect(rows.map((r) => ({ ...r })).sort((x, y) => String(x.key).localeCompare(String(y.key)))).toEqual([{ key: "a", n: 2 }, { key: "b", n: 1 }]);
  });

  it("flatMapGroupsWithState - streaming with processing time timeout (manual clock, restart)", async () => {
    const input = strings();
    const df = byValue(input).flatMapGroupsWithState({ outputMode: "update", stateSchema: STATE, outputSchema: OUT, timeout: "ProcessingTimeTimeout" }, (key, rows, state: GroupState<Count>) => {
      if (state.hasTimedOut) {
        expect([...rows]).toEqual([]);
        state.remove();
        return [kv(key, "-1")];
      }
      const count = (state.getOption()?.count ?? 0) + [...rows].length;
      state.update({ count });
      state.setTimeoutDuration("10 seconds");
      return [kv(key, String(count))];
    });
    const clock = new ManualClock(0);
    const trigger = { processingTime: "1 second" };
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      startStream(trigger, clock),
      add(input, "a"),
      advanceClock(1000),
      checkNewAnswer(kv("a", "1")), // a times out after 1 s + 10 s
      stateRows(1, 1, 0),
      add(input, "b"),
      advanceClock(1000),
      checkNewAnswer(kv("b", "1")),
      stateRows(2, 1, 0),
      add(input, "b"),
      advanceClock(10_000), // 12 s: a's timeout (11 s) has passed
      checkNewAnswer(kv("a", "-1"), kv("b", "2")),
      stateRows(1, 1, 1),
      stopStream,
      startStream(trigger, clock),
      add(input, "c"),
      advanceClock(11_000), // 23 s: b's timeout (22 s) has passed
      checkNewAnswer(kv("b", "-1"), kv("c", "1")),
      stateRows(1, 1, 1),
      advanceClock(12_000), // 35 s: c times out in a batch without new data
      assertOnQuery("clock at 35 s", () => expect(clock.now()).toBe(35_000)),
      checkNewAnswer(kv("c", "-1")),
      stateRows(0, 0, 1),
    );
  });

  it("flatMapGroupsWithState - streaming w/ event time timeout + watermark", async () => {
    const input = spark.memoryStream("key STRING, t INT");
    const df = input
      .toDF()
      .select(F.col("key"), F.expr("timestamp_seconds(t)").alias("eventTime"))
      .withWatermark("eventTime", "10 seconds")
      .groupByKey((r) => r.key as string)
      .flatMapGroupsWithState({ outputMode: "update", stateSchema: "maxSec INT", outputSchema: "key STRING, maxSec INT", timeout: "EventTimeTimeout" }, (key, rows, state: GroupState<{ maxSec: number }>) => {
        expect(state.getCurrentWatermarkMs()).toBeGreaterThanOrEqual(0);
        if (state.hasTimedOut) {
          state.remove();
          return [{ key, maxSec: -1 }];
        }
        const seen = [...rows].map((r) => (r.eventTime as Date).getTime() / 1000);
        const maxSec = Math.max(...seen, state.getOption()?.maxSec ?? 0);
        state.update({ maxSec });
        state.setTimeoutTimestamp((maxSec + 5) * 1000);
        return [{ key, maxSec }];
      });
    const at = (key: string, t: number): Row => ({ key, t });
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      addData(input, at("a", 11), at("a", 13), at("a", 15)),
      checkNewAnswer({ key: "a", maxSec: 15 }), // a times out at 20 s; the watermark becomes 5 s
      addData(input, at("a", 4)), // older than the watermark: dropped
      checkNewAnswer(),
      addData(input, at("a", 10)),
      checkNewAnswer({ key: "a", maxSec: 15 }),
      addData(input, at("b", 31)), // the watermark becomes 21 s, past a's 20 s
      checkNewAnswer({ key: "a", maxSec: -1 }, { key: "b", maxSec: 31 }),
    );
  });

  it("mapGroupsWithState - streaming (one row per call, restarts)", async () => {
    const input = strings();
    const df = byValue(input).mapGroupsWithState({ stateSchema: STATE, outputSchema: OUT }, (key, rows, state: GroupState<Count>) => runningCount(true)(key, rows, state)[0]!);
    await testStream(spark, df, { outputMode: "update" }, ...runningCountSteps(input, "mapGroupsWithState"));
  });

  it("mapGroupsWithState - batch: timeouts may be set (SPARK-20792)", async () => {
    const df = spark
      .createDataFrame([{ value: "a" }, { value: "a" }, { value: "b" }], "value STRING")
      .groupByKey((r) => r.value as string)
      .mapGroupsWithState({ stateSchema: "n INT", outputSchema: "key STRING, n INT", timeout: "EventTimeTimeout" }, (key, rows, state: GroupState<{ n: number }>) => {
        if (state.exists) throw new Error("state.exists should be false");
        state.setTimeoutTimestamp(0, "1 hour");
        state.update({ n: 10 });
        return { key, n: [...rows].length };
      });
    const rows = await df.collect();
    expect(rows.map((r) => ({ ...r })).sort((x, y) => String(x.key).localeCompare(String(y.key)))).toEqual([{ key: "a", n: 2 }, { key: "b", n: 1 }]);
  });

  it("StateStore.abort on task failure handling: a failed batch keeps no state change", async () => {
    let failInTask = false;
    const input = strings();
    const df = byValue(input).mapGroupsWithState({ stateSchema: STATE, outputSchema: "key STRING, count INT" }, (key, rows, state: GroupState<Count>) => {
      if (failInTask) throw new Error("expected failure");
      const count = (state.getOption()?.count ?? 0) + [...rows].length;
      state.update({ count });
      return { key, count };
    });
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      add(input, "a"),
      checkNewAnswer({ key: "a", count: 1 }),
      add(input, "a"),
      checkNewAnswer({ key: "a", count: 2 }),
      addInput(() => void (failInTask = true)),
      add(input, "a"),
      expectFailure("GROUPS_WITH_STATE_FUNCTION_FAILED", "expected failure"),
      addInput(() => void (failInTask = false)),
      startStream(),
      checkNewAnswer({ key: "a", count: 3 }),
    );
  });

  for (const timeout of ["NoTimeout", "ProcessingTimeTimeout"] as const) {
    it(`SPARK-20714: watermark does not fail query when timeout = ${timeout}`, async () => {
      const input = spark.memoryStream("key STRING, time BIGINT");
      const df = input
        .toDF()
        .selectExpr("key", "timestamp_seconds(time) AS timestamp")
        .withWatermark("timestamp", "10 second")
        .groupByKey((r) => r.key as string)
        .flatMapGroupsWithState({ outputMode: "update", stateSchema: STATE, outputSchema: OUT, timeout }, (key, rows, state: GroupState<Count>) => {
          const count = (state.getOption()?.count ?? 0) + [...rows].length;
          state.update({ count });
          if (timeout === "ProcessingTimeTimeout") state.setTimeoutDuration("10 seconds");
          return [kv(key, String(count))];
        });
      const clock = new ManualClock(0);
      await testStream(spark, df, { outputMode: "update" }, startStream({ processingTime: "1 second" }, clock), addData(input, { key: "a", time: 1 }), advanceClock(1000), checkNewAnswer(kv("a", "1")));
    });
  }

  it("disallow complete mode", () => {
    const g = byValue(strings());
    expect(() => g.flatMapGroupsWithState({ outputMode: "complete" as "update", stateSchema: STATE, outputSchema: OUT }, () => [])).toThrow(
      expect.objectContaining({ code: "INVALID_GROUPS_WITH_STATE_OUTPUT_MODE", message: expect.stringMatching(/Spark refuses complete mode/) }),
    );
  });

  it("the refusals of UnsupportedOperationChecker and FlatMapGroupsWithStateExec, at start()", async () => {
    const input = spark.memoryStream("key STRING, ts TIMESTAMP");
    const g = input.toDF().groupByKey((r) => r.key as string);
    const opts = { stateSchema: STATE, outputSchema: "key STRING" };
    await testStream(spark, g.mapGroupsWithState(opts, (key) => ({ key })), { outputMode: "append" }, expectFailure(undefined, "mapGroupsWithState is not supported with Append output mode on a streaming DataFrame/Dataset"));
    await testStream(
      spark,
      g.flatMapGroupsWithState({ ...opts, outputMode: "update" }, () => []),
      { outputMode: "append" },
      expectFailure(undefined, "flatMapGroupsWithState in update mode is not supported with Append output mode"),
    );
    await testStream(
      spark,
      g.flatMapGroupsWithState({ ...opts, outputMode: "append" }, () => []),
      { outputMode: "update" },
      expectFailure(undefined, "flatMapGroupsWithState in append mode is not supported with Update output mode"),
    );
    await testStream(
      spark,
      g.flatMapGroupsWithState({ ...opts, outputMode: "update", timeout: "EventTimeTimeout" }, () => []),
      { outputMode: "update" },
      expectFailure(undefined, "Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()' for using event-time timeout"),
    );
  });

  it("GroupState - setTimeout with NoTimeout fails the query (UnsupportedOperationException in Spark)", async () => {
    const input = strings();
    const df = byValue(input).flatMapGroupsWithState({ outputMode: "update", stateSchema: STATE, outputSchema: OUT }, (key, _rows, state: GroupState<Count>) => {
      state.setTimeoutDuration(1000);
      return [kv(key, "x")];
    });
    await testStream(spark, df, { outputMode: "update" }, add(input, "a"), expectFailure("GROUP_STATE_TIMEOUT_NOT_ENABLED", "Cannot set timeout duration without enabling processing time timeout"));
  });
});
