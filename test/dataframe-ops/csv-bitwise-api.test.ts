/** The DataFrame API forms of from_csv, schema_of_csv and the bitwise functions (the SQL forms: test/parity cases csv-functions, bitwise). */
import { afterAll, describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import { StructType } from "../../src/types/struct-type.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());

describe("CSV and bitwise functions in the DataFrame API", () => {
  it("from_csv with a DDL string or a StructType and options; schema_of_csv", async () => {
    const df = spark.createDataFrame([{ raw: "1;9007199254740993" }, { raw: "x;2" }], "raw STRING");
    const schema = new StructType([{ name: "a", type: { kind: "int" }, nullable: true }, { name: "b", type: { kind: "bigint" }, nullable: true }, { name: "_corrupt_record", type: { kind: "string" }, nullable: true }]);
    const rows = await df.select(F.from_csv(col("raw"), schema, { sep: ";" }).alias("r"), F.from_csv("raw", "a INT", { sep: ";" }).alias("s"), F.schema_of_csv("1|a", { sep: "|" }).alias("ddl")).collect();
    expect(rows).toEqual([
      { r: { a: 1, b: 9007199254740993n, _corrupt_record: null }, s: { a: 1 }, ddl: "STRUCT<_c0: INT, _c1: STRING>" },
      { r: { a: null, b: 2n, _corrupt_record: "x;2" }, s: { a: null }, ddl: "STRUCT<_c0: INT, _c1: STRING>" },
    ]);
    const csv = await df.select(F.to_csv(F.from_csv(col("raw"), schema, { sep: ";" }), { sep: "|" }).alias("t")).collect();
    expect(csv).toEqual([{ t: "1|9007199254740993|" }, { t: "|2|x;2" }]);
    await expect(df.select(F.from_csv(col("raw"), "a INT", { sep: ";", mode: "FAILFAST" })).collect()).rejects.toMatchObject({ code: "MALFORMED_RECORD_IN_PARSING" });
    await expect((async () => df.select(F.from_csv(col("raw"), "a INT", { header: "true" })).collect())()).rejects.toMatchObject({ code: "INVALID_OPTION" });
  });
  it("shifts, bitwise_not, bit_count and bit_get", async () => {
    const df = spark.createDataFrame([{ b: -16, l: 9007199254740993n }], "b TINYINT, l BIGINT");
    const [row] = await df.select(F.shiftleft("b", 2).alias("sl"), F.shiftrightunsigned("b", 28).alias("su"), F.shiftright("l", 1).alias("sr"), F.bitwise_not("b").alias("n"), F.bit_count("b").alias("c"), F.bit_get("l", 0).alias("g")).collect();
    expect(row).toEqual({ sl: -64, su: 15, sr: 4503599627370496n, n: 15, c: 60, g: 1 });
  });
});
