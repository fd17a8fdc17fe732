import { describe, expect, it } from "vitest";
import { ArrayType, DecimalType, type DataType, MapType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, lit } from "./test-support.js";

const I: DataType = { kind: "int" };
const S: DataType = { kind: "string" };
const D: DataType = { kind: "double" };
const s = (v: string): RExpr => lit(v, S);
const i = (v: number): RExpr => lit(v, I);
const arr = (v: unknown[], t: DataType): RExpr => lit(v, ArrayType(t, true));
const map = (entries: [unknown, unknown][], k: DataType = I, v: DataType = S): RExpr => lit(new Map(entries), MapType(k, v, true));
const entries = (m: unknown) => [...(m as Map<unknown, unknown>)];

describe("map functions (values from PySpark 4.0.1)", () => {
  it("build maps from arrays, entries and strings", () => {
    // map_from_arrays(array(1, 2), array('a', 'b')) → {1: 'a', 2: 'b'}; map_from_entries(array(named_struct('k', 1, 'v', 'x'))) → {1: 'x'}
    expect(entries(evalCall("map_from_arrays", [arr([1, 2], I), arr(["a", "b"], S)]))).toEqual([[1, "a"], [2, "b"]]);
    const st: DataType = { kind: "struct", fields: [{ name: "k", type: I, nullable: false }, { name: "v", type: S, nullable: false }] };
    expect(entries(evalCall("map_from_entries", [lit([{ k: 1, v: "x" }], ArrayType(st, false))]))).toEqual([[1, "x"]]);
    // str_to_map('a:1,b:2') → {a: '1', b: '2'}; str_to_map('a=1;b', ';', '=') → {a: '1', b: NULL}
    expect(entries(evalCall("str_to_map", [s("a:1,b:2")]))).toEqual([["a", "1"], ["b", "2"]]);
    expect(entries(evalCall("str_to_map", [s("a=1;b"), s(";"), s("=")]))).toEqual([["a", "1"], ["b", null]]);
  });
  it("map_entries and map_concat", () => {
    // map_entries(map(1, 'a')) → [{key: 1, value: 'a'}] as array<struct<key:int,value:string>>
    expect(evalCall("map_entries", [map([[1, "a"]])])).toEqual([{ key: 1, value: "a" }]);
    expect(call("map_entries", [map([[1, "a"]])]).type).toMatchObject({ kind: "array", elementType: { kind: "struct", fields: [{ name: "key" }, { name: "value" }] } });
    // map_concat(map(1, 'a'), map(2, 'b')) → {1: 'a', 2: 'b'}; map_concat(map(1, 'a'), map(1, 'b')) → [DUPLICATED_MAP_KEY]
    expect(entries(evalCall("map_concat", [map([[1, "a"]]), map([[2, "b"]])]))).toEqual([[1, "a"], [2, "b"]]);
    expect(() => evalCall("map_concat", [map([[1, "a"]]), map([[1, "b"]])])).toThrow(expect.objectContaining({ code: "DUPLICATED_MAP_KEY" }));
    expect(() => evalCall("map_from_arrays", [arr([1, 1], I), arr(["a", "b"], S)])).toThrow(expect.objectContaining({ code: "DUPLICATED_MAP_KEY" }));
    expect(() => evalCall("map_from_arrays", [arr([null], I), arr(["a"], S)])).toThrow(expect.objectContaining({ code: "NULL_MAP_KEY" }));
    expect(() => evalCall("map_from_arrays", [arr([1], I), arr(["a", "b"], S)])).toThrow(expect.objectContaining({ code: "INVALID_PARAMETER_VALUE" }));
  });
  it("rejects non-maps at analysis", () => {
    expect(() => call("map_entries", [i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("map_concat", [map([[1, "a"]]), i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("map_from_arrays", [i(1), arr([1], I)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("map_from_entries", [arr([1], I)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});

describe("format_number, conv, bin (values from PySpark 4.0.1)", () => {
  it("format_number groups thousands and rounds HALF_EVEN", () => {
    const dec = (unscaled: number, p: number, sc: number): RExpr => lit(unscaled, DecimalType(p, sc));
    // format_number(12332.123456, 4) → '12,332.1235'; (12332.5, 0) → '12,332'; (-1234.5D, 1) → '-1,234.5'; (0.5, 0) → '0'
    expect(evalCall("format_number", [dec(12332123456, 11, 6), i(4)])).toBe("12,332.1235");
    expect(evalCall("format_number", [dec(123325, 6, 1), i(0)])).toBe("12,332");
    expect(evalCall("format_number", [lit(-1234.5, D), i(1)])).toBe("-1,234.5");
    expect(evalCall("format_number", [dec(5, 1, 1), i(0)])).toBe("0");
    // (1234, '##,###.00') → '1,234.00'; (5, -1) → NULL; (1.25, 1) → '1.2'; (1.35D, 1) → '1.4'
    expect(evalCall("format_number", [i(1234), s("##,###.00")])).toBe("1,234.00");
    expect(evalCall("format_number", [i(5), i(-1)])).toBe(null);
    expect(evalCall("format_number", [dec(125, 3, 2), i(1)])).toBe("1.2");
    expect(evalCall("format_number", [lit(1.35, D), i(1)])).toBe("1.4");
  });
  it("conv and bin", () => {
    // conv('100', 2, 10) → '4'; conv('-10', 16, -10) → '-16'; conv('ff', 16, 10) → '255'; conv('zz', 10, 16) → '0'; conv('-1', 10, 16) → 'FFFFFFFFFFFFFFFF'; conv('12abc', 10, 2) → '1100'
    expect(evalCall("conv", [s("100"), i(2), i(10)])).toBe("4");
    expect(evalCall("conv", [s("-10"), i(16), i(-10)])).toBe("-16");
    expect(evalCall("conv", [s("ff"), i(16), i(10)])).toBe("255");
    expect(evalCall("conv", [s("zz"), i(10), i(16)])).toBe("0");
    expect(evalCall("conv", [s("-1"), i(10), i(16)])).toBe("FFFFFFFFFFFFFFFF");
    expect(evalCall("conv", [s("12abc"), i(10), i(2)])).toBe("1100");
    // bin(13) → '1101'; bin(-1) → 64 ones
    expect(evalCall("bin", [i(13)])).toBe("1101");
    expect(evalCall("bin", [i(-1)])).toBe("1".repeat(64));
    expect(() => call("conv", [s("1"), s("a"), i(2)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("format_number", [s("1"), i(2)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
  it("date_diff and dateadd are datediff and date_add", () => {
    // date_diff(date'2024-03-01', date'2024-02-01') → 29; dateadd(date'2024-03-01', 3) → 2024-03-04
    const day = (y: number, m: number, d: number) => lit(Date.UTC(y, m - 1, d) / 86_400_000, { kind: "date" });
    expect(evalCall("date_diff", [day(2024, 3, 1), day(2024, 2, 1)])).toBe(29);
    expect(evalCall("dateadd", [day(2024, 3, 1), i(3)])).toBe(Date.UTC(2024, 2, 4) / 86_400_000);
  });
});
