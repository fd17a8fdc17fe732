/**
 * Tables PySpark + delta-spark wrote with deletion vectors, column mapping (name, id) and type
 * widening (scripts/oracle/delta_feature_tables.py, committed in test/delta/spark-tables) read
 * through `spark.read.format("delta")` with the rows Spark read, at the recorded versions.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { type DataType, simpleString } from "../../src/types/data-type.js";

const DIR = join(import.meta.dirname, "spark-tables");
const expected = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")) as Record<string, { schema: string; versions: Record<string, unknown[]> }>;

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = mkdtempSync(join(tmpdir(), "sluice-spark-tables-"));
afterAll(() => {
  spark.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A row value in the script's form: integers as digit text, dates ISO, structs as objects. */
function plain(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "int":
    case "bigint":
      return String(v);
    case "date":
      return (v as Date).toISOString().slice(0, 10);
    case "struct": {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(t.fields.map((f) => [f.name, plain(o[f.name], f.type)]));
    }
    case "array":
      return (v as unknown[]).map((e) => plain(e, t.elementType));
    default:
      return v;
  }
}

/** JSON with sorted keys, as Python's json.dumps(sort_keys=True) — the order the script sorted by. */
const text = (v: unknown): string =>
  v !== null && typeof v === "object" && !Array.isArray(v)
    ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}: ${text((v as Record<string, unknown>)[k])}`).join(", ")}}`
    : Array.isArray(v)
      ? `[${v.map(text).join(", ")}]`
      : JSON.stringify(v);

describe("Delta tables written by PySpark with today's table features", () => {
  it("has the recorded tables", () => {
    expect(Object.keys(expected).sort()).toEqual(["cm-id", "cm-name", "dv-delete", "dv-partitioned", "type-widening"]);
  });

  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: Sluice reads Spark's rows and schema`, { timeout: 120_000 }, async () => {
      const path = join(tmp, name);
      if (!existsSync(path)) cpSync(join(DIR, name), path, { recursive: true, preserveTimestamps: true });
      for (const [v, rows] of Object.entries(want.versions)) {
        const df = spark.read.format("delta").option("versionAsOf", v).load(path);
        const got = (await df.collect()).map((r) => Object.fromEntries(df.schema.fields.map((f) => [f.name, plain((r as Record<string, unknown>)[f.name], f.type)])));
        expect(got.map(text).sort(), `${name}@${v}`).toEqual(rows.map(text).sort());
      }
      const schema = spark.read.format("delta").load(path).schema;
      expect(simpleString(schema)).toBe(want.schema);
    });
  }
});
