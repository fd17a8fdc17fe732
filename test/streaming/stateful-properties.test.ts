/**
 * Property tests for stateful streaming (issue 5) on random event streams:
 *  - complete mode equals the batch aggregation over the same rows, however the rows are split
 *    into micro-batches and wherever the query restarts;
 *  - append mode with a watermark, once the watermark has passed all data (a sentinel event far in
 *    the future), emits exactly the batch aggregation's windows — for one aggregation and for an
 *    aggregation over an aggregation (chained stateful operators).
 */
import fc from "fast-check";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DataFrame, Session, col, functions as F } from "../../src/index.js";
import { compareRows } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const SCHEMA = "k STRING, v INT, ts TIMESTAMP";
const BASE = Date.UTC(2024, 0, 1);

const event = fc.record({
  k: fc.constantFrom("a", "b", "c"),
  v: fc.option(fc.integer({ min: -100, max: 100 }), { nil: null }),
  ts: fc.integer({ min: 0, max: 600 }).map((s) => new Date(BASE + s * 1000)),
});

function split<T>(rows: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => Math.min(c, rows.length)))].sort((a, b) => a - b);
  const out: T[][] = [];
  let prev = 0;
  for (const p of [...points, rows.length]) {
    out.push(rows.slice(prev, p));
    prev = p;
  }
  return out;
}

async function run(query: (df: DataFrame) => DataFrame, mode: "complete" | "append", chunks: Record<string, unknown>[][], restarts: Set<number>): Promise<Record<string, unknown>[][]> {
  const input = spark.memoryStream(SCHEMA);
  const chk = mkdtempSync(join(tmpdir(), "sluice-sprop-"));
  const batches: Record<string, unknown>[][] = [];
  const start = () =>
    query(input.toDF())
      .writeStream.outputMode(mode)
      .foreachBatch(async (b) => void batches.push(await b.collect()))
      .option("checkpointLocation", chk)
      .start();
  let q = await start();
  for (let i = 0; i < chunks.length; i++) {
    input.addData(chunks[i]!);
    await q.processAllAvailable();
    if (restarts.has(i)) {
      await q.stop();
      q = await start();
    }
  }
  await q.stop();
  return batches;
}

const aggs = () => [F.count("*").alias("n"), F.sum("v").alias("s"), F.max("v").alias("m")];

describe("stateful streaming invariants (property tests)", () => {
  it("complete mode = batch aggregation, for any split and restarts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 30 }), fc.array(fc.nat({ max: 30 }), { maxLength: 4 }), fc.array(fc.nat({ max: 5 }), { maxLength: 2 }), async (rows, cuts, restarts) => {
        const q = (df: DataFrame) => df.groupBy("k").agg(...aggs());
        const batches = await run(q, "complete", split(rows, cuts), new Set(restarts));
        const expected = await q(spark.createDataFrame(rows, SCHEMA)).collect();
        expect(compareRows(batches.at(-1) ?? [], expected)).toBeNull();
      }),
      { numRuns: 15 },
    );
  });

  it("append mode with a watermark = batch aggregation once the watermark passes all data", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 30 }), fc.array(fc.nat({ max: 30 }), { maxLength: 4 }), fc.array(fc.nat({ max: 5 }), { maxLength: 2 }), async (rows, cuts, restarts) => {
        // sorted by event time so nothing is late: the answer then cannot depend on the split
        const sorted = [...rows].sort((a, b) => a.ts.getTime() - b.ts.getTime());
        const q = (df: DataFrame) => df.withWatermark("ts", "30 seconds").groupBy(F.window(col("ts"), "1 minute"), col("k")).agg(...aggs());
        const sentinel = { k: "z", v: 0, ts: new Date(BASE + 86_400_000) };
        const chunks = [...split(sorted, cuts), [sentinel]];
        const emitted = (await run(q, "append", chunks, new Set(restarts))).flat();
        const expected = await q(spark.createDataFrame(sorted, SCHEMA)).collect();
        expect(compareRows(emitted, expected)).toBeNull();
      }),
      { numRuns: 15 },
    );
  });

  it("chained append-mode aggregations = the batch query once the watermark passes all data", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 30 }), fc.array(fc.nat({ max: 30 }), { maxLength: 4 }), fc.array(fc.nat({ max: 5 }), { maxLength: 2 }), async (rows, cuts, restarts) => {
        const sorted = [...rows].sort((a, b) => a.ts.getTime() - b.ts.getTime());
        const q = (df: DataFrame) =>
          df
            .withWatermark("ts", "20 seconds")
            .groupBy(F.window(col("ts"), "10 seconds"), col("k"))
            .agg(F.count("*").alias("n"), F.sum("v").alias("s"))
            .groupBy(F.window(col("window"), "1 minute"))
            .agg(F.sum("n").alias("n"), F.sum("s").alias("s"), F.count("*").alias("groups"));
        const sentinel = { k: "z", v: 0, ts: new Date(BASE + 86_400_000) };
        const chunks = [...split(sorted, cuts), [sentinel]];
        const emitted = (await run(q, "append", chunks, new Set(restarts))).flat();
        const expected = await q(spark.createDataFrame(sorted, SCHEMA)).collect();
        expect(compareRows(emitted, expected)).toBeNull();
      }),
      { numRuns: 15 },
    );
  });
});
