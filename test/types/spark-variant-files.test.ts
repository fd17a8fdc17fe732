/**
 * VARIANT in Parquet and Delta with real Spark, both ways: PySpark 4.0.1 writes a VARIANT column
 * as a group of two binaries (`value`, `metadata`) with the Spark schema in the footer, and
 * delta-spark 4.0 writes a table with the variantType feature; Sluice reads both with Spark's
 * values, and Spark reads the Parquet file and the Delta table Sluice writes as VARIANT with the
 * same values, also with VARIANT nested in a struct, an array and a map (the nesting Spark wrote
 * in the fixtures variant-nested-files.test.ts reads). Values are compared as to_json,
 * variant_get and schema_of_variant text of each side. One PySpark process
 * (scripts/oracle/variant_files.py) does the Spark side; it needs the oracle venv
 * (scripts/oracle/setup.sh) and fails when it is missing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session, VariantVal } from "../../src/index.js";
import type { DataFrame } from "../../src/index.js";
import { NESTED_QUERY } from "./variant-nested-queries.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PY = join(ROOT, ".oracle/venv/bin/python");
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-spark-variant-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// the script's query, the same text on both sides
const QUERY = `SELECT id, CASE WHEN id = 6 THEN CAST(TIMESTAMP'2024-01-02 03:04:05.5' AS VARIANT) ELSE parse_json(j) END AS v
FROM VALUES (1, '{"a":1,"b":[true,null,"x"],"c":{"d":1.50}}'), (2, '12345678901234567890'), (3, NULL), (4, '"s"'),
  (5, 'null'), (6, NULL), (7, '[2.5e10,"\\u00e9",{},[]]') AS t(id, j)`;

type Rows = (number | string | null)[][];
type Side = { rows: Rows; types: Record<string, string> };
type NestedSide = { rows: unknown[][]; types: Record<string, string> };
let answer: {
  written: Side & { columns: string[]; arrow: string };
  delta: { rows: Rows; protocol: Record<string, unknown> };
  sluiceDelta: Side;
  read: Record<string, Side>;
  nested: { parquet: NestedSide; delta: NestedSide };
};
const sparkParquet = join(dir, "spark-parquet");
const sparkDelta = join(dir, "spark-delta");
const sluiceParquet = join(dir, "sluice-parquet");
const sluiceDelta = join(dir, "sluice-delta");
const nestedParquet = join(dir, "sluice-nested-parquet");
const nestedDelta = join(dir, "sluice-nested-delta");

async function textRows(df: DataFrame): Promise<Rows> {
  const rows = await df.selectExpr("id", "to_json(v) AS j", "schema_of_variant(v) AS s").collect();
  return rows.map((r) => [r.id as number, r.j as string | null, r.s as string | null]).sort((a, b) => (a[0] as number) - (b[0] as number));
}

beforeAll(async () => {
  if (!existsSync(PY)) throw new Error(`${PY} is missing: run bash scripts/oracle/setup.sh (PySpark)`);
  await spark.sql(QUERY).coalesce(1).write.parquet(sluiceParquet);
  await spark.sql(QUERY).write.format("delta").save(sluiceDelta);
  await spark.sql(NESTED_QUERY).coalesce(1).write.parquet(nestedParquet);
  await spark.sql(NESTED_QUERY).write.format("delta").save(nestedDelta);
  const out = execFileSync(PY, [join(ROOT, "scripts/oracle/variant_files.py"), sparkParquet, sparkDelta, sluiceDelta, sluiceParquet, nestedParquet, nestedDelta], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  answer = JSON.parse(out.trim().split("\n").pop()!) as typeof answer;
}, 900_000); // delta-spark's first start takes minutes on a loaded machine

describe("VARIANT files with PySpark 4.0.1 and delta-spark 4.0", () => {
  it("Spark writes a group of value and metadata binaries; Sluice reads it as VARIANT with Spark's values", async () => {
    expect(answer.written.columns).toEqual(["id", "v.value", "v.metadata"]);
    expect(answer.written.arrow).toMatch(/struct<value: binary not null, metadata: binary not null>/);
    const df = spark.read.parquet(sparkParquet);
    expect(df.schema.fields.map((f) => f.type.kind)).toEqual(["int", "variant"]);
    expect(await textRows(df)).toEqual(answer.written.rows);
    const [first] = await df.filter("id = 1").collect();
    expect(first!.v).toBeInstanceOf(VariantVal);
  });

  it("Spark reads the Parquet Sluice writes as VARIANT with the same values", async () => {
    expect(answer.read[sluiceParquet]).toEqual({ rows: answer.written.rows, types: { id: "int", v: "variant" } });
    expect(await textRows(spark.read.parquet(sluiceParquet))).toEqual(answer.written.rows);
  });

  it("a Delta table delta-spark writes with the variantType feature reads with Spark's rows", async () => {
    expect(answer.delta.protocol).toMatchObject({ readerFeatures: expect.arrayContaining(["variantType"]) });
    expect(await textRows(spark.read.format("delta").load(sparkDelta))).toEqual(answer.delta.rows);
    expect(answer.delta.rows).toEqual(answer.written.rows);
  });

  it("delta-spark reads the table Sluice creates with a VARIANT column, which lists variantType as delta-spark would", async () => {
    const log = JSON.parse(readFileSync(join(sluiceDelta, "_delta_log", "00000000000000000000.json"), "utf8").split("\n").find((l) => l.includes('"protocol"'))!);
    expect(log.protocol).toMatchObject({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["variantType"], writerFeatures: expect.arrayContaining(["variantType"]) });
    expect(answer.sluiceDelta).toEqual({ rows: answer.written.rows, types: { id: "int", v: "variant" } });
  });

  it("Spark reads VARIANT nested in a struct, an array and a map in the Parquet file and Delta table Sluice writes, with the values Spark gives its own files", () => {
    const spark4 = JSON.parse(readFileSync(join(ROOT, "test/types/fixtures/variant-nested/expected.json"), "utf8")) as { rows: unknown[][] };
    const types = { id: "int", s: "struct<n:int,v:variant>", a: "array<variant>", m: "map<string,variant>" };
    expect(answer.nested.parquet).toEqual({ rows: spark4.rows, types });
    expect(answer.nested.delta).toEqual({ rows: spark4.rows, types });
  });
});
