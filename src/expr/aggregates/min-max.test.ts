import { describe, expect, it } from "vitest";
import { ArrayType, BooleanType, DoubleType, IntegerType, MapType, StringType, TimestampType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos } from "./test-kit.js";

// PySpark 4.0.1:
//   min/max('b','a',null) -> 'a','b' ; min/max(true,false) -> false,true
//   min/max(NaN, 1.0) -> 1.0, NaN ; min(NaN, NaN) -> NaN ; min/max(-0.0, 0.0) -> -0.0, -0.0
//   min/max(array(1,2), array(1)) -> [1], [1,2] ; min(map) -> DATATYPE_MISMATCH.INVALID_ORDERING_TYPE
//   min_by/max_by(x,y) over ('a',1),('b',3),('c',null),(null,5) -> 'a', null
//   min_by/max_by over ('a',1),('b',1) -> 'b','b'
describe("min / max", () => {
  it("order strings by code point, booleans false < true, and skip nulls", () => {
    const s = col(StringType, ["b", "a", null, "\u{1F600}", "\uFFFF"]);
    expect(aggregateAll("min", [s])).toBe("a");
    expect(aggregateAll("max", [s])).toBe("\u{1F600}");
    expect(aggregateAll("min", [col(BooleanType, [true, false])])).toBe(false);
    expect(aggregateAll("max", [col(BooleanType, [true, false])])).toBe(true);
  });
  it("treat NaN as the largest double and keep the first of equal values", () => {
    expect(aggregateAll("min", [col(DoubleType, [NaN, 1])])).toBe(1);
    expect(aggregateAll("max", [col(DoubleType, [NaN, 1])])).toBeNaN();
    expect(aggregateAll("min", [col(DoubleType, [NaN, NaN])])).toBeNaN();
    expect(Object.is(aggregateAll("max", [col(DoubleType, [-0, 0])]), -0)).toBe(true);
  });
  it("compare arrays element-wise and timestamps as numbers", () => {
    const a = col(ArrayType(IntegerType), [[1, 2], [1]]);
    expect(aggregateAll("min", [a])).toEqual([1]);
    expect(aggregateAll("max", [a])).toEqual([1, 2]);
    expect(aggregate("max", [col(TimestampType, [5, null, 7, 1])], [0, 1, 0, 2])).toEqual([7, null, 1]);
  });
  it("give null for empty groups and merge partial states", () => {
    const v = col(IntegerType, [5, null, 3, 9, -1, null, 7]);
    const g = [0, 1, 0, 3, 0, 3, 0];
    expect(aggregate("min", [v], g)).toEqual([-1, null, null, 9]);
    expect(aggregateMerged("min", [v], g, 3)).toEqual([-1, null, null, 9]);
    expect(aggregateMerged("max", [col(StringType, ["x", "y", null, "a"])], [0, 0, 1, 0], 1)).toEqual(["y", null]);
  });
  it("reject maps (DATATYPE_MISMATCH)", () => {
    expect(() => fn("min").resolve(infos([col(MapType(IntegerType, IntegerType), [])]), ctx, false)).toThrow(
      expect.objectContaining({ code: "DATATYPE_MISMATCH" }),
    );
  });
});

describe("min_by / max_by", () => {
  const x = col(StringType, ["a", "b", "c", null]);
  const y = col(IntegerType, [1, 3, null, 5]);
  it("return x at the extreme ord, skipping null ords (x itself may be null)", () => {
    expect(aggregateAll("min_by", [x, y])).toBe("a");
    expect(aggregateAll("max_by", [x, y])).toBe(null);
  });
  it("take the later row on ties, as Spark", () => {
    expect(aggregateAll("min_by", [col(StringType, ["a", "b"]), col(IntegerType, [1, 1])])).toBe("b");
    expect(aggregateAll("max_by", [col(StringType, ["a", "b"]), col(IntegerType, [1, 1])])).toBe("b");
  });
  it("merge partial states and give null for empty groups", () => {
    expect(aggregateMerged("max_by", [x, y], [0, 0, 1, 0], 1)).toEqual([null, null]);
    expect(aggregateMerged("min_by", [x, y], [0, 0, 1, 0], 2)).toEqual(["a", null]);
    expect(aggregateMerged("max_by", [x, y], [0, 0, 1, 2], 1)).toEqual(["b", null, null]);
  });
  it("reject an unorderable ord and a wrong argument count", () => {
    expect(() => fn("max_by").resolve(infos([x, col(MapType(IntegerType, IntegerType), [])]), ctx, false)).toThrow(
      expect.objectContaining({ code: "DATATYPE_MISMATCH" }),
    );
    expect(() => fn("max_by").resolve(infos([x]), ctx, false)).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
  });
});
