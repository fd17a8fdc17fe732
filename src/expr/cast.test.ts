import { describe, expect, it } from "vitest";
import { vectorFromValues, getValue } from "../columnar/column-batch.js";
import { ArrayType, type DataType, DecimalType, MapType } from "../types/data-type.js";
import { canCast, castVector } from "./cast.js";
import { LA, LEGACY, UTC } from "./functions/test-support.js";
import type { EvalContext } from "./function-types.js";

const S: DataType = { kind: "string" };
const I: DataType = { kind: "int" };
const L: DataType = { kind: "bigint" };
const D: DataType = { kind: "double" };
const F: DataType = { kind: "float" };
const TS: DataType = { kind: "timestamp" };
const DATE: DataType = { kind: "date" };

function cast(values: unknown[], from: DataType, to: DataType, mode: "cast" | "try" = "cast", ctx: EvalContext = UTC): unknown[] {
  const v = castVector(vectorFromValues(from, values), to, mode, ctx);
  return values.map((_, i) => getValue(v, i));
}

describe("cast to string (expected values from PySpark 4.0.1)", () => {
  it("prints doubles and floats as Java does", () => {
    // spark.sql("select cast(1e10 as string), cast(0.1 as string), cast(1.0D as string), cast(1e-5D as string), cast(1e7D as string), cast(1234567.0D as string), cast(123456789.0D as string), cast(1e-3D as string), cast(1e-4D as string)")
    expect(cast([1e10, 0.1, 1.0, 1e-5, 1e7, 1234567.0, 123456789.0, 1e-3, 1e-4], D, S)).toEqual([
      "1.0E10", "0.1", "1.0", "1.0E-5", "1.0E7", "1234567.0", "1.23456789E8", "0.001", "1.0E-4",
    ]);
    // cast(NaN), cast(Infinity), cast(-0.0D), cast(1e20D), cast(1e21D), cast(1.0E-10D), cast(0.1D+0.2D)
    expect(cast([NaN, Infinity, -0, 1e20, 1e21, 1e-10, 0.1 + 0.2], D, S)).toEqual(["NaN", "Infinity", "-0.0", "1.0E20", "1.0E21", "1.0E-10", "0.30000000000000004"]);
    // cast(1.1f as string), cast(3.4e38f as string)
    expect(cast([Math.fround(1.1), Math.fround(3.4e38)], F, S)).toEqual(["1.1", "3.4E38"]);
  });
  it("prints decimals, dates, timestamps (session zone), nested values", () => {
    // cast(cast(1.5 as decimal(10,3)) as string) → '1.500'
    expect(cast([1500, -5, null], DecimalType(10, 3), S)).toEqual(["1.500", "-0.005", null]);
    expect(cast([19737], DATE, S)).toEqual(["2024-01-15"]);
    // timestamp'2024-01-15 10:00:00.123' → '2024-01-15 10:00:00.123'; .000001 → '.000001'
    const t = Date.UTC(2024, 0, 15, 10) * 1000;
    expect(cast([t + 123000, t, t + 1], TS, S)).toEqual(["2024-01-15 10:00:00.123", "2024-01-15 10:00:00", "2024-01-15 10:00:00.000001"]);
    // with spark.sql.session.timeZone=America/Los_Angeles
    expect(cast([t], TS, S, "cast", LA)).toEqual(["2024-01-15 02:00:00"]);
    // cast(array(1,2)), cast(struct(1,'a')), cast(map('a',1)), array(null,'x'), struct(null,1), map('a',null)
    expect(cast([[1, 2]], ArrayType(I), S)).toEqual(["[1, 2]"]);
    expect(cast([[null, "x"]], ArrayType(S), S)).toEqual(["[null, x]"]);
    const st: DataType = { kind: "struct", fields: [{ name: "a", type: I, nullable: true }, { name: "b", type: S, nullable: true }] };
    expect(cast([{ a: 1, b: "a" }, { a: null, b: "1" }], st, S)).toEqual(["{1, a}", "{null, 1}"]);
    expect(cast([new Map([["a", 1]]), new Map([["a", null]])], MapType(S, I), S)).toEqual(["{a -> 1}", "{a -> null}"]);
    expect(cast([true, new Uint8Array([97, 98])].slice(0, 1), { kind: "boolean" }, S)).toEqual(["true"]);
    expect(cast([new Uint8Array([97, 98])], { kind: "binary" }, S)).toEqual(["ab"]);
  });
});

describe("cast from string", () => {
  it("parses numbers, trimming spaces", () => {
    expect(cast([" 12 ", "-3", null], S, I)).toEqual([12, -3, null]);
    expect(cast(["1e3", " 1.5 ", "NaN", "-Infinity", "2d"], S, D)).toEqual([1000, 1.5, NaN, -Infinity, 2]);
    expect(cast(["  1.5e3 ", "1.005", "-0.125"], S, DecimalType(10, 2))).toEqual([150000n, 101n, -13n]);
    expect(cast(["yes", "F", "0"], S, { kind: "boolean" })).toEqual([true, false, false]);
  });
  it("ANSI: malformed input raises CAST_INVALID_INPUT; try_cast and legacy give null", () => {
    // select cast('abc' as int) → [CAST_INVALID_INPUT] The value 'abc' of the type "STRING" cannot be cast to "INT" ...
    expect(() => cast(["abc"], S, I)).toThrow(/The value 'abc' of the type "STRING" cannot be cast to "INT" because it is malformed/);
    expect(() => cast(["1.5"], S, I)).toThrow(expect.objectContaining({ code: "CAST_INVALID_INPUT" }));
    expect(() => cast(["x"], S, { kind: "boolean" })).toThrow(expect.objectContaining({ code: "CAST_INVALID_INPUT" }));
    expect(() => cast(["abc"], S, TS)).toThrow(expect.objectContaining({ code: "CAST_INVALID_INPUT" }));
    expect(() => cast(["abc"], S, D)).toThrow(expect.objectContaining({ code: "CAST_INVALID_INPUT" }));
    expect(cast(["x", "3000000000"], S, I, "try")).toEqual([null, null]);
    expect(cast(["x", "1.7"], S, I, "cast", LEGACY)).toEqual([null, 1]);
  });
  it("parses timestamps and dates as Spark's CAST does", () => {
    const ts = (s: string, ctx = UTC) => cast([s], S, TS, "cast", ctx)[0];
    expect(ts("2024-01-05T10:11:12Z")).toBe(Date.UTC(2024, 0, 5, 10, 11, 12) * 1000);
    expect(ts("2024-01-05 10:11:12+08:00")).toBe(Date.UTC(2024, 0, 5, 2, 11, 12) * 1000);
    expect(ts("2024")).toBe(Date.UTC(2024, 0, 1) * 1000);
    expect(ts("2024-01-05T10:11:12.123456789")).toBe(Date.UTC(2024, 0, 5, 10, 11, 12) * 1000 + 123456);
    expect(ts("2024-01-05 10:11")).toBe(Date.UTC(2024, 0, 5, 10, 11) * 1000);
    expect(ts("2024-01-05T10")).toBe(Date.UTC(2024, 0, 5, 10) * 1000);
    // America/Los_Angeles: cast('2024-07-15 10:00:00' as timestamp) as long → 1721062800; gap 02:30 → 1710066600; overlap 01:30 → 1730622600
    expect(ts("2024-07-15 10:00:00", LA)).toBe(1721062800 * 1e6);
    expect(ts("2024-01-15 10:00:00", LA)).toBe(1705341600 * 1e6);
    expect(ts("2024-03-10 02:30:00", LA)).toBe(1710066600 * 1e6);
    expect(ts("2024-11-03 01:30:00", LA)).toBe(1730622600 * 1e6);
    expect(ts("2024-01-05 10:00:00 America/Los_Angeles")).toBe(Date.UTC(2024, 0, 5, 18) * 1000);
    // cast('2024-02' as date), cast('2024-01-05 junk' as date), cast(' 2024-01-05 ' as date)
    expect(cast(["2024-02", "2024-01-05 junk", " 2024-01-05 ", "2024-02-30"], S, DATE, "try")).toEqual([19754, 19727, 19727, null]);
  });
});

describe("numeric casts", () => {
  it("ANSI overflow raises CAST_OVERFLOW naming the value", () => {
    // select cast(3000000000L as int) → [CAST_OVERFLOW] The value 3000000000L of the type "BIGINT" cannot be cast to "INT" due to an overflow.
    expect(() => cast([3000000000], L, I)).toThrow(/The value 3000000000L of the type "BIGINT" cannot be cast to "INT" due to an overflow/);
    expect(() => cast([1e20], D, L)).toThrow(expect.objectContaining({ code: "CAST_OVERFLOW" }));
    // select cast(100000 as decimal(4,2)) → [NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] 100000 cannot be represented as Decimal(4, 2).
    expect(() => cast([12345], I, DecimalType(4, 1))).toThrow(expect.objectContaining({ code: "NUMERIC_VALUE_OUT_OF_RANGE" }));
    // cast(cast(99999999.99 as decimal(10,2)) as decimal(4,2)), cast('12345.6' as decimal(4,2)), cast(1e10 as decimal(4,2))
    expect(() => cast([9999999999], DecimalType(10, 2), DecimalType(4, 2))).toThrow(/^99999999\.99 cannot be represented as Decimal\(4, 2\)/);
    expect(() => cast(["12345.6"], S, DecimalType(4, 2))).toThrow(expect.objectContaining({ code: "NUMERIC_VALUE_OUT_OF_RANGE" }));
    expect(() => cast([1e10], D, DecimalType(4, 2))).toThrow(expect.objectContaining({ code: "NUMERIC_VALUE_OUT_OF_RANGE" }));
    expect(cast([9999999999], DecimalType(10, 2), DecimalType(4, 2), "try")).toEqual([null]);
    expect(cast([3000000000], L, I, "try")).toEqual([null]);
    expect(cast([3000000000], L, I, "cast", LEGACY)).toEqual([-1294967296]);
  });
  it("truncates fractions toward zero and rounds decimals HALF_UP", () => {
    expect(cast([1.9, -1.9, NaN].slice(0, 2), D, I)).toEqual([1, -1]);
    expect(cast([1.005, 2.5, -2.5], D, DecimalType(5, 0))).toEqual([1n, 3n, -3n]);
    expect(cast([12345n], DecimalType(10, 3), DecimalType(10, 1))).toEqual([123n]);
    expect(cast([150n], DecimalType(10, 2), D)).toEqual([1.5]);
    expect(cast([1, 0], I, { kind: "boolean" })).toEqual([true, false]);
    expect(cast([true], { kind: "boolean" }, I)).toEqual([1]);
  });
  it("converts between dates, timestamps and numbers in the session zone", () => {
    const t = Date.UTC(2024, 0, 15, 3) * 1000;
    expect(cast([t], TS, DATE)).toEqual([19737]);
    expect(cast([t], TS, DATE, "cast", LA)).toEqual([19736]);
    expect(cast([19737], DATE, TS, "cast", LA)).toEqual([Date.UTC(2024, 0, 15, 8) * 1000]);
    expect(cast([t + 500000], TS, L)).toEqual([BigInt(t / 1e6)]);
    expect(cast([t + 500000], TS, D)).toEqual([t / 1e6 + 0.5]);
    expect(cast([1.5], D, TS)).toEqual([1500000]);
  });
  it("casts arrays, maps and structs element-wise", () => {
    expect(cast([["1", null, "3"]], ArrayType(S), ArrayType(I))).toEqual([[1, null, 3]]);
    expect(() => cast([["x"]], ArrayType(S), ArrayType(I))).toThrow(expect.objectContaining({ code: "CAST_INVALID_INPUT" }));
    const from: DataType = { kind: "struct", fields: [{ name: "a", type: S, nullable: true }] };
    const to: DataType = { kind: "struct", fields: [{ name: "x", type: I, nullable: true }] };
    expect(cast([{ a: "7" }], from, to)).toEqual([{ x: 7 }]);
  });
  it("rejects casts Spark does not allow", () => {
    expect(canCast(DATE, I)).toBe(false);
    expect(canCast(I, S)).toBe(true);
    expect(canCast(S, TS)).toBe(true);
    expect(canCast(ArrayType(I), I)).toBe(false);
    expect(() => cast([1], DATE, I)).toThrow(expect.objectContaining({ code: "CAST_UNSUPPORTED" }));
  });
});
