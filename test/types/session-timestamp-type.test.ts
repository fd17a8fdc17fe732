/**
 * spark.sql.timestampType through the DataFrame API (the SQL side, functions and CSV/JSON inference
 * are PySpark parity cases: test/parity/cases/timestamp-ntz/013-023). Under TIMESTAMP_NTZ Spark
 * reads the bare name TIMESTAMP as TIMESTAMP_NTZ wherever a type is written as text: Column.cast,
 * createDataFrame and reader schemas (checked with PySpark 4.0.1: DDL "t TIMESTAMP" →
 * struct<t:timestamp_ntz>, col.cast("timestamp") → timestamp_ntz). The setting is read when a
 * query is analyzed, and for a DDL schema when it is given.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { col, functions as F, Session } from "../../src/index.js";
import { simpleString } from "../../src/types/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "America/Los_Angeles").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-timestamp-type-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const types = (df: { schema: { fields: readonly { type: Parameters<typeof simpleString>[0] }[] } }) => df.schema.fields.map((f) => simpleString(f.type));

describe("spark.sql.timestampType", () => {
  it("refuses a value other than TIMESTAMP_LTZ / TIMESTAMP_NTZ, as Spark does, and takes either in any case", () => {
    expect(() => spark.conf.set("spark.sql.timestampType", "TIMESTAMP")).toThrowError(
      expect.objectContaining({ code: "INVALID_CONF_VALUE", message: expect.stringContaining("should be one of TIMESTAMP_LTZ, TIMESTAMP_NTZ, but was TIMESTAMP") }),
    );
    spark.conf.set("spark.sql.timestampType", "timestamp_ntz");
    expect(spark.conf.get("spark.sql.timestampType")).toBe("timestamp_ntz");
    spark.conf.unset("spark.sql.timestampType");
    expect(spark.conf.get("spark.sql.timestampType")).toBe("TIMESTAMP_LTZ");
  });

  it("makes Column.cast('timestamp'), createDataFrame and reader DDL schemas TIMESTAMP_NTZ; TIMESTAMP_LTZ stays", async () => {
    const path = join(dir, "t.csv");
    writeFileSync(path, "2024-01-01 10:00:00\n");
    const casts = () => spark.createDataFrame([{ s: "2024-01-01 10:00:00" }]).select(col("s").cast("timestamp").alias("a"), F.array(col("s")).cast("array<timestamp>").alias("b"), col("s").try_cast("timestamp_ltz").alias("c"));
    expect(types(casts())).toEqual(["timestamp", "array<timestamp>", "timestamp"]);
    spark.conf.set("spark.sql.timestampType", "TIMESTAMP_NTZ");
    try {
      const df = casts();
      expect(types(df)).toEqual(["timestamp_ntz", "array<timestamp_ntz>", "timestamp"]);
      const [row] = await df.collect();
      // the NTZ value is the wall clock as written; the LTZ one the instant in the session zone
      expect((row!.a as Date).toISOString()).toBe("2024-01-01T10:00:00.000Z");
      expect((row!.c as Date).toISOString()).toBe("2024-01-01T18:00:00.000Z");
      expect(types(spark.createDataFrame([], "t TIMESTAMP, u TIMESTAMP_LTZ"))).toEqual(["timestamp_ntz", "timestamp"]);
      expect(types(spark.read.schema("t TIMESTAMP").csv(path))).toEqual(["timestamp_ntz"]);
    } finally {
      spark.conf.unset("spark.sql.timestampType");
    }
    expect(types(spark.createDataFrame([], "t TIMESTAMP"))).toEqual(["timestamp"]);
  });
});
