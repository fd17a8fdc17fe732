import { describe, expect, it } from "vitest";
import { ArrayType, type DataType, MapType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, evalRows, LEGACY, lit, ref } from "./test-support.js";

const I: DataType = { kind: "int" };
const S: DataType = { kind: "string" };
const B: DataType = { kind: "boolean" };
const AI = ArrayType(I);
const i = (v: number | null): RExpr => lit(v, I);
const arr = (v: (number | null)[] | null): RExpr => lit(v, AI);
const m = (entries: [string, number | null][]) => lit(new Map(entries), MapType(S, I));
const lam = (params: [string, DataType][], body: RExpr, type: DataType): RExpr => ({ kind: "lambda", params: params.map(([name, t]) => ({ name, type: t })), body, type });
const v = (name: string, type: DataType): RExpr => ({ kind: "lambdaVar", slot: 0, name, type });

describe("collections (PySpark 4.0.1)", () => {
  it("builds structs, arrays and maps", () => {
    expect(evalCall("named_struct", [lit("a", S), i(1), lit("b", S), lit("x", S)])).toEqual({ a: 1, b: "x" });
    expect(call("named_struct", [lit("a", S), i(1)]).type).toEqual({ kind: "struct", fields: [{ name: "a", type: I, nullable: false }] });
    expect(evalCall("struct", [i(1), lit("x", S)])).toEqual({ col1: 1, col2: "x" });
    expect(evalCall("array", [i(1), lit(null, I), i(3)])).toEqual([1, null, 3]);
    expect(evalCall("map", [lit("a", S), i(1)])).toEqual(new Map([["a", 1]]));
    expect(() => evalCall("map", [lit("a", S), i(1), lit("a", S), i(2)])).toThrow(expect.objectContaining({ code: "DUPLICATED_MAP_KEY" }));
    expect(() => evalCall("map", [lit(null, S), i(1)])).toThrow(expect.objectContaining({ code: "NULL_MAP_KEY" }));
  });
  it("size, array_contains, element_at, sort_array, array_distinct, map_keys/values", () => {
    // size(array(1,2)) 2, size(null) None, array_contains(array(1,2), 2) True, element_at(array(1,2), -1) 2, element_at(map('a',1), 'b') None
    expect(evalCall("size", [arr([1, 2])])).toBe(2);
    expect(evalCall("size", [lit(null, AI)])).toBe(null);
    expect(evalCall("array_contains", [arr([1, 2]), i(2)])).toBe(true);
    expect(evalCall("array_contains", [arr([1, null]), i(2)])).toBe(null);
    expect(evalCall("element_at", [arr([1, 2]), i(-1)])).toBe(2);
    expect(evalCall("element_at", [m([["a", 1]]), lit("b", S)])).toBe(null);
    // sort_array(array(3,null,1)) [None,1,3]; desc [3,1,None]; array_distinct(array(1,1,null,null,2)) [1,None,2]
    expect(evalCall("sort_array", [arr([3, null, 1]), lit(true, B)])).toEqual([null, 1, 3]);
    expect(evalCall("sort_array", [arr([3, null, 1]), lit(false, B)])).toEqual([3, 1, null]);
    expect(evalCall("array_distinct", [arr([1, 1, null, null, 2])])).toEqual([1, null, 2]);
    expect(evalCall("map_keys", [m([["a", 1]])])).toEqual(["a"]);
    expect(evalCall("map_values", [m([["a", 1]])])).toEqual([1]);
  });
  it("element_at errors under ANSI as Spark does", () => {
    // element_at(array(1,2), 5) → [INVALID_ARRAY_INDEX_IN_ELEMENT_AT]; element_at(array(1,2), 0) → [INVALID_INDEX_OF_ZERO]
    expect(() => evalCall("element_at", [arr([1, 2]), i(5)])).toThrow(expect.objectContaining({ code: "INVALID_ARRAY_INDEX_IN_ELEMENT_AT" }));
    expect(() => evalCall("element_at", [arr([1, 2]), i(0)])).toThrow(expect.objectContaining({ code: "INVALID_INDEX_OF_ZERO" }));
    expect(evalCall("element_at", [arr([1, 2]), i(5)], LEGACY)).toBe(null);
    expect(evalCall("try_element_at", [arr([1, 2]), i(5)])).toBe(null);
  });
  it("get_item (0-based, null out of range) and get_struct_field", () => {
    expect(evalCall("get_item", [arr([10, 20]), i(1)])).toBe(20);
    // array(10,20)[5] → [INVALID_ARRAY_INDEX] under ANSI (Spark 4); null in legacy mode and via get()
    expect(() => evalCall("get_item", [arr([10, 20]), i(5)])).toThrow(expect.objectContaining({ code: "INVALID_ARRAY_INDEX" }));
    expect(evalCall("get_item", [arr([10, 20]), i(5)], LEGACY)).toBe(null);
    expect(evalCall("get", [arr([10, 20]), i(5)])).toBe(null);
    expect(evalCall("get", [arr([10, 20]), i(-1)])).toBe(null);
    expect(evalCall("get", [arr([10, 20]), i(0)])).toBe(10);
    expect(evalCall("get_item", [m([["k", 7]]), lit("k", S)])).toBe(7);
    const st: DataType = { kind: "struct", fields: [{ name: "Name", type: S, nullable: true }] };
    expect(evalCall("get_struct_field", [lit({ Name: "x" }, st), lit("name", S)])).toBe("x");
    expect(() => call("get_struct_field", [lit({ Name: "x" }, st), lit("zzz", S)])).toThrow(expect.objectContaining({ code: "FIELD_NOT_FOUND" }));
    expect(() => call("size", [i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});

describe("higher-order functions", () => {
  it("transform, filter, exists, aggregate (PySpark 4.0.1)", () => {
    // transform(array(1,2,3), x -> x * 2) → [2,4,6]
    const x = v("x", I);
    expect(evalCall("transform", [arr([1, 2, 3]), lam([["x", I]], call("multiply", [x, i(2)]), I)])).toEqual([2, 4, 6]);
    // transform(array(1,2), (x, i) -> x + i) → [1, 3]
    expect(evalCall("transform", [arr([1, 2]), lam([["x", I], ["i", I]], call("add", [x, v("i", I)]), I)])).toEqual([1, 3]);
    // filter(array(1,2,3), x -> x > 1) → [2,3]
    expect(evalCall("filter", [arr([1, 2, 3]), lam([["x", I]], call("gt", [x, i(1)]), B)])).toEqual([2, 3]);
    // exists(array(1,2,3), x -> x > 2) → True; exists(array(1, null), x -> x > 5) → None
    expect(evalCall("exists", [arr([1, 2, 3]), lam([["x", I]], call("gt", [x, i(2)]), B)])).toBe(true);
    expect(evalCall("exists", [arr([1, null]), lam([["x", I]], call("gt", [x, i(5)]), B)])).toBe(null);
    // aggregate(array(1,2,3), 0, (acc, x) -> acc + x) → 6
    expect(evalCall("aggregate", [arr([1, 2, 3]), i(0), lam([["acc", I], ["x", I]], call("add", [v("acc", I), x]), I)])).toBe(6);
    expect(evalCall("aggregate", [arr([1, 2]), i(0), lam([["acc", I], ["x", I]], call("add", [v("acc", I), x]), I), lam([["acc", I]], call("multiply", [v("acc", I), i(10)]), I)])).toBe(30);
  });
  it("sees outer columns, handles null arrays and runs per row", () => {
    const x = v("x", I);
    const e = call("transform", [ref(0, AI), lam([["x", I]], call("add", [x, ref(1, I)]), I)]);
    expect(evalRows(e, { a: AI, k: I }, [{ a: [1, 2], k: 10 }, { a: null, k: 1 }, { a: [], k: 1 }, { a: [5], k: 100 }])).toEqual([[11, 12], null, [], [105]]);
    const agg = call("aggregate", [ref(0, AI), i(0), lam([["acc", I], ["x", I]], call("add", [v("acc", I), x]), I)]);
    expect(evalRows(agg, { a: AI }, [{ a: [1, 2, 3] }, { a: [4] }, { a: null }])).toEqual([6, 4, null]);
  });
  it("nested lambdas resolve variables by name", () => {
    const AAI = ArrayType(AI);
    const inner = lam([["y", I]], call("add", [v("y", I), call("size", [v("x", AI)])]), I);
    const outer = lam([["x", AI]], call("transform", [v("x", AI), inner]), AI);
    expect(evalCall("transform", [lit([[1, 2], [3]], AAI), outer])).toEqual([[3, 4], [4]]);
  });
  it("requires a lambda", () => {
    expect(() => evalCall("transform", [arr([1]), i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});
