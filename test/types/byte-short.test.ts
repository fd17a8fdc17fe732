/**
 * TINYINT (`byte`) and SMALLINT (`short`) as a user meets them (issue 12): their DDL, simpleString
 * and JSON schema names, JS-number row values and createDataFrame's range checks, `10Y` / `10S`
 * literals, grouping/joins/sorting and a stateful streaming aggregation keyed by them, and Parquet,
 * JSON, CSV and Delta files written and read back with the exact types. Casts,
 * arithmetic overflow and hashing are PySpark-recorded cases in test/parity/cases/smallint.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { Session, functions as F } from "../../src/index.js";
import { AddData, CheckNewAnswer, StartStream, StopStream, testStream } from "../../src/testing/stream-test.js";
import { arrowDataToVector, arrowTypeToSpark, vectorToArrowData } from "../../src/columnar/arrow.js";
import { makeVector } from "../../src/columnar/vector.js";
import { ByteType, dataTypeFromJson, dataTypeToJson, parseDDLSchema, ShortType, simpleString, sqlTypeName } from "../../src/types/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const root = mkdtempSync(join(tmpdir(), "sluice-byte-short-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ROWS = [
  { id: 1, b: 127, s: 32767 },
  { id: 2, b: -128, s: -32768 },
  { id: 3, b: null, s: null },
  { id: 4, b: 0, s: -1 },
];
const SCHEMA = "id INT, b TINYINT, s SMALLINT";
const types = (df: { schema: { fields: readonly { name: string; type: Parameters<typeof simpleString>[0] }[] } }) =>
  Object.fromEntries(df.schema.fields.map((f) => [f.name, simpleString(f.type)]));

describe("type names", () => {
  it("DDL reads TINYINT/BYTE and SMALLINT/SHORT; Spark's simpleString, SQL and JSON names are tinyint/smallint, TINYINT/SMALLINT, byte/short", () => {
    const schema = parseDDLSchema("a TINYINT, b BYTE, c SMALLINT, d SHORT");
    expect(schema.map((f) => f.type)).toEqual([ByteType, ByteType, ShortType, ShortType]);
    expect([simpleString(ByteType), simpleString(ShortType), sqlTypeName(ByteType), sqlTypeName(ShortType)]).toEqual(["tinyint", "smallint", "TINYINT", "SMALLINT"]);
    expect([dataTypeToJson(ByteType), dataTypeToJson(ShortType)]).toEqual(["byte", "short"]);
    expect([dataTypeFromJson("byte"), dataTypeFromJson("short")]).toEqual([ByteType, ShortType]);
  });
});

describe("rows", () => {
  it("carry TINYINT and SMALLINT values as JS numbers, and createDataFrame refuses values outside their range by name", async () => {
    expect(await spark.createDataFrame(ROWS, SCHEMA).orderBy("id").collect()).toEqual(ROWS);
    expect(() => spark.createDataFrame([{ b: 128 }], "b TINYINT")).toThrow(/Value 128 of field `b` cannot be stored as TINYINT/);
    expect(() => spark.createDataFrame([{ s: -32769 }], "s SMALLINT")).toThrow(/Value -32769 of field `s` cannot be stored as SMALLINT/);
    expect(() => spark.createDataFrame([{ b: 1.5 }], "b TINYINT")).toThrow(/cannot be stored as TINYINT/);
  });

  it("10Y and 10S literals are TINYINT and SMALLINT, and a literal out of range is refused", async () => {
    const df = spark.sql("SELECT 10Y AS b, -32768S AS s, 10Y + 10S AS bs, 10Y + 1 AS bi");
    expect(types(df)).toEqual({ b: "tinyint", s: "smallint", bs: "smallint", bi: "int" });
    expect(await df.collect()).toEqual([{ b: 10, s: -32768, bs: 20, bi: 11 }]);
    expect(() => spark.sql("SELECT 128Y")).toThrow(expect.objectContaining({ code: "INVALID_NUMERIC_LITERAL_RANGE", message: expect.stringMatching(/TINYINT/) }));
  });

  it("group, join and sort by TINYINT and SMALLINT keys", async () => {
    const df = spark.createDataFrame([{ b: 1, s: -2 }, { b: 1, s: 3 }, { b: -1, s: 3 }, { b: null, s: 3 }], "b TINYINT, s SMALLINT");
    expect(await df.groupBy("b").count().orderBy("b").collect()).toEqual([{ b: null, count: 1n }, { b: -1, count: 1n }, { b: 1, count: 2n }]);
    const other = spark.createDataFrame([{ s: 3, name: "three" }], "s SMALLINT, name STRING");
    expect(await df.join(other, "s").orderBy("b").collect()).toEqual([{ s: 3, b: null, name: "three" }, { s: 3, b: -1, name: "three" }, { s: 3, b: 1, name: "three" }]);
  });
});

describe("streaming", () => {
  it("a stateful aggregation keyed by TINYINT with a SMALLINT max keeps its state across a restart", async () => {
    const input = spark.memoryStream("b TINYINT, s SMALLINT");
    await testStream(
      spark,
      input.toDF().groupBy("b").agg(F.max("s").alias("top"), F.count("*").alias("n")),
      { outputMode: "update" },
      AddData(input, { b: -128, s: 1 }, { b: -128, s: -32768 }, { b: 127, s: 32767 }),
      CheckNewAnswer({ b: -128, top: 1, n: 2 }, { b: 127, top: 32767, n: 1 }),
      StopStream,
      StartStream(),
      AddData(input, { b: -128, s: 300 }),
      CheckNewAnswer({ b: -128, top: 300, n: 3 }),
    );
  });
});

describe("Arrow", () => {
  it("signed Int8 / Int16 are TINYINT / SMALLINT both ways; unsigned ones widen to INT", () => {
    expect(arrowTypeToSpark(new arrow.Int8())).toEqual(ByteType);
    expect(arrowTypeToSpark(new arrow.Int16())).toEqual(ShortType);
    expect(arrowTypeToSpark(new arrow.Uint8())).toEqual({ kind: "int" });
    const v = makeVector(ByteType, Int8Array.from([-128, 5, 127]));
    const data = vectorToArrowData(v);
    expect(data.type.toString()).toBe("Int8");
    expect(Array.from(arrowDataToVector(data).values as Int8Array)).toEqual([-128, 5, 127]);
  });
});

describe("files", () => {
  for (const format of ["parquet", "json", "csv"] as const) {
    it(`${format}: written and read back with the schema, values exact at the types' limits`, async () => {
      const out = join(root, format);
      const w = spark.createDataFrame(ROWS, SCHEMA).coalesce(1).write.format(format);
      await (format === "csv" ? w.option("header", "true") : w).save(out);
      const reader = format === "csv" ? spark.read.format(format).option("header", "true") : spark.read.format(format);
      const df = format === "parquet" ? reader.load(out) : reader.schema(SCHEMA).load(out);
      expect(types(df)).toEqual({ id: "int", b: "tinyint", s: "smallint" });
      expect(await df.orderBy("id").collect()).toEqual(ROWS);
    });
  }

  it("delta: a table with TINYINT / SMALLINT columns records them as byte / short and reads them back", async () => {
    const out = join(root, "delta");
    await spark.createDataFrame(ROWS, SCHEMA).write.format("delta").save(out);
    const log = readFileSync(join(out, "_delta_log", "00000000000000000000.json"), "utf8");
    expect(log).toContain('{\\"name\\":\\"b\\",\\"type\\":\\"byte\\"');
    expect(log).toContain('{\\"name\\":\\"s\\",\\"type\\":\\"short\\"');
    const df = spark.read.format("delta").load(out);
    expect(types(df)).toEqual({ id: "int", b: "tinyint", s: "smallint" });
    expect(await df.orderBy("id").collect()).toEqual(ROWS);
  });

  it("printSchema names the types byte and short, as Spark's", () => {
    expect(spark.createDataFrame([], SCHEMA).schema.treeString()).toContain(" |-- b: byte (nullable = true)\n |-- s: short (nullable = true)");
  });

  it("json and csv: a value outside the column's range is a malformed record (null in PERMISSIVE mode)", async () => {
    const out = join(root, "wide");
    await spark.createDataFrame([{ b: 128, s: 40000 }, { b: 1, s: 2 }], "b INT, s INT").coalesce(1).write.json(out);
    expect(await spark.read.schema("b TINYINT, s SMALLINT").json(out).orderBy("s").collect()).toEqual([{ b: null, s: null }, { b: 1, s: 2 }]);
    expect(readdirSync(out).some((f) => f.endsWith(".json") && readFileSync(join(out, f), "utf8").includes('"b":128'))).toBe(true);
  });
});
