/**
 * groupByKey(fn).mapGroupsWithState / flatMapGroupsWithState end to end (StreamTest DSL, real
 * checkpoints, a restart in each): state across batches and restarts, state metrics in progress,
 * processing-time and event-time timeouts (including in batches without new data), generators,
 * failures that commit nothing, and the start() rules Spark applies.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/common/clock.js";
import { type GroupState, Session } from "../../src/index.js";
import { stateOps, t } from "../support/stateful-progress.js";
import { AddData, AdvanceManualClock, AssertOnQuery, CheckAnswer, CheckNewAnswer, ExpectFailure, StartStream, StopStream, testStream } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
type Row = Record<string, unknown>;

describe("mapGroupsWithState / flatMapGroupsWithState", () => {
  it("mapGroupsWithState keeps a running count per key across batches and a restart", async () => {
    const input = spark.memoryStream("user STRING, v INT");
    const counts = input
      .toDF()
      .groupByKey((r) => r.user as string)
      .mapGroupsWithState({ stateSchema: "n INT", outputSchema: "user STRING, n INT" }, (user, rows, state: GroupState<{ n: number }>) => {
        const n = (state.getOption()?.n ?? 0) + [...rows].length;
        state.update({ n });
        return { user, n };
      });
    await testStream(
      spark,
      counts,
      { outputMode: "update" },
      AddData(input, { user: "a", v: 1 }, { user: "a", v: 2 }, { user: "b", v: 3 }),
      CheckNewAnswer({ user: "a", n: 2 }, { user: "b", n: 1 }),
      StopStream,
      StartStream(),
      AddData(input, { user: "a", v: 4 }),
      CheckNewAnswer({ user: "a", n: 3 }),
      AssertOnQuery("state rows in progress", (q) =>
        expect(stateOps(q).at(-1)).toMatchObject({ operatorName: "flatMapGroupsWithState", numRowsTotal: 2, numRowsUpdated: 1, numRowsRemoved: 0 }),
      ),
    );
  });

  it("flatMapGroupsWithState in append mode: a lazily consumed generator whose state changes are kept; remove() counts", async () => {
    const input = spark.memoryStream("k STRING, v INT");
    const df = input
      .toDF()
      .groupByKey((r) => r.k)
      .flatMapGroupsWithState({ outputMode: "append", stateSchema: "total INT", outputSchema: "k STRING, total INT" }, function* (k, rows, state: GroupState<{ total: number }>) {
        let total = state.getOption()?.total ?? 0;
        for (const r of rows) {
          total += r.v as number;
          state.update({ total });
        }
        // Reaching 10 ends the key: emit and forget it.
        if (total >= 10) {
          state.remove();
          yield { k, total };
        }
      });
    await testStream(
      spark,
      df,
      { outputMode: "append" },
      AddData(input, { k: "x", v: 4 }, { k: "y", v: 12 }),
      CheckNewAnswer({ k: "y", total: 12 }),
      // As in Spark, y's removal counts although y had no stored state yet.
      AssertOnQuery("y was removed, x kept", (q) => expect(stateOps(q).at(-1)).toMatchObject({ numRowsTotal: 1, numRowsRemoved: 1, numRowsUpdated: 1 })),
      StopStream,
      StartStream(),
      AddData(input, { k: "x", v: 6 }, { k: "y", v: 1 }),
      CheckNewAnswer({ k: "x", total: 10 }),
      AssertOnQuery("x removed", (q) => expect(stateOps(q).at(-1)).toMatchObject({ numRowsTotal: 1, numRowsRemoved: 1 })),
    );
  });

  it("ProcessingTimeTimeout fires for a key without data once its duration passed, in a batch without new data, also after a restart", async () => {
    const input = spark.memoryStream("k STRING");
    const df = input
      .toDF()
      .groupByKey((r) => r.k)
      .flatMapGroupsWithState(
        { outputMode: "update", timeout: "ProcessingTimeTimeout", stateSchema: "n INT", outputSchema: "k STRING, n INT, expired BOOLEAN" },
        (k, rows, state: GroupState<{ n: number }>) => {
          if (state.hasTimedOut) {
            const n = state.get().n;
            state.remove();
            return [{ k, n, expired: true }];
          }
          const n = (state.getOption()?.n ?? 0) + [...rows].length;
          state.update({ n });
          state.setTimeoutDuration("10 seconds");
          return [{ k, n, expired: false }];
        },
      );
    const clock = new ManualClock(0);
    const clock2 = new ManualClock(0);
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      StartStream({ trigger: { processingTime: "5 seconds" }, clock }),
      AddData(input, { k: "a" }, { k: "b" }),
      AdvanceManualClock(5_000), // batch at 5 s: timeouts at 15 s
      CheckNewAnswer({ k: "a", n: 1, expired: false }, { k: "b", n: 1, expired: false }),
      AddData(input, { k: "b" }),
      AdvanceManualClock(5_000), // batch at 10 s: b's timeout moves to 20 s
      CheckNewAnswer({ k: "b", n: 2, expired: false }),
      AdvanceManualClock(5_000), // 15 s: not earlier than a's timeout yet
      CheckNewAnswer(),
      AdvanceManualClock(5_000), // 20 s: a (15 s) times out without new data
      CheckNewAnswer({ k: "a", n: 1, expired: true }),
      StopStream,
      StartStream({ trigger: { processingTime: "5 seconds" }, clock: clock2 }),
      // The restarted query's clock starts at 0 again; b (timeout 20 s) expires at the 25 s batch.
      AdvanceManualClock(25_000),
      CheckNewAnswer({ k: "b", n: 2, expired: true }),
      AssertOnQuery("the state is gone", (q) => expect(stateOps(q).at(-1)).toMatchObject({ numRowsTotal: 0 })),
    );
  });

  it("EventTimeTimeout: sessions close when the watermark passes their timeout, late rows are dropped", async () => {
    const input = spark.memoryStream("user STRING, ts TIMESTAMP");
    const sessions = input
      .toDF()
      .withWatermark("ts", "10 seconds")
      .groupByKey((r) => r.user)
      .flatMapGroupsWithState(
        { outputMode: "append", timeout: "EventTimeTimeout", stateSchema: "start TIMESTAMP, last TIMESTAMP, n INT", outputSchema: "user STRING, start TIMESTAMP, last TIMESTAMP, n INT" },
        (user, rows, state: GroupState<{ start: Date; last: Date; n: number }>) => {
          if (state.hasTimedOut) {
            const s = state.get();
            state.remove();
            return [{ user, ...s }];
          }
          const times = [...rows].map((r) => (r.ts as Date).getTime());
          const old = state.getOption();
          const start = Math.min(old?.start.getTime() ?? Infinity, ...times);
          const last = Math.max(old?.last.getTime() ?? -Infinity, ...times);
          state.update({ start: new Date(start), last: new Date(last), n: (old?.n ?? 0) + times.length });
          state.setTimeoutTimestamp(last, "30 seconds"); // 30 s of inactivity closes the session
          return [];
        },
      );
    await testStream(
      spark,
      sessions,
      { outputMode: "append" },
      AddData(input, { user: "u1", ts: t(10) }, { user: "u1", ts: t(20) }, { user: "u2", ts: t(15) }),
      CheckNewAnswer(),
      StopStream,
      StartStream(),
      AddData(input, { user: "u2", ts: t(50) }),
      // Watermark 40 s: u1's timeout (50 s) not passed yet.
      CheckNewAnswer(),
      AddData(input, { user: "u3", ts: t(80) }),
      // Watermark 70 s: u1 (timeout 50 s) closes, in the batch without new data.
      CheckNewAnswer({ user: "u1", start: t(10), last: t(20), n: 2 }),
      AddData(input, { user: "u2", ts: t(5) }, { user: "u3", ts: t(200) }),
      // u2's late row (5 s ≤ 70 s) is dropped; u3's new row moves its timeout to 230 s; the
      // watermark 190 s then closes u2 (timeout 80 s) in the batch without new data.
      CheckNewAnswer({ user: "u2", start: t(15), last: t(50), n: 2 }),
      AssertOnQuery("the late row was counted", (q) => expect(stateOps(q).some((o) => o.numRowsDroppedByWatermark === 1)).toBe(true)),
    );
  });

  it("a failing function fails the query naming the key; the batch commits nothing and re-runs after the fix", async () => {
    const input = spark.memoryStream("k STRING, v INT");
    const checkpoint = mkdtempSync(join(tmpdir(), "sluice-fmgws-"));
    let broken = true;
    const df = input
      .toDF()
      .groupByKey((r) => r.k)
      .mapGroupsWithState({ stateSchema: "sum INT", outputSchema: "k STRING, sum INT" }, async (k, rows, state: GroupState<{ sum: number }>) => {
        const sum = (state.getOption()?.sum ?? 0) + [...rows].reduce((a, r) => a + (r.v as number), 0);
        state.update({ sum });
        if (broken && sum > 100) throw new Error("too big");
        return { k, sum };
      });
    await testStream(
      spark,
      df,
      { outputMode: "update", checkpointLocation: checkpoint },
      AddData(input, { k: "a", v: 1 }),
      CheckNewAnswer({ k: "a", sum: 1 }),
      AddData(input, { k: "a", v: 200 }, { k: "b", v: 5 }),
      ExpectFailure({ code: "GROUPS_WITH_STATE_FUNCTION_FAILED", message: 'The function of mapGroupsWithState failed for key "a": too big' }),
    );
    expect(readdirSync(join(checkpoint, "commits")).filter((f) => /^\d+$/.test(f))).toEqual(["0"]);
    broken = false;
    await testStream(spark, df, { outputMode: "update", checkpointLocation: checkpoint }, CheckAnswer({ k: "a", sum: 201 }, { k: "b", sum: 5 }));
  });

  it("refuses at the call, and at start() as Spark does, what cannot run", () => {
    const input = spark.memoryStream("k STRING, ts TIMESTAMP");
    const g = input.toDF().groupByKey((r) => r.k);
    const fn = (): Row[] => [];
    const opts = { stateSchema: "n INT", outputSchema: "k STRING" };
    expect(() => g.flatMapGroupsWithState({ ...opts, outputMode: "complete" as "update" }, fn)).toThrow(/got "complete" \(Spark refuses complete mode/);
    expect(() => g.flatMapGroupsWithState({ ...opts, outputMode: "update", timeout: "Hourly" as "NoTimeout" }, fn)).toThrow(/timeout must be one of NoTimeout, ProcessingTimeTimeout, EventTimeTimeout/);
    expect(() => g.flatMapGroupsWithState({ ...opts, outputMode: "update", stateSchemaa: "x" } as never, fn)).toThrow(/does not know the option\(s\) stateSchemaa/);
    const start = (df: ReturnType<typeof g.mapGroupsWithState>, mode: "append" | "update") => df.writeStream.format("memory").queryName(`refused_${mode}_${Math.random().toString(36).slice(2)}`).outputMode(mode).start();
    return Promise.all([
      expect(start(g.mapGroupsWithState(opts, () => ({ k: "x" })), "append")).rejects.toThrow("mapGroupsWithState is not supported with Append output mode on a streaming DataFrame/Dataset"),
      expect(start(g.flatMapGroupsWithState({ ...opts, outputMode: "update" }, fn), "append")).rejects.toThrow("flatMapGroupsWithState in update mode is not supported with Append output mode on a streaming DataFrame/Dataset"),
      expect(start(g.flatMapGroupsWithState({ ...opts, outputMode: "update", timeout: "EventTimeTimeout" }, fn), "update")).rejects.toThrow(
        "Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()' for using event-time timeout",
      ),
    ]);
  });

  it("runs on a batch DataFrame once per key, without prior state", async () => {
    const df = spark.createDataFrame([{ k: "a", v: 1 }, { k: "a", v: 2 }, { k: "b", v: 5 }], "k STRING, v INT");
    const out = df
      .groupByKey((r) => r.k)
      .flatMapGroupsWithState({ outputMode: "update", stateSchema: "n INT", outputSchema: "k STRING, n INT, existed BOOLEAN" }, (k, rows, state) => [{ k, n: [...rows].length, existed: state.exists }]);
    expect((await out.orderBy("k").collect())).toEqual([
      { k: "a", n: 2, existed: false },
      { k: "b", n: 1, existed: false },
    ]);
  });
});
