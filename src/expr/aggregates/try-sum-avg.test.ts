import { describe, expect, it } from "vitest";
import { BooleanType, DayTimeIntervalType, DecimalType, DoubleType, IntegerType, LongType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos, legacyCtx } from "./test-kit.js";

// PySpark 4.0.1 (ANSI on and off alike): try_sum over BIGINT MAX, 1 -> null (sum: ARITHMETIC_OVERFLOW, or wraps
//   with ANSI off) ; over MAX, 1, -5 -> null (stays null) ; INT 2147483647 + 1 -> 2147483648 (BIGINT) ;
//   DECIMAL(38,0) 9e37 twice -> try_sum null, try_avg null ; DECIMAL(5,2) 1.25, 2.00 -> 3.25 (15,2), 1.625000 (9,6) ;
//   INTERVAL '106751991' DAY twice -> null, null ; try_avg(BIGINT MAX twice) -> 9.223372036854776e18 ; boolean -> UNEXPECTED_INPUT_TYPE
describe("try_sum / try_avg", () => {
  const max = col(LongType, [9223372036854775807n, 1n, -5n]);
  it("give null instead of overflowing, whatever ANSI says", () => {
    for (const c of [ctx, legacyCtx]) {
      expect(aggregateAll("try_sum", [max], { ctx: c })).toBe(null);
      expect(aggregate("try_sum", [col(LongType, [9223372036854775807n, 3n, 1n])], [0, 1, 0], { ctx: c })).toEqual([null, 3n]);
    }
    expect(aggregateAll("try_avg", [col(LongType, [9223372036854775807n, 9223372036854775807n])])).toBe(9223372036854775807);
    const big = col(DecimalType(38, 0), [9n * 10n ** 37n, 9n * 10n ** 37n]);
    expect(aggregateAll("try_sum", [big])).toBe(null);
    expect(aggregateAll("try_avg", [big])).toBe(null);
    const days = col(DayTimeIntervalType(3, 3), [106751991n * 86400000000n, 106751991n * 86400000000n]);
    expect(aggregateAll("try_sum", [days])).toBe(null);
    expect(aggregateAll("try_avg", [days])).toBe(null);
  });
  it("keep an overflow across merged partial states", () => {
    expect(aggregateMerged("try_sum", [max], [0, 0, 0], 2)).toEqual([null]);
    expect(aggregateMerged("try_sum", [col(LongType, [1n, 9223372036854775807n, 2n])], [0, 0, 0], 2)).toEqual([null]);
    expect(aggregateMerged("try_avg", [col(DecimalType(38, 0), [9n * 10n ** 37n, 9n * 10n ** 37n, 1n])], [0, 0, 0], 2)).toEqual([null]);
  });
  it("otherwise equal sum and avg, with their types", () => {
    expect(aggregateAll("try_sum", [col(IntegerType, [2147483647, 1, null])])).toBe(2147483648n);
    const d = col(DecimalType(5, 2), [125n, 200n]);
    expect(aggregateAll("try_sum", [d])).toBe(325n);
    expect(aggregateAll("try_avg", [d])).toBe(1625000n);
    expect(fn("try_avg").resolve(infos([d]), ctx, false).returnType).toEqual(DecimalType(9, 6));
    expect(aggregateAll("try_avg", [col(DoubleType, [1.5, 2])])).toBe(1.75);
    expect(aggregateAll("try_sum", [col(IntegerType, [null])])).toBe(null);
    expect(aggregateMerged("try_avg", [col(IntegerType, [1, 4, 7])], [0, 0, 0], 1)).toEqual([4]);
    expect(() => fn("try_sum").resolve(infos([col(BooleanType, [])]), ctx, false)).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});
