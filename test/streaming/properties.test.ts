/**
 * Property tests for the streaming invariants of DESIGN.md §4, on random inputs:
 *  - the same rows split into different micro-batches give the same sink content;
 *  - a streaming query over bounded input equals the batch query over the same rows;
 *  - stopping and restarting between any two batches changes nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DataFrame, Session, col, functions as F } from "../../src/index.js";
import { compareRows } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const SCHEMA = "id INT, name STRING, amount DOUBLE, tags ARRAY<STRING>";

const row = fc.record({
  id: fc.integer({ min: -5, max: 50 }),
  name: fc.option(fc.constantFrom("ann", "bob", "cy", "dee", ""), { nil: null }),
  amount: fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { nil: null }),
  tags: fc.option(fc.array(fc.constantFrom("x", "y", "z"), { maxLength: 3 }), { nil: null }),
});

/** The query under test, applied to a batch or a streaming DataFrame alike. */
const query = (df: DataFrame): DataFrame =>
  df
    .filter(col("id").geq(0))
    .withColumn("name", F.upper(F.coalesce(col("name"), F.lit("?"))))
    .withColumn("doubled", col("amount").multiply(2))
    .select("id", "name", "doubled", F.explode_outer(col("tags")).alias("tag"));

async function runSplit(chunks: Record<string, unknown>[][], restartAt: ReadonlySet<number>): Promise<Record<string, unknown>[]> {
  const input = spark.memoryStream(SCHEMA);
  const out: Record<string, unknown>[] = [];
  const start = () =>
    query(input.toDF())
      .writeStream.foreachBatch(async (b) => void out.push(...(await b.collect())))
      .option("checkpointLocation", chk)
      .start();
  const chk = (await import("node:fs")).mkdtempSync((await import("node:path")).join((await import("node:os")).tmpdir(), "sluice-prop-"));
  let q = await start();
  for (let i = 0; i < chunks.length; i++) {
    input.addData(chunks[i]!);
    await q.processAllAvailable();
    if (restartAt.has(i)) {
      await q.stop();
      q = await start();
    }
  }
  await q.stop();
  return out;
}

describe("streaming invariants (property tests)", () => {
  it("split-invariance, restart-invariance and streaming = batch", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 40 }),
        fc.array(fc.nat({ max: 40 }), { maxLength: 5 }),
        fc.array(fc.nat({ max: 6 }), { maxLength: 3 }),
        async (rows, cuts, restarts) => {
          const points = [...new Set(cuts.map((c) => Math.min(c, rows.length)))].sort((a, b) => a - b);
          const chunks: Record<string, unknown>[][] = [];
          let prev = 0;
          for (const p of [...points, rows.length]) {
            chunks.push(rows.slice(prev, p));
            prev = p;
          }
          const streamed = await runSplit(chunks, new Set(restarts));
          const batch = await query(spark.createDataFrame(rows, SCHEMA)).collect();
          const diff = compareRows(streamed, batch);
          expect(diff).toBeNull();
        },
      ),
      { numRuns: 25 },
    );
  });
});
