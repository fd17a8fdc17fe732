/**
 * Streaming session windows end to end (StreamTest DSL, each test with a restart in the middle).
 * Expected results follow Spark 4.0.1 (see also the stateful-session-window-* parity scenarios,
 * checked against PySpark): a row's session is [ts, ts + gap]; sessions of a key that overlap or
 * touch merge; a row is late when its own session ends at or before the previous batch's
 * watermark; append emits a session once the watermark reaches its end. The gap may be computed
 * per row (a STRING column or expression); rows whose gap is not a positive interval are dropped.
 */
import { describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import { stateOps, t, win as sw } from "../support/stateful-progress.js";
import { AddData, AssertOnQuery, CheckLastBatch, CheckNewAnswer, StartStream, StopStream, testStream } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

const sessions = (watermark: boolean) => {
  const input = spark.memoryStream("id STRING, ts TIMESTAMP, v INT");
  const df = watermark ? input.toDF().withWatermark("ts", "10 seconds") : input.toDF();
  const agg = df.groupBy(col("id"), F.session_window(col("ts"), "10 seconds")).agg(F.count("*").alias("n"), F.sum("v").alias("s"));
  return { input, agg };
};

describe("streaming session_window", () => {
  it("append mode emits each session once the watermark passes its end, across a restart", async () => {
    const { input, agg } = sessions(true);
    await testStream(
      spark,
      agg,
      { outputMode: "append" },
      AddData(input, { id: "a", ts: t(100), v: 100 }, { id: "a", ts: t(105), v: 105 }, { id: "b", ts: t(100), v: 100 }),
      CheckNewAnswer(),
      // a's session grows to [100, 122]; the watermark (120) closes b's [100, 110]
      AddData(input, { id: "a", ts: t(112), v: 112 }, { id: "b", ts: t(130), v: 130 }),
      CheckNewAnswer({ id: "b", session_window: sw(100, 110), n: 1, s: 100 }),
      StopStream,
      StartStream(),
      // a@98 and c@50 end at or before the watermark (120): late, dropped
      AddData(input, { id: "a", ts: t(98), v: 98 }, { id: "a", ts: t(140), v: 140 }, { id: "b", ts: t(135), v: 135 }, { id: "c", ts: t(50), v: 50 }),
      CheckNewAnswer({ id: "a", session_window: sw(100, 122), n: 3, s: 317 }),
      AssertOnQuery("two late rows were counted", (q) => expect(stateOps(q).reduce((x, o) => x + o.numRowsDroppedByWatermark, 0)).toBe(2)),
      AssertOnQuery("the operator is named as in Spark", (q) => expect(stateOps(q)[0]!.operatorName).toBe("sessionWindowStateStoreSaveExec")),
      AddData(input, { id: "a", ts: t(200), v: 200 }),
      CheckNewAnswer({ id: "a", session_window: sw(140, 150), n: 1, s: 140 }, { id: "b", session_window: sw(130, 145), n: 2, s: 265 }),
      AssertOnQuery("only the open session stays in state", (q) => expect(stateOps(q).at(-1)!.numRowsTotal).toBe(1)),
    );
  });

  it("complete mode: an event between two stored sessions merges them into one", async () => {
    const { input, agg } = sessions(false);
    await testStream(
      spark,
      agg,
      { outputMode: "complete" },
      AddData(input, { id: "a", ts: t(100), v: 1 }, { id: "a", ts: t(115), v: 2 }, { id: "b", ts: t(0), v: 5 }),
      CheckLastBatch({ id: "a", session_window: sw(100, 110), n: 1, s: 1 }, { id: "a", session_window: sw(115, 125), n: 1, s: 2 }, { id: "b", session_window: sw(0, 10), n: 1, s: 5 }),
      StopStream,
      StartStream(),
      AddData(input, { id: "a", ts: t(108), v: 4 }),
      CheckLastBatch({ id: "a", session_window: sw(100, 125), n: 3, s: 7 }, { id: "b", session_window: sw(0, 10), n: 1, s: 5 }),
      // an event exactly at a session's end joins it
      AddData(input, { id: "b", ts: t(10), v: 6 }),
      CheckLastBatch({ id: "a", session_window: sw(100, 125), n: 3, s: 7 }, { id: "b", session_window: sw(0, 20), n: 2, s: 11 }),
    );
  });

  it("selects fields of the session and aggregates without other keys", async () => {
    const input = spark.memoryStream("ts TIMESTAMP");
    const agg = input
      .toDF()
      .groupBy(F.session_window(col("ts"), "5 seconds").alias("w"))
      .agg(F.count("*").alias("n"))
      .select(col("w.start").alias("start"), col("w.end").alias("end"), col("n"));
    await testStream(
      spark,
      agg,
      { outputMode: "complete" },
      AddData(input, { ts: t(0) }, { ts: t(3) }, { ts: null }, { ts: t(20) }),
      CheckLastBatch({ start: t(0), end: t(8), n: 2 }, { start: t(20), end: t(25), n: 1 }),
    );
  });

  it("rejects update mode, as Spark does", async () => {
    const { agg } = sessions(true);
    await expect(agg.writeStream.format("memory").queryName("sw_update").outputMode("update").start()).rejects.toMatchObject({ code: "STREAMING_OUTPUT_MODE_INVALID" });
  });

  it("rejects append mode without a watermark", async () => {
    const { agg } = sessions(false);
    await expect(agg.writeStream.format("memory").queryName("sw_append").outputMode("append").start()).rejects.toMatchObject({ code: "STREAMING_OUTPUT_MODE_INVALID" });
  });

  it("a gap computed per row: sessions merge keeping the max end, lateness follows each row's own end; append across a restart", async () => {
    // Measured in PySpark 4.0.1 (JSON file source, foreachBatch, the same rows and restart).
    const input = spark.memoryStream("id STRING, ts TIMESTAMP, gap STRING, v INT");
    const agg = input
      .toDF()
      .withWatermark("ts", "10 seconds")
      .groupBy(col("id"), F.session_window(col("ts"), col("gap")))
      .agg(F.count("*").alias("n"), F.sum("v").alias("s"));
    const row = (id: string, sec: number, gap: string) => ({ id, ts: t(sec), gap, v: sec });
    await testStream(
      spark,
      agg,
      { outputMode: "append" },
      // a: [100, 105] and [103, 123] merge into [100, 123]; b: [100, 102]
      AddData(input, row("a", 100, "5 seconds"), row("a", 103, "20 seconds"), row("b", 100, "2 seconds")),
      CheckNewAnswer(),
      // a@120 (gap 1s) falls inside a's session, which keeps its end 123; the watermark (120) closes b
      AddData(input, row("a", 120, "1 second"), row("b", 130, "30 seconds")),
      CheckNewAnswer({ id: "b", session_window: sw(100, 102), n: 1, s: 100 }),
      StopStream,
      StartStream(),
      // a@109 ends at 110 ≤ 120: late. c@115 ends at 125 > 120: kept, though its event time is below the watermark.
      // Watermark 140 closes a's [100, 123] and [125, 135] and c's [115, 125]; b's [130, 160] stays open.
      AddData(input, row("a", 109, "1 second"), row("a", 125, "10 seconds"), row("b", 150, "1 second"), row("c", 115, "10 seconds")),
      CheckNewAnswer(
        { id: "a", session_window: sw(100, 123), n: 3, s: 323 },
        { id: "a", session_window: sw(125, 135), n: 1, s: 125 },
        { id: "c", session_window: sw(115, 125), n: 1, s: 115 },
      ),
      AssertOnQuery("one late row was counted", (q) => expect(stateOps(q).reduce((x, o) => x + o.numRowsDroppedByWatermark, 0)).toBe(1)),
      AssertOnQuery("only b's open session stays in state", (q) => expect(stateOps(q).at(-1)!.numRowsTotal).toBe(1)),
      AddData(input, row("a", 300, "1 second")),
      CheckNewAnswer({ id: "b", session_window: sw(130, 160), n: 2, s: 280 }),
      AssertOnQuery("a's new session is the only state row", (q) => expect(stateOps(q).at(-1)!.numRowsTotal).toBe(1)),
    );
  });

  it("rows whose gap expression is null, unparsable, zero or negative (or whose event time is null) are dropped before the operator, not counted late", async () => {
    const input = spark.memoryStream("id STRING, ts TIMESTAMP, gap STRING");
    const agg = input
      .toDF()
      .withWatermark("ts", "10 seconds")
            // the gap as an expression: e's rows get '5 seconds', the others their own column
      .groupBy(col("id"), F.session_window(col("ts"), F.when(col("id").eq("e"), "5 seconds").otherwise(col("gap"))))
      .agg(F.count("*").alias("n"));
    await testStream(
      spark,
      agg,
      { outputMode: "append" },
      AddData(
        input,
        { id: "d", ts: t(400), gap: null },
        { id: "d", ts: t(401), gap: "abc" },
        { id: "d", ts: t(402), gap: "0 seconds" },
        { id: "d", ts: t(403), gap: "-1 second" },
        { id: "d", ts: t(404), gap: "5 secs" },
        { id: "d", ts: null, gap: "5 seconds" },
        { id: "e", ts: t(404), gap: null },
      ),
      CheckNewAnswer(),
      AssertOnQuery("only e's session is in state and nothing was late", (q) => {
        const last = stateOps(q).at(-1)!;
        expect(last.numRowsTotal).toBe(1);
        expect(stateOps(q).reduce((x, o) => x + o.numRowsDroppedByWatermark, 0)).toBe(0);
      }),
      StopStream,
      StartStream(),
      AddData(input, { id: "z", ts: t(500), gap: "1 second" }),
      CheckNewAnswer({ id: "e", session_window: sw(404, 409), n: 1 }),
    );
  });

  it("rejects a gap that is not a string, naming its type", () => {
    const input = spark.memoryStream("ts TIMESTAMP, gap INT");
    expect(() => input.toDF().groupBy(F.session_window(col("ts"), col("gap"))).count()).toThrow(
      expect.objectContaining({ code: "DATATYPE_MISMATCH", message: expect.stringContaining("interval string such as '5 minutes', but got INT") }),
    );
  });

  it("a non-positive gap gives no sessions", async () => {
    const input = spark.memoryStream("ts TIMESTAMP");
    const agg = input.toDF().groupBy(F.session_window(col("ts"), "-5 seconds")).count();
    await testStream(spark, agg, { outputMode: "complete" }, AddData(input, { ts: t(0) }), CheckLastBatch());
  });
});
