/**
 * A query that ends with an exception (issue 10) — in an operator (an ANSI cast error from a bad
 * input file) or in the sink (foreachBatch throwing) — fails without committing the batch it was
 * running: once the cause is fixed, a restart gives exactly the sink content of an unbroken run,
 * for a stateless and a windowed pipeline into Parquet, Delta and foreachBatch.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import type { DataFrame } from "../../src/dataframe/dataframe.js";
import { compareRows } from "../../src/testing/stream-test.js";
import { type SinkKind as AnySink, sinkRows as readSink, writeBatchFile } from "../support/sink-rows.js";

const FILES = 8;
const ROWS = 500;
const BAD_FILE = 5;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

function fileLines(f: number, bad: boolean): string {
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const id = f * ROWS + i;
    const s = bad && i === 250 ? "oops" : String(id % 50);
    lines.push(JSON.stringify({ id, s, ts: new Date(Date.UTC(2024, 0, 1) + id * 20).toISOString() }));
  }
  return lines.join("\n") + "\n";
}

function writeInput(dir: string, withBadFile: boolean): void {
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < FILES; f++) writeFileSync(join(dir, `f${f}.json`), fileLines(f, withBadFile && f === BAD_FILE));
}

type Pipeline = "stateless" | "windowed";
type SinkKind = Exclude<AnySink, "json">;

function query(pipeline: Pipeline, inDir: string): DataFrame {
  const input = spark.readStream.schema("id INT, s STRING, ts TIMESTAMP").option("maxFilesPerTrigger", 2).json(inDir).withColumn("n", col("s").cast("int"));
  if (pipeline === "stateless") return input.select("id", "n");
  return input
    .withWatermark("ts", "1 second")
    .groupBy(F.window(col("ts"), "2 seconds"))
    .agg(F.count("*").alias("c"), F.sum("n").alias("total"))
    .select(col("window.start").alias("start"), col("c"), col("total"));
}

/** Runs to the end of the input (availableNow); `failBatch` makes foreachBatch throw once on that batch. */
async function runOnce(pipeline: Pipeline, sink: SinkKind, root: string, failBatch?: number): Promise<unknown> {
  const w = query(pipeline, join(root, "in")).writeStream.outputMode("append").option("checkpointLocation", join(root, "chk")).trigger({ availableNow: true });
  let q;
  if (sink === "foreachBatch") {
    q = await w
      .foreachBatch(async (df, batchId) => {
        const rows = await df.collect();
        if (batchId === failBatch) throw new Error(`sink failure in batch ${batchId}`);
        writeBatchFile(join(root, "out"), batchId, rows);
      })
      .start();
  } else {
    q = await w.format(sink).start(join(root, "out"));
  }
  return q.awaitTermination().then(
    () => null,
    (e: unknown) => e,
  );
}

const sinkRows = (sink: SinkKind, root: string) => readSink(spark, sink, join(root, "out"));

async function unbroken(pipeline: Pipeline, sink: SinkKind): Promise<Record<string, unknown>[]> {
  const ref = mkdtempSync(join(tmpdir(), "sluice-fail-ref-"));
  writeInput(join(ref, "in"), false);
  expect(await runOnce(pipeline, sink, ref)).toBeNull();
  const rows = await sinkRows(sink, ref);
  expect(rows.length).toBeGreaterThan(0);
  return rows;
}

describe("a query that fails restarts, once the cause is fixed, to an unbroken run's output", () => {
  for (const pipeline of ["stateless", "windowed"] as const) {
    for (const sink of ["parquet", "delta", "foreachBatch"] as const) {
      it(`an operator error (ANSI cast of a bad row): ${pipeline} → ${sink}`, { timeout: 60_000 }, async () => {
        const expected = await unbroken(pipeline, sink);
        const root = mkdtempSync(join(tmpdir(), "sluice-fail-"));
        writeInput(join(root, "in"), true);
        const err = await runOnce(pipeline, sink, root);
        expect(err).toMatchObject({ message: expect.stringContaining("oops") });
        // Fix the bad file in place (same name, same offsets) and restart.
        writeFileSync(join(root, "in", `f${BAD_FILE}.json`), fileLines(BAD_FILE, false));
        expect(await runOnce(pipeline, sink, root)).toBeNull();
        expect(compareRows(await sinkRows(sink, root), expected)).toBeNull();
      });
    }
    it(`a sink error (foreachBatch throws in batch 2): ${pipeline}`, { timeout: 60_000 }, async () => {
      const expected = await unbroken(pipeline, "foreachBatch");
      const root = mkdtempSync(join(tmpdir(), "sluice-fail-"));
      writeInput(join(root, "in"), false);
      const err = await runOnce(pipeline, "foreachBatch", root, 2);
      expect(err).toMatchObject({ message: expect.stringContaining("sink failure in batch 2") });
      expect(readdirSync(join(root, "chk", "commits"))).not.toContain("2");
      expect(await runOnce(pipeline, "foreachBatch", root)).toBeNull();
      expect(compareRows(await sinkRows("foreachBatch", root), expected)).toBeNull();
    });
  }
});
