/**
 * TIMESTAMP_NTZ as a user meets it (issue 12): the type's names, row values (a Date whose UTC
 * fields are the wall clock), `TIMESTAMP_NTZ '…'` literals, casts with STRING / DATE / TIMESTAMP
 * under a non-UTC session zone, comparisons, sorting and grouping, and show(). Spark's results
 * for the same queries are the parity cases in test/parity/cases/timestamp-ntz.
 */
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { dataTypeFromJson, dataTypeToJson, parseDDLSchema, simpleString, sqlTypeName, TimestampNTZType } from "../../src/types/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "America/Los_Angeles").getOrCreate();
const one = async (sql: string) => (await spark.sql(sql).collect())[0]!;

describe("type names", () => {
  it("DDL TIMESTAMP_NTZ; simpleString timestamp_ntz, SQL TIMESTAMP_NTZ, JSON timestamp_ntz", () => {
    expect(parseDDLSchema("t TIMESTAMP_NTZ").map((f) => f.type)).toEqual([TimestampNTZType]);
    expect([simpleString(TimestampNTZType), sqlTypeName(TimestampNTZType), dataTypeToJson(TimestampNTZType)]).toEqual(["timestamp_ntz", "TIMESTAMP_NTZ", "timestamp_ntz"]);
    expect(dataTypeFromJson("timestamp_ntz")).toEqual(TimestampNTZType);
  });
});

describe("values", () => {
  it("createDataFrame takes a Date or zone-less text and collect gives the wall clock as the Date's UTC fields", async () => {
    const df = spark.createDataFrame([{ t: new Date("2024-01-01T10:00:00.123Z") }, { t: "2024-03-10 02:30:00" }, { t: null }], "t TIMESTAMP_NTZ");
    const rows = await df.collect();
    expect(rows.map((r) => (r.t as Date | null)?.toISOString() ?? null)).toEqual(["2024-01-01T10:00:00.123Z", "2024-03-10T02:30:00.000Z", null]);
    expect(() => spark.createDataFrame([{ t: "2024-01-01 10:00:00+02:00" }], "t TIMESTAMP_NTZ")).toThrow(expect.objectContaining({ code: "INVALID_ROW_VALUE" }));
  });

  it("a TIMESTAMP_NTZ literal ignores the session zone; a bad one is INVALID_TYPED_LITERAL", async () => {
    const r = await one("SELECT TIMESTAMP_NTZ '2024-03-10 02:30:00.5' AS t, CAST(TIMESTAMP_NTZ '2024-03-10 02:30:00.5' AS STRING) AS s");
    expect((r.t as Date).toISOString()).toBe("2024-03-10T02:30:00.500Z");
    expect(r.s).toBe("2024-03-10 02:30:00.5");
    expect(() => spark.sql("SELECT TIMESTAMP_NTZ '2024-13-01 00:00:00'")).toThrow(expect.objectContaining({ code: "INVALID_TYPED_LITERAL" }));
    expect(spark.sql("SELECT TIMESTAMP_NTZ '2024-01-01 00:00:00' AS t").schema.fields[0]!.type).toEqual(TimestampNTZType);
  });

  it("casts: the session zone turns the wall clock into an instant and back; DATE is midnight", async () => {
    const r = await one(`SELECT CAST(TIMESTAMP_NTZ '2024-07-01 12:00:00' AS TIMESTAMP) AS ltz,
      CAST(CAST(TIMESTAMP '2024-07-01 12:00:00 UTC' AS TIMESTAMP_NTZ) AS STRING) AS ntz,
      CAST(TIMESTAMP_NTZ '2024-07-01 23:59:59' AS DATE) AS d, CAST(DATE '2024-07-01' AS TIMESTAMP_NTZ) AS fromDate,
      CAST('2024-07-01 08:00:00' AS TIMESTAMP_NTZ) AS fromText`);
    expect((r.ltz as Date).toISOString()).toBe("2024-07-01T19:00:00.000Z"); // 12:00 in Los Angeles (UTC-7)
    expect(r.ntz).toBe("2024-07-01 05:00:00");
    expect((r.d as Date).toISOString()).toBe("2024-07-01T00:00:00.000Z");
    expect((r.fromDate as Date).toISOString()).toBe("2024-07-01T00:00:00.000Z");
    expect((r.fromText as Date).toISOString()).toBe("2024-07-01T08:00:00.000Z");
  });

  it("numbers do not cast to or from TIMESTAMP_NTZ (DATATYPE_MISMATCH), as in Spark", () => {
    expect(() => spark.sql("SELECT CAST(1 AS TIMESTAMP_NTZ)")).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => spark.sql("SELECT CAST(TIMESTAMP_NTZ '2024-01-01 00:00:00' AS BIGINT)")).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });

  it("compares, sorts and groups by the wall clock; meeting a TIMESTAMP it becomes one", async () => {
    const df = spark.createDataFrame(
      [{ t: "2024-01-02 00:00:00", n: 1 }, { t: "2024-01-01 10:00:00", n: 2 }, { t: "2024-01-02 00:00:00", n: 3 }],
      "t TIMESTAMP_NTZ, n INT",
    );
    const g = await df.groupBy("t").agg({ n: "sum" }).orderBy("t").collect();
    expect(g.map((r) => [(r.t as Date).toISOString(), r["sum(n)"]])).toEqual([["2024-01-01T10:00:00.000Z", 2n], ["2024-01-02T00:00:00.000Z", 4n]]);
    expect(await df.where("t > TIMESTAMP_NTZ '2024-01-01 12:00:00'").count()).toBe(2);
    const mixed = spark.sql("SELECT TIMESTAMP_NTZ '2024-01-01 00:00:00' AS t UNION ALL SELECT TIMESTAMP '2024-01-01 00:00:00 UTC'");
    expect(mixed.schema.fields[0]!.type.kind).toBe("timestamp");
  });

  it("show() prints the wall clock", async () => {
    expect(await spark.sql("SELECT TIMESTAMP_NTZ '2024-01-01 10:00:00' AS t").showString()).toContain("|2024-01-01 10:00:00|");
  });
});

describe("functions", () => {
  it("fields read the wall clock; unix_timestamp counts it as UTC; date_trunc and date_format go through the session zone", async () => {
    const r = await one(`SELECT hour(TIMESTAMP_NTZ '2024-03-10 02:30:00') AS h, dayofmonth(TIMESTAMP_NTZ '2024-03-10 23:30:00') AS d,
      unix_timestamp(TIMESTAMP_NTZ '2024-01-01 00:00:00') AS u, date_trunc('HOUR', TIMESTAMP_NTZ '2024-03-10 02:30:00') AS tr,
      date_format(TIMESTAMP_NTZ '2024-01-01 10:00:00', 'yyyy-MM-dd HH:mm XXX') AS f`);
    expect([r.h, r.d, r.u, (r.tr as Date).toISOString(), r.f]).toEqual([2, 10, 1704067200n, "2024-03-10T10:00:00.000Z", "2024-01-01 10:00 -08:00"]);
    expect(() => spark.sql("SELECT unix_seconds(TIMESTAMP_NTZ '2024-01-01 00:00:00')")).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });

  it("to_timestamp_ntz, make_timestamp_ntz and localtimestamp give TIMESTAMP_NTZ values", async () => {
    const df = spark.sql(`SELECT to_timestamp_ntz('2024-01-01 10:00:00') AS a, to_timestamp_ntz('01/02/2024 10:00', 'dd/MM/yyyy HH:mm') AS b,
      make_timestamp_ntz(2024, 1, 2, 3, 4, 5.5) AS c, localtimestamp() AS lt, to_timestamp_ntz('2024-01-01 10:00:00+02:00') AS z`);
    expect(df.schema.fields.map((f) => f.type.kind)).toEqual(Array(5).fill("timestamp_ntz"));
    const r = (await df.collect())[0]!;
    expect([r.a, r.b, r.c, r.z].map((d) => (d as Date).toISOString())).toEqual(["2024-01-01T10:00:00.000Z", "2024-02-01T10:00:00.000Z", "2024-01-02T03:04:05.500Z", "2024-01-01T10:00:00.000Z"]);
    await expect(spark.sql("SELECT make_timestamp_ntz(2024, 13, 1, 0, 0, 0)").collect()).rejects.toMatchObject({ code: "DATETIME_FIELD_OUT_OF_BOUNDS" });
  });

  it("window() over a TIMESTAMP_NTZ column has wall-clock bounds", async () => {
    const df = spark.sql(`SELECT window.start AS s, window.end AS e, count(*) AS n FROM VALUES (TIMESTAMP_NTZ '2024-01-01 10:07:00'),
      (TIMESTAMP_NTZ '2024-01-01 10:08:00'), (TIMESTAMP_NTZ '2024-01-01 10:12:00') AS t(ts) GROUP BY window(ts, '5 minutes') ORDER BY s`);
    expect(df.schema.fields[0]!.type.kind).toBe("timestamp_ntz");
    const rows = await df.collect();
    expect(rows.map((r) => [(r.s as Date).toISOString().slice(11, 16), (r.e as Date).toISOString().slice(11, 16), r.n])).toEqual([["10:05", "10:10", 2n], ["10:10", "10:15", 1n]]);
  });
});

describe("JSON and CSV", () => {
  it("write the wall clock with timestampNTZFormat (Spark's default yyyy-MM-dd'T'HH:mm:ss[.SSS]) and read it back unshifted", async () => {
    const { mkdtempSync, readdirSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "sluice-ntz-text-"));
    const df = spark.createDataFrame([{ t: "2024-03-10 02:30:00.25" }], "t TIMESTAMP_NTZ");
    await df.write.json(join(dir, "j"));
    await df.write.option("timestampNTZFormat", "dd/MM/yyyy HH:mm").csv(join(dir, "c"));
    const text = (sub: string) => readdirSync(join(dir, sub)).filter((f) => f.startsWith("part-")).map((f) => readFileSync(join(dir, sub, f), "utf8")).join("");
    expect(text("j")).toBe('{"t":"2024-03-10T02:30:00.250"}\n');
    expect(text("c")).toBe("10/03/2024 02:30\n");
    const j = await spark.read.schema("t TIMESTAMP_NTZ").json(join(dir, "j")).collect();
    const c = await spark.read.schema("t TIMESTAMP_NTZ").option("timestampNTZFormat", "dd/MM/yyyy HH:mm").csv(join(dir, "c")).collect();
    expect([(j[0]!.t as Date).toISOString(), (c[0]!.t as Date).toISOString()]).toEqual(["2024-03-10T02:30:00.250Z", "2024-03-10T02:30:00.000Z"]);
    const fj = await one(`SELECT from_json('{"t":"2024-01-01T10:00:00"}', 't TIMESTAMP_NTZ').t AS t`);
    expect((fj.t as Date).toISOString()).toBe("2024-01-01T10:00:00.000Z");
  });
});
