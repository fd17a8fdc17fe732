/**
 * Stream–stream joins end to end beyond the PySpark parity cases: the state's checkpoint layout,
 * restart mid-stream equal to an unbroken run, SQL JOIN of two streaming views, a self-join,
 * the unbounded-state warning of explain() and start(), and eviction counts in progress.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session, expr } from "../../src/index.js";
import { setLogger } from "../../src/common/logger.js";
import { stateOps, t } from "../support/stateful-progress.js";
import { AddData, AssertOnQuery, CheckAnswer, CheckNewAnswer, StartStream, StopStream, testStream } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

const RANGE = "lk = rk AND rt BETWEEN lt - INTERVAL 5 SECONDS AND lt + INTERVAL 5 SECONDS";

function inputs() {
  const l = spark.memoryStream("lk INT, lt TIMESTAMP");
  const r = spark.memoryStream("rk INT, rt TIMESTAMP");
  const left = l.toDF().withWatermark("lt", "10 seconds");
  const right = r.toDF().withWatermark("rt", "10 seconds");
  return { l, r, left, right };
}

describe("stream-stream joins", () => {
  it("keeps each side's rows in Spark's four state stores under state/<operator>/0/", async () => {
    const { l, r, left, right } = inputs();
    const checkpoint = mkdtempSync(join(tmpdir(), "sluice-join-chk-"));
    await testStream(
      spark,
      left.join(right, expr(RANGE), "left_outer"),
      { checkpointLocation: checkpoint },
      AddData(l, { lk: 1, lt: t(10) }),
      AddData(r, { rk: 1, rt: t(11) }),
      CheckNewAnswer({ lk: 1, lt: t(10), rk: 1, rt: t(11) }),
    );
    expect(readdirSync(join(checkpoint, "state", "0", "0")).sort()).toEqual(["left-keyToNumValues", "left-keyWithIndexToValue", "right-keyToNumValues", "right-keyWithIndexToValue"]);
    expect(existsSync(join(checkpoint, "state", "0", "0", "left-keyWithIndexToValue", "1.delta"))).toBe(true);
  });

  it("a left outer join restarted mid-stream emits what an unbroken run emits, null rows after the watermark passes", async () => {
    const steps = (stop: boolean) => {
      const { l, r, left, right } = inputs();
      return {
        df: left.join(right, expr(RANGE), "left_outer"),
        actions: [
          AddData(l, { lk: 1, lt: t(10) }, { lk: 2, lt: t(10) }),
          AddData(r, { rk: 1, rt: t(14) }),
          CheckNewAnswer({ lk: 1, lt: t(10), rk: 1, rt: t(14) }),
          ...(stop ? [StopStream, StartStream()] : []),
          AddData(l, { lk: 3, lt: t(30) }),
          AddData(r, { rk: 3, rt: t(31) }, { rk: 2, rt: t(12) }),
          // The watermark is still 0 s (the left input held it back), so rt 12 s is not late.
          CheckNewAnswer({ lk: 3, lt: t(30), rk: 3, rt: t(31) }, { lk: 2, lt: t(10), rk: 2, rt: t(12) }),
          AddData(l, { lk: 4, lt: t(60) }),
          AddData(r, { rk: 9, rt: t(60) }),
          // A no-data batch at watermark 50 s evicts rows with a time ≤ 44.999 s: lk 3 (matched, so
          // no null row) and rk 3; numRowsRemoved counts only the right side in a left outer join.
          CheckNewAnswer(),
          AssertOnQuery("state after eviction", (q) => expect(stateOps(q).at(-1)).toMatchObject({ numRowsTotal: 2, numRowsRemoved: 1, numRowsUpdated: 0 })),
          AddData(l, { lk: 5, lt: t(100) }),
          AddData(r, { rk: 9, rt: t(100) }),
          // Watermark 90 s: lk 4 never matched and comes out with nulls, in the no-data batch.
          CheckNewAnswer({ lk: 4, lt: t(60), rk: null, rt: null }),
          AddData(l, { lk: 6, lt: t(200) }),
          AddData(r, { rk: 9, rt: t(200) }),
          CheckNewAnswer({ lk: 5, lt: t(100), rk: null, rt: null }),
        ],
      };
    };
    const broken = steps(true);
    await testStream(spark, broken.df, {}, ...broken.actions);
    const unbroken = steps(false);
    await testStream(spark, unbroken.df, {}, ...unbroken.actions);
  });

  it("runs a SQL JOIN of two streaming views, and a self-join reading one source on both sides", async () => {
    const { l, r, left, right } = inputs();
    left.createOrReplaceTempView("join_l");
    right.createOrReplaceTempView("join_r");
    const sql = spark.sql(`SELECT lk, lt, rt FROM join_l JOIN join_r ON ${RANGE}`);
    await testStream(spark, sql, {}, AddData(l, { lk: 1, lt: t(10) }), AddData(r, { rk: 1, rt: t(12) }, { rk: 1, rt: t(40) }), CheckAnswer({ lk: 1, lt: t(10), rt: t(12) }));

    const events = spark.memoryStream("k INT, ts TIMESTAMP, kind STRING");
    const ev = events.toDF().withWatermark("ts", "10 seconds");
    const starts = ev.filter("kind = 'start'").selectExpr("k AS sk", "ts AS st");
    const ends = ev.filter("kind = 'end'").selectExpr("k AS ek", "ts AS et");
    const pairs = starts.join(ends, expr("sk = ek AND et BETWEEN st AND st + INTERVAL 30 SECONDS"));
    await testStream(
      spark,
      pairs,
      {},
      AddData(events, { k: 1, ts: t(10), kind: "start" }, { k: 2, ts: t(10), kind: "start" }),
      CheckNewAnswer(),
      StopStream,
      StartStream(),
      AddData(events, { k: 1, ts: t(20), kind: "end" }, { k: 2, ts: t(50), kind: "end" }),
      CheckNewAnswer({ sk: 1, st: t(10), ek: 1, et: t(20) }),
    );
  });

  it("chains joins: three streams joined in one query keep one state operator per join", async () => {
    const a = spark.memoryStream("ak INT, at TIMESTAMP");
    const b = spark.memoryStream("bk INT, bt TIMESTAMP");
    const c = spark.memoryStream("ck INT, ct TIMESTAMP");
    const ab = a.toDF().withWatermark("at", "10 seconds").join(b.toDF().withWatermark("bt", "10 seconds"), expr("ak = bk AND bt BETWEEN at AND at + INTERVAL 5 SECONDS"));
    // As in Spark, a join side may carry one event-time column: keep `at` only for the second join.
    const abc = ab.select("ak", "at").join(c.toDF().withWatermark("ct", "10 seconds"), expr("ak = ck AND ct BETWEEN at AND at + INTERVAL 5 SECONDS"));
    await testStream(
      spark,
      abc,
      {},
      AddData(a, { ak: 1, at: t(10) }, { ak: 2, at: t(10) }),
      AddData(b, { bk: 1, bt: t(11) }, { bk: 2, bt: t(12) }),
      AddData(c, { ck: 1, ct: t(14) }),
      CheckNewAnswer({ ak: 1, at: t(10), ck: 1, ct: t(14) }),
      StopStream,
      StartStream(),
      AddData(c, { ck: 2, ct: t(13) }, { ck: 2, ct: t(30) }),
      CheckNewAnswer({ ak: 2, at: t(10), ck: 2, ct: t(13) }),
      AssertOnQuery("two join operators in progress", (q) => expect(stateOps(q).slice(-2).map((o) => o.operatorName)).toEqual(["symmetricHashJoin", "symmetricHashJoin"])),
    );
  });

  it("a USING join shows the key once; aliases qualify columns across the join", async () => {
    const l = spark.memoryStream("k INT, t TIMESTAMP, v STRING");
    const r = spark.memoryStream("k INT, t TIMESTAMP, w STRING");
    const a = l.toDF().withWatermark("t", "10 seconds").alias("a");
    const b = r.toDF().withWatermark("t", "10 seconds").alias("b");
    const using = a.join(b, "k").select("k", "v", "w");
    await testStream(spark, using, {}, AddData(l, { k: 1, t: t(1), v: "x" }), AddData(r, { k: 1, t: t(2), w: "y" }, { k: 2, t: t(2), w: "z" }), CheckAnswer({ k: 1, v: "x", w: "y" }));
    const l2 = spark.memoryStream("k INT, t TIMESTAMP, v STRING");
    const r2 = spark.memoryStream("k INT, t TIMESTAMP, w STRING");
    const qualified = l2
      .toDF()
      .withWatermark("t", "10 seconds")
      .alias("a")
      .join(r2.toDF().withWatermark("t", "10 seconds").alias("b"), expr("a.k = b.k AND b.t BETWEEN a.t AND a.t + INTERVAL 5 SECONDS"), "left_outer")
      .selectExpr("a.k AS k", "a.t AS at", "b.w AS w");
    await testStream(
      spark,
      qualified,
      {},
      AddData(l2, { k: 1, t: t(1), v: "x" }, { k: 2, t: t(1), v: "y" }),
      AddData(r2, { k: 1, t: t(3), w: "m" }),
      CheckNewAnswer({ k: 1, at: t(1), w: "m" }),
      AddData(l2, { k: 9, t: t(40) }),
      AddData(r2, { k: 9, t: t(40) }),
      CheckNewAnswer({ k: 2, at: t(1), w: null }, { k: 9, at: t(40), w: null }),
    );
  });

  it("explain() and start() flag an inner join whose state is never evicted, and not a bounded one", async () => {
    const UNBOUNDED =
      "stream-stream inner join: the left and right side's state is never evicted (add withWatermark() on both inputs and a time-range or equal-window condition)";
    const l = spark.memoryStream("lk INT, lt TIMESTAMP");
    const r = spark.memoryStream("rk INT, rt TIMESTAMP");
    const unbounded = l.toDF().join(r.toDF(), expr("lk = rk"));
    expect(unbounded.explainString()).toContain(`${UNBOUNDED}: its state grows without bound`);
    const { left, right } = inputs();
    const bounded = left.join(right, expr(RANGE));
    expect(bounded.explainString()).not.toContain("grows without bound");
    const warnings: string[] = [];
    setLogger({ debug: () => {}, info: () => {}, warn: (m) => void warnings.push(m), error: () => {} });
    try {
      for (const [name, df] of [["unbounded_join", unbounded], ["bounded_join", bounded]] as const) await (await df.writeStream.format("memory").queryName(name).start()).stop();
    } finally {
      setLogger(null);
    }
    expect(warnings.filter((w) => w.includes("grows without bound"))).toEqual([`state of ${UNBOUNDED} grows without bound`]);
  });

  it("keys of different types on the two sides match as Spark casts them (binary state keys compare one type)", async () => {
    const a = spark.memoryStream("ak INT, av STRING");
    const b = spark.memoryStream("bk BIGINT, bs STRING, bv STRING");
    await testStream(
      spark,
      a.toDF().join(b.toDF(), expr("ak = bk"), "inner").select("ak", "av", "bv"),
      {},
      AddData(a, { ak: 7, av: "a7" }, { ak: 8, av: "a8" }),
      AddData(b, { bk: 7n, bs: "8", bv: "b7" }),
      CheckNewAnswer({ ak: 7, av: "a7", bv: "b7" }),
    );
    const c = spark.memoryStream("ck INT, cv STRING");
    const d = spark.memoryStream("ds STRING, dv STRING");
    await testStream(
      spark,
      c.toDF().join(d.toDF(), expr("ck = ds"), "inner").select("ck", "cv", "dv"),
      {},
      AddData(c, { ck: 8, cv: "c8" }),
      AddData(d, { ds: "8", dv: "d8" }, { ds: "9", dv: "d9" }),
      CheckNewAnswer({ ck: 8, cv: "c8", dv: "d8" }),
    );
  });
});
