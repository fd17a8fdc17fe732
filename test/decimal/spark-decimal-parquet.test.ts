/**
 * DECIMAL Parquet with real Spark, both ways, in the three physical encodings Spark uses
 * (INT32 for precision ≤ 9, INT64 for ≤ 18, FIXED_LEN_BYTE_ARRAY beyond): Sluice reads a file
 * PySpark 4.0.1 writes with every digit, and PySpark reads what Sluice writes with every digit,
 * from files Sluice encodes the same way. One PySpark process (scripts/oracle/decimal_parquet.py)
 * does both; it needs the oracle venv (scripts/oracle/setup.sh, installed by `npm test`) and
 * fails when it is missing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PY = join(ROOT, ".oracle/venv/bin/python");
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-spark-decimal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCHEMA = "id INT, d9 DECIMAL(9,2), d18 DECIMAL(18,4), d38 DECIMAL(38,18)";
// the rows the script writes, as Sluice presents them (plain digits, `scale` fraction digits)
const ROWS = [
  { id: 1, d9: "1234567.89", d18: "12345678901234.5678", d38: "12345678901234567890.123456789012345678" },
  { id: 2, d9: "-9999999.99", d18: "-99999999999999.9999", d38: "-99999999999999999999.999999999999999999" },
  { id: 3, d9: "0.01", d18: "0.0001", d38: "0.000000000000000001" },
  { id: 4, d9: null, d18: null, d38: null },
  { id: 5, d9: "0.00", d18: "90071992547409.9300", d38: "9007199254740993.000000000000000001" },
];
const ENCODINGS = { id: "INT32", d9: "INT32", d18: "INT64", d38: "FIXED_LEN_BYTE_ARRAY" };

type Side = { rows: Record<string, unknown>[]; physical: Record<string, string> };
let answer: { written: Side; read: Record<string, Side> };
const sluiceOut = join(dir, "sluice");
const sparkOut = join(dir, "spark");

beforeAll(async () => {
  if (!existsSync(PY)) throw new Error(`${PY} is missing: run bash scripts/oracle/setup.sh (PySpark)`);
  await spark.createDataFrame(ROWS, SCHEMA).coalesce(1).write.parquet(sluiceOut);
  const out = execFileSync(PY, [join(ROOT, "scripts/oracle/decimal_parquet.py"), sparkOut, sluiceOut], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  answer = JSON.parse(out.trim().split("\n").pop()!) as typeof answer;
}, 300_000);

describe("DECIMAL Parquet with PySpark 4.0.1", () => {
  it("Spark writes INT32, INT64 and FIXED_LEN_BYTE_ARRAY decimals; Sluice reads every digit", async () => {
    expect(answer.written.physical).toEqual(ENCODINGS);
    expect(answer.written.rows).toEqual(ROWS);
    const df = spark.read.parquet(sparkOut);
    expect(df.schema.fields.map((f) => f.type)).toEqual([{ kind: "int" }, { kind: "decimal", precision: 9, scale: 2 }, { kind: "decimal", precision: 18, scale: 4 }, { kind: "decimal", precision: 38, scale: 18 }]);
    expect(await df.orderBy("id").collect()).toEqual(ROWS);
    // and computes on them exactly
    const [sums] = await df.selectExpr("sum(d9) AS a", "sum(d18) AS b", "sum(d38) AS c").collect();
    expect(sums).toEqual({ a: "-8765432.09", b: "2417671448644.4980", c: "-87645313899510691116.876543210987654319" });
  });

  it("Sluice writes the same three encodings and Spark reads every digit", () => {
    const read = answer.read[sluiceOut]!;
    expect(read.physical).toEqual(ENCODINGS);
    expect(read.rows).toEqual(ROWS);
  });
});
