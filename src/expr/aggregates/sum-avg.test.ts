import { describe, expect, it } from "vitest";
import { BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType, StringType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos, legacyCtx } from "./test-kit.js";

const typeOf = (name: string, c: ReturnType<typeof col>) => fn(name).resolve(infos([c]), ctx, false).returnType;

// PySpark 4.0.1:
//   select sum(x), avg(x) from values (1),(2),(null) t(x)        -> bigint 3, double 1.5
//   sum(decimal(5,2) 1.50, 2.25) -> decimal(15,2) 3.75 ; avg -> decimal(9,6) 1.875000
//   sum/avg of decimal(36,2) -> decimal(38,2) / decimal(38,6)
//   avg(decimal(3,0): -2,-1,-1,-1,-1,-1) -> decimal(7,4) -1.1667 ; avg(2,1,1) -> 1.3333
//   sum(1.0f, 2.5f) -> double 3.5 ; sum('1','2') -> double 3.0 ; avg('1','2') -> 1.5
//   sum(9223372036854775807L, 1L) -> ARITHMETIC_OVERFLOW ; sum(2147483647, 1) -> 2147483648
//   sum of two decimal(38,0) 99..9 -> ARITHMETIC_OVERFLOW "Overflow in sum of decimals"
//   avg(decimal(38,37) 1) -> NUMERIC_VALUE_OUT_OF_RANGE (decimal(38,38))
//   sum(true) / avg(date) -> DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE
//   sum/avg over only nulls -> null
describe("sum", () => {
  it("has Spark's result types", () => {
    expect(typeOf("sum", col(IntegerType, []))).toEqual(LongType);
    expect(typeOf("sum", col(LongType, []))).toEqual(LongType);
    expect(typeOf("sum", col(FloatType, []))).toEqual(DoubleType);
    expect(typeOf("sum", col(StringType, []))).toEqual(DoubleType);
    expect(typeOf("sum", col(DecimalType(5, 2), []))).toEqual(DecimalType(15, 2));
    expect(typeOf("sum", col(DecimalType(36, 2), []))).toEqual(DecimalType(38, 2));
    // sum(DISTINCT x) keeps the type
    expect(fn("sum").resolve(infos([col(IntegerType, [])]), ctx, true).returnType).toEqual(LongType);
  });
  it("skips nulls; all-null or empty groups give null", () => {
    expect(aggregateAll("sum", [col(IntegerType, [1, 2, null])])).toBe(3n);
    expect(aggregateAll("sum", [col(IntegerType, [2147483647, 1])])).toBe(2147483648n);
    expect(aggregateAll("sum", [col(DoubleType, [null, null])])).toBe(null);
    expect(aggregate("sum", [col(DoubleType, [1.5, null, 2, 4])], [0, 1, 0, 3])).toEqual([3.5, null, null, 4]);
  });
  it("adds decimals unscaled", () => {
    expect(aggregateAll("sum", [col(DecimalType(5, 2), [150n, 225n])])).toBe(375n);
    // exact past 2^53: DECIMAL(38,18) unscaled values keep every digit
    const big = 12345678901234567891234567n;
    expect(aggregateAll("sum", [col(DecimalType(28, 18), [big, big + 1n, null])])).toBe(2n * big + 1n);
    expect(aggregateMerged("sum", [col(DecimalType(10, 2), [1n, 2n, 3n, 2n ** 40n])], [0, 0, 1, 1], 2)).toEqual([3n, 3n + 2n ** 40n]);
  });
  it("raises ARITHMETIC_OVERFLOW for a BIGINT sum outside the long range under ANSI, wraps without", () => {
    const big = col(LongType, [9223372036854775807n, 9223372036854775807n]);
    expect(() => aggregateAll("sum", [big])).toThrow(expect.objectContaining({ code: "ARITHMETIC_OVERFLOW" }));
    // sums are exact int64: wrap-around as a Java long, checked on values past 2^53
    expect(aggregateAll("sum", [col(LongType, [2n ** 62n, 2n ** 62n])], { ctx: legacyCtx })).toBe(-(2n ** 63n));
    expect(aggregateAll("sum", [col(LongType, [9007199254740993n, 2n])])).toBe(9007199254740995n);
  });
  it("raises ARITHMETIC_OVERFLOW for a decimal sum beyond its precision under ANSI, null without", () => {
    const d = col(DecimalType(28, 0), [9n * 10n ** 37n, 9n * 10n ** 37n]);
    expect(() => aggregateAll("sum", [d])).toThrow(expect.objectContaining({ code: "ARITHMETIC_OVERFLOW" }));
    expect(aggregateAll("sum", [d], { ctx: legacyCtx })).toBe(null);
  });
  it("rejects non-numeric input", () => {
    expect(() => typeOf("sum", col(BooleanType, []))).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => fn("sum").resolve([], ctx, false)).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
  });
  it("merges partial states", () => {
    const v = col(LongType, [1, null, 3, 4, 5, null, 7]);
    const g = [0, 1, 0, 1, 2, 2, 0];
    expect(aggregateMerged("sum", [v], g, 4)).toEqual([11n, 4n, 5n]);
    expect(aggregateMerged("sum", [v], [0, 0, 0, 0, 0, 1, 0], 4)).toEqual([20n, null]);
  });
});

describe("avg / mean", () => {
  it("has Spark's result types", () => {
    expect(typeOf("avg", col(IntegerType, []))).toEqual(DoubleType);
    expect(typeOf("mean", col(StringType, []))).toEqual(DoubleType);
    expect(typeOf("avg", col(DecimalType(5, 2), []))).toEqual(DecimalType(9, 6));
    expect(typeOf("avg", col(DecimalType(36, 2), []))).toEqual(DecimalType(38, 6));
    expect(() => typeOf("avg", col(DateType, []))).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
  it("averages non-null values; empty groups give null", () => {
    expect(aggregateAll("avg", [col(IntegerType, [1, 2, null])])).toBe(1.5);
    expect(aggregateAll("mean", [col(DoubleType, [])])).toBe(null);
    expect(aggregate("avg", [col(IntegerType, [1, 2, 3, null])], [0, 0, 2, 1])).toEqual([1.5, null, 3]);
  });
  it("rounds decimal averages half-up at scale s+4", () => {
    expect(aggregateAll("avg", [col(DecimalType(5, 2), [150n, 225n])])).toBe(1875000n);
    expect(aggregateAll("avg", [col(DecimalType(3, 0), [2n, 1n, 1n])])).toBe(13333n);
    expect(aggregateAll("avg", [col(DecimalType(3, 0), [-2n, -1n, -1n, -1n, -1n, -1n])])).toBe(-11667n);
    expect(aggregateAll("avg", [col(DecimalType(5, 1), [-15n, -10n, 0n])])).toBe(-83333n);
  });
  it("raises NUMERIC_VALUE_OUT_OF_RANGE when the decimal average does not fit, null without ANSI", () => {
    const d = col(DecimalType(38, 37), [10n ** 37n]);
    expect(() => aggregateAll("avg", [d])).toThrow(expect.objectContaining({ code: "NUMERIC_VALUE_OUT_OF_RANGE" }));
    expect(aggregateAll("avg", [d], { ctx: legacyCtx })).toBe(null);
  });
  it("merges partial states", () => {
    const v = col(DoubleType, [1, null, 3, 4, 5, null, 8]);
    const g = [0, 1, 0, 1, 2, 2, 0];
    expect(aggregateMerged("avg", [v], g, 3)).toEqual(aggregate("avg", [v], g));
    const d = col(DecimalType(3, 0), [2n, 1n, 1n]);
    expect(aggregateMerged("avg", [d], [0, 0, 0], 1)).toEqual([13333n]);
  });
});
