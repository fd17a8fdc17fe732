import { describe, expect, it } from "vitest";
import { ArrayType, BooleanType, DoubleType, IntegerType, StringType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos, lit } from "./test-kit.js";

// PySpark 4.0.1: mode(s) over b,a,c,b,a with deterministic=true -> 'a' (smallest tied value) ;
//   mode over NaN, NaN, 1.0 -> NaN ; mode(array(v)) over 3,1,3 -> [3] ; only nulls -> null ;
//   mode(DISTINCT v) -> INVALID_WITHIN_GROUP_EXPRESSION.DISTINCT_UNSUPPORTED ;
//   mode(v, v > 1) -> NON_FOLDABLE_ARGUMENT ; mode(v, 'x') -> UNEXPECTED_INPUT_TYPE
describe("mode", () => {
  it("returns the most frequent non-null value in the column's type", () => {
    expect(aggregateAll("mode", [col(IntegerType, [3, null, 1, 3, null, null])])).toBe(3);
    expect(aggregateAll("mode", [col(DoubleType, [NaN, NaN, 1])])).toBeNaN();
    expect(aggregateAll("mode", [col(ArrayType(IntegerType), [[3], [1], [3]])])).toEqual([3]);
    expect(aggregate("mode", [col(StringType, ["x", null, "y", "y"])], [0, 1, 0, 0])).toEqual(["y", null]);
    expect(aggregateMerged("mode", [col(IntegerType, [1, 2, 2, 1, 1])], [0, 0, 0, 0, 0], 3)).toEqual([1]);
  });
  it("breaks ties by the smallest value when deterministic", () => {
    const s = col(StringType, ["b", "a", "c", "b", "a"]);
    expect(aggregateAll("mode", [s, lit(BooleanType, true, 5)])).toBe("a");
    expect(aggregateMerged("mode", [s, lit(BooleanType, true, 5)], [0, 0, 0, 0, 0], 2)).toEqual(["a"]);
  });
  it("rejects DISTINCT and a non-literal or non-boolean flag", () => {
    const i = col(IntegerType, []);
    expect(() => fn("mode").resolve(infos([i]), ctx, true)).toThrow(expect.objectContaining({ code: "INVALID_WITHIN_GROUP_EXPRESSION" }));
    expect(() => fn("mode").resolve(infos([i, col(BooleanType, [])]), ctx, false)).toThrow(expect.objectContaining({ code: "NON_FOLDABLE_ARGUMENT" }));
    expect(() => fn("mode").resolve(infos([i, lit(StringType, "x", 1)]), ctx, false)).toThrow(expect.objectContaining({ code: "UNEXPECTED_INPUT_TYPE" }));
    expect(() => fn("mode").resolve(infos([i, i, i]), ctx, false)).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
  });
});
