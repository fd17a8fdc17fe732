import { describe, expect, it } from "vitest";
import { BooleanType, IntegerType, LongType, StringType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, fn, infos, lit, ctx } from "./test-kit.js";

// PySpark 4.0.1:
//   select count(x), count(1) from values (1),(2),(null) t(x)                    -> 2, 3 (bigint)
//   select count(distinct x, y), count(x, y) from values (1,1),(1,1),(2,null),(null,3),(3,3) -> 2, 3
//   select count_if(x) from values (true),(null),(false) t(x)                   -> 1
//   select count(x), count_if(x>0) over only nulls                               -> 0, 0
describe("count", () => {
  const x = col(IntegerType, [1, 2, null]);
  it("counts non-null values and rows, as BIGINT, never null", () => {
    expect(aggregateAll("count", [x])).toBe(2n);
    expect(aggregateAll("count", [lit(IntegerType, 1, 3)])).toBe(3n);
    const sig = fn("count").resolve(infos([x]), ctx, false);
    expect(sig.returnType).toEqual(LongType);
    expect(sig.nullable).toBe(false);
  });
  it("counts rows where every argument is non-null (count(x, y), count(DISTINCT x, y) after dedup)", () => {
    const a = col(IntegerType, [1, 1, 2, null, 3]);
    const b = col(IntegerType, [1, 1, null, 3, 3]);
    expect(aggregateAll("count", [a, b])).toBe(3n);
    // the operator dedupes (1,1),(1,1) before update for DISTINCT
    expect(aggregateAll("count", [col(IntegerType, [1, 2, null, 3]), col(IntegerType, [1, null, 3, 3])], { distinct: true })).toBe(2n);
  });
  it("gives 0 for an empty group and handles growing group counts", () => {
    expect(aggregateAll("count", [col(IntegerType, [])])).toBe(0n);
    expect(aggregate("count", [col(StringType, ["a", null, "b", "c", null, "d"])], [0, 1, 3, 0, 3, 3])).toEqual([2n, 0n, 0n, 2n]);
  });
  it("merges partial states", () => {
    const v = col(IntegerType, [1, null, 3, 4, 5, null, 7]);
    const g = [0, 1, 0, 1, 2, 2, 0];
    expect(aggregateMerged("count", [v], g, 3)).toEqual(aggregate("count", [v], g));
  });
});

describe("count_if", () => {
  it("counts true values and ignores nulls", () => {
    expect(aggregateAll("count_if", [col(BooleanType, [true, null, false, true])])).toBe(2n);
    expect(aggregateAll("count_if", [col(BooleanType, [null])])).toBe(0n);
    const v = col(BooleanType, [true, true, false, null, true]);
    expect(aggregateMerged("count_if", [v], [0, 1, 1, 0, 1], 2)).toEqual([1n, 2n]);
  });
  it("rejects non-boolean input (DATATYPE_MISMATCH)", () => {
    expect(() => fn("count_if").resolve(infos([col(IntegerType, [1])]), ctx, false)).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => fn("count_if").resolve([], ctx, false)).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
  });
});
