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
