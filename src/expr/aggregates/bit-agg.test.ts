import { describe, expect, it } from "vitest";
import { ByteType, DoubleType, IntegerType, LongType, StringType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos } from "./test-kit.js";

// PySpark 4.0.1: over (3),(5),(5),(null): bit_and 1, bit_or 7, bit_xor 3, bit_xor(DISTINCT) 6 (INT);
//   BIGINT MAX, MIN, 1234567890123456789: bit_or -1, bit_and 0, bit_xor -1234567890123456790 (BIGINT);
//   TINYINT keeps its type; only nulls -> null; DECIMAL / STRING input -> DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE
describe("bit_and / bit_or / bit_xor", () => {
  const v = col(IntegerType, [3, 5, 5, null]);
  it("fold non-null values in the input type", () => {
    expect(aggregateAll("bit_and", [v])).toBe(1);
    expect(aggregateAll("bit_or", [v])).toBe(7);
    expect(aggregateAll("bit_xor", [v])).toBe(3);
    expect(aggregate("bit_or", [col(IntegerType, [1, null, 2])], [0, 1, 0])).toEqual([3, null]);
    expect(aggregateAll("bit_or", [col(ByteType, [-128, 1])])).toBe(-127);
    expect(fn("bit_or").resolve(infos([col(ByteType, [])]), ctx, false).returnType).toEqual(ByteType);
  });
  it("are exact over the whole BIGINT range", () => {
    const big = col(LongType, [9223372036854775807n, -9223372036854775808n, 1234567890123456789n]);
    expect(aggregateAll("bit_or", [big])).toBe(-1n);
    expect(aggregateAll("bit_and", [big])).toBe(0n);
    expect(aggregateAll("bit_xor", [big])).toBe(-1234567890123456790n);
    expect(aggregateMerged("bit_xor", [big], [0, 0, 0], 1)).toEqual([-1234567890123456790n]);
  });
  it("reject non-integral input", () => {
    for (const t of [DoubleType, StringType]) {
      expect(() => fn("bit_and").resolve(infos([col(t, [])]), ctx, false)).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    }
  });
});
