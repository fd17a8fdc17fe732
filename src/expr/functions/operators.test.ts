import { describe, expect, it } from "vitest";
import { DecimalType, type DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, evalRows, LEGACY, lit, ref } from "./test-support.js";

const I: DataType = { kind: "int" };
const L: DataType = { kind: "bigint" };
const D: DataType = { kind: "double" };
const S: DataType = { kind: "string" };
const B: DataType = { kind: "boolean" };
const N: DataType = { kind: "null" };
const i = (v: number | null): RExpr => lit(v, I);
const s = (v: string | null): RExpr => lit(v, S);
const b = (v: boolean | null): RExpr => lit(v, B);

describe("arithmetic (PySpark 4.0.1, ANSI on)", () => {
  it("gives Spark's result types", () => {
    // select 7/2, 7 div 2, -7 % 3, -7 div 3, pmod(-7, 3) → 3.5, 3, -1, -2, 2 :: double, bigint, int, bigint, int
    expect(call("divide", [i(7), i(2)]).type).toEqual(D);
    expect(evalCall("divide", [i(7), i(2)])).toBe(3.5);
    expect(evalCall("div", [i(7), i(2)])).toBe(3n);
    expect(call("div", [i(7), i(2)]).type).toEqual(L);
    expect(evalCall("mod", [i(-7), i(3)])).toBe(-1);
    expect(evalCall("div", [i(-7), i(3)])).toBe(-2n);
    expect(evalCall("pmod", [i(-7), i(3)])).toBe(2);
    expect(call("add", [i(1), lit(2, L)]).type).toEqual(L);
  });
  it("follows Spark's decimal precision rules", () => {
    const d102 = lit(100, DecimalType(10, 2));
    const d51 = lit(30, DecimalType(5, 1));
    // cast(1 as decimal(10,2)) / cast(3 as decimal(5,1)) → 0.33333333 :: decimal(17,8)
    const q = call("divide", [d102, d51]);
    expect(q.type).toEqual(DecimalType(17, 8));
    expect(evalRows(q)).toEqual([33333333n]);
    // + → decimal(11,2) 4.00 ; * → decimal(16,3) 3.000 ; 10 % 3 → decimal(6,2) 1.00
    expect(call("add", [d102, d51]).type).toEqual(DecimalType(11, 2));
    expect(evalRows(call("add", [d102, d51]))).toEqual([400n]);
    expect(call("multiply", [d102, d51]).type).toEqual(DecimalType(16, 3));
    expect(evalRows(call("multiply", [d102, d51]))).toEqual([3000n]);
    expect(evalRows(call("mod", [lit(1000, DecimalType(10, 2)), d51]))).toEqual([100n]);
    // 1 + 1.5 → decimal(3,1)
    expect(call("add", [i(1), lit(15, DecimalType(2, 1))]).type).toEqual(DecimalType(3, 1));
    // 1L * 2.5D → double
    expect(call("multiply", [lit(1, L), lit(2.5, D)]).type).toEqual(D);
  });
  it("raises DIVIDE_BY_ZERO and ARITHMETIC_OVERFLOW under ANSI, null / wrap in legacy mode", () => {
    // select 1/0 → [DIVIDE_BY_ZERO]; 1 div 0; 5 % 0; 1.5D/0
    for (const op of ["divide", "div", "mod"]) expect(() => evalCall(op, [i(1), i(0)])).toThrow(expect.objectContaining({ code: "DIVIDE_BY_ZERO" }));
    expect(() => evalCall("divide", [lit(1.5, D), i(0)])).toThrow(/Division by zero/);
    // select 2147483647 + 1 → [ARITHMETIC_OVERFLOW] integer overflow
    expect(() => evalCall("add", [i(2147483647), i(1)])).toThrow(expect.objectContaining({ code: "ARITHMETIC_OVERFLOW" }));
    expect(() => evalCall("multiply", [lit(9e18, L), lit(2, L)])).toThrow(expect.objectContaining({ code: "ARITHMETIC_OVERFLOW" }));
    expect(() => evalCall("negative", [i(-2147483648)])).toThrow(expect.objectContaining({ code: "ARITHMETIC_OVERFLOW" }));
    expect(() => evalRows(call("divide", [lit(100, DecimalType(10, 2)), lit(0, DecimalType(5, 1))]))).toThrow(expect.objectContaining({ code: "DIVIDE_BY_ZERO" }));
    expect(evalCall("divide", [i(1), i(0)], LEGACY)).toBe(null);
    expect(evalCall("add", [i(2147483647), i(1)], LEGACY)).toBe(-2147483648);
    expect(evalCall("try_divide", [i(1), i(0)])).toBe(null);
  });
  it("propagates nulls and does not raise for null rows", () => {
    expect(evalRows(call("divide", [ref(0, I), ref(1, I)]), { a: I, b: I }, [{ a: 1, b: null }, { a: 4, b: 2 }])).toEqual([null, 2]);
    expect(evalCall("add", [i(1), lit(null, N)])).toBe(null);
    expect(evalCall("negative", [lit(2.5, D)])).toBe(-2.5);
  });
  it("adds days to dates", () => {
    expect(evalCall("add", [lit(19737, { kind: "date" }), i(30)])).toBe(19767);
    expect(evalCall("subtract", [lit(19737, { kind: "date" }), i(7)])).toBe(19730);
  });
  it("rejects non-numeric arguments", () => {
    expect(() => call("add", [b(true), i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("add", [i(1)])).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
  });
});

describe("comparison", () => {
  it("compares strings by code point and doubles with NaN largest", () => {
    // select 'a' < 'b', 'B' < 'a', 'é' > 'z' → true, true, true
    expect(evalCall("lt", [s("a"), s("b")])).toBe(true);
    expect(evalCall("lt", [s("B"), s("a")])).toBe(true);
    expect(evalCall("gt", [s("é"), s("z")])).toBe(true);
    expect(evalCall("gt", [s("\u{1F600}"), s("\uFFFD")])).toBe(true);
    expect(evalCall("eq", [lit(NaN, D), lit(NaN, D)])).toBe(true);
    expect(evalCall("gt", [lit(NaN, D), lit(Infinity, D)])).toBe(true);
    expect(evalCall("eq", [lit(-0, D), lit(0, D)])).toBe(true);
    expect(evalCall("lte", [i(1), lit(1.5, D)])).toBe(true);
    expect(evalCall("eq", [s("1"), i(1)])).toBe(true);
  });
  it("is null-intolerant except <=>", () => {
    // select null = null, null <=> null → None, True
    expect(evalCall("eq", [lit(null, N), lit(null, N)])).toBe(null);
    expect(evalCall("eq_null_safe", [lit(null, N), lit(null, N)])).toBe(true);
    expect(evalCall("eq_null_safe", [i(1), lit(null, I)])).toBe(false);
    expect(evalCall("neq", [i(1), i(2)])).toBe(true);
  });
  it("compares arrays and structs lexicographically", () => {
    const a = (v: number[]) => lit(v, { kind: "array", elementType: I, containsNull: true });
    expect(evalCall("lt", [a([1, 2]), a([1, 3])])).toBe(true);
    expect(evalCall("lt", [a([1, 2]), a([1])])).toBe(false);
  });
  it("rejects incomparable types", () => {
    expect(() => call("lt", [lit(new Map(), { kind: "map", keyType: S, valueType: I, valueContainsNull: true }), lit(new Map(), { kind: "map", keyType: S, valueType: I, valueContainsNull: true })])).toThrow(
      expect.objectContaining({ code: "DATATYPE_MISMATCH" }),
    );
  });
});

describe("logic and predicates", () => {
  it("uses three-valued logic", () => {
    // select true and null, false and null, true or null, false or null, not null → None, False, True, None, None
    expect(evalCall("and", [b(true), lit(null, B)])).toBe(null);
    expect(evalCall("and", [b(false), lit(null, B)])).toBe(false);
    expect(evalCall("or", [b(true), lit(null, B)])).toBe(true);
    expect(evalCall("or", [b(false), lit(null, B)])).toBe(null);
    expect(evalCall("not", [lit(null, B)])).toBe(null);
    expect(evalCall("and", [lit(null, B), b(false)])).toBe(false);
  });
  it("short-circuits: the right side is not evaluated where the left decides", () => {
    const cond = call("and", [call("neq", [ref(0, I), i(0)]), call("gt", [call("divide", [i(10), ref(0, I)]), i(1)])]);
    expect(evalRows(cond, { x: I }, [{ x: 0 }, { x: 5 }, { x: 20 }])).toEqual([false, true, false]);
  });
  it("IN with null semantics", () => {
    // select 1 in (1, null), 2 in (1, null), null in (1) → True, None, None
    expect(evalCall("in", [i(1), i(1), lit(null, N)])).toBe(true);
    expect(evalCall("in", [i(2), i(1), lit(null, N)])).toBe(null);
    expect(evalCall("in", [lit(null, I), i(1)])).toBe(null);
    expect(evalRows(call("in", [ref(0, S), s("a"), s("b")]), { x: S }, [{ x: "b" }, { x: "c" }])).toEqual([true, false]);
    expect(evalRows(call("in", [ref(0, I), ref(1, I)]), { x: I, y: I }, [{ x: 1, y: 1 }, { x: 1, y: null }])).toEqual([true, null]);
  });
  it("null tests and isnan", () => {
    expect(evalRows(call("isnull", [ref(0, I)]), { x: I }, [{ x: null }, { x: 1 }])).toEqual([true, false]);
    expect(evalRows(call("isnotnull", [ref(0, I)]), { x: I }, [{ x: null }, { x: 1 }])).toEqual([false, true]);
    expect(evalRows(call("isnan", [ref(0, D)]), { x: D }, [{ x: NaN }, { x: 1 }, { x: null }])).toEqual([true, false, false]);
  });
  it("LIKE, ILIKE, RLIKE", () => {
    // select 'abc' like 'a%', 'a_c' like 'a\\_c', 'ABC' ilike 'a%', 'abc' rlike '^a.c$', 'x' like null → T, T, T, T, None
    expect(evalCall("like", [s("abc"), s("a%")])).toBe(true);
    expect(evalCall("like", [s("a_c"), s("a\\_c")])).toBe(true);
    expect(evalCall("like", [s("abc"), s("a\\_c")])).toBe(false);
    expect(evalCall("ilike", [s("ABC"), s("a%")])).toBe(true);
    expect(evalCall("rlike", [s("abc"), s("^a.c$")])).toBe(true);
    expect(evalCall("rlike", [s("xabcx"), s("b")])).toBe(true);
    expect(evalCall("rlike", [s("ABC"), s("(?i)abc")])).toBe(true);
    expect(evalCall("like", [s("x"), lit(null, S)])).toBe(null);
    expect(evalRows(call("like", [ref(0, S), ref(1, S)]), { a: S, p: S }, [{ a: "hello", p: "h%o" }, { a: "x", p: "y" }])).toEqual([true, false]);
    expect(() => evalCall("rlike", [s("a"), s("(")])).toThrow(expect.objectContaining({ code: "INVALID_REGEX" }));
    expect(() => evalCall("like", [s("a"), s("a\\")])).toThrow(expect.objectContaining({ code: "INVALID_FORMAT" }));
  });
  it("contains / startswith / endswith", () => {
    expect(evalCall("contains", [s("hello"), s("ell")])).toBe(true);
    expect(evalCall("startswith", [s("hello"), s("he")])).toBe(true);
    expect(evalCall("endswith", [s("hello"), s("he")])).toBe(false);
    expect(evalCall("contains", [s("hello"), lit(null, S)])).toBe(null);
  });
});
