import { describe, expect, it } from "vitest";
import { ArrayType, BooleanType, DayTimeIntervalType, DecimalType, DoubleType, IntegerType, LongType, StringType, YearMonthIntervalType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos, lit } from "./test-kit.js";

// PySpark 4.0.1: percentile(v, 0.3) over 0,10,..,60 -> 18.0 ; (1,2),(4) p=0.25 -> 1.5 ;
//   percentile(v, 0.3, f) over (1,2),(10,3),(20,0),(30,1) -> 5.5 ; freq -1 -> NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION ;
//   median(1.0, NaN, 3.0) -> 3.0 (NaN sorts last) ; median of 1 s and 2 s -> 1.5 s ; median of -1, -2 months -> -1 month ;
//   percentage 1.5 -> VALUE_OUT_OF_RANGE ; null -> UNEXPECTED_NULL ; column -> NON_FOLDABLE_INPUT ; boolean input,
//   DOUBLE frequency -> UNEXPECTED_INPUT_TYPE ; array() -> null ; empty group -> null
describe("percentile / median", () => {
  const p = (x: number) => lit(DoubleType, x, 1);
  it("interpolate linearly between the ranks around (n - 1) * p", () => {
    const xs = col(DoubleType, [0, 10, 20, 30, 40, 50, 60]);
    expect(aggregateAll("percentile", [xs, lit(DoubleType, 0.3, 7)])).toBe(18);
    const v = col(DoubleType, [1, 2, 4, null]);
    expect(aggregateAll("percentile", [v, lit(ArrayType(DoubleType), [0, 0.25, 1], 4)])).toEqual([1, 1.5, 4]);
    expect(aggregateAll("median", [col(DoubleType, [1, NaN, 3])])).toBe(3);
    expect(aggregate("median", [col(DoubleType, [5, null, 7, 9])], [0, 1, 0, 0])).toEqual([7, null]);
    expect(aggregateAll("percentile", [v, lit(ArrayType(DoubleType), [], 4)])).toBe(null);
    expect(aggregateMerged("median", [col(DoubleType, [9, 1, 8, 2, 7, 3])], [0, 0, 0, 0, 0, 0], 2)).toEqual([5]);
  });
  it("weight rows by the frequency column", () => {
    const cols = [col(DoubleType, [1, 10, 20, 30]), lit(DoubleType, 0.3, 4), col(LongType, [2n, 3n, 0n, 1n])];
    expect(aggregateAll("percentile", cols)).toBe(5.5);
    expect(aggregateMerged("percentile", cols, [0, 0, 0, 0], 1)).toEqual([5.5]);
    expect(() => aggregateAll("percentile", [col(DoubleType, [1]), lit(DoubleType, 0.5, 1), col(LongType, [-1n])])).toThrow(
      expect.objectContaining({ code: "NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION" }),
    );
  });
  it("keep an interval's type, truncating the interpolated value", () => {
    expect(aggregateAll("median", [col(DayTimeIntervalType(), [1000000n, 2000000n])])).toBe(1500000n);
    expect(aggregateAll("median", [col(YearMonthIntervalType(), [-1, -2])])).toBe(-1);
  });
  it("read numbers as DOUBLE and reject bad arguments", () => {
    const sig = fn("percentile").resolve(infos([col(DecimalType(10, 2), []), p(0.5)]), ctx, false);
    expect(sig.returnType).toEqual(DoubleType);
    expect(sig.argTypes[0]).toEqual(DoubleType);
    expect(fn("median").resolve(infos([col(StringType, [])]), ctx, false).argTypes[0]).toEqual(DoubleType);
    const bad = (cols: ReturnType<typeof col>[]) => () => fn("percentile").resolve(infos(cols), ctx, false);
    const mismatch = (sub: string) => expect.objectContaining({ code: "DATATYPE_MISMATCH", context: expect.objectContaining({ subclass: sub }) });
    expect(bad([col(IntegerType, []), p(1.5)])).toThrow(mismatch("VALUE_OUT_OF_RANGE"));
    expect(bad([col(IntegerType, []), lit(DoubleType, null, 1)])).toThrow(mismatch("UNEXPECTED_NULL"));
    expect(bad([col(IntegerType, []), col(DoubleType, [])])).toThrow(mismatch("NON_FOLDABLE_INPUT"));
    expect(bad([col(BooleanType, []), p(0.5)])).toThrow(mismatch("UNEXPECTED_INPUT_TYPE"));
    expect(bad([col(IntegerType, []), p(0.5), col(DoubleType, [])])).toThrow(mismatch("UNEXPECTED_INPUT_TYPE"));
    expect(() => fn("median").resolve(infos([col(IntegerType, []), p(0.5)]), ctx, false)).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
  });
});
