/**
 * What Sluice writes, real Spark reads with the same rows: streaming file sink folders (JSON,
 * Parquet, CSV — Spark trusts only their `_spark_metadata` manifest), batch writes, and Delta
 * tables written by a stateless and a windowed stream (read with Delta-Spark). One PySpark
 * process (scripts/oracle/spark_read.py) reads them all. Needs the oracle venv with PySpark and
 * delta-spark, which `npm test` installs (scripts/oracle/setup.sh); fails when it is missing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import type { DataFrame } from "../../src/dataframe/dataframe.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PY = join(ROOT, ".oracle/venv/bin/python");
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const SCHEMA = "id INT, name STRING, v DOUBLE, ts TIMESTAMP";

type SparkAnswer = { rows: Record<string, unknown>[]; schema: string } | { error: string };

/** Sluice's rows in spark_read.py's form: timestamps as ISO text without the zone, sorted by JSON. */
function plain(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const conv = (v: unknown): unknown => (v instanceof Date ? v.toISOString().replace(/\.000Z$|Z$/, "") : typeof v === "bigint" ? Number(v) : v);
  const sortKeys = (r: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.keys(r).sort().map((k) => [k, conv(r[k])]));
  return rows.map(sortKeys).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function writeInput(dir: string, file: number): void {
  mkdirSync(dir, { recursive: true });
  const lines = Array.from({ length: 50 }, (_, i) => {
    const id = file * 50 + i;
    return JSON.stringify({ id, name: i % 9 === 0 ? null : `n${id % 7}`, v: id / 4, ts: new Date(Date.UTC(2024, 0, 1) + id * 1000).toISOString() });
  });
  writeFileSync(join(dir, `f${file}.json`), lines.join("\n") + "\n");
}

/** Two micro-batches of `df(input)` into `format` at `out`; returns Sluice's own read of the result. */
async function stream(root: string, format: string, build: (input: DataFrame) => DataFrame, mode = "append"): Promise<string> {
  const inDir = join(root, "in");
  writeInput(inDir, 0);
  const out = join(root, "out");
  let w = build(spark.readStream.schema(SCHEMA).json(inDir)).writeStream.format(format).outputMode(mode).option("checkpointLocation", join(root, "chk"));
  if (format === "csv") w = w.option("header", "true");
  const q = await w.start(out);
  await q.processAllAvailable();
  writeInput(inDir, 1);
  await q.processAllAvailable();
  await q.stop();
  return out;
}

describe("Spark reads what Sluice writes", () => {
  const jobs: { name: string; format: string; path: string; sluice: () => Promise<Record<string, unknown>[]> }[] = [];
  let answers: Record<string, SparkAnswer> = {};

  beforeAll(async () => {
    if (!existsSync(PY)) throw new Error(`${PY} is missing: run bash scripts/oracle/setup.sh (PySpark and delta-spark)`);
    const root = mkdtempSync(join(tmpdir(), "sluice-spark-reads-"));
    const sub = (name: string): string => join(root, name);
    const clean = (df: DataFrame): DataFrame => df.filter(col("id").mod(5).neq(0)).withColumn("w", col("v").multiply(2));
    for (const format of ["json", "parquet", "csv"]) {
      const path = await stream(sub(`sink-${format}`), format, clean);
      const read = (): Promise<Record<string, unknown>[]> =>
        format === "parquet" ? spark.read.parquet(path).collect() : format === "json" ? spark.read.json(path).collect() : spark.read.option("header", "true").option("inferSchema", "true").csv(path).collect();
      jobs.push({ name: `streaming ${format} file sink`, format, path, sluice: read });
    }
    const batchOut = sub("batch-parquet");
    await spark.read.schema(SCHEMA).json(join(sub("sink-json"), "in")).write.partitionBy("name").parquet(batchOut);
    jobs.push({ name: "partitioned batch Parquet write", format: "parquet", path: batchOut, sluice: () => spark.read.parquet(batchOut).collect() });
    const deltaOut = await stream(sub("delta-stateless"), "delta", clean);
    jobs.push({ name: "Delta table from a stateless stream", format: "delta", path: deltaOut, sluice: () => spark.read.format("delta").load(deltaOut).collect() });
    const windowed = await stream(sub("delta-windowed"), "delta", (input) =>
      input
        .withWatermark("ts", "5 seconds")
        .groupBy(F.window(col("ts"), "10 seconds"))
        .agg(F.count("*").alias("n"), F.sum("v").alias("total"))
        .select(col("window.start").alias("start"), col("n"), col("total")),
    );
    jobs.push({ name: "Delta table from a windowed aggregation", format: "delta", path: windowed, sluice: () => spark.read.format("delta").load(windowed).collect() });
    const out = execFileSync(PY, [join(ROOT, "scripts/oracle/spark_read.py"), ...jobs.map((j) => `${j.format}=${j.path}`)], { encoding: "utf8", maxBuffer: 64 << 20 });
    answers = JSON.parse(out.trim().split("\n").pop()!) as Record<string, SparkAnswer>;
  }, 300_000);

  it.each(["streaming json file sink", "streaming parquet file sink", "streaming csv file sink", "partitioned batch Parquet write", "Delta table from a stateless stream", "Delta table from a windowed aggregation"])(
    "%s",
    async (name) => {
      const job = jobs.find((j) => j.name === name)!;
      const answer = answers[job.path]!;
      expect("error" in answer ? answer.error : "").toBe("");
      const rows = (answer as { rows: Record<string, unknown>[] }).rows;
      const ours = plain(await job.sluice());
      expect(ours.length).toBeGreaterThan(0);
      expect(rows).toEqual(ours);
    },
  );
});
