import { describe, expect, it } from "vitest";
import { ArrayType, BinaryType, BooleanType, DoubleType, IntegerType, MapType, StringType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos, prepare } from "./test-kit.js";

// PySpark 4.0.1:
//   collect_list(x), collect_set(x) over (1),(null),(1),(2) -> [1, 1, 2], [1, 2]  (array<int>)
//   over only nulls -> [], []
//   collect_set(array(1,2)),(array(1,2)),(array(1)) -> [[1], [1, 2]] (order unspecified)
//   collect_set(map(1,2)) -> DATATYPE_MISMATCH.UNSUPPORTED_INPUT_TYPE
describe("collect_list / collect_set", () => {
  const x = col(IntegerType, [1, null, 1, 2]);
  it("collect non-null values; an empty group gives []", () => {
    expect(aggregateAll("collect_list", [x])).toEqual([1, 1, 2]);
    expect(aggregateAll("array_agg", [x])).toEqual([1, 1, 2]);
    expect(aggregateAll("collect_set", [x])).toEqual([1, 2]);
    expect(aggregate("collect_list", [x], [0, 0, 2, 2])).toEqual([[1], [], [1, 2]]);
    expect(fn("collect_set").resolve(infos([x]), ctx, false).returnType).toEqual(ArrayType(IntegerType, false));
  });
  it("dedupe nested values, binary, booleans and -0.0 by content", () => {
    const arrays = col(ArrayType(IntegerType), [[1, 2], [1, 2], [1]]);
    expect(aggregateAll("collect_set", [arrays])).toEqual([[1, 2], [1]]);
    const bin = col(BinaryType, [new Uint8Array([1]), new Uint8Array([1]), new Uint8Array([2])]);
    expect((aggregateAll("collect_set", [bin]) as unknown[]).length).toBe(2);
    expect(aggregateAll("collect_set", [col(BooleanType, [true, false, true])])).toEqual([true, false]);
    expect(aggregateAll("collect_set", [col(DoubleType, [-0, 0, 1])])).toEqual([-0, 1]);
  });
  it("merge partial states (sets stay distinct)", () => {
    const s = col(StringType, ["a", "b", "a", "c", null, "b"]);
    const g = [0, 0, 0, 1, 1, 0];
    expect(aggregateMerged("collect_list", [s], g, 2)).toEqual([["a", "b", "a", "b"], ["c"]]);
    expect(aggregateMerged("collect_set", [s], g, 2)).toEqual([["a", "b"], ["c"]]);
  });
  it("return snapshots: later updates do not change an evaluated result", () => {
    const { create } = prepare("collect_list", [x]);
    const acc = create();
    acc.update(new Int32Array([0]), [{ type: IntegerType, length: 1, values: new Int32Array([7]), validity: null }], 1, 1);
    const first = acc.evaluate(1);
    acc.update(new Int32Array([0]), [{ type: IntegerType, length: 1, values: new Int32Array([8]), validity: null }], 1, 1);
    expect(first.values[0]).toEqual([7]);
    expect(acc.evaluate(1).values[0]).toEqual([7, 8]);
  });
  it("reject maps in collect_set", () => {
    expect(() => fn("collect_set").resolve(infos([col(MapType(IntegerType, IntegerType), [])]), ctx, false)).toThrow(
      expect.objectContaining({ code: "DATATYPE_MISMATCH" }),
    );
    expect(fn("collect_list").resolve(infos([col(MapType(IntegerType, IntegerType), [])]), ctx, false).returnType.kind).toBe("array");
  });
});
