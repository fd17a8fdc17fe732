/**
 * Spark's ANSI interval types as a user meets them (issue 12): the JS values rows carry (a number
 * of months for YEAR-MONTH, a bigint of microseconds for DAY-TIME), createDataFrame input and its
 * refusals, DDL and JSON schema names, Arrow, JSON, CSV and Parquet files, the extremes of both
 * types, and Spark's overflow
 * rule (interval arithmetic fails on overflow even with ANSI off). The SQL semantics themselves —
 * literals, casts, arithmetic, aggregates, errors — are PySpark-recorded cases in
 * test/parity/cases/interval.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { arrowDataToVector } from "../../src/columnar/arrow.js";
import { dataTypeFromJson, dataTypeToJson, DayTimeIntervalType, parseDDLSchema, simpleString } from "../../src/types/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const root = mkdtempSync(join(tmpdir(), "sluice-interval-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SQL = "SELECT INTERVAL '1 2:3:4.5' DAY TO SECOND AS d, INTERVAL '1-2' YEAR TO MONTH AS m, INTERVAL '3' HOUR AS h";

describe("rows", () => {
  it("carry a YEAR-MONTH interval as months and a DAY-TIME interval as exact microseconds", async () => {
    expect(await spark.sql(SQL).collect()).toEqual([{ d: 93_784_500_000n, m: 14, h: 10_800_000_000n }]);
    // the largest DAY-TIME interval is exact, past 2^53 µs
    const [row] = await spark.sql("SELECT INTERVAL '106751991 04:00:54.775807' DAY TO SECOND AS x").collect();
    expect(row!.x).toBe(2n ** 63n - 1n);
    const [min] = await spark.sql("SELECT CAST('-106751991 04:00:54.775808' AS INTERVAL DAY TO SECOND) AS d, CAST('-178956970-8' AS INTERVAL YEAR TO MONTH) AS m").collect();
    expect(min).toEqual({ d: -(2n ** 63n), m: -(2 ** 31) });
  });

  it("are accepted by createDataFrame in the same shapes, and other values are refused by name", async () => {
    const df = spark.createDataFrame([{ d: 90_000_000n, m: 25 }, { d: 1_500_000, m: null }], "d INTERVAL DAY TO SECOND, m INTERVAL YEAR TO MONTH");
    expect(await df.selectExpr("CAST(d AS STRING) AS d", "CAST(m AS STRING) AS m").collect()).toEqual([
      { d: "INTERVAL '0 00:01:30' DAY TO SECOND", m: "INTERVAL '2-1' YEAR TO MONTH" },
      { d: "INTERVAL '0 00:00:01.5' DAY TO SECOND", m: null },
    ]);
    expect(() => spark.createDataFrame([{ d: "1 day" }], "d INTERVAL DAY TO SECOND")).toThrow(/INTERVAL DAY TO SECOND/);
    expect(() => spark.createDataFrame([{ m: 1.5 }], "m INTERVAL YEAR TO MONTH")).toThrow(/INTERVAL YEAR TO MONTH/);
    expect(() => spark.createDataFrame([{ d: 2 ** 60 }], "d INTERVAL DAY TO SECOND")).toThrow(/cannot be stored/);
  });

  it("name a literal column as Spark does", () => {
    // PySpark 4.0.1: struct<INTERVAL '1' DAY: interval day, (INTERVAL '1' DAY / 0): ...>
    expect(spark.sql("SELECT INTERVAL '1' DAY, INTERVAL '1-2' YEAR TO MONTH, INTERVAL '1' DAY / 0").columns).toEqual([
      "INTERVAL '1' DAY",
      "INTERVAL '1-2' YEAR TO MONTH",
      "(INTERVAL '1' DAY / 0)",
    ]);
  });

  it("show() prints Spark's text of an interval", async () => {
    expect(await spark.sql(SQL).showString(20, false)).toContain("|INTERVAL '1 02:03:04.5' DAY TO SECOND|INTERVAL '1-2' YEAR TO MONTH|INTERVAL '03' HOUR|");
  });
});

describe("type names", () => {
  it("DDL, simpleString and Spark's JSON schema form name every field range", () => {
    const fields = parseDDLSchema("a INTERVAL YEAR, b INTERVAL YEAR TO MONTH, c INTERVAL MONTH, d INTERVAL DAY, e interval hour to second, f INTERVAL MINUTE TO SECOND");
    expect(fields.map((f) => simpleString(f.type))).toEqual([
      "interval year",
      "interval year to month",
      "interval month",
      "interval day",
      "interval hour to second",
      "interval minute to second",
    ]);
    for (const f of fields) expect(dataTypeFromJson(dataTypeToJson(f.type))).toEqual(f.type);
    expect(dataTypeToJson(DayTimeIntervalType(1, 2))).toBe("interval hour to minute");
  });

  it("refuses a field range that runs backwards or mixes the families", () => {
    expect(() => parseDDLSchema("a INTERVAL MONTH TO YEAR")).toThrow(/INTERVAL MONTH TO YEAR/);
    expect(() => parseDDLSchema("a INTERVAL YEAR TO DAY")).toThrow(/INTERVAL YEAR TO DAY/);
    expect(() => parseDDLSchema("a INTERVAL")).toThrow(/interval field/);
  });
});

describe("files and Arrow", () => {
  it("Arrow carries YEAR-MONTH as Interval(YEAR_MONTH) and DAY-TIME as Duration(MICROSECOND), as Spark's ArrowUtils", async () => {
    const table = await spark.sql(SQL).toArrow();
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(["Duration<MICROSECOND>", "Interval<YEAR_MONTH>", "Duration<MICROSECOND>"]);
    const back = table.batches[0]!.data.children.map((d) => arrowDataToVector(d));
    expect(back.map((v) => simpleString(v.type))).toEqual(["interval day to second", "interval year to month", "interval day to second"]);
    expect([back[0]!.values[0], back[1]!.values[0], back[2]!.values[0]]).toEqual([93_784_500_000n, 14, 10_800_000_000n]);
  });

  it("JSON and CSV write Spark's text of an interval; Parquet keeps the exact type (Spark's layout: test/interval/spark-interval-parquet.test.ts)", async () => {
    const df = spark.sql(SQL);
    for (const fmt of ["json", "csv", "parquet"]) await df.write.format(fmt).save(join(root, fmt));
    const text = (fmt: string) => readdirSync(join(root, fmt)).filter((f) => f.startsWith("part-")).map((f) => readFileSync(join(root, fmt, f), "utf8")).join("");
    expect(JSON.parse(text("json"))).toEqual({ d: "INTERVAL '1 02:03:04.5' DAY TO SECOND", m: "INTERVAL '1-2' YEAR TO MONTH", h: "INTERVAL '03' HOUR" });
    expect(text("csv").trim()).toBe("INTERVAL '1 02:03:04.5' DAY TO SECOND,INTERVAL '1-2' YEAR TO MONTH,INTERVAL '03' HOUR");
    const parquet = spark.read.parquet(join(root, "parquet"));
    expect(parquet.schema.fields.map((f) => simpleString(f.type))).toEqual(["interval day to second", "interval year to month", "interval hour"]);
    expect(await parquet.collect()).toEqual([{ d: 93_784_500_000n, m: 14, h: 10_800_000_000n }]);
  });
});

describe("overflow", () => {
  it("interval arithmetic fails on overflow whatever spark.sql.ansi.enabled says, as Spark", async () => {
    spark.conf.set("spark.sql.ansi.enabled", "false");
    try {
      await expect(spark.sql("SELECT INTERVAL '1' YEAR * 200000000 AS x").collect()).rejects.toMatchObject({ code: "ARITHMETIC_OVERFLOW" });
      await expect(spark.sql("SELECT INTERVAL '106751991' DAY * 2 AS x").collect()).rejects.toMatchObject({ code: "ARITHMETIC_OVERFLOW" });
      await expect(spark.sql("SELECT -CAST(-2147483648 AS INTERVAL MONTH) AS x").collect()).rejects.toMatchObject({ code: "ARITHMETIC_OVERFLOW" });
    } finally {
      spark.conf.set("spark.sql.ansi.enabled", "true");
    }
  });
});
