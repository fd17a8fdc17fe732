import { describe, expect, it } from "vitest";
import { BooleanType, DateType, DoubleType, FloatType, IntegerType, LongType, StringType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos, lit } from "./test-kit.js";
import { U64, hashValue } from "./xxhash64.js";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// PySpark 4.0.1:
//   select xxhash64(1), xxhash64(1L), xxhash64('abc'), xxhash64(1.5d), xxhash64(cast(1.5 as float)),
//          xxhash64(true), xxhash64(date'2020-01-01'), xxhash64(''), xxhash64('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH')
describe("Spark's XXH64 (seed 42)", () => {
  const h = (t: Parameters<typeof hashValue>[0], v: unknown): bigint => hashValue(t, v, new U64(0, 42), new U64()).toBigInt();
  it("matches xxhash64() for atomic types", () => {
    expect(h(IntegerType, 1)).toBe(-6698625589789238999n);
    expect(h(LongType, 1)).toBe(-7001672635703045582n);
    expect(h(StringType, "abc")).toBe(1423657621850124518n);
    expect(h(DoubleType, 1.5)).toBe(7738255526519901366n);
    expect(h(FloatType, 1.5)).toBe(6163473420726370430n);
    expect(h(BooleanType, true)).toBe(-6698625589789238999n);
    expect(h(DateType, 18262)).toBe(2299834470729022467n);
    expect(h(StringType, "")).toBe(-7444071767201028348n);
    expect(h(StringType, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH")).toBe(2083283336357327680n);
    expect(h(DoubleType, -0)).toBe(h(DoubleType, 0));
  });
});

// PySpark 4.0.1:
//   approx_count_distinct over range(100): bigint 103, as string 104, as double 97
//   range(300): 296 (bigint), 295 (int) ; range(1000) with rsd 0.01: 996 ; range(1000): 1026
//   range(100000): 95546 ; rsd 0.01: 100425 ; over only nulls: 0 ; (-0.0, 0.0, NaN): 2
//   approx_count_distinct(x, 0.5) -> error (HLL++ requires at least 4 bits for addressing)
describe("approx_count_distinct", () => {
  it("equals Spark's answer exactly in the linear-counting range", () => {
    expect(aggregateAll("approx_count_distinct", [col(LongType, range(100))])).toBe(103n);
    expect(aggregateAll("approx_count_distinct", [col(StringType, range(100).map(String))])).toBe(104n);
    expect(aggregateAll("approx_count_distinct", [col(DoubleType, range(100))])).toBe(97n);
    expect(aggregateAll("approx_count_distinct", [col(LongType, range(300))])).toBe(296n);
    expect(aggregateAll("approx_count_distinct", [col(IntegerType, range(300))])).toBe(295n);
    expect(aggregateAll("approx_count_distinct", [col(LongType, range(1000)), lit(DoubleType, 0.01, 1000)])).toBe(996n);
    expect(aggregateAll("approx_count_distinct", [col(DoubleType, [-0, 0, NaN])])).toBe(2n);
  });
  it("stays within Spark's error bound above it", () => {
    const est = Number(aggregateAll("approx_count_distinct", [col(LongType, range(100000))]));
    expect(Math.abs(est - 100000) / 100000).toBeLessThan(0.05 * 2);
    const fine = Number(aggregateAll("approx_count_distinct", [col(LongType, range(100000)), lit(DoubleType, 0.01, 100000)]));
    expect(Math.abs(fine - 100000) / 100000).toBeLessThan(0.02);
  });
  it("gives 0 for empty groups, ignores nulls and duplicates, and merges register states", () => {
    expect(aggregate("approx_count_distinct", [col(IntegerType, [1, 1, null, 2, 3])], [0, 0, 0, 2, 2])).toEqual([1n, 0n, 2n]);
    const v = col(LongType, [...range(100), ...range(100)]);
    const g = v.values.map(() => 0);
    expect(aggregateMerged("approx_count_distinct", [v], g, 60)).toEqual([103n]);
  });
  it("rejects a relative SD that leaves fewer than 4 index bits, or a non-literal one", () => {
    const x = col(LongType, [1]);
    expect(() => fn("approx_count_distinct").resolve(infos([x, lit(DoubleType, 0.5, 1)]), ctx, false)).toThrow(
      expect.objectContaining({ code: "DATATYPE_MISMATCH" }),
    );
    expect(() => fn("approx_count_distinct").resolve(infos([x, col(DoubleType, [0.1])]), ctx, false)).toThrow(
      expect.objectContaining({ code: "DATATYPE_MISMATCH" }),
    );
  });
});
