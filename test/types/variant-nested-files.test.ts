/**
 * VARIANT nested in a struct, an array and a map, in files real Spark wrote: PySpark 4.0.1 and
 * delta-spark 4.0 wrote the committed fixtures (scripts/oracle/variant_nested_fixtures.py: a
 * Parquet file, a Delta table and a column-mapped Delta table, each VARIANT a group of `value`
 * and `metadata` binaries inside the struct, the list and the map), and Sluice reads each with
 * Spark's answers to the same CHECK query (to_json, variant_get, try_variant_get,
 * schema_of_variant on the nested values). That Spark reads the same nesting Sluice writes is in
 * spark-variant-files.test.ts (one PySpark start for both directions).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Session, VariantVal } from "../../src/index.js";
import type { DataFrame } from "../../src/index.js";
import { NESTED_CHECK } from "./variant-nested-queries.js";

const FIXTURES = resolve(import.meta.dirname, "fixtures/variant-nested");
const expected = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as { columns: string[]; rows: unknown[][] };
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

async function checkRows(df: DataFrame): Promise<unknown[][]> {
  df.createOrReplaceTempView("t");
  const rows = await spark.sql(NESTED_CHECK).collect();
  return rows.map((r) => Object.values(r));
}

describe("VARIANT nested in Spark-written Parquet and Delta", () => {
  it("the fixture holds each nested VARIANT as Spark 4.0 lays it out: value and metadata binaries", () => {
    expect(expected.columns).toEqual(["id", "s.n", "s.v.value", "s.v.metadata", "a.list.element.value", "a.list.element.metadata", "m.key_value.key", "m.key_value.value.value", "m.key_value.value.metadata"]);
  });

  for (const [name, read] of [
    ["Parquet", () => spark.read.parquet(join(FIXTURES, "parquet"))],
    ["Delta", () => spark.read.format("delta").load(join(FIXTURES, "delta"))],
    ["Delta with column mapping", () => spark.read.format("delta").load(join(FIXTURES, "delta-cm"))],
  ] as const) {
    it(`${name}: the struct, array and map of VARIANT read with Spark's values`, async () => {
      const df = read();
      expect(df.schema.simpleString()).toBe("struct<id:int,s:struct<n:int,v:variant>,a:array<variant>,m:map<string,variant>>");
      expect(await checkRows(df)).toEqual(expected.rows);
      const [first] = await df.filter("id = 1").collect();
      expect((first!.s as { v: unknown }).v).toBeInstanceOf(VariantVal);
      expect((first!.a as unknown[])[0]).toBeInstanceOf(VariantVal);
      expect((first!.m as Map<string, unknown>).get("k")).toBeInstanceOf(VariantVal);
    });
  }
});
