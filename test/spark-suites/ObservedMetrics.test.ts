/**
 * `df.observe(name, ...metrics)` in streaming progress (StreamingQueryStatusAndProgressSuite's
 * observedMetrics, Dataset.observe's CheckAnalysis rules), against PySpark 4.0.1's answers
 * recorded by scripts/oracle/gen_spark_suite_observe.py in golden/observe.json: the same JSON
 * files, the same metrics, the same per-batch rows and the JVM's JSON text of them.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type DataFrame, Observation, Session, Window, functions as F } from "../../src/index.js";
import type { StreamingQueryProgress } from "../../src/streaming/progress/progress.js";

const here = dirname(fileURLToPath(import.meta.url));
type Golden = { batchId: number; numInputRows: number; raw: string | null; rows: Record<string, Record<string, unknown>> };
const golden = JSON.parse(readFileSync(join(here, "golden", "observe.json"), "utf8")) as Record<string, any>;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const SCHEMA = "k STRING, v INT, ts TIMESTAMP";
const FILES = [
  [{ k: "a", v: 1, ts: "2024-01-01T00:00:10Z" }, { k: "b", v: 4, ts: "2024-01-01T00:00:20Z" }, { k: "a", v: null, ts: "2024-01-01T00:00:12Z" }],
  [{ k: "b", v: 2, ts: "2024-01-01T00:00:40Z" }, { k: "c", v: 7, ts: "2024-01-01T00:00:45Z" }],
];

/** The observedMetrics part of the compact progress JSON, as the oracle cut it from the JVM's. */
const rawObserved = (p: StreamingQueryProgress): string | null => {
  const at = p.json.indexOf('"observedMetrics":');
  return at < 0 ? null : p.json.slice(at + '"observedMetrics":'.length, -1);
};
/** A row as PySpark's asDict printed through json.dumps(default=str). */
const asPython = (row: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v instanceof Date ? v.toISOString().replace("T", " ").replace(".000Z", "") : v]));

/** Runs `build` over a JSON file stream fed FILES one batch each; the progress of every batch that ran. */
async function run(build: (df: DataFrame) => DataFrame, outputMode: "append" | "update" = "append"): Promise<StreamingQueryProgress[]> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-observe-"));
  mkdirSync(join(dir, "in"));
  const df = spark.readStream.schema(SCHEMA).json(join(dir, "in"));
  const name = `observe_${Math.random().toString(36).slice(2)}`;
  const q = await build(df).writeStream.format("memory").queryName(name).outputMode(outputMode).option("checkpointLocation", join(dir, "chk")).start();
  try {
    for (const [i, rows] of FILES.entries()) {
      writeFileSync(join(dir, "in", `f${i}.json`), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
      await q.processAllAvailable();
    }
    return q.recentProgress.filter((p) => p.durationMs.addBatch !== undefined);
  } finally {
    await q.stop();
  }
}

const ran = (g: Golden[]): Golden[] => g.filter((p) => p.raw !== null);

describe("observe() in streaming progress (PySpark 4.0.1 goldens)", () => {
  it("two names, before and after a filter: each batch's rows and Spark's JSON of them (doubles as 3.0, timestamps in the session zone)", async () => {
    const progress = await run((df) =>
      df
        .observe("all_rows", F.count(F.lit(1)).alias("rows"), F.max("v").alias("max_v"), F.avg("v").alias("avg_v"), F.sum("v").alias("sum_v"), F.avg(F.lit(3)).alias("avg_three"))
        .where(F.col("k").neq("c"))
        .observe("kept", F.count("v").alias("non_null_v"), F.sum("v").multiply(2).alias("twice"), F.min("ts").alias("first_ts")),
    );
    const theirs = ran(golden["two-names"] as Golden[]);
    expect(progress.map((p) => [p.batchId, p.numInputRows, rawObserved(p)])).toEqual(theirs.map((p) => [p.batchId, p.numInputRows, p.raw]));
    expect(progress.map((p) => Object.fromEntries(Object.entries(p.observedMetrics).map(([k, r]) => [k, asPython(r)])))).toEqual(theirs.map((p) => p.rows));
    // The listener sees the same rows: onQueryProgress carries the progress.
    expect(progress[1]!.observedMetrics.kept).toEqual({ non_null_v: 1n, twice: 4n, first_ts: new Date("2024-01-01T00:00:40Z") });
  });

  it("a no-data batch (the watermark moved) reports its metrics over no rows: count 0, max null", async () => {
    const progress = await run((df) =>
      df
        .withWatermark("ts", "5 seconds")
        .observe("seen", F.count(F.lit(1)).alias("rows"), F.max("ts").alias("max_ts"))
        .groupBy(F.window("ts", "10 seconds"))
        .count(),
    );
    const theirs = ran(golden["no-data-batch"] as Golden[]);
    expect(progress.map((p) => [p.batchId, p.numInputRows, rawObserved(p)])).toEqual(theirs.map((p) => [p.batchId, p.numInputRows, p.raw]));
  });

  it("SPARK-45655: a metric over current_timestamp() is the batch's timestamp (the progress timestamp)", async () => {
    const progress = await run((df) => df.observe("t", F.max(F.current_timestamp()).alias("now"), F.count(F.lit(1)).alias("rows")));
    expect(progress.length).toBe(2);
    for (const p of progress) expect(p.observedMetrics.t).toEqual({ now: new Date(p.timestamp), rows: BigInt(p.numInputRows) });
  });

  it("an idle trigger's progress has no observedMetrics", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-observe-idle-"));
    mkdirSync(join(dir, "in"));
    const df = spark.readStream.schema(SCHEMA).json(join(dir, "in")).observe("m", F.count(F.lit(1)).alias("rows"));
    const q = await df.writeStream.format("memory").queryName("observe_idle").option("checkpointLocation", join(dir, "chk")).start();
    try {
      await q.processAllAvailable();
      expect(q.recentProgress.length).toBeGreaterThan(0);
      for (const p of q.recentProgress) {
        expect(p.observedMetrics).toEqual({});
        expect(p.json).not.toContain("observedMetrics");
      }
    } finally {
      await q.stop();
    }
  });
});

describe("observe() refusals, as Spark's CheckAnalysis (PySpark 4.0.1 error classes)", () => {
  const b = spark.createDataFrame([{ k: "a", v: 1 }], "k STRING, v INT");
  const code = (f: () => unknown): string | null => {
    try {
      f();
      return null;
    } catch (e) {
      return (e as { code?: string }).code ?? String(e);
    }
  };
  const refusals = golden.refusals as Record<string, { errorClass: string | null }>;
  const cases: Record<string, () => unknown> = {
    "plain-column": () => b.observe("m", F.col("v")),
    "column-beside-aggregate": () => b.observe("m", F.col("v").plus(F.sum("v"))),
    "nested-aggregate": () => b.observe("m", F.sum(F.sum("v"))),
    "non-deterministic": () => b.observe("m", F.sum(F.rand())),
    distinct: () => b.observe("m", F.count_distinct("v")),
    "literal-only": () => b.observe("m", F.lit(1).alias("one")),
    "no-expression": () => b.observe("m"),
    "same-name-twice": () => b.observe("m", F.sum("v")).observe("m", F.count("v")),
    "same-name-same-exprs": () => b.observe("m", F.sum("v")).observe("m", F.sum("v")),
  };
  for (const [name, f] of Object.entries(cases)) {
    it(`${name}: ${refusals[name]!.errorClass ?? "accepted"}`, () => {
      expect(code(f)).toBe(refusals[name]!.errorClass);
    });
  }

  it("names the offending expression and the rule", () => {
    expect(() => b.observe("m", F.col("v"))).toThrow(/Attribute "v" can only be used as an argument to an aggregate function/);
    expect(() => b.observe("", F.sum("v"))).toThrow(expect.objectContaining({ code: "INVALID_OBSERVED_METRICS.MISSING_NAME" }));
    expect(() => b.observe("m", F.sum("v").over(Window.partitionBy("k")))).toThrow(expect.objectContaining({ code: "INVALID_OBSERVED_METRICS.WINDOW_EXPRESSIONS_UNSUPPORTED" }));
  });

  it("a batch DataFrame's metrics through an Observation, after its first action (golden)", async () => {
    const obs = new Observation("batch");
    const df = spark.createDataFrame([{ k: "a", v: 1 }, { k: "b", v: 2 }, { k: "c", v: null }], "k STRING, v INT");
    const observed = df.observe(obs, F.count(F.lit(1)).alias("rows"), F.sum("v").alias("sum_v"), F.avg("v").alias("avg_v"));
    const theirs = golden["batch-observation"] as { collected: number; get: Record<string, unknown> };
    expect((await observed.collect()).length).toBe(theirs.collected);
    expect(asPython(await obs.get())).toEqual(theirs.get);
    await observed.where(F.col("v").eq(1)).collect(); // a later action does not change it
    expect(asPython(await obs.get())).toEqual(theirs.get);
  });

  it("an Observation serves one batch DataFrame, is refused on a stream, and get() before observe() fails", async () => {
    const obs = new Observation();
    b.observe(obs, F.count(F.lit(1)));
    expect(() => b.observe(obs, F.count(F.lit(1)))).toThrow(expect.objectContaining({ code: "OBSERVATION_ALREADY_USED" }));
    const stream = spark.readStream.schema(SCHEMA).json(mkdtempSync(join(tmpdir(), "sluice-observe-stream-")));
    expect(() => stream.observe(new Observation("s"), F.count(F.lit(1)))).toThrow(expect.objectContaining({ code: "UNSUPPORTED_FEATURE.OBSERVATION_ON_STREAMING" }));
    await expect(new Observation("unused").get()).rejects.toMatchObject({ code: "NO_OBSERVE_BEFORE_GET" });
    expect(() => new Observation("")).toThrow(expect.objectContaining({ code: "INVALID_OBSERVATION_NAME" }));
  });

  it("a batch DataFrame's rows pass through observe() unchanged", async () => {
    const rows = await b.observe("m", F.count(F.lit(1))).where(F.col("v").eq(1)).collect();
    expect(rows).toEqual([{ k: "a", v: 1 }]);
  });
});
