/**
 * ANSI interval Parquet with real Spark, both ways: PySpark 4.0.1 stores an interval column as a
 * plain INT32 (months) or INT64 (µs) and records the exact type in its footer's row metadata;
 * Sluice reads such a file with the exact interval types, writes the same layout, and Spark reads
 * Sluice's file with the exact types and values. One PySpark process
 * (scripts/oracle/interval_parquet.py) does both; it needs the oracle venv (scripts/oracle/setup.sh)
 * and fails when it is missing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { simpleString } from "../../src/types/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PY = join(ROOT, ".oracle/venv/bin/python");
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-spark-interval-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// the script's rows, as Spark prints them; the extremes are the types' limits
const ROWS = [
  ["1", "INTERVAL '1-2' YEAR TO MONTH", "INTERVAL '14' MONTH", "INTERVAL '1 02:03:04.5' DAY TO SECOND", "INTERVAL '03' HOUR"],
  ["2", "INTERVAL '-178956970-8' YEAR TO MONTH", "INTERVAL '-2147483648' MONTH", "INTERVAL '-106751991 04:00:54.775808' DAY TO SECOND", "INTERVAL '-2562047788' HOUR"],
  ["3", null, null, null, null],
  ["4", "INTERVAL '0-0' YEAR TO MONTH", "INTERVAL '0' MONTH", "INTERVAL '0 00:00:00.000001' DAY TO SECOND", "INTERVAL '00' HOUR"],
];
const TYPES = { id: "int", ym: "interval year to month", mo: "interval month", dt: "interval day to second", h: "interval hour" };

type Side = { rows: (string | null)[][]; types: Record<string, string>; physical?: Record<string, string> };
let answer: { written: Side; read: Record<string, Side> };
const sparkOut = join(dir, "spark");
const sluiceOut = join(dir, "sluice");

/** Sluice's rows of `df` as the script prints Spark's: every column CAST AS STRING, by id. */
async function textRows(df: ReturnType<typeof spark.read.parquet>): Promise<(string | null)[][]> {
  const names = df.schema.fields.map((f) => f.name);
  const rows = await df.selectExpr(...names.map((n) => `CAST(${n} AS STRING) AS ${n}`)).orderBy("id").collect();
  return rows.map((r) => names.map((n) => r[n] as string | null));
}

beforeAll(async () => {
  if (!existsSync(PY)) throw new Error(`${PY} is missing: run bash scripts/oracle/setup.sh (PySpark)`);
  const sluiceRows = spark.createDataFrame(ROWS.map((r) => ({ id: Number(r[0]), ym: r[1], mo: r[2], dt: r[3], h: r[4] })), "id INT, ym STRING, mo STRING, dt STRING, h STRING");
  await sluiceRows
    .selectExpr("id", "CAST(ym AS INTERVAL YEAR TO MONTH) AS ym", "CAST(mo AS INTERVAL MONTH) AS mo", "CAST(dt AS INTERVAL DAY TO SECOND) AS dt", "CAST(h AS INTERVAL HOUR) AS h")
    .coalesce(1)
    .write.parquet(sluiceOut);
  const out = execFileSync(PY, [join(ROOT, "scripts/oracle/interval_parquet.py"), sparkOut, sluiceOut], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  answer = JSON.parse(out.trim().split("\n").pop()!) as typeof answer;
}, 300_000);

describe("ANSI interval Parquet with PySpark 4.0.1", () => {
  it("Spark writes plain INT32 / INT64 columns; Sluice reads them with the exact interval types and values", async () => {
    expect(answer.written.physical).toEqual({ id: "INT32", ym: "INT32", mo: "INT32", dt: "INT64", h: "INT64" });
    expect(answer.written.types).toEqual(TYPES);
    expect(answer.written.rows).toEqual(ROWS);
    const df = spark.read.parquet(sparkOut);
    expect(Object.fromEntries(df.schema.fields.map((f) => [f.name, simpleString(f.type)]))).toEqual(TYPES);
    expect(await textRows(df)).toEqual(ROWS);
  });

  it("Sluice writes the same layout and Spark reads the exact types and values", async () => {
    expect(answer.read[sluiceOut]).toEqual({ rows: ROWS, types: TYPES });
    expect(await textRows(spark.read.parquet(sluiceOut))).toEqual(ROWS);
  });
});
