import { describe, expect, it } from "vitest";
import { BooleanType, IntegerType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos } from "./test-kit.js";

// PySpark 4.0.1: over (true),(null),(false):
//   bool_and, bool_or, every, some, any -> False, True, False, True, True ; over only nulls -> None
//   bool_and(1) -> DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE
describe("bool_and / bool_or", () => {
  const b = col(BooleanType, [true, null, false]);
  it("skip nulls; empty or all-null groups give null", () => {
    expect(aggregateAll("bool_and", [b])).toBe(false);
    expect(aggregateAll("every", [b])).toBe(false);
    expect(aggregateAll("bool_or", [b])).toBe(true);
    expect(aggregateAll("some", [b])).toBe(true);
    expect(aggregateAll("any", [b])).toBe(true);
    expect(aggregateAll("bool_and", [col(BooleanType, [null])])).toBe(null);
    expect(aggregate("bool_and", [col(BooleanType, [true, true, false])], [0, 0, 2])).toEqual([true, null, false]);
  });
  it("merge partial states", () => {
    const v = col(BooleanType, [true, false, true, true, null]);
    const g = [0, 1, 0, 1, 2];
    expect(aggregateMerged("bool_and", [v], g, 2)).toEqual([true, false, null]);
    expect(aggregateMerged("bool_or", [v], g, 2)).toEqual([true, true, null]);
  });
  it("reject non-boolean input", () => {
    expect(() => fn("bool_and").resolve(infos([col(IntegerType, [])]), ctx, false)).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});
