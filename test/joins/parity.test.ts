/**
 * Stream–stream joins against PySpark 4.0.1 (scripts/oracle/gen_stream_joins.py →
 * golden/stream-joins.json). Each scenario reads two JSON file streams; each step drops one file
 * per side and runs the query with trigger(availableNow) on the same checkpoint — so every step
 * restarts the query — and must produce, per micro-batch, Spark's rows, watermark and the join's
 * state metrics (numRowsTotal over both sides, numRowsUpdated, numRowsRemoved, late rows).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session, col, expr } from "../../src/index.js";
import type { DataFrame } from "../../src/dataframe/dataframe.js";
import { type StepResult, runOracleStep } from "./oracle-steps.js";

const here = new URL(".", import.meta.url).pathname;
const golden = JSON.parse(readFileSync(join(here, "golden", "stream-joins.json"), "utf8")) as {
  scenarios: Record<string, StepResult[][]>;
  refusals: Record<string, { ok: boolean; error?: string }>;
};
const scenarios = JSON.parse(readFileSync(join(here, "join-scenarios.json"), "utf8")) as Scenario[];
const refusals = JSON.parse(readFileSync(join(here, "join-refusals.json"), "utf8")) as Refusal[];

interface SideSpec {
  schema: string;
  watermark?: [string, string];
  select?: string[];
}
interface Scenario {
  name: string;
  left: SideSpec;
  right: SideSpec;
  how: string;
  on: string;
  groupBy?: string[];
  agg?: string[];
  steps: { left?: unknown[][]; right?: unknown[][] }[];
}
interface Refusal {
  name: string;
  how: string;
  on: string;
  watermarks: string[];
  outputMode?: "append" | "update";
  groupBy?: string[];
  dedup?: string[];
  windows?: boolean;
  /** The side read as a static DataFrame (a stream–static join). */
  static?: "left" | "right";
}

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const BASE_MS = Date.UTC(2024, 0, 1);

function sideDf(dir: string, spec: SideSpec): DataFrame {
  let df = spark.readStream.format("json").schema(spec.schema).load(dir);
  if (spec.watermark) df = df.withWatermark(spec.watermark[0], spec.watermark[1]);
  if (spec.select) df = df.selectExpr(...spec.select);
  return df;
}

function writeStep(root: string, sc: Scenario, i: number): void {
  for (const side of ["left", "right"] as const) {
    const dir = join(root, side);
    mkdirSync(dir, { recursive: true });
    const names = sc[side].schema.split(", ").map((f) => f.split(" ")[0]!);
    const lines = (sc.steps[i]![side] ?? []).map((row) =>
      JSON.stringify(Object.fromEntries(names.map((n, c) => [n, n.endsWith("t") && typeof row[c] === "number" ? new Date(BASE_MS + (row[c] as number) * 1000).toISOString() : row[c]]))),
    );
    writeFileSync(join(dir, `step${String(i).padStart(2, "0")}.json`), lines.map((l) => l + "\n").join(""));
  }
}

describe("stream-stream joins match PySpark 4.0.1", () => {
  for (const sc of scenarios) {
    it(sc.name, async () => {
      const root = mkdtempSync(join(tmpdir(), "sluice-joins-"));
      const actual: StepResult[][] = [];
      for (let i = 0; i < sc.steps.length; i++) {
        writeStep(root, sc, i);
        let df = sideDf(join(root, "left"), sc.left).join(sideDf(join(root, "right"), sc.right), expr(sc.on), sc.how);
        if (sc.groupBy) df = df.groupBy(...sc.groupBy.map((c) => col(c))).agg(...sc.agg!.map((a) => expr(a)));
        actual.push(await runOracleStep(df, join(root, "chk"), "append"));
      }
      expect(actual).toEqual(golden.scenarios[sc.name]);
    });
  }
});

describe("stream-stream and stream-static join shapes Spark accepts and refuses at start()", () => {
  for (const c of refusals) {
    it(c.name, async () => {
      const root = mkdtempSync(join(tmpdir(), "sluice-joins-"));
      const side = (name: "left" | "right", schema: string, ts: string): DataFrame => {
        mkdirSync(join(root, name));
        // One row per side, so that a micro-batch runs (as in the oracle).
        writeFileSync(join(root, name, "rows.json"), JSON.stringify({ [schema.split(" ")[0]!]: 1, [ts]: new Date(BASE_MS + 10_000).toISOString(), [`${name[0]}v`]: "a" }) + "\n");
        const reader = c.static === name ? spark.read : spark.readStream;
        let df = reader.format("json").schema(schema).load(join(root, name));
        if (c.watermarks.includes(name)) df = df.withWatermark(ts, "10 seconds");
        if (c.windows) df = df.selectExpr("*", `window(${ts}, '10 seconds') AS ${name[0]}w`);
        return df;
      };
      let df = side("left", "lk INT, lt TIMESTAMP, lv STRING", "lt").join(side("right", "rk INT, rt TIMESTAMP, rv STRING", "rt"), expr(c.on), c.how);
      if (c.groupBy) df = df.groupBy(...c.groupBy.map((g) => expr(g))).count();
      if (c.dedup) df = df.dropDuplicates(c.dedup);
      // join() itself never refuses: the checks run at start(), as in Spark.
      const want = golden.refusals[c.name]!;
      const started = df.writeStream
        .outputMode(c.outputMode ?? "append")
        .foreachBatch(() => undefined)
        .option("checkpointLocation", join(root, "chk"))
        .trigger({ availableNow: true })
        .start()
        .then(async (q) => (await q.awaitTermination(), "ran"));
      if (want.ok) await expect(started).resolves.toBe("ran");
      else await expect(started).rejects.toThrow(sparkWords(want.error!));
    });
  }
});

/** The sentence of Spark's message that Sluice keeps verbatim (after the error class and a failed query's prefix, up to the first period). */
function sparkWords(error: string): string {
  const text = error.replace(/^\[[A-Z_.]+\]\s*/, "").replace(/^Query \[.*?\] terminated with exception: /, "");
  return text.split(/[.;]/)[0]!;
}
