import { describe, expect, it } from "vitest";
import { ArrayType, type DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, lit } from "./test-support.js";

const I: DataType = { kind: "int" };
const L: DataType = { kind: "bigint" };
const S: DataType = { kind: "string" };
const i = (v: number): RExpr => lit(v, I);
const s = (v: string): RExpr => lit(v, S);
const arr = (v: unknown[], t: DataType = I): RExpr => lit(v, ArrayType(t, true));

describe("array functions (values from PySpark 4.0.1)", () => {
  it("position, remove, append, prepend, compact, size, repeat", () => {
    // array_position(array(3,2,1,2), 2) → 2 (BIGINT), array_position(array(1), 5) → 0
    expect(evalCall("array_position", [arr([3, 2, 1, 2]), i(2)])).toBe(2n);
    expect(call("array_position", [arr([1]), i(1)]).type).toEqual(L);
    expect(evalCall("array_position", [arr([1]), i(5)])).toBe(0n);
    // array_remove(array(1,2,NULL,2), 2) → [1, NULL]; array_append(array(1,2), 3) → [1,2,3]; array_prepend(array(1,2), 0) → [0,1,2]
    expect(evalCall("array_remove", [arr([1, 2, null, 2]), i(2)])).toEqual([1, null]);
    expect(evalCall("array_append", [arr([1, 2]), i(3)])).toEqual([1, 2, 3]);
    expect(evalCall("array_prepend", [arr([1, 2]), i(0)])).toEqual([0, 1, 2]);
    // array_compact(array(1, NULL, 2)) → [1,2]; array_size(array(1,2)) → 2; array_repeat('x', 3) → ['x','x','x']
    expect(evalCall("array_compact", [arr([1, null, 2])])).toEqual([1, 2]);
    expect(evalCall("array_size", [arr([1, 2])])).toBe(2);
    expect(evalCall("array_repeat", [s("x"), i(3)])).toEqual(["x", "x", "x"]);
  });
  it("join, flatten, slice, min, max", () => {
    // array_join(array('a', NULL, 'b'), ',') → 'a,b'; with '?' → 'a,?,b'; array_join(array(1,2), '-') → '1-2'
    expect(evalCall("array_join", [arr(["a", null, "b"], S), s(",")])).toBe("a,b");
    expect(evalCall("array_join", [arr(["a", null, "b"], S), s(","), s("?")])).toBe("a,?,b");
    expect(evalCall("array_join", [arr([1, 2]), s("-")])).toBe("1-2");
    // flatten(array(array(1,2), array(3))) → [1,2,3]; flatten(array(array(1), NULL)) → NULL
    expect(evalCall("flatten", [lit([[1, 2], [3]], ArrayType(ArrayType(I)))])).toEqual([1, 2, 3]);
    expect(evalCall("flatten", [lit([[1], null], ArrayType(ArrayType(I)))])).toBe(null);
    // slice(array(1,2,3,4), 2, 2) → [2,3]; slice(…, -2, 5) → [3,4]; slice(…, 0, 1) → [INVALID_PARAMETER_VALUE.START]
    expect(evalCall("slice", [arr([1, 2, 3, 4]), i(2), i(2)])).toEqual([2, 3]);
    expect(evalCall("slice", [arr([1, 2, 3, 4]), i(-2), i(5)])).toEqual([3, 4]);
    expect(() => evalCall("slice", [arr([1, 2, 3]), i(0), i(1)])).toThrow(expect.objectContaining({ code: "INVALID_PARAMETER_VALUE.START" }));
    expect(() => evalCall("slice", [arr([1, 2, 3]), i(1), i(-1)])).toThrow(expect.objectContaining({ code: "INVALID_PARAMETER_VALUE.LENGTH" }));
    // array_min(array(3, NULL, 1)) → 1; array_max(array('a','c','b')) → 'c'
    expect(evalCall("array_min", [arr([3, null, 1])])).toBe(1);
    expect(evalCall("array_max", [arr(["a", "c", "b"], S)])).toBe("c");
    expect(evalCall("array_max", [arr([])])).toBe(null);
  });
  it("set operations keep first-seen order without duplicates", () => {
    // array_union(array(1,2,2), array(2,3)) → [1,2,3]; array_intersect(array(1,2,2,3), array(2,3,4)) → [2,3]; array_except(array(1,2,2,3), array(2)) → [1,3]
    expect(evalCall("array_union", [arr([1, 2, 2]), arr([2, 3])])).toEqual([1, 2, 3]);
    expect(evalCall("array_intersect", [arr([1, 2, 2, 3]), arr([2, 3, 4])])).toEqual([2, 3]);
    expect(evalCall("array_except", [arr([1, 2, 2, 3]), arr([2])])).toEqual([1, 3]);
    // arrays_overlap(array(1,2), array(2,3)) → true; arrays_overlap(array(1, NULL), array(3)) → NULL
    expect(evalCall("arrays_overlap", [arr([1, 2]), arr([2, 3])])).toBe(true);
    expect(evalCall("arrays_overlap", [arr([1, null]), arr([3])])).toBe(null);
    expect(evalCall("arrays_overlap", [arr([1]), arr([3])])).toBe(false);
    // array_union(array(1.5), array(1)) → [DATATYPE_MISMATCH.BINARY_ARRAY_DIFF_TYPES]
    expect(() => call("array_union", [arr([15], { kind: "decimal", precision: 2, scale: 1 }), arr([1])])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
  it("sequence of integers", () => {
    // sequence(1, 5) → [1..5]; sequence(5, 1) → [5..1]; sequence(1, 9, 3) → [1,4,7]; sequence(1, 5, 0) → error
    expect(evalCall("sequence", [i(1), i(5)])).toEqual([1, 2, 3, 4, 5]);
    expect(evalCall("sequence", [i(5), i(1)])).toEqual([5, 4, 3, 2, 1]);
    expect(evalCall("sequence", [i(1), i(9), i(3)])).toEqual([1, 4, 7]);
    expect(() => evalCall("sequence", [i(1), i(5), i(0)])).toThrow(expect.objectContaining({ code: "INVALID_SEQUENCE_BOUNDARIES" }));
    expect(() => call("sequence", [s("a"), i(5)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
  it("rejects non-arrays and wrong arity at analysis", () => {
    expect(() => call("array_position", [i(1), i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("flatten", [arr([1])])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("slice", [arr([1]), i(1)])).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
    expect(() => call("array_repeat", [i(1), s("x")])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("array_join", [i(1), s(",")])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});
