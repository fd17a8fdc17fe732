import { describe, expect, it } from "vitest";
import { vectorFromValues } from "../columnar/column-batch.js";
import { ArrayType, BooleanType, DoubleType, StringType, type DataType } from "../types/data-type.js";
import { StructType } from "../types/struct-type.js";
import { compareStrings, rowComparator, sortPermutation, valueComparator } from "./sort-compare.js";

const order = (type: DataType, values: unknown[], ascending = true, nullsFirst = ascending) => {
  const v = vectorFromValues(type, values);
  return [...sortPermutation(values.length, rowComparator([{ vector: v, ascending, nullsFirst }]))].map((i) => values[i]);
};

describe("Spark sort order", () => {
  it("puts NaN above every double and treats -0.0 as 0.0", () => {
    expect(order(DoubleType, [NaN, 1, -Infinity, null, Infinity, -1])).toEqual([null, -Infinity, -1, 1, Infinity, NaN]);
    expect(order(DoubleType, [NaN, 1, null, 2], false)).toEqual([NaN, 2, 1, null]);
    expect(order(DoubleType, [0, -0, 0], true).map((x) => Object.is(x, -0))).toEqual([false, true, false]);
  });
  it("orders strings by code point and booleans false first", () => {
    const s = ["\uffff", "\u{1F600}", "a", "", "B"];
    expect(order(StringType, s)).toEqual(["", "B", "a", "\uffff", "\u{1F600}"]);
    expect(compareStrings("ab", "abc")).toBe(-1);
    expect(order(BooleanType, [true, null, false], true, false)).toEqual([false, true, null]);
  });
  it("compares arrays and structs lexicographically with null elements first", () => {
    const arrays = [[2], [1, 2], [1], [], [1, null], null];
    expect(order(ArrayType(DoubleType), arrays)).toEqual([null, [], [1], [1, null], [1, 2], [2]]);
    const st = StructType.fromDDL("a INT, b STRING");
    const cmp = valueComparator(st);
    expect(cmp({ a: 1, b: "x" }, { a: 1, b: "y" })).toBeLessThan(0);
    expect(cmp({ a: null, b: "z" }, { a: 0, b: "a" })).toBeLessThan(0);
  });
  it("is stable and supports several keys", () => {
    const a = vectorFromValues(DoubleType, [1, 2, 1, 2, 1]);
    const b = vectorFromValues(StringType, ["x", "y", "x", "a", "a"]);
    const perm = sortPermutation(5, rowComparator([{ vector: a, ascending: false, nullsFirst: false }, { vector: b, ascending: true, nullsFirst: true }]));
    expect([...perm]).toEqual([3, 1, 4, 0, 2]);
  });
});
