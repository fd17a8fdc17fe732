/**
 * Scenarios of Spark's TriggerAvailableNowSuite (sql/core/.../streaming/TriggerAvailableNowSuite.scala),
 * in our own code: Trigger.AvailableNow processes what was available when the query started —
 * in as many batches as the read limit needs for a source that supports it (files with
 * maxFilesPerTrigger), in one batch for a source that does not (memory) — then stops by itself;
 * input arriving during the run waits for the next run.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DataFrame, Session } from "../../src/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = (): string => mkdtempSync(join(tmpdir(), "sluice-available-now-"));

/** Runs df with AvailableNow into foreachBatch; `during` runs inside the first batch. */
async function runAvailableNow(df: DataFrame, chk: string, during?: () => void): Promise<{ batches: number[][]; inputRows: number[] }> {
  const batches: number[][] = [];
  const q = await df.writeStream
    .foreachBatch(async (b) => {
      batches.push((await b.collect()).map((r) => Number(r.value)).sort((x, y) => x - y));
      if (batches.length === 1) during?.();
    })
    .option("checkpointLocation", chk)
    .trigger({ availableNow: true })
    .start();
  await q.awaitTermination();
  expect(q.isActive).toBe(false);
  return { batches, inputRows: q.recentProgress.filter((p) => p.numInputRows > 0).map((p) => p.numInputRows) };
}

describe("TriggerAvailableNowSuite", () => {
  it("file source: honours maxFilesPerTrigger, ignores files added during the run, a restart reads them", async () => {
    const dir = tmp();
    const inDir = join(dir, "in");
    mkdirSync(inDir);
    const file = (name: string, ...values: number[]) => writeFileSync(join(inDir, name), values.map((value) => JSON.stringify({ value })).join("\n") + "\n");
    file("a.json", 1, 2);
    file("b.json", 3);
    file("c.json", 4, 5);
    const df = () => spark.readStream.schema("value INT").option("maxFilesPerTrigger", 1).json(inDir);
    const chk = join(dir, "chk");
    const first = await runAvailableNow(df(), chk, () => file("d.json", 6));
    expect(first.batches).toEqual([[1, 2], [3], [4, 5]]);
    const second = await runAvailableNow(df(), chk);
    expect(second.batches).toEqual([[6]]);
    // Nothing new: the run ends without a batch.
    expect((await runAvailableNow(df(), chk)).batches).toEqual([]);
  });

  it("file source without a read limit: everything available in one batch", async () => {
    const dir = tmp();
    const inDir = join(dir, "in");
    mkdirSync(inDir);
    for (const [n, v] of [["a", 1], ["b", 2], ["c", 3]] as const) writeFileSync(join(inDir, `${n}.json`), `{"value":${v}}\n`);
    expect((await runAvailableNow(spark.readStream.schema("value INT").json(inDir), join(dir, "chk"))).batches).toEqual([[1, 2, 3]]);
  });

  it("a source without its own available-now support (memory) reads only what it had at start", async () => {
    const input = spark.memoryStream("value INT");
    input.addData([{ value: 1 }, { value: 2 }]);
    const chk = tmp();
    const first = await runAvailableNow(input.toDF(), chk, () => void input.addData([{ value: 3 }]));
    expect(first.batches).toEqual([[1, 2]]);
    expect(first.inputRows).toEqual([2]);
    const second = await runAvailableNow(input.toDF(), chk);
    expect(second.batches).toEqual([[3]]);
  });

  it("two sources, one with a read limit and one without: both stop at what they had at start", async () => {
    const dir = tmp();
    const inDir = join(dir, "in");
    mkdirSync(inDir);
    writeFileSync(join(inDir, "a.json"), `{"value":10}\n`);
    writeFileSync(join(inDir, "b.json"), `{"value":20}\n`);
    const input = spark.memoryStream("value INT");
    input.addData([{ value: 1 }]);
    const df = spark.readStream.schema("value INT").option("maxFilesPerTrigger", 1).json(inDir).union(input.toDF());
    const run = await runAvailableNow(df, join(dir, "chk"), () => {
      input.addData([{ value: 2 }]);
      writeFileSync(join(inDir, "c.json"), `{"value":30}\n`);
    });
    expect(run.batches.flat().sort((x, y) => x - y)).toEqual([1, 10, 20]);
    expect(run.batches).toHaveLength(2);
  });
});
