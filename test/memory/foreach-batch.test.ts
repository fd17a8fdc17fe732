/**
 * foreachBatch's DataFrame streams its micro-batch (connectors/foreach/micro-batch-relation.ts):
 * the first action reads the live output, later actions run a stateless batch again (as Spark
 * recomputes the DataFrame) or read the kept copy of a stateful one; progress counts each input
 * row once; a function that reads part of the batch still completes it; the DataFrame is closed
 * once the function returned.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exactJson } from "../../src/columnar/values.js";
import { Session, col } from "../../src/index.js";
import type { DataFrame } from "../../src/dataframe/dataframe.js";
import type { StreamingQueryHandle as StreamingQuery } from "../../src/dataframe/executor.js";
import type { StreamingQueryProgress } from "../../src/streaming/progress/progress.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const chk = () => mkdtempSync(join(tmpdir(), "sluice-fb-"));
const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => exactJson(r)).sort();
/** The reports of batches that ran (an idle trigger's report, as Spark's, has no addBatch phase). */
const progress = (q: { recentProgress: readonly unknown[] }) => (q.recentProgress as readonly StreamingQueryProgress[]).filter((p) => p.durationMs.addBatch !== undefined);

/** Start `w`, run one batch per block of rows, stop. */
async function runBatches(w: { start(): Promise<StreamingQuery> }, input: { addData(rows: Record<string, unknown>[]): unknown }, ...blocks: Record<string, unknown>[][]): Promise<StreamingQuery> {
  const q = await w.start();
  for (const rows of blocks) {
    input.addData(rows);
    await q.processAllAvailable();
  }
  await q.stop();
  return q;
}

describe("foreachBatch's DataFrame", () => {
  it("a stateless batch can be read by several actions; input rows count once", async () => {
    const input = spark.memoryStream("v INT");
    const seen: { count: number; rows: string[]; again: number }[] = [];
    const q = await input
      .toDF()
      .filter(col("v").gt(1))
      .writeStream.foreachBatch(async (df) => {
        const count = await df.count();
        const rows = sorted(await df.collect());
        seen.push({ count, rows, again: (await df.collect()).length });
      })
      .option("checkpointLocation", chk())
      .start();
    input.addData([{ v: 1 }, { v: 2 }, { v: 3 }]);
    await q.processAllAvailable();
    await q.stop();
    expect(seen).toEqual([{ count: 2, rows: ['{"v":2}', '{"v":3}'], again: 2 }]);
    expect(progress(q).map((p) => [p.numInputRows, p.sink.numOutputRows])).toEqual([[3, 2]]);
  });

  it("a stateful batch read twice gives the same rows, and its state advances once per batch", async () => {
    const input = spark.memoryStream("k STRING");
    const seen: string[][] = [];
    const w = input
      .toDF()
      .groupBy("k")
      .count()
      .writeStream.outputMode("complete")
      .foreachBatch(async (df) => {
        const a = sorted(await df.collect());
        expect(sorted(await df.collect())).toEqual(a);
        seen.push(a);
      })
      .option("checkpointLocation", chk());
    await runBatches(w, input, [{ k: "a" }, { k: "a" }, { k: "b" }], [{ k: "a" }]);
    expect(seen).toEqual([
      ['{"k":"a","count":2}', '{"k":"b","count":1}'],
      ['{"k":"a","count":3}', '{"k":"b","count":1}'],
    ]);
  });

  it("a function that reads only part of a batch (or none of it) still completes the batch", async () => {
    const input = spark.memoryStream("k STRING");
    const firsts: number[] = [];
    const w = input
      .toDF()
      .groupBy("k")
      .count()
      .writeStream.outputMode("update")
      .foreachBatch(async (df, batchId) => {
        if (batchId === 0) firsts.push((await df.limit(1).collect()).length);
      })
      .option("checkpointLocation", chk());
    const q = await runBatches(w, input, [{ k: "a" }, { k: "b" }, { k: "c" }], [{ k: "a" }]);
    expect(firsts).toEqual([1]);
    const p = progress(q);
    expect(p.map((x) => x.sink.numOutputRows)).toEqual([3, 1]);
    expect(p[1]!.stateOperators[0]!.numRowsTotal).toBe(3);
  });

  it("a DataFrame kept past its function fails to read, naming the problem", async () => {
    const input = spark.memoryStream("v INT");
    let kept: DataFrame | undefined;
    const q = await input
      .toDF()
      .writeStream.foreachBatch((df) => void (kept = df))
      .option("checkpointLocation", chk())
      .start();
    input.addData([{ v: 1 }]);
    await q.processAllAvailable();
    await q.stop();
    await expect(kept!.collect()).rejects.toMatchObject({ code: "MICRO_BATCH_CLOSED" });
  });
});
