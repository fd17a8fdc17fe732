/**
 * Stateless streaming parity with PySpark: the scenarios in parity-scenarios.json were run in real
 * PySpark by scripts/oracle/gen_streaming_parity.py; golden/streaming-parity.json holds what it
 * produced (rows per micro-batch, output rows, progress field names). Sluice must match.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";

interface Scenario {
  name: string;
  format: string;
  schema: string;
  options?: Record<string, string | number>;
  trigger: "availableNow" | "once";
  files: { name: string; lines: string[]; mtime: number }[];
  selectExpr?: string[];
  filter?: string;
}
interface Golden {
  numInputRows: number[];
  batches: string[][];
  progressKeys: string[];
  durationKeys: string[];
  sourceKeys: string[];
  sinkKeys: string[];
  remainingInputFiles?: string[];
}

const here = import.meta.dirname;
const scenarios = JSON.parse(readFileSync(join(here, "parity-scenarios.json"), "utf8")) as Scenario[];
const golden = JSON.parse(readFileSync(join(here, "golden", "streaming-parity.json"), "utf8")).scenarios as Record<string, Golden>;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

/** Python's json.dumps(row, sort_keys=True, default=str) form of a Sluice row. */
function pyJson(row: Record<string, unknown>, doubles: ReadonlySet<string>): string {
  const fmt = (v: unknown, k: string): string => {
    if (typeof v === "number" && doubles.has(k) && Number.isInteger(v)) return `${v}.0`;
    if (v instanceof Date) return JSON.stringify(v.toISOString().replace("T", " ").replace(/\.000Z$/, "").replace("Z", ""));
    if (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v)) return String(v);
    return JSON.stringify(v).replace(/":/g, '": ').replace(/,"/g, ', "');
  };
  const keys = Object.keys(row).sort();
  return "{" + keys.map((k) => `${JSON.stringify(k)}: ${fmt(row[k], k)}`).join(", ") + "}";
}

describe("stateless streaming matches PySpark", () => {
  for (const sc of scenarios) {
    it(sc.name, async () => {
      const g = golden[sc.name]!;
      const root = mkdtempSync(join(tmpdir(), "sluice-sparity-"));
      const inDir = join(root, "in");
      mkdirSync(inDir);
      for (const f of sc.files) {
        writeFileSync(join(inDir, f.name), f.lines.map((l) => l + "\n").join(""));
        utimesSync(join(inDir, f.name), f.mtime, f.mtime);
      }
      let df = spark.readStream.format(sc.format).schema(sc.schema).options(sc.options ?? {}).load(inDir);
      if (sc.selectExpr) df = df.selectExpr(...sc.selectExpr);
      if (sc.filter) df = df.filter(sc.filter);
      const batches: string[][] = [];
      const q = await df.writeStream
        .foreachBatch(async (b) => {
          const doubles = new Set(b.schema.fields.filter((f) => f.type.kind === "double" || f.type.kind === "float").map((f) => f.name));
          batches.push((await b.collect()).map((r) => pyJson(r, doubles)).sort());
        })
        .option("checkpointLocation", join(root, "chk"))
        .trigger(sc.trigger === "availableNow" ? { availableNow: true } : { once: true })
        .start();
      await q.awaitTermination();
      const progress = q.recentProgress.map((p) => JSON.parse((p as { json: string }).json));
      expect(progress.map((p) => p.numInputRows)).toEqual(g.numInputRows);
      expect(batches).toEqual(g.batches);
      expect(Object.keys(progress[0]).sort()).toEqual(g.progressKeys);
      expect(Object.keys(progress[0].durationMs).sort()).toEqual(g.durationKeys);
      expect(Object.keys(progress[0].sources[0]).sort()).toEqual(g.sourceKeys);
      expect(Object.keys(progress[0].sink).sort()).toEqual(g.sinkKeys);
      if (g.remainingInputFiles) expect(readdirSync(inDir).sort()).toEqual(g.remainingInputFiles);
    });
  }
});
