import { describe, expect, it } from "vitest";
import { ArrayType, BooleanType, DateType, DecimalType, DoubleType, IntegerType, LongType, StringType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos, lit } from "./test-kit.js";
import { QuantileSummary } from "./quantile-summary.js";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const pa = (values: ReturnType<typeof col>, p: ReturnType<typeof lit>, ...rest: ReturnType<typeof lit>[]) => [values, p, ...rest];

// PySpark 4.0.1:
//   percentile_approx(x, 0.5), (x, array(0.0,0.25,0.5,0.75,1.0)) over (1),(2),(3),(4) -> int 2, array<int> [1,1,2,3,4]
//   percentile_approx over 1.5d, 2.5d, 3.0d -> 2.5 ; over 1..10 -> 5 ; dates 2020-01-01, 2020-01-03 -> 2020-01-01 (date)
//   decimal(5,2) 1.50, 2.25 -> decimal(5,2) 1.50 ; array() -> null ; only nulls -> null
//   range(100000) with array(0.1, 0.5, 0.9) -> [10002, 49999, 89990] (within 10 of exact)
//   percentage 1.5 / accuracy 0 or -1 -> DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE ; non-literal -> NON_FOLDABLE_INPUT
describe("percentile_approx", () => {
  const four = col(IntegerType, [1, 2, 3, 4]);
  it("is exact for small inputs, with the column's type", () => {
    expect(aggregateAll("percentile_approx", pa(four, lit(DoubleType, 0.5, 4)))).toBe(2);
    const arr = lit(ArrayType(DoubleType), [0, 0.25, 0.5, 0.75, 1], 4);
    expect(aggregateAll("percentile_approx", pa(four, arr))).toEqual([1, 1, 2, 3, 4]);
    expect(fn("percentile_approx").resolve(infos(pa(four, arr)), ctx, false).returnType).toEqual(ArrayType(IntegerType, false));
    expect(aggregateAll("approx_percentile", pa(col(DoubleType, [1.5, 2.5, 3]), lit(DoubleType, 0.5, 3)))).toBe(2.5);
    expect(aggregateAll("percentile_approx", pa(col(IntegerType, range(11).slice(1)), lit(DoubleType, 0.5, 10)))).toBe(5);
    expect(aggregateAll("percentile_approx", pa(col(DateType, [18262, 18264]), lit(DoubleType, 0.5, 2)))).toBe(18262);
    expect(aggregateAll("percentile_approx", pa(col(DecimalType(5, 2), [150n, 225n]), lit(DecimalType(1, 1), 5n, 2)))).toBe(150n);
  });
  it("gives null for empty groups and an empty percentage array", () => {
    expect(aggregate("percentile_approx", pa(col(LongType, [5, null, 7]), lit(DoubleType, 0.5, 3)), [0, 1, 0])).toEqual([5n, null]);
    expect(aggregateAll("percentile_approx", pa(four, lit(ArrayType(DoubleType), [], 4)))).toBe(null);
  });
  it("stays within n / accuracy ranks on large inputs, also after merging", () => {
    const n = 100000;
    const xs = col(LongType, range(n).map((i) => (i * 7919) % n));
    const arr = lit(ArrayType(DoubleType), [0.1, 0.5, 0.9], n);
    const got = (aggregateAll("percentile_approx", pa(xs, arr)) as bigint[]).map(Number);
    [9999, 49999, 89999].forEach((exact, i) => expect(Math.abs(got[i]! - exact)).toBeLessThanOrEqual(10));
    const merged = (aggregateMerged("percentile_approx", pa(xs, arr), xs.values.map(() => 0), 30000)[0] as bigint[]).map(Number);
    [9999, 49999, 89999].forEach((exact, i) => expect(Math.abs(merged[i]! - exact)).toBeLessThanOrEqual(20));
  });
  it("merges small partial states exactly", () => {
    const v = col(IntegerType, [9, 1, 8, 2, 7, 3, 6, 4, 5]);
    expect(aggregateMerged("percentile_approx", pa(v, lit(DoubleType, 0.5, 9)), v.values.map(() => 0), 4)).toEqual([5]);
  });
  it("rejects bad percentages, accuracies and input types", () => {
    const bad = (args: ReturnType<typeof col>[]) => () => fn("percentile_approx").resolve(infos(args), ctx, false);
    const mismatch = expect.objectContaining({ code: "DATATYPE_MISMATCH" });
    expect(bad(pa(four, lit(DoubleType, 1.5, 4)))).toThrow(mismatch);
    expect(bad(pa(four, lit(ArrayType(DoubleType), [0.5, -0.1], 4)))).toThrow(mismatch);
    expect(bad(pa(four, lit(DoubleType, 0.5, 4), lit(IntegerType, 0, 4)))).toThrow(mismatch);
    expect(bad(pa(four, lit(DoubleType, 0.5, 4), lit(IntegerType, -1, 4)))).toThrow(mismatch);
    expect(bad([four, col(DoubleType, [0.5])])).toThrow(mismatch);
    expect(bad(pa(col(BooleanType, [true]), lit(DoubleType, 0.5, 1)))).toThrow(mismatch);
    expect(bad([four])).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
    expect(fn("percentile_approx").resolve(infos(pa(col(StringType, ["1"]), lit(DoubleType, 0.5, 1))), ctx, false).returnType).toEqual(DoubleType);
  });
});

describe("QuantileSummary", () => {
  it("round-trips through bytes", () => {
    const s = new QuantileSummary(1e-4);
    for (const x of [5, 3, 9, 1]) s.insert(x);
    const t = QuantileSummary.fromBytes(1e-4, s.toBytes());
    expect(t.count).toBe(4);
    expect(t.query(0.5)).toBe(3);
    expect(t.query(1)).toBe(9);
    expect(new QuantileSummary(0.01).query(0.5)).toBeUndefined();
  });
});
