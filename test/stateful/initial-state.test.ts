/**
 * initialState of mapGroupsWithState / flatMapGroupsWithState (Spark 3.2+): a batch DataFrame
 * grouped by key seeds the state in the query's first batch; every key in it is called then,
 * with or without rows; a restart does not read it again; the batch form seeds it too; duplicate
 * keys, a streaming or non-grouped initial state and a missing state field are refused.
 */
import { describe, expect, it } from "vitest";
import { type GroupState, Session } from "../../src/index.js";
import { AddData, CheckNewAnswer, ExpectFailure, StartStream, StopStream, testStream } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
type Row = Record<string, unknown>;
const initial = () => spark.createDataFrame([{ user: "a", n: 10, extra: "x" }, { user: "z", n: 100, extra: "y" }], "user STRING, n INT, extra STRING").groupByKey((r) => r.user as string);
const count = (user: string, rows: Iterable<Row>, state: GroupState<{ n: number }>): Row => {
  const n = (state.getOption()?.n ?? 0) + [...rows].length;
  state.update({ n });
  return { user, n };
};

describe("initialState of [flat]mapGroupsWithState", () => {
  it("seeds the state in the first batch, calls every initial key then, and is not read again after a restart", async () => {
    const input = spark.memoryStream("user STRING");
    const df = input.toDF().groupByKey((r) => r.user as string).mapGroupsWithState({ stateSchema: "n INT", outputSchema: "user STRING, n INT", initialState: initial() }, count);
    await testStream(
      spark,
      df,
      { outputMode: "update" },
      AddData(input, { user: "a" }, { user: "b" }),
      CheckNewAnswer({ user: "a", n: 11 }, { user: "b", n: 1 }, { user: "z", n: 100 }),
      StopStream,
      StartStream(),
      AddData(input, { user: "z" }),
      CheckNewAnswer({ user: "z", n: 101 }),
    );
  });

  it("on a batch DataFrame: keys only in the initial state are called with no rows", async () => {
    const df = spark.createDataFrame([{ user: "a" }, { user: "b" }], "user STRING");
    const out = await df
      .groupByKey((r) => r.user as string)
      .flatMapGroupsWithState({ outputMode: "update", stateSchema: "n INT", outputSchema: "user STRING, n INT", initialState: initial() }, (user, rows, state: GroupState<{ n: number }>) => [count(user, rows, state)])
      .collect();
    expect(out.sort((x, y) => String(x.user).localeCompare(String(y.user)))).toEqual([{ user: "a", n: 11 }, { user: "b", n: 1 }, { user: "z", n: 100 }]);
  });

  it("two rows for one key fail the first batch", async () => {
    const input = spark.memoryStream("user STRING");
    const dup = spark.createDataFrame([{ user: "a", n: 1 }, { user: "a", n: 2 }], "user STRING, n INT").groupByKey((r) => r.user as string);
    const df = input.toDF().groupByKey((r) => r.user as string).mapGroupsWithState({ stateSchema: "n INT", outputSchema: "user STRING, n INT", initialState: dup }, count);
    await testStream(spark, df, { outputMode: "update" }, AddData(input, { user: "a" }), ExpectFailure({ code: "GROUP_STATE_INITIAL_STATE_DUPLICATE_KEY", message: 'more than one row for key "a"' }));
  });

  it("refuses a streaming, ungrouped or incomplete initial state at the call", () => {
    const g = spark.memoryStream("user STRING").toDF().groupByKey((r) => r.user);
    const opts = { stateSchema: "n INT", outputSchema: "user STRING, n INT" };
    expect(() => g.mapGroupsWithState({ ...opts, initialState: spark.memoryStream("user STRING, n INT").toDF().groupByKey((r) => r.user) }, () => ({}))).toThrow(/must be a batch DataFrame/);
    expect(() => g.mapGroupsWithState({ ...opts, initialState: spark.createDataFrame([{ n: 1 }], "n INT") as never }, () => ({}))).toThrow(/grouped batch DataFrame/);
    expect(() => g.mapGroupsWithState({ ...opts, initialState: spark.createDataFrame([{ user: "a" }], "user STRING").groupByKey((r) => r.user) }, () => ({}))).toThrow(/lacks the state field\(s\) n/);
  });
});
