/**
 * Sources, sinks, triggers and the query manager beyond the basics: processingTime triggers on a
 * manual clock, the rate source's rows, the socket source, foreach, file sink partitioning,
 * maxBytesPerTrigger / maxFileAge, log purging, awaitAnyTermination.
 */
import type { StreamingQueryProgress } from "../../src/dataframe/streaming-query-types.js";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/common/clock.js";
import { Session, col } from "../../src/index.js";
import { AddData, AdvanceManualClock, AssertOnQuery, CheckAnswer, StartStream, testStream } from "../../src/testing/stream-test.js";

/** The reports of batches that ran (an idle trigger's report, as Spark's, has no addBatch phase). */
const ranBatches = (q: { recentProgress: readonly unknown[] }) => (q.recentProgress as readonly StreamingQueryProgress[]).filter((p) => p.durationMs.addBatch !== undefined);

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = () => mkdtempSync(join(tmpdir(), "sluice-ss-"));

function put(dir: string, name: string, rows: object[], mtimeSec: number): void {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  utimesSync(p, mtimeSec, mtimeSec);
}

describe("triggers, sources and sinks", () => {
  it("processingTime trigger runs batches only when the manual clock reaches the next interval", async () => {
    const input = spark.memoryStream("v INT");
    const clock = new ManualClock(0);
    await testStream(
      spark,
      input.toDF(),
      {},
      StartStream({ trigger: { processingTime: "10 seconds" }, clock }),
      AddData(input, { v: 1 }),
      AssertOnQuery("no batch before the interval", (q) => expect(ranBatches(q).length).toBe(0)),
      AdvanceManualClock(10_000),
      CheckAnswer({ v: 1 }),
      AddData(input, { v: 2 }),
      AdvanceManualClock(10_000),
      CheckAnswer({ v: 1 }, { v: 2 }),
      AssertOnQuery("one batch per interval, timestamps on the boundaries", (q) =>
        expect(ranBatches(q).map((p) => p.timestamp)).toEqual(["1970-01-01T00:00:10.000Z", "1970-01-01T00:00:20.000Z"]),
      ),
    );
  });

  it("rate source: rowsPerSecond rows per elapsed second, values consecutive, timestamps spread over the second", async () => {
    const clock = new ManualClock(1_000_000);
    spark.clock = clock;
    const q = await spark.readStream.format("rate").option("rowsPerSecond", 4).load().writeStream.format("memory").queryName("rate_rows").start();
    spark.clock = undefined;
    clock.advance(2_000);
    await q.processAllAvailable();
    await q.stop();
    const rows = (await spark.table("rate_rows").orderBy("value").collect()).map((r) => [(r.timestamp as Date).getTime(), Number(r.value)]);
    expect(rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((v) => [1_000_000 + v * 250, v]));
  });

  it("socket source reads lines from a TCP server", async () => {
    const server = createServer((s) => s.end("hello\nworld\n"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const q = await spark.readStream.format("socket").options({ host: "127.0.0.1", port }).load().writeStream.format("memory").queryName("socket_lines").start();
    for (let i = 0; i < 100 && (await spark.table("socket_lines").count()) < 2; i++) await q.processAllAvailable();
    await q.stop();
    server.close();
    expect((await spark.table("socket_lines").collect()).map((r) => r.value)).toEqual(["hello", "world"]);
    expect(() => spark.readStream.format("socket").option("host", "x").load()).toThrowError(expect.objectContaining({ code: "INVALID_OPTION" }));
  });

  it("foreach writer: open(partition, epoch) → process(row)… → close(null), and close(error) on failure", async () => {
    const input = spark.memoryStream("v INT");
    input.addData([{ v: 1 }, { v: 2 }]);
    const calls: string[] = [];
    const q = await input
      .toDF()
      .writeStream.foreach({
        open: (p, e) => (calls.push(`open ${p} ${e}`), true),
        process: (r) => void calls.push(`row ${r.v}`),
        close: (e) => void calls.push(`close ${e?.message ?? null}`),
      })
      .option("checkpointLocation", tmp())
      .trigger({ once: true })
      .start();
    await q.awaitTermination();
    expect(calls).toEqual(["open 0 0", "row 1", "row 2", "close null"]);

    const failing = await input
      .toDF()
      .writeStream.foreach({ process: () => { throw new Error("boom"); }, close: (e) => void calls.push(`close ${e?.message}`) })
      .option("checkpointLocation", tmp())
      .trigger({ once: true })
      .start();
    await expect(failing.awaitTermination()).rejects.toThrow(/boom/);
    expect(calls.at(-1)).toBe("close boom");
  });

  it("file sink partitionBy writes col=value folders and readers see the partition column", async () => {
    const root = tmp();
    const input = spark.memoryStream("day STRING, v INT");
    input.addData([{ day: "d1", v: 1 }, { day: "d2", v: 2 }]);
    const q = await input.toDF().writeStream.format("parquet").partitionBy("day").option("checkpointLocation", join(root, "chk")).trigger({ once: true }).start(join(root, "out"));
    await q.awaitTermination();
    expect(readdirSync(join(root, "out")).filter((d) => d.startsWith("day=")).sort()).toEqual(["day=d1", "day=d2"]);
    const rows = await spark.read.parquet(join(root, "out")).orderBy("v").collect();
    expect(rows).toEqual([{ v: 1, day: "d1" }, { v: 2, day: "d2" }]);
  });

  it("maxBytesPerTrigger limits each batch; maxFileAge ignores files older than the newest seen minus the age", async () => {
    const root = tmp();
    const inDir = join(root, "in");
    put(inDir, "old.json", [{ v: 0 }], 1000);
    put(inDir, "a.json", [{ v: 1 }], 100_000_000);
    put(inDir, "b.json", [{ v: 2 }], 100_000_001);
    put(inDir, "c.json", [{ v: 3 }], 100_000_002);
    const batches: number[][] = [];
    const run = async () => {
      const q = await spark.readStream
        .schema("v INT")
        .options({ maxBytesPerTrigger: 20, maxFileAge: "1 hour" })
        .json(inDir)
        .writeStream.foreachBatch(async (df) => void batches.push((await df.collect()).map((r) => r.v as number).sort()))
        .option("checkpointLocation", join(root, "chk"))
        .trigger({ availableNow: true })
        .start();
      await q.awaitTermination();
    };
    await run();
    // each file is 10 bytes, so two files per batch; on the first listing nothing newer is known yet
    expect(batches).toEqual([
      [0, 1],
      [2, 3],
    ]);
    put(inDir, "stale.json", [{ v: 9 }], 2000); // far older than the newest file seen minus 1 hour
    put(inDir, "d.json", [{ v: 4 }], 100_000_003);
    await run();
    expect(batches.slice(2)).toEqual([[4]]);
  });

  it("purges offsets and commits beyond minBatchesToRetain", async () => {
    const chk = tmp();
    spark.conf.set("spark.sql.streaming.minBatchesToRetain", 2);
    try {
      const input = spark.memoryStream("v INT");
      const q = await input.toDF().writeStream.format("memory").queryName("purge_q").option("checkpointLocation", chk).start();
      for (let i = 0; i < 5; i++) {
        input.addData([{ v: i }]);
        await q.processAllAvailable();
      }
      await q.stop();
    } finally {
      spark.conf.unset("spark.sql.streaming.minBatchesToRetain");
    }
    expect(readdirSync(join(chk, "offsets")).filter((f) => /^\d+$/.test(f)).sort()).toEqual(["2", "3", "4"]);
    expect(existsSync(join(chk, "commits", "0"))).toBe(false);
  });

  it("awaitAnyTermination resolves when a query ends and rejects when one failed; resetTerminated forgets them", async () => {
    spark.streams.resetTerminated();
    const input = spark.memoryStream("v INT");
    input.addData([{ v: 1 }]);
    const q = await input.toDF().writeStream.format("memory").queryName("any_1").trigger({ once: true }).start();
    expect(await spark.streams.awaitAnyTermination()).toBe(true);
    await q.awaitTermination();
    spark.streams.resetTerminated();
    expect(await spark.streams.awaitAnyTermination(0.02)).toBe(false);
    const bad = spark.memoryStream("a INT, b INT");
    bad.addData([{ a: 1, b: 0 }]);
    await bad.toDF().select(col("a").divide(col("b")).alias("q")).writeStream.format("memory").queryName("any_2").trigger({ once: true }).start();
    await expect(spark.streams.awaitAnyTermination()).rejects.toMatchObject({ code: "DIVIDE_BY_ZERO" });
    spark.streams.resetTerminated();
  });
});
