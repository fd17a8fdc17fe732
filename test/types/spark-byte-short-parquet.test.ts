/**
 * TINYINT / SMALLINT Parquet with real Spark, both ways: PySpark 4.0.1 writes INT32 columns
 * annotated INT(8, true) / INT(16, true); Sluice reads them with the exact types and values,
 * writes the same annotations, and Spark reads Sluice's file as TINYINT / SMALLINT. One PySpark
 * process (scripts/oracle/smallint_parquet.py) does both; it needs the oracle venv
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
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-spark-byte-short-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// the script's rows as Spark prints them (CAST AS STRING), at the types' limits
const ROWS = [
  ["1", "127", "32767"],
  ["2", "-128", "-32768"],
  ["3", null, null],
  ["4", "0", "-1"],
];
const TYPES = { id: "int", b: "tinyint", s: "smallint" };
const LOGICAL = { id: "None", b: "Int(bitWidth=8, isSigned=true)", s: "Int(bitWidth=16, isSigned=true)" };

type Side = { rows: (string | null)[][]; types: Record<string, string>; physical?: Record<string, string> };
let answer: { written: Side; read: Record<string, Side>; logical: Record<string, Record<string, string>> };
const sparkOut = join(dir, "spark");
const sluiceOut = join(dir, "sluice");

async function textRows(df: ReturnType<typeof spark.read.parquet>): Promise<(string | null)[][]> {
  const rows = await df.selectExpr("CAST(id AS STRING) AS id", "CAST(b AS STRING) AS b", "CAST(s AS STRING) AS s").orderBy("id").collect();
  return rows.map((r) => [r.id as string, r.b as string | null, r.s as string | null]);
}

beforeAll(async () => {
  if (!existsSync(PY)) throw new Error(`${PY} is missing: run bash scripts/oracle/setup.sh (PySpark)`);
  const rows = ROWS.map((r) => ({ id: Number(r[0]), b: r[1] === null ? null : Number(r[1]), s: r[2] === null ? null : Number(r[2]) }));
  await spark.createDataFrame(rows, "id INT, b TINYINT, s SMALLINT").coalesce(1).write.parquet(sluiceOut);
  const out = execFileSync(PY, [join(ROOT, "scripts/oracle/smallint_parquet.py"), sparkOut, sluiceOut], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  answer = JSON.parse(out.trim().split("\n").pop()!) as typeof answer;
}, 300_000);

describe("TINYINT / SMALLINT Parquet with PySpark 4.0.1", () => {
  it("Spark writes INT32 columns annotated INT(8) / INT(16); Sluice reads them as TINYINT / SMALLINT with the values", async () => {
    expect(answer.written.physical).toEqual({ id: "INT32", b: "INT32", s: "INT32" });
    expect(answer.logical[sparkOut]).toEqual(LOGICAL);
    expect(answer.written.rows).toEqual(ROWS);
    const df = spark.read.parquet(sparkOut);
    expect(Object.fromEntries(df.schema.fields.map((f) => [f.name, simpleString(f.type)]))).toEqual(TYPES);
    expect(await textRows(df)).toEqual(ROWS);
  });

  it("Sluice writes the same annotations and Spark reads TINYINT / SMALLINT with the values", () => {
    expect(answer.logical[sluiceOut]).toEqual(LOGICAL);
    expect(answer.read[sluiceOut]).toEqual({ rows: ROWS, types: TYPES });
  });
});
