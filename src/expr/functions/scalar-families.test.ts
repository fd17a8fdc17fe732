import { describe, expect, it } from "vitest";
import { DecimalType, type DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, evalRows, lit, ref } from "./test-support.js";

const I: DataType = { kind: "int" };
const D: DataType = { kind: "double" };
const S: DataType = { kind: "string" };
const B: DataType = { kind: "boolean" };
const N: DataType = { kind: "null" };
const i = (v: number | null): RExpr => lit(v, I);
const s = (v: string | null): RExpr => lit(v, S);

describe("CASE and conditional functions are lazy", () => {
  it("CASE only evaluates a branch for rows that take it", () => {
    // select case when x = 0 then 0 else 10 / x end — no DIVIDE_BY_ZERO for x = 0
    const x = ref(0, I);
    const e: RExpr = { kind: "case", branches: [[call("eq", [x, i(0)]), lit(0, D)]], otherwise: call("divide", [i(10), x]), type: D };
    expect(evalRows(e, { x: I }, [{ x: 0 }, { x: 5 }, { x: null }])).toEqual([0, 2, null]);
    const noElse: RExpr = { kind: "case", branches: [[call("gt", [x, i(1)]), s("big")], [call("gt", [x, i(0)]), s("small")]], otherwise: null, type: S };
    expect(evalRows(noElse, { x: I }, [{ x: 5 }, { x: 1 }, { x: 0 }])).toEqual(["big", "small", null]);
    const bad: RExpr = { kind: "case", branches: [[call("eq", [x, i(0)]), call("divide", [i(1), x])]], otherwise: lit(1, D), type: D };
    expect(() => evalRows(bad, { x: I }, [{ x: 1 }, { x: 0 }])).toThrow(expect.objectContaining({ code: "DIVIDE_BY_ZERO" }));
  });
  it("if / coalesce skip arguments not needed", () => {
    const x = ref(0, I);
    // select if(false, 1/0, 5), coalesce(1, 1/0) → 5.0, 1.0
    expect(evalRows(call("if", [call("eq", [x, i(0)]), lit(-1, D), call("divide", [i(1), x])]), { x: I }, [{ x: 0 }, { x: 4 }])).toEqual([-1, 0.25]);
    expect(evalRows(call("coalesce", [x, call("div", [i(1), i(0)])]), { x: I }, [{ x: 3 }])).toEqual([3n]);
    expect(evalRows(call("coalesce", [x, i(7)]), { x: I }, [{ x: null }, { x: 1 }])).toEqual([7, 1]);
  });
  it("returns Spark's values", () => {
    // select greatest(1, null, 3), least(1.5, 2), coalesce(null, 2), nvl(null, 'x'), nullif(1, 1), if(true, 1, 2), nanvl(NaN, 1.0D), ifnull(null, 3)
    expect(evalCall("greatest", [i(1), lit(null, N), i(3)])).toBe(3);
    expect(call("least", [lit(15, DecimalType(2, 1)), i(2)]).type).toEqual(DecimalType(11, 1));
    expect(evalCall("least", [lit(15, DecimalType(2, 1)), i(2)])).toBe(15n);
    expect(evalCall("coalesce", [lit(null, N), i(2)])).toBe(2);
    expect(evalCall("nvl", [lit(null, N), s("x")])).toBe("x");
    expect(evalCall("nullif", [i(1), i(1)])).toBe(null);
    expect(evalCall("nullif", [i(1), i(2)])).toBe(1);
    expect(evalCall("if", [lit(true, B), i(1), i(2)])).toBe(1);
    expect(evalCall("nanvl", [lit(NaN, D), lit(1, D)])).toBe(1);
    expect(evalCall("ifnull", [lit(null, N), i(3)])).toBe(3);
    expect(() => call("if", [i(1), i(1), i(2)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});

describe("string functions (PySpark 4.0.1)", () => {
  it("substring with Spark's positions", () => {
    // substring('hello', 2, 3), (-3, 2), (0, 2), (-10, 3), substr('hello', 2), (2, -1) → 'ell','ll','he','','ello',''
    expect(evalCall("substring", [s("hello"), i(2), i(3)])).toBe("ell");
    expect(evalCall("substring", [s("hello"), i(-3), i(2)])).toBe("ll");
    expect(evalCall("substring", [s("hello"), i(0), i(2)])).toBe("he");
    expect(evalCall("substring", [s("hello"), i(-10), i(3)])).toBe("");
    expect(evalCall("substr", [s("hello"), i(2)])).toBe("ello");
    expect(evalCall("substring", [s("hello"), i(2), i(-1)])).toBe("");
    expect(evalCall("substring", [s("a😀b"), i(2), i(1)])).toBe("😀");
  });
  it("split, regexp_extract, regexp_replace", () => {
    // split('a,b,,c', ',') → ['a','b','','c']; split('a,b,c', ',', 2) → ['a','b,c']; split('abc','') → ['a','b','c']; split('a1b22c','[0-9]+')
    expect(evalCall("split", [s("a,b,,c"), s(","), i(-1)])).toEqual(["a", "b", "", "c"]);
    expect(evalCall("split", [s("a,b,c"), s(","), i(2)])).toEqual(["a", "b,c"]);
    expect(evalCall("split", [s("abc"), s(""), i(-1)])).toEqual(["a", "b", "c"]);
    expect(evalCall("split", [s("a1b22c"), s("[0-9]+")])).toEqual(["a", "b", "c"]);
    expect(evalCall("split", [s("a,b,"), s(",")])).toEqual(["a", "b", ""]);
    // regexp_extract('foo123bar', '([a-z]+)([0-9]+)', 2) → '123'; no match → ''
    expect(evalCall("regexp_extract", [s("foo123bar"), s("([a-z]+)([0-9]+)"), i(2)])).toBe("123");
    expect(evalCall("regexp_extract", [s("foo"), s("([0-9]+)"), i(1)])).toBe("");
    expect(() => evalCall("regexp_extract", [s("foo"), s("(o)"), i(3)])).toThrow(/has 1 groups, but the index is 3/);
    // regexp_replace('a.b.c', '\\.', '-') → 'a-b-c'; regexp_replace('abc', '(b)', '[$1]') → 'a[b]c'
    expect(evalCall("regexp_replace", [s("a.b.c"), s("\\."), s("-")])).toBe("a-b-c");
    expect(evalCall("regexp_replace", [s("abc"), s("(b)"), s("[$1]")])).toBe("a[b]c");
  });
  it("padding, searching and case", () => {
    // lpad('hi',5,'xy') 'xyxhi', rpad 'hixyx', lpad('hello',3,'x') 'hel', lpad('hi',5,'') 'hi', instr 3, locate 3, locate(,,4) 4
    expect(evalCall("lpad", [s("hi"), i(5), s("xy")])).toBe("xyxhi");
    expect(evalCall("rpad", [s("hi"), i(5), s("xy")])).toBe("hixyx");
    expect(evalCall("lpad", [s("hello"), i(3), s("x")])).toBe("hel");
    expect(evalCall("lpad", [s("hi"), i(5), s("")])).toBe("hi");
    expect(evalCall("instr", [s("hello"), s("ll")])).toBe(3);
    expect(evalCall("instr", [s("hello"), s("z")])).toBe(0);
    expect(evalCall("locate", [s("l"), s("hello")])).toBe(3);
    expect(evalCall("locate", [s("l"), s("hello"), i(4)])).toBe(4);
    // initcap('hello wORLD') 'Hello World', reverse 'cba', repeat 'ababab', replace 'ayby', translate('abcd','bd','x') 'axc'
    expect(evalCall("initcap", [s("hello wORLD")])).toBe("Hello World");
    expect(evalCall("reverse", [s("abc")])).toBe("cba");
    expect(evalCall("repeat", [s("ab"), i(3)])).toBe("ababab");
    expect(evalCall("replace", [s("aXbX"), s("X"), s("y")])).toBe("ayby");
    expect(evalCall("translate", [s("abcd"), s("bd"), s("x")])).toBe("axc");
    expect(evalCall("upper", [s("abé")])).toBe("ABÉ");
    expect(evalCall("lower", [i(12)])).toBe("12");
  });
  it("concat, concat_ws, length, trim", () => {
    // concat('a', null) → null; concat_ws('-', 'a', null, 'b') → 'a-b'; concat_ws(',', array('x','y'), 'z') → 'x,y,z'; length('héllo') → 5
    expect(evalCall("concat", [s("a"), lit(null, S)])).toBe(null);
    expect(evalCall("concat", [s("a"), s("b"), i(1)])).toBe("ab1");
    expect(evalCall("concat_ws", [s("-"), s("a"), lit(null, S), s("b")])).toBe("a-b");
    expect(evalCall("concat_ws", [s(","), lit(["x", "y"], { kind: "array", elementType: S, containsNull: true }), s("z")])).toBe("x,y,z");
    expect(evalCall("length", [s("héllo")])).toBe(5);
    expect(evalCall("length", [s("😀")])).toBe(1);
    expect(evalCall("trim", [s("  a  ")])).toBe("a");
    expect(evalCall("trim", [s("\ta ")])).toBe("\ta");
    expect(evalCall("ltrim", [s("  a ")])).toBe("a ");
    expect(evalCall("rtrim", [s(" a  ")])).toBe(" a");
  });
  it("format_string", () => {
    expect(evalCall("format_string", [s("%d-%s-%.2f-%5d|%-5s|"), i(1), s("a"), lit(3.14159, D), i(42), s("x")])).toBe("1-a-3.14-   42|x    |");
    expect(evalCall("format_string", [s("%05d %x %,d %%"), i(42), i(255), i(1234567)])).toBe("00042 ff 1,234,567 %");
    expect(() => evalCall("format_string", [s("%d"), lit(1.5, D)])).toThrow(expect.objectContaining({ code: "ILLEGAL_FORMAT_CONVERSION" }));
  });
});

describe("math functions (PySpark 4.0.1)", () => {
  it("round HALF_UP and bround HALF_EVEN with Spark's types", () => {
    // round(2.5) → 3 :: decimal(2,0); round(-2.5) → -3; bround(2.5) → 2; bround(3.5) → 4
    const d21 = (v: number) => lit(v, DecimalType(2, 1));
    expect(call("round", [d21(25), i(0)]).type).toEqual(DecimalType(2, 0));
    expect(evalCall("round", [d21(25), i(0)])).toBe(3n);
    expect(evalCall("round", [d21(-25), i(0)])).toBe(-3n);
    expect(evalCall("bround", [d21(25), i(0)])).toBe(2n);
    expect(evalCall("bround", [d21(35), i(0)])).toBe(4n);
    // round(2.345D, 2) → 2.35; round(1.005D, 2) → 1.01; round(125, -1) → 130 :: int
    expect(evalCall("round", [lit(2.345, D), i(2)])).toBe(2.35);
    expect(evalCall("round", [lit(1.005, D), i(2)])).toBe(1.01);
    expect(evalCall("bround", [lit(2.5, D), i(0)])).toBe(2);
    expect(evalCall("round", [i(125), i(-1)])).toBe(130);
    expect(call("round", [i(125), i(-1)]).type).toEqual(I);
  });
  it("floor/ceil return BIGINT (decimal stays decimal)", () => {
    // floor(-1.5D) → -2 :: bigint; ceil(1.2D) → 2; floor(cast(1.5 as decimal(3,1))) → 1 :: decimal(3,0)
    expect(evalCall("floor", [lit(-1.5, D)])).toBe(-2n);
    expect(call("floor", [lit(-1.5, D)]).type).toEqual({ kind: "bigint" });
    expect(evalCall("ceil", [lit(1.2, D)])).toBe(2n);
    expect(call("floor", [lit(15, DecimalType(3, 1))]).type).toEqual(DecimalType(3, 0));
    expect(evalCall("floor", [lit(15, DecimalType(3, 1))])).toBe(1n);
  });
  it("sqrt, logs, power, exp, signum, abs", () => {
    expect(evalCall("sqrt", [i(-1)])).toBeNaN();
    expect(evalCall("ln", [i(0)])).toBe(null);
    expect(evalCall("log10", [i(100)])).toBe(2);
    expect(evalCall("log", [i(2), i(8)])).toBe(3);
    expect(evalCall("power", [i(2), i(10)])).toBe(1024);
    expect(evalCall("exp", [i(0)])).toBe(1);
    expect(evalCall("signum", [i(-3)])).toBe(-1);
    expect(evalCall("abs", [i(-3)])).toBe(3);
    // select abs(-2147483648) → [ARITHMETIC_OVERFLOW] integer overflow
    expect(() => evalCall("abs", [i(-2147483648)])).toThrow(expect.objectContaining({ code: "ARITHMETIC_OVERFLOW" }));
    expect(() => call("sqrt", [lit(true, B)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
  it("rand(seed) reproduces Spark's sequence on one partition", () => {
    // spark.sql("select rand(42)").collect() → 0.619189370225301
    expect(evalCall("rand", [i(42)])).toBeCloseTo(0.619189370225301, 15);
    const r = evalRows(call("rand", [i(7)]), { x: I }, [{ x: 1 }, { x: 2 }]);
    expect(r[0]).not.toBe(r[1]);
  });
});
