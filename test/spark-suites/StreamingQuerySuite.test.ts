/**
 * Scenarios of Spark's StreamingQuerySuite (sql/core/.../streaming/StreamingQuerySuite.scala), in
 * our own code: names, ids and runIds; isActive / exception / awaitTermination; the exception's
 * offsets; offset-log retention; input rows with a static side; stopActiveRunOnRestart; explain.
 * (Status and progress through a query's life are in StreamingQueryStatusAndProgressSuite.test.ts.)
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Session, functions as F, registerStreamSource } from "../../src/index.js";
import type { SluiceError } from "../../src/common/errors.js";
import { ManualClock } from "../../src/common/clock.js";
import { addData, assertOnQuery, checkAnswer, expectFailure, startStream, stopStream, testStream } from "./stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = (): string => mkdtempSync(join(tmpdir(), "sluice-query-suite-"));
const vs = (...values: number[]) => values.map((value) => ({ value }));

afterEach(async () => {
  for (const q of spark.streams.active) await q.stop();
});

describe("StreamingQuerySuite", () => {
  it("name unique in active queries; no name by default", async () => {
    const start = (name?: string) => {
      // Spark's foreach sink needs a checkpoint location too (its suite sets a default one).
      let w = spark.memoryStream("value INT").toDF().writeStream.foreach({ process: () => undefined }).option("checkpointLocation", tmp());
      if (name) w = w.queryName(name);
      return w.start();
    };
    const q1 = await start();
    const q2 = await start();
    expect(q1.name).toBeNull();
    expect(q2.name).toBeNull();
    const q3 = await start("q3");
    expect(q3.name).toBe("q3");
    await expect(start("q3")).rejects.toMatchObject({ code: "DUPLICATE_QUERY_NAME", message: expect.stringContaining("Cannot start query with name q3 as a query with that name is already active") });
    for (const q of [q1, q2, q3]) await q.stop();
  });

  it("id unique in active queries and kept across restarts; runId new for every start", async () => {
    // One MemoryStream: Sluice refuses a checkpoint written by another MemoryStream (README).
    const input = spark.memoryStream("value INT");
    const start = (chk: string) => input.toDF().groupBy().count().writeStream.format("memory").outputMode("complete").queryName(`q_${Math.random().toString(36).slice(2)}`).option("checkpointLocation", chk).start();
    const q1 = await start(tmp());
    const q2 = await start(tmp());
    expect(q1.id).not.toBe(q2.id);
    expect(q1.runId).not.toBe(q2.runId);
    await q1.stop();
    await q2.stop();
    const chk = tmp();
    const q3 = await start(chk);
    await q3.stop();
    const q4 = await start(chk);
    await q4.stop();
    expect(q4.id).toBe(q3.id);
    expect(q4.runId).not.toBe(q3.runId);
  });

  it("stopActiveRunOnRestart (default true): a second run of an active checkpoint stops the first", async () => {
    const chk = tmp();
    const input = spark.memoryStream("value INT");
    const start = (name: string) => input.toDF().writeStream.format("memory").queryName(name).option("checkpointLocation", chk).start();
    const q1 = await start("run_a");
    input.addData(vs(1));
    await q1.processAllAvailable();
    const q2 = await start("run_b");
    expect(q1.isActive).toBe(false);
    expect(q1.exception).toBeNull();
    expect(q2.isActive).toBe(true);
    expect(q2.id).toBe(q1.id);
    expect(spark.streams.active.map((q) => q.runId)).toEqual([q2.runId]);
    input.addData(vs(2));
    await q2.processAllAvailable();
    // The second run resumed after the first run's batch.
    expect((await spark.table("run_b").collect()).map((r) => r.value)).toEqual([2]);
    await q2.stop();
  });

  it("stopActiveRunOnRestart=false: a second run of an active checkpoint is refused", async () => {
    const chk = tmp();
    const input = spark.memoryStream("value INT");
    const start = (name: string) => input.toDF().writeStream.format("memory").queryName(name).option("checkpointLocation", chk).start();
    const q1 = await start("run_c");
    spark.conf.set("spark.sql.streaming.stopActiveRunOnRestart", "false");
    try {
      await expect(start("run_d")).rejects.toMatchObject({ code: "CONCURRENT_QUERY", message: expect.stringContaining("Cannot start query with id") });
      expect(q1.isActive).toBe(true);
    } finally {
      spark.conf.unset("spark.sql.streaming.stopActiveRunOnRestart");
      await q1.stop();
    }
  });

  it("isActive, exception and awaitTermination (timeouts in seconds, as PySpark); the exception's offsets", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(
      spark,
      input.toDF().selectExpr("6 div value AS v"),
      {},
      assertOnQuery("active", (q) => {
        expect(q.isActive).toBe(true);
        expect(q.exception).toBeNull();
      }),
      addData(input, ...vs(1, 2)),
      checkAnswer({ v: 6 }, { v: 3 }),
      assertOnQuery("awaitTermination times out while running", async (q) => {
        expect(await q.awaitTermination(0.01)).toBe(false);
      }),
      assertOnQuery("stopped", async (q) => {
        await q.stop();
        expect(q.isActive).toBe(false);
        expect(q.exception).toBeNull();
        expect(await q.awaitTermination()).toBe(true);
        expect(await q.awaitTermination(2)).toBe(true);
        expect(await q.awaitTermination(0.01)).toBe(true);
      }),
      stopStream,
      startStream(),
      assertOnQuery("restarted", (q) => expect(q.isActive).toBe(true)),
      addData(input, ...vs(0)),
      assertOnQuery("fails with the batch's offsets", async (q) => {
        await expect(q.processAllAvailable()).rejects.toThrow();
        expect(q.isActive).toBe(false);
        await expect(q.awaitTermination()).rejects.toBe(q.exception);
        await expect(q.awaitTermination(2)).rejects.toBe(q.exception);
        // Spark's StreamingQueryException.startOffset / endOffset: the committed and the failing batch's end.
        expect((q.exception as SluiceError).context).toMatchObject({ startOffset: "[0]", endOffset: "[1]" });
      }),
    );
  });

  it("the exception's startOffset is '-' for a source before its first commit", async () => {
    const input = spark.memoryStream("value INT");
    input.addData(vs(0));
    const q = await input.toDF().selectExpr("6 div value AS v").writeStream.format("memory").queryName("first_fails").start();
    await q.processAllAvailable().catch(() => undefined);
    expect((q.exception as SluiceError).context).toMatchObject({ startOffset: "[-]", endOffset: "[0]" });
  });

  it("offset-log garbage collection keeps minBatchesToRetain batches", async () => {
    for (const [retain, batches, left] of [[1, 3, ["1", "2"]], [2, 5, ["2", "3", "4"]]] as const) {
      spark.conf.set("spark.sql.streaming.minBatchesToRetain", String(retain));
      const chk = tmp();
      const input = spark.memoryStream("value INT");
      const q = await input.toDF().writeStream.format("memory").queryName(`gc_${retain}`).option("checkpointLocation", chk).start();
      try {
        for (let i = 0; i < batches; i++) {
          input.addData(vs(i));
          await q.processAllAvailable();
        }
      } finally {
        await q.stop();
        spark.conf.unset("spark.sql.streaming.minBatchesToRetain");
      }
      expect(readdirSync(join(chk, "offsets")).filter((f) => !f.startsWith(".")).sort()).toEqual(left);
    }
  });

  it("input rows count only the streaming side of a join with a batch DataFrame", async () => {
    const input = spark.memoryStream("value INT");
    input.addData(vs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    const statics = spark.createDataFrame([{ value: 1, anotherValue: "1" }, { value: 2, anotherValue: "2" }], "value INT, anotherValue STRING");
    const q = await input.toDF().join(statics, "value").writeStream.format("memory").queryName("mixed_inputs").start();
    await q.processAllAvailable();
    await q.stop();
    const p = q.recentProgress.find((x) => x.numInputRows > 0)!;
    expect(p.numInputRows).toBe(10);
    expect(p.sources).toHaveLength(1);
    expect(p.sources[0]!.numInputRows).toBe(10);
  });

  it("a source read twice in one plan (self-union) is one source; each read counts its rows (as PySpark 4.0.1)", async () => {
    const input = spark.memoryStream("value INT");
    const df = input.toDF();
    input.addData(vs(1, 2));
    const q = await df.union(df).writeStream.format("memory").queryName("self_union").start();
    await q.processAllAvailable();
    await q.stop();
    expect((await spark.table("self_union").collect()).map((r) => r.value).sort()).toEqual([1, 1, 2, 2]);
    const p = q.recentProgress.find((x) => x.numInputRows > 0)!;
    // golden/progress.json "self-union": one source, its input rows summed over both reads.
    expect(p.sources).toHaveLength(1);
    expect(p.numInputRows).toBe(4);
    expect(p.sources[0]!.numInputRows).toBe(4);
  });

  it("explain names the plan of the running query", async () => {
    const input = spark.memoryStream("value INT");
    const q = await input.toDF().groupBy("value").agg(F.count("*").alias("n")).writeStream.format("memory").queryName("explained").outputMode("complete").start();
    input.addData(vs(1));
    await q.processAllAvailable();
    const text = q.explainString();
    await q.stop();
    expect(text).toMatch(/Physical Plan/);
    expect(text).toMatch(/MemoryStream|memory/i);
  });

  it("status while the source is asked for offsets, while the batch runs and after it (Spark's messages)", async () => {
    // A source whose latestOffset and getRows wait on gates the test opens, as Spark's suite blocks
    // them on its manual clock.
    const gate = () => {
      let open!: () => void;
      let reached!: () => void;
      const opened = new Promise<void>((r) => (open = r));
      const waiting = new Promise<void>((r) => (reached = r));
      return { open, waiting, pass: async () => (reached(), await opened) };
    };
    let offsetGate: ReturnType<typeof gate> | undefined;
    const rowsGate = gate();
    let latest = 0;
    registerStreamSource(spark, "blocking", () => ({
      schema: "value INT",
      initialOffset: () => 0,
      latestOffset: async () => {
        await offsetGate?.pass();
        return latest;
      },
      getRows: async (start, end) => {
        await rowsGate.pass();
        return Array.from({ length: (end as number) - (start as number) }, (_, i) => ({ value: (start as number) + i + 1 }));
      },
    }));
    // Triggers every 100 ms of a manual clock: each runs when the test moves the clock.
    const clock = new ManualClock(0);
    spark.clock = clock;
    const q = await spark.readStream.format("blocking").load().writeStream.format("memory").queryName("status_suite").option("checkpointLocation", tmp()).trigger({ processingTime: 100 }).start();
    spark.clock = undefined;
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 2000 && !ok(); i++) await new Promise((r) => setTimeout(r, 2));
    };
    await until(() => clock.isWaiting);
    expect(q.status).toMatchObject({ message: "Waiting for next trigger", isDataAvailable: false, isTriggerActive: false });
    offsetGate = gate();
    latest = 2;
    clock.advance(100);
    await offsetGate.waiting;
    expect(q.status).toEqual({ message: "Getting offsets from blocking[user source]", isDataAvailable: false, isTriggerActive: true });
    expect(q.recentProgress.filter((p) => p.numInputRows > 0)).toHaveLength(0);
    const passed = offsetGate;
    offsetGate = undefined;
    passed.open();
    await rowsGate.waiting;
    expect(q.status).toEqual({ message: "Processing new data", isDataAvailable: true, isTriggerActive: true });
    rowsGate.open();
    await until(() => clock.isWaiting);
    expect(await spark.table("status_suite").collect()).toEqual([{ value: 1 }, { value: 2 }]);
    expect(q.status).toEqual({ message: "Waiting for next trigger", isDataAvailable: true, isTriggerActive: false });
    await q.stop();
  });

  it("a query that fails is no longer active and keeps its error (ExpectFailure)", async () => {
    const input = spark.memoryStream("value INT");
    await testStream(spark, input.toDF().selectExpr("1 div value AS v"), {}, addData(input, ...vs(0)), expectFailure(undefined, /divi/i));
  });
});
