/**
 * Stateless streaming parity with PySpark: the scenarios in parity-scenarios.json were run in real
 * PySpark by scripts/oracle/gen_streaming_parity.py; golden/streaming-parity.json holds what it
 * produced (rows per micro-batch, output rows, progress field names). Sluice must match, with
 * one worker thread and the default 32 shuffle partitions, and with 2 worker threads (stateful
 * operators in partition workers) over 3 shuffle partitions.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DataFrame, Session, functions as F } from "../../src/index.js";

interface Scenario {
  name: string;
  format: string;
  schema: string;
  options?: Record<string, string | number>;
  trigger: "availableNow" | "once";
  files: { name: string; lines: string[]; mtime: number }[];
  selectExpr?: string[];
  filter?: string;
  steps?: [string, ...unknown[]][];
  outputMode?: "append" | "update" | "complete";
}
interface Golden {
  numInputRows: number[];
  batches: string[][];
  progressKeys: string[];
  durationKeys: string[];
  sourceKeys: string[];
  sinkKeys: string[];
  remainingInputFiles?: string[];
  watermarks?: (string | null)[];
  stateOperators?: unknown[][][];
}

const here = import.meta.dirname;
const scenarios = JSON.parse(readFileSync(join(here, "parity-scenarios.json"), "utf8")) as Scenario[];
const golden = JSON.parse(readFileSync(join(here, "golden", "streaming-parity.json"), "utf8")).scenarios as Record<string, Golden>;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

/** Python's json.dumps(row, sort_keys=True, default=str) form of a Sluice row (doubles by schema). */
function pyJson(v: unknown, isDouble = false): string {
  if (v === null || v === undefined) return "null";
  if (v instanceof Date) return JSON.stringify(v.toISOString().replace("T", " ").replace(/\.000Z$/, "").replace("Z", ""));
  if (typeof v === "string" && TS_STRING.test(v)) {
    const [whole, frac] = v.split(".");
    return JSON.stringify(frac === undefined ? whole : `${whole}.${frac.padEnd(6, "0")}`);
  }
  if (typeof v === "bigint") return String(v);
  if (typeof v === "number") return isDouble && Number.isInteger(v) ? `${v}.0` : String(v);
  if (Array.isArray(v)) return "[" + v.map((x) => pyJson(x)).join(", ") + "]";
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    return "{" + Object.keys(o).sort().map((k) => `${JSON.stringify(k)}: ${pyJson(o[k])}`).join(", ") + "}";
  }
  return JSON.stringify(v);
}

/**
 * Rows carry timestamps as Date (ms), so top-level TIMESTAMP columns are read as Spark's string
 * cast instead and printed as Python's str(datetime): a fraction, when present, has 6 digits.
 */
function withMicros(b: DataFrame): DataFrame {
  return b.schema.fields.filter((f) => f.type.kind === "timestamp").reduce((df, f) => df.withColumn(f.name, F.col(f.name).cast("string")), b);
}
const TS_STRING = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/;

function rowJson(row: Record<string, unknown>, doubles: ReadonlySet<string>): string {
  return "{" + Object.keys(row).sort().map((k) => `${JSON.stringify(k)}: ${pyJson(row[k], doubles.has(k))}`).join(", ") + "}";
}

const THREADS = [
  { master: "local[1]", partitions: undefined },
  { master: "local[2]", partitions: 3 },
] as const;

for (const { master, partitions } of THREADS) describe(`streaming matches PySpark (${master}${partitions ? `, ${partitions} shuffle partitions` : ""})`, () => {
  for (const sc of scenarios) {
    it(sc.name, async () => {
      spark.conf.set("spark.master", master);
      if (partitions === undefined) spark.conf.unset("spark.sql.shuffle.partitions");
      else spark.conf.set("spark.sql.shuffle.partitions", partitions);
      const g = golden[sc.name]!;
      const root = mkdtempSync(join(tmpdir(), "sluice-sparity-"));
      const inDir = join(root, "in");
      mkdirSync(inDir);
      for (const f of sc.files) {
        writeFileSync(join(inDir, f.name), f.lines.map((l) => l + "\n").join(""));
        utimesSync(join(inDir, f.name), f.mtime, f.mtime);
      }
      let df = spark.readStream.format(sc.format).schema(sc.schema).options(sc.options ?? {}).load(inDir);
      for (const [op, ...args] of sc.steps ?? []) {
        if (op === "withWatermark") df = df.withWatermark(args[0] as string, args[1] as string);
        else if (op === "dropDuplicates") df = df.dropDuplicates(args[0] as string[]);
        else if (op === "dropDuplicatesWithinWatermark") df = df.dropDuplicatesWithinWatermark(args[0] as string[]);
        else if (op === "selectExpr") df = df.selectExpr(...(args[0] as string[]));
        else if (op === "limit") df = df.limit(args[0] as number);
        else if (op === "orderBy") df = df.orderBy(args[1] === "desc" ? F.col(args[0] as string).desc() : F.col(args[0] as string));
        else if (op === "groupByAgg") df = df.groupBy(...(args[0] as string[]).map((e) => F.expr(e))).agg(...(args[1] as string[]).map((e) => F.expr(e)));
        else throw new Error(`unknown step ${op}`);
      }
      if (sc.selectExpr) df = df.selectExpr(...sc.selectExpr);
      if (sc.filter) df = df.filter(sc.filter);
      const batches: string[][] = [];
      const q = await df.writeStream
        .outputMode(sc.outputMode ?? "append")
        .foreachBatch(async (b) => {
          const doubles = new Set(b.schema.fields.filter((f) => f.type.kind === "double" || f.type.kind === "float").map((f) => f.name));
          batches.push((await withMicros(b).collect()).map((r) => rowJson(r, doubles)).sort());
        })
        .option("checkpointLocation", join(root, "chk"))
        .trigger(sc.trigger === "availableNow" ? { availableNow: true } : { once: true })
        .start();
      await q.awaitTermination();
      // The progress objects (every key, as PySpark's objects); their `json` leaves empty maps out, as Spark's JVM does.
      const progress = q.recentProgress.map((p) => JSON.parse(JSON.stringify(p.toJSON())));
      expect(progress.map((p) => p.numInputRows)).toEqual(g.numInputRows);
      expect(batches).toEqual(g.batches);
      expect(Object.keys(progress[0]).sort()).toEqual(g.progressKeys);
      expect(Object.keys(progress[0].durationMs).sort()).toEqual(g.durationKeys);
      expect(Object.keys(progress[0].sources[0]).sort()).toEqual(g.sourceKeys);
      expect(Object.keys(progress[0].sink).sort()).toEqual(g.sinkKeys);
      if (g.watermarks) expect(progress.map((p) => p.eventTime.watermark ?? null)).toEqual(g.watermarks);
      if (g.stateOperators) {
        expect(progress.map((p) => p.stateOperators.map((o: Record<string, unknown>) => [o.operatorName, o.numRowsTotal, o.numRowsUpdated, o.numRowsRemoved, o.numRowsDroppedByWatermark]))).toEqual(g.stateOperators);
      }
      if (g.remainingInputFiles) expect(readdirSync(inDir).sort()).toEqual(g.remainingInputFiles);
    });
  }
});
