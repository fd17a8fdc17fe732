/**
 * SessionWindowAggregateExec through the public API: both state providers, FILTER aggregates,
 * first/last order across merged sessions, and late rows routed to a side output.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../index.js";
import { AddData, CheckLastBatch, CheckNewAnswer, StartStream, StopStream, testStream } from "../../testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const t = (sec: number): Date => new Date(Date.UTC(2024, 0, 1, 0, 0, sec));
const sw = (startSec: number, endSec: number) => ({ start: t(startSec), end: t(endSec) });

afterEach(() => spark.conf.unset("spark.sql.streaming.stateStore.providerClass"));

describe("SessionWindowAggregateExec", () => {
  for (const provider of ["memory", "leveldb"]) {
    it(`merges sessions held in the ${provider} state store across a restart`, async () => {
      spark.conf.set("spark.sql.streaming.stateStore.providerClass", provider);
      const input = spark.memoryStream("k STRING, ts TIMESTAMP, v INT");
      const agg = input
        .toDF()
        .groupBy(col("k"), F.session_window(col("ts"), "10 seconds"))
        .agg(F.first(col("v")).alias("first"), F.last(col("v")).alias("last"), F.count("*").alias("n"));
      await testStream(
        spark,
        agg,
        { outputMode: "complete" },
        AddData(input, { k: "x", ts: t(0), v: 1 }, { k: "x", ts: t(30), v: 2 }, { k: "y", ts: t(0), v: 9 }),
        CheckLastBatch(
          { k: "x", session_window: sw(0, 10), first: 1, last: 1, n: 1 },
          { k: "x", session_window: sw(30, 40), first: 2, last: 2, n: 1 },
          { k: "y", session_window: sw(0, 10), first: 9, last: 9, n: 1 },
        ),
        StopStream,
        StartStream(),
        // 8, 17 and 25 chain [0,10] to [30,40]: one session; first/last follow session start order, as in Spark
        AddData(input, { k: "x", ts: t(8), v: 3 }, { k: "x", ts: t(17), v: 4 }, { k: "x", ts: t(25), v: 5 }),
        CheckLastBatch({ k: "x", session_window: sw(0, 40), first: 1, last: 2, n: 5 }, { k: "y", session_window: sw(0, 10), first: 9, last: 9, n: 1 }),
      );
    });
  }

  it("applies FILTER clauses per aggregate", async () => {
    const input = spark.memoryStream("ts TIMESTAMP, v INT");
    const agg = input
      .toDF()
      .groupBy(F.session_window(col("ts"), "10 seconds"))
      .agg(F.count("*").alias("n"), F.expr("sum(v) FILTER (WHERE v > 1)").alias("big"));
    await testStream(
      spark,
      agg,
      { outputMode: "complete" },
      AddData(input, { ts: t(0), v: 1 }, { ts: t(5), v: 2 }),
      CheckLastBatch({ session_window: sw(0, 15), n: 2, big: 2 }),
      AddData(input, { ts: t(14), v: 3 }),
      CheckLastBatch({ session_window: sw(0, 24), n: 3, big: 5 }),
    );
  });

  it("routes late rows to the watermark's side output", async () => {
    const input = spark.memoryStream("id STRING, ts TIMESTAMP");
    const late: unknown[] = [];
    const agg = input
      .toDF()
      .withWatermark("ts", "0 seconds", { lateRows: async (df) => void late.push(...(await df.collect()).map((r) => r.id)) })
      .groupBy(F.session_window(col("ts"), "5 seconds"))
      .agg(F.count("*").alias("n"));
    await testStream(
      spark,
      agg,
      { outputMode: "append" },
      AddData(input, { id: "a", ts: t(100) }),
      CheckNewAnswer(),
      AddData(input, { id: "b", ts: t(120) }),
      CheckNewAnswer({ session_window: sw(100, 105), n: 1 }),
      AddData(input, { id: "old", ts: t(110) }, { id: "c", ts: t(122) }),
      CheckNewAnswer(),
    );
    expect(late).toEqual(["old"]);
  });
});
