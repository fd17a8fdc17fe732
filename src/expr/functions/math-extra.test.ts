import { describe, expect, it } from "vitest";
import type { DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, lit } from "./test-support.js";

const I: DataType = { kind: "int" };
const L: DataType = { kind: "bigint" };
const D: DataType = { kind: "double" };
const i = (v: number): RExpr => lit(v, I);
const d = (v: number): RExpr => lit(v, D);

describe("math extras (values from PySpark 4.0.1)", () => {
  it("trigonometry and constants as Java's Math", () => {
    // sin(1.0D) → 0.8414709848078965, cos(0) → 1.0, tan(1) → 1.5574077246549023, asin(2) → NaN, acos(0.5) → 1.0471975511965979
    expect(evalCall("sin", [d(1)])).toBe(0.8414709848078965);
    expect(evalCall("cos", [i(0)])).toBe(1);
    expect(evalCall("tan", [i(1)])).toBe(1.5574077246549023);
    expect(evalCall("asin", [i(2)])).toBeNaN();
    expect(evalCall("acos", [d(0.5)])).toBe(1.0471975511965979);
    // atan(1) → 0.7853981633974483, atan2(1, 2) → 0.4636476090008061, sinh(1) → 1.1752011936438014, cosh(1) → 1.543080634815244, tanh(1) → 0.7615941559557649
    expect(evalCall("atan", [i(1)])).toBe(0.7853981633974483);
    expect(evalCall("atan2", [i(1), i(2)])).toBe(0.4636476090008061);
    expect(evalCall("sinh", [i(1)])).toBeCloseTo(1.1752011936438014, 15);
    expect(evalCall("cosh", [i(1)])).toBeCloseTo(1.543080634815244, 15);
    expect(evalCall("tanh", [i(1)])).toBeCloseTo(0.7615941559557649, 15);
    // degrees(pi) → 180.0, radians(180) → pi, pi() → 3.141592653589793, e() → 2.718281828459045, hypot(3, 4) → 5.0, cot(1) → 0.6420926159343306
    expect(evalCall("degrees", [d(Math.PI)])).toBe(180);
    expect(evalCall("radians", [i(180)])).toBe(Math.PI);
    expect(evalCall("pi", [])).toBe(3.141592653589793);
    expect(evalCall("e", [])).toBe(2.718281828459045);
    expect(evalCall("hypot", [i(3), i(4)])).toBe(5);
    expect(evalCall("cot", [i(1)])).toBeCloseTo(0.6420926159343306, 15);
    expect(evalCall("sin", [lit(null, D)])).toBe(null);
  });
  it("factorial, shifts and bit_count", () => {
    // factorial(5) → 120 (BIGINT), factorial(21) → NULL; shiftleft(1, 3) → 8, shiftright(-16, 2) → -4, shiftrightunsigned(-16, 28) → 15
    expect(evalCall("factorial", [i(5)])).toBe(120n);
    expect(call("factorial", [i(5)]).type).toEqual(L);
    expect(evalCall("factorial", [i(21)])).toBe(null);
    expect(evalCall("shiftleft", [i(1), i(3)])).toBe(8);
    expect(evalCall("shiftright", [i(-16), i(2)])).toBe(-4);
    expect(evalCall("shiftrightunsigned", [i(-16), i(28)])).toBe(15);
    // shiftleft(2147483647, 1) → -2; typeof(shiftleft(1L, 3)) → bigint; bit_count(7) → 3
    expect(evalCall("shiftleft", [i(2147483647), i(1)])).toBe(-2);
    expect(call("shiftleft", [lit(1, L), i(3)]).type).toEqual(L);
    expect(evalCall("shiftleft", [lit(1, L), i(40)])).toBe(2n ** 40n);
    expect(evalCall("bit_count", [i(7)])).toBe(3);
    expect(evalCall("bit_count", [i(-1)])).toBe(32);
  });
  it("typeof and equal_null", () => {
    // typeof(1) → 'int', typeof(array(1)) → 'array<int>', typeof(NULL) → 'void', typeof(cast(1 as decimal(10,2))) → 'decimal(10,2)'
    expect(evalCall("typeof", [i(1)])).toBe("int");
    expect(evalCall("typeof", [lit([1], { kind: "array", elementType: I, containsNull: false })])).toBe("array<int>");
    expect(evalCall("typeof", [lit(null, { kind: "null" })])).toBe("void");
    expect(evalCall("typeof", [lit(100, { kind: "decimal", precision: 10, scale: 2 })])).toBe("decimal(10,2)");
    // equal_null(1, NULL) → false, equal_null(NULL, NULL) → true
    expect(evalCall("equal_null", [i(1), lit(null, I)])).toBe(false);
    expect(evalCall("equal_null", [lit(null, I), lit(null, I)])).toBe(true);
  });
  it("rejects bad arguments at analysis", () => {
    const arr: DataType = { kind: "array", elementType: I, containsNull: false };
    expect(() => call("sin", [lit([1], arr)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("pi", [i(1)])).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
    // shiftleft(true, 1) → DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE (a DOUBLE, DECIMAL or STRING value is cast to INT: bitwise.test.ts)
    expect(() => call("shiftleft", [lit(true, { kind: "boolean" }), i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("bit_count", [d(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("factorial", [lit([1], arr)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("typeof", [])).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
  });
});

describe("generated column names as Spark shows them (PySpark 4.0.1 schema)", () => {
  it("upper-cases the math functions Spark upper-cases", async () => {
    const { lookupScalarFunction } = await import("./registry.js");
    const shown = (name: string, args: string[]) => lookupScalarFunction(name)!.display?.(args) ?? `${name}(${args.join(", ")})`;
    // SELECT sin(x), sqrt(x), ln(x), log(x), log(2, x), pi(), round(x), sign(x), atan2(x, x), months_between(d, d), overlay(s, 'x', 1)
    expect(shown("sin", ["x"])).toBe("SIN(x)");
    expect(shown("sqrt", ["x"])).toBe("SQRT(x)");
    expect(shown("ln", ["x"])).toBe("ln(x)");
    expect(shown("log", ["x"])).toBe("LOG(E(), x)");
    expect(shown("log", ["2", "x"])).toBe("LOG(2, x)");
    expect(shown("pi", [])).toBe("PI()");
    expect(shown("round", ["x"])).toBe("round(x, 0)");
    expect(shown("sign", ["x"])).toBe("sign(x)");
    expect(shown("atan2", ["x", "x"])).toBe("ATAN2(x, x)");
    expect(shown("months_between", ["d", "d"])).toBe("months_between(d, d, true)");
    expect(shown("overlay", ["s", "x", "1"])).toBe("overlay(s, x, 1, -1)");
  });
  it("expm1, log1p, rint", () => {
    // expm1(1e-10D) → 1.00000000005E-10, log1p(-1D) → NULL, log1p(-2D) → NULL, rint(2.5D) → 2.0, rint(3.5D) → 4.0, rint(-2.5D) → -2.0
    expect(evalCall("expm1", [d(1e-10)])).toBeCloseTo(1.00000000005e-10, 20);
    expect(evalCall("log1p", [d(-1)])).toBe(null);
    expect(evalCall("log1p", [d(-2)])).toBe(null);
    expect(evalCall("rint", [d(2.5)])).toBe(2);
    expect(evalCall("rint", [d(3.5)])).toBe(4);
    expect(evalCall("rint", [d(-2.5)])).toBe(-2);
  });
});
