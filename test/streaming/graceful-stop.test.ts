/**
 * Graceful stop (issue 10): `stop()` at random moments — before the first batch, mid-batch,
 * while the sink writes, between batches — for a stateless, a windowed and a dedup pipeline into
 * a Parquet file sink, a Delta table and foreachBatch; each trial restarts (and may be stopped
 * again) until the input is done, and the sink must then hold exactly what an unbroken run wrote.
 * An interrupted batch is never handed to a sink as complete, and never committed.
 * SLUICE_STOP_TRIALS sets the trials per pipeline × sink (default 2).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import type { DataFrame } from "../../src/dataframe/dataframe.js";
import type { StreamingQueryHandle as StreamingQuery } from "../../src/dataframe/executor.js";
import { compareRows } from "../../src/testing/stream-test.js";
import { type SinkKind as AnySink, sinkRows, writeBatchFile } from "../support/sink-rows.js";

const TRIALS = Number(process.env.SLUICE_STOP_TRIALS ?? 2);
const FILES = 16;
const ROWS_PER_FILE = 3000;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

function writeInput(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < FILES; f++) {
    const lines: string[] = [];
    for (let i = 0; i < ROWS_PER_FILE; i++) {
      const id = f * ROWS_PER_FILE + i;
      // every 7th id repeats an earlier one (for the dedup pipeline); time moves 10 ms per row
      const key = id % 7 === 0 && id > 0 ? id - 7 : id;
      lines.push(JSON.stringify({ id, key, v: id % 100, ts: new Date(Date.UTC(2024, 0, 1) + id * 10).toISOString() }));
    }
    writeFileSync(join(dir, `f${String(f).padStart(3, "0")}.json`), lines.join("\n") + "\n");
  }
}

type Pipeline = "stateless" | "windowed" | "dedup";
type SinkKind = Exclude<AnySink, "json">;

function query(pipeline: Pipeline, inDir: string): DataFrame {
  const input = spark.readStream.schema("id INT, key INT, v INT, ts TIMESTAMP").option("maxFilesPerTrigger", 3).json(inDir);
  if (pipeline === "stateless") return input.filter(col("v").lt(90)).withColumn("w", col("v").multiply(2));
  if (pipeline === "windowed") {
    return input
      .withWatermark("ts", "1 second")
      .groupBy(F.window(col("ts"), "5 seconds"))
      .agg(F.count("*").alias("n"), F.sum("v").alias("total"))
      .select(col("window.start").alias("start"), col("n"), col("total"));
  }
  return input.withWatermark("ts", "1 second").dropDuplicatesWithinWatermark(["key"]).select("key", "v");
}

function start(pipeline: Pipeline, sink: SinkKind, root: string, availableNow: boolean): Promise<StreamingQuery> {
  let w = query(pipeline, join(root, "in")).writeStream.outputMode("append").option("checkpointLocation", join(root, "chk"));
  if (availableNow) w = w.trigger({ availableNow: true });
  if (sink === "foreachBatch") {
    return w.foreachBatch(async (df, batchId) => writeBatchFile(join(root, "out"), batchId, await df.collect())).start();
  }
  return w.format(sink).start(join(root, "out"));
}

async function run(pipeline: Pipeline, sink: SinkKind, seed: number): Promise<void> {
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const ref = mkdtempSync(join(tmpdir(), "sluice-stop-ref-"));
  writeInput(join(ref, "in"));
  const unbroken = await start(pipeline, sink, ref, true);
  await unbroken.awaitTermination();
  const expected = await sinkRows(spark, sink, join(ref, "out"));
  expect(expected.length).toBeGreaterThan(0);
  for (let t = 0; t < TRIALS; t++) {
    const root = mkdtempSync(join(tmpdir(), "sluice-stop-"));
    writeInput(join(root, "in"));
    // Up to three stops at random moments (0–600 ms after start), then a run to the end.
    for (let stops = 0; stops < 3; stops++) {
      const q = await start(pipeline, sink, root, false);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 600)));
      await q.stop();
      expect(q.isActive).toBe(false);
      expect(q.exception, `${pipeline} → ${sink}: stop() must end the query without an error`).toBeNull();
    }
    const last = await start(pipeline, sink, root, true);
    await last.awaitTermination();
    const actual = await sinkRows(spark, sink, join(root, "out"));
    expect(compareRows(actual, expected), `${pipeline} → ${sink}, trial ${t}`).toBeNull();
  }
}

describe("graceful stop at random moments leaves a checkpoint that restarts to an unbroken run's output", () => {
  const pipelines: Pipeline[] = ["stateless", "windowed", "dedup"];
  const sinks: SinkKind[] = ["parquet", "delta", "foreachBatch"];
  let seed = 99;
  for (const p of pipelines) {
    for (const s of sinks) {
      const mySeed = seed++;
      it(`${p} → ${s}`, { timeout: 120_000 }, () => run(p, s, mySeed));
    }
  }
});
