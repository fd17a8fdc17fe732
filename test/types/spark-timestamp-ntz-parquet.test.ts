/**
 * TIMESTAMP_NTZ Parquet with real Spark, both ways: PySpark 4.0.1 writes a TIMESTAMP_NTZ column as
 * INT64 annotated TIMESTAMP(isAdjustedToUTC=false, MICROS) (and a TIMESTAMP column as its default
 * INT96); Sluice reads the first as TIMESTAMP_NTZ and the second as TIMESTAMP with the values,
 * writes the same annotation, and Spark reads Sluice's file back as TIMESTAMP_NTZ. Both sides run
 * in America/Los_Angeles, where a wall-clock value that moved with the zone would show. One
 * PySpark process (scripts/oracle/ntz_parquet.py) does both; it needs the oracle venv
 * (scripts/oracle/setup.sh) and fails when it is missing.
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
const spark = Session.builder().config("spark.sql.session.timeZone", "America/Los_Angeles").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-spark-ntz-parquet-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// the script's rows as Spark prints them (CAST AS STRING in Los Angeles)
const ROWS = [
  ["1", "2024-03-10 02:30:00", "2024-01-01 02:00:00"],
  ["2", "1969-12-31 23:59:59.999999", "1969-12-31 15:59:59.999999"],
  ["3", null, null],
  ["4", "2200-06-30 12:00:00.5", "2200-06-30 05:00:00.5"],
];
const TYPES = { id: "int", t: "timestamp_ntz", z: "timestamp" };
const NTZ = "Timestamp(isAdjustedToUTC=false, timeUnit=microseconds, is_from_converted_type=false, force_set_converted_type=false)";

type Side = { rows: (string | null)[][]; types: Record<string, string>; physical?: Record<string, string> };
let answer: { written: Side; read: Record<string, Side>; logical: Record<string, Record<string, string>> };
const sparkOut = join(dir, "spark");
const sluiceOut = join(dir, "sluice");

async function textRows(df: ReturnType<typeof spark.read.parquet>): Promise<(string | null)[][]> {
  const rows = await df.selectExpr("CAST(id AS STRING) AS id", "CAST(t AS STRING) AS t", "CAST(z AS STRING) AS z").orderBy("id").collect();
  return rows.map((r) => [r.id as string, r.t as string | null, r.z as string | null]);
}

beforeAll(async () => {
  if (!existsSync(PY)) throw new Error(`${PY} is missing: run bash scripts/oracle/setup.sh (PySpark)`);
  await spark
    .sql(`SELECT id, CAST(t AS TIMESTAMP_NTZ) AS t, CAST(z AS TIMESTAMP) AS z FROM VALUES (1, '2024-03-10 02:30:00', '2024-01-01 10:00:00Z'),
      (2, '1969-12-31 23:59:59.999999', '1969-12-31 23:59:59.999999Z'), (3, NULL, NULL), (4, '2200-06-30 12:00:00.5', '2200-06-30 12:00:00.5Z') AS v(id, t, z)`)
    .coalesce(1)
    .write.parquet(sluiceOut);
  const out = execFileSync(PY, [join(ROOT, "scripts/oracle/ntz_parquet.py"), sparkOut, sluiceOut], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  answer = JSON.parse(out.trim().split("\n").pop()!) as typeof answer;
}, 300_000);

describe("TIMESTAMP_NTZ Parquet with PySpark 4.0.1", () => {
  it("Spark writes INT64 TIMESTAMP(isAdjustedToUTC=false, MICROS); Sluice reads TIMESTAMP_NTZ (and the INT96 column as TIMESTAMP) with the values", async () => {
    expect(answer.written.physical).toEqual({ id: "INT32", t: "INT64", z: "INT96" });
    expect(answer.logical[sparkOut]!.t).toBe(NTZ);
    expect(answer.written.rows).toEqual(ROWS);
    const df = spark.read.parquet(sparkOut);
    expect(Object.fromEntries(df.schema.fields.map((f) => [f.name, simpleString(f.type)]))).toEqual(TYPES);
    expect(await textRows(df)).toEqual(ROWS);
  });

  it("Sluice writes the same annotation and Spark reads TIMESTAMP_NTZ with the values", () => {
    expect(answer.logical[sluiceOut]!.t).toBe(NTZ);
    expect(answer.read[sluiceOut]).toEqual({ rows: ROWS, types: TYPES });
  });
});
