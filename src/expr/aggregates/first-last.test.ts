import { describe, expect, it } from "vitest";
import { BooleanType, IntegerType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos, lit } from "./test-kit.js";

// PySpark 4.0.1: over (null),(1),(2),(null):
//   first(x), last(x), first(x, true), last(x, true), any_value(x), any_value(x, true) -> None, None, 1, 2, None, 1
//   first(x, y) with a column y -> AnalysisException "The second argument in first should be a boolean literal"
describe("first / last / any_value", () => {
  const x = col(IntegerType, [null, 1, 2, null]);
  it("return the first/last row's value, null included", () => {
    expect(aggregateAll("first", [x])).toBe(null);
    expect(aggregateAll("last", [x])).toBe(null);
    expect(aggregateAll("any_value", [x])).toBe(null);
  });
  it("skip nulls with ignoreNulls (flag or boolean literal argument)", () => {
    expect(aggregateAll("first", [x], { ignoreNulls: true })).toBe(1);
    expect(aggregateAll("last", [x], { ignoreNulls: true })).toBe(2);
    expect(aggregateAll("first", [x, lit(BooleanType, true, 4)])).toBe(1);
    expect(aggregateAll("last_value", [x, lit(BooleanType, true, 4)])).toBe(2);
    expect(aggregateAll("any_value", [x], { ignoreNulls: true })).toBe(1);
    expect(aggregateAll("first", [x, lit(BooleanType, false, 4)])).toBe(null);
  });
  it("keep order across batches and merges", () => {
    const v = col(IntegerType, [10, 20, 30, 40, 50, 60]);
    const g = [0, 1, 0, 1, 0, 3];
    expect(aggregate("first", [v], g)).toEqual([10, 20, null, 60]);
    expect(aggregate("last", [v], g)).toEqual([50, 40, null, 60]);
    expect(aggregateMerged("first", [v], g, 3)).toEqual([10, 20, null, 60]);
    expect(aggregateMerged("last", [v], g, 3)).toEqual([50, 40, null, 60]);
    expect(aggregateMerged("first", [x], [0, 0, 0, 0], 1, { ignoreNulls: true })).toEqual([1]);
    expect(aggregateMerged("last", [x], [0, 0, 0, 0], 3, { ignoreNulls: true })).toEqual([2]);
  });
  it("require the ignoreNulls argument to be a boolean literal", () => {
    expect(() => fn("first").resolve(infos([x, col(BooleanType, [true])]), ctx, false)).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => fn("last").resolve(infos([x, x, x]), ctx, false)).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
  });
});
