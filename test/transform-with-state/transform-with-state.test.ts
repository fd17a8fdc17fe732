/**
 * transformWithState end to end beyond the ported suite: ListState and MapState across a restart,
 * TTL expiry on a ManualClock (values hidden once expired and removed, counted in
 * numValuesRemovedDueToTTLExpiry), an initial state read in the first batch only, the
 * groupBy(cols) form, the state variable schemas recorded in the checkpoint and checked on
 * restart, explain(), and every refusal of the handle and of the call.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/common/clock.js";
import { Session } from "../../src/index.js";
import type { ListState, MapState, StatefulProcessor, StatefulProcessorHandle, ValueState } from "../../src/plan/transform-with-state.js";
import { addData, advanceClock, assertOnQuery, checkNewAnswer, expectFailure, startStream, stopStream, testStream } from "../spark-suites/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.sql.shuffle.partitions", 3).getOrCreate();
type Row = Record<string, unknown>;
const input = () => spark.memoryStream("k STRING, v INT");
const tmp = () => mkdtempSync(join(tmpdir(), "sluice-tws-"));
const custom = (name: string, n: number) => assertOnQuery(`${name} = ${n}`, (_q, { progress }) => expect(progress.at(-1)!.stateOperators[0]!.customMetrics[name]).toBe(n));

/** Keeps every value of a key in a ListState and a per-value count in a MapState. */
class Collector implements StatefulProcessor<string> {
  list!: ListState<{ v: number }>;
  counts!: MapState<{ v: number }, { n: number }>;
  init(h: StatefulProcessorHandle): void {
    this.list = h.getListState("values", "v INT");
    this.counts = h.getMapState("counts", "v INT", "n INT");
  }
  handleInputRows(key: string, rows: Iterable<Row>): Row[] {
    for (const r of rows) {
      const v = r.v as number;
      this.list.appendValue({ v });
      this.counts.updateValue({ v }, { n: (this.counts.getValue({ v })?.n ?? 0) + 1 });
    }
    if ([...this.list.get()].length >= 4) {
      this.list.clear();
      this.counts.clear();
      return [{ key, values: "cleared", counts: "" }];
    }
    const values = [...this.list.get()].map((x) => x.v).join(",");
    const counts = [...this.counts.iterator()].map(([k, c]) => `${k.v}:${c.n}`).sort().join(",");
    return [{ key, values, counts }];
  }
}

describe("transformWithState", () => {
  it("ListState and MapState keep their values across a restart; clear() drops them", async () => {
    const src = input();
    const df = src.toDF().groupByKey((r) => r.k as string).transformWithState(new Collector(), { outputMode: "update", outputSchema: "key STRING, values STRING, counts STRING" });
    const checkpointLocation = tmp();
    await testStream(
      spark,
      df,
      { outputMode: "update", checkpointLocation },
      addData(src, { k: "a", v: 1 }, { k: "a", v: 2 }, { k: "b", v: 7 }),
      checkNewAnswer({ key: "a", values: "1,2", counts: "1:1,2:1" }, { key: "b", values: "7", counts: "7:1" }),
      custom("numListStateVars", 1),
      custom("numMapStateVars", 1),
      stopStream,
      startStream(),
      addData(src, { k: "a", v: 2 }),
      checkNewAnswer({ key: "a", values: "1,2,2", counts: "1:1,2:2" }),
      addData(src, { k: "a", v: 9 }),
      checkNewAnswer({ key: "a", values: "cleared", counts: "" }),
      assertOnQuery("state rows: b's list and its one map entry", (_q, { progress }) => expect(progress.at(-1)!.stateOperators[0]!.numRowsTotal).toBe(2)),
      addData(src, { k: "a", v: 5 }),
      checkNewAnswer({ key: "a", values: "5", counts: "5:1" }),
    );
    // One store per variable in every partition, plus the timers-free operator metadata store.
    expect(readdirSync(join(checkpointLocation, "state", "0", "0")).sort()).toEqual(["$stateVariables", "counts", "values"]);
  });

  it("TTL (ProcessingTime): a value expires ttl after its last update, is hidden and removed", async () => {
    class Remember implements StatefulProcessor<string> {
      last!: ValueState<{ v: number }>;
      seen!: ListState<{ v: number }>;
      init(h: StatefulProcessorHandle): void {
        this.last = h.getValueState("last", "v INT", { ttlDurationMs: 10_000 });
        this.seen = h.getListState("seen", "v INT", { ttlDurationMs: "10 seconds" });
      }
      handleInputRows(key: string, rows: Iterable<Row>): Row[] {
        const before = this.last.get()?.v ?? null;
        for (const r of rows) {
          this.last.update({ v: r.v as number });
          this.seen.appendValue({ v: r.v as number });
        }
        return [{ key, before, seen: [...this.seen.get()].map((x) => x.v).join(",") }];
      }
    }
    const clock = new ManualClock(0);
    const src = input();
    const df = src.toDF().groupByKey((r) => r.k as string).transformWithState(new Remember(), { outputMode: "update", timeMode: "ProcessingTime", outputSchema: "key STRING, before INT, seen STRING" });
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      startStream({ processingTime: "1 second" }, clock),
      addData(src, { k: "a", v: 1 }),
      advanceClock(1000), // batch at 1 s: expires at 11 s
      checkNewAnswer({ key: "a", before: null, seen: "1" }),
      addData(src, { k: "a", v: 2 }),
      advanceClock(5000), // 6 s: still there; last moves to 16 s, element 2 expires at 16 s
      checkNewAnswer({ key: "a", before: 1, seen: "1,2" }),
      addData(src, { k: "b", v: 3 }),
      advanceClock(6000), // 12 s: element 1 expired and is removed
      checkNewAnswer({ key: "b", before: null, seen: "3" }),
      custom("numValuesRemovedDueToTTLExpiry", 1),
      addData(src, { k: "a", v: 4 }),
      advanceClock(5000), // 17 s: a's value and element 2 expired
      checkNewAnswer({ key: "a", before: null, seen: "4" }),
      stopStream,
    );
  });

  it("initialState: handleInitialState runs once per row in the first batch only; groupBy(cols) keys are arrays", async () => {
    class Count implements StatefulProcessor<unknown[]> {
      n!: ValueState<{ n: number }>;
      init(h: StatefulProcessorHandle): void {
        this.n = h.getValueState("n", "n INT");
      }
      handleInitialState(_key: unknown[], row: Row): void {
        this.n.update({ n: row.start as number });
      }
      handleInputRows(key: unknown[], rows: Iterable<Row>): Row[] {
        const n = (this.n.get()?.n ?? 0) + [...rows].length;
        this.n.update({ n });
        return [{ key: key.join("/"), n }];
      }
    }
    const initial = spark.createDataFrame([{ k: "a", start: 10 }, { k: "z", start: 100 }], "k STRING, start INT");
    const src = input();
    const df = src.toDF().groupBy("k").transformWithState(new Count(), { outputMode: "update", outputSchema: "key STRING, n INT", initialState: initial.groupByKey((r) => [r.k]) });
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      addData(src, { k: "a", v: 0 }, { k: "b", v: 0 }),
      checkNewAnswer({ key: "a", n: 11 }, { key: "b", n: 1 }),
      stopStream,
      startStream(), // a restart does not read the initial state again
      addData(src, { k: "a", v: 0 }, { k: "z", v: 0 }),
      checkNewAnswer({ key: "a", n: 12 }, { key: "z", n: 101 }),
    );
  });

  it("two initial-state rows for one key fail the query", async () => {
    class P implements StatefulProcessor<string> {
      init(h: StatefulProcessorHandle): void {
        h.getValueState("n", "n INT");
      }
      handleInitialState(): void {}
      handleInputRows(): Row[] {
        return [];
      }
    }
    const initial = spark.createDataFrame([{ k: "a" }, { k: "a" }], "k STRING");
    const src = input();
    const df = src.toDF().groupByKey((r) => r.k as string).transformWithState(new P(), { outputMode: "update", outputSchema: "k STRING", initialState: initial.groupByKey((r) => r.k as string) });
    await testStream(spark, df, { outputMode: "update" }, addData(src, { k: "a", v: 1 }), expectFailure("STATEFUL_PROCESSOR_CANNOT_REINITIALIZE_STATE_ON_KEY", 'grouping key="a"'));
  });

  it("a changed state variable schema is refused on restart, naming both schemas", async () => {
    const make = (ddl: string) =>
      ({
        v: undefined as unknown as ValueState,
        init(h: StatefulProcessorHandle) {
          this.v = h.getValueState("s", ddl);
        },
        handleInputRows(key: string) {
          this.v.update({ x: 1 });
          return [{ key }];
        },
      }) satisfies StatefulProcessor<string> & { v: ValueState };
    const src = input();
    const checkpointLocation = tmp();
    const q = (ddl: string) => src.toDF().groupByKey((r) => r.k as string).transformWithState(make(ddl), { outputMode: "update", outputSchema: "key STRING" });
    await testStream(spark, q("x INT"), { outputMode: "update", checkpointLocation }, addData(src, { k: "a", v: 1 }), checkNewAnswer({ key: "a" }));
    await testStream(spark, q("x STRING"), { outputMode: "update", checkpointLocation }, addData(src, { k: "a", v: 1 }), expectFailure("STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE", /x INT.*x STRING/));
  });

  it("explain() shows TransformWithStateExec", () => {
    const src = input();
    const df = src.toDF().groupByKey((r) => r.k).transformWithState(new Collector() as StatefulProcessor<unknown>, { outputMode: "append", timeMode: "ProcessingTime", outputSchema: "key STRING" });
    expect(df.explainString()).toContain("TransformWithStateExec: append, timeMode=ProcessingTime");
  });

  describe("refusals", () => {
    const run = async (processor: StatefulProcessor<string>, code: string, message: string | RegExp, timeMode: "None" | "ProcessingTime" | "EventTime" = "None") => {
      const src = input();
      const df = src.toDF().groupByKey((r) => r.k as string).transformWithState(processor, { outputMode: "update", timeMode, outputSchema: "key STRING" });
      await testStream(spark, df, { outputMode: "update" }, addData(src, { k: "a", v: 1 }), expectFailure(code, message));
    };
    const withInit = (init: (h: StatefulProcessorHandle) => void, handle: (h: StatefulProcessorHandle) => void = () => {}): StatefulProcessor<string> => {
      let hh: StatefulProcessorHandle;
      return {
        init(h) {
          hh = h;
          init(h);
        },
        handleInputRows() {
          handle(hh);
          return [];
        },
      };
    };

    it("timers in TimeMode None", () => run(withInit(() => {}, (h) => h.registerTimer(1000)), "STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_TIME_MODE", "operation=registerTimer with invalid timeMode=NoTime"));
    it("TTL outside ProcessingTime", () => run(withInit((h) => h.getValueState("s", "x INT", { ttlDurationMs: 1000 })), "STATEFUL_PROCESSOR_INCORRECT_TIME_MODE_TO_ASSIGN_TTL", "Cannot use TTL for state=s in timeMode=EventTime", "EventTime"));
    it("a TTL that is not positive", () => run(withInit((h) => h.getListState("s", "x INT", { ttlDurationMs: 0 })), "STATEFUL_PROCESSOR_TTL_DURATION_MUST_BE_POSITIVE", "operation=getListState on state=s", "ProcessingTime"));
    it("one name declared twice", () => run(withInit((h) => (h.getValueState("s", "x INT"), h.getMapState("s", "k INT", "x INT"))), "STATEFUL_PROCESSOR_DUPLICATE_STATE_VARIABLE_DEFINED", "name s has already been defined"));
    it("a reserved state name", () => run(withInit((h) => h.getValueState("$procTimers", "x INT")), "STATE_STORE_CANNOT_CREATE_COLUMN_FAMILY_WITH_RESERVED_CHARS", "name=$procTimers"));
    it("state read in init (no grouping key yet)", () => run(withInit((h) => h.getValueState("s", "x INT").get()), "STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_HANDLE_STATE", "operation=get with invalid handle state=CREATED"));
    it("update(null)", () => {
      let v: ValueState;
      return run(withInit((h) => (v = h.getValueState("s", "x INT")), () => v.update(null as unknown as Row)), "ILLEGAL_STATE_STORE_VALUE.NULL_VALUE", "Cannot write null value to state variable s");
    });
    it("a value that does not fit the schema names the variable", () => {
      let v: ValueState;
      return run(withInit((h) => (v = h.getValueState("s", "x INT")), () => v.update({ x: "nope" })), "TRANSFORM_WITH_STATE_USER_FUNCTION_ERROR", /handleInputRows .*key "a"/);
    });
    it("a timer without handleExpiredTimer", () => {
      const clockless = withInit(() => {}, (h) => h.registerTimer(0));
      return run(clockless, "TRANSFORM_WITH_STATE_USER_FUNCTION_ERROR", "no handleExpiredTimer", "ProcessingTime");
    });

    it("at the call: output mode, time mode, processor, options, initial state", () => {
      const g = input().toDF().groupByKey((r) => r.k);
      const p = withInit(() => {}) as StatefulProcessor<unknown>;
      expect(() => g.transformWithState(p, { outputMode: "complete" as "update", outputSchema: "k STRING" })).toThrow(/outputMode "update" or "append", got "complete"/);
      expect(() => g.transformWithState(p, { outputMode: "update", timeMode: "Wall" as "None", outputSchema: "k STRING" })).toThrow(/timeMode must be one of None, ProcessingTime, EventTime/);
      expect(() => g.transformWithState({} as StatefulProcessor<unknown>, { outputMode: "update", outputSchema: "k STRING" })).toThrow(/needs a StatefulProcessor/);
      expect(() => g.transformWithState(p, { outputMode: "update", outputSchema: "k STRING", ttl: 1 } as never)).toThrow(/does not know the option\(s\) ttl/);
      const initial = spark.createDataFrame([{ k: "a" }], "k STRING").groupByKey((r) => r.k);
      expect(() => g.transformWithState(p, { outputMode: "update", outputSchema: "k STRING", initialState: initial })).toThrow(/no handleInitialState/);
      expect(() => g.transformWithState({ ...p, handleInitialState() {} }, { outputMode: "update", outputSchema: "k STRING", initialState: input().toDF().groupByKey((r) => r.k) })).toThrow(/must be a batch DataFrame/);
      expect(() => input().toDF().rollup("k").transformWithState(p as StatefulProcessor<unknown[]>, { outputMode: "update", outputSchema: "k STRING" })).toThrow(/needs groupBy\(\.\.\.\) columns, not rollup/);
    });
  });
});
