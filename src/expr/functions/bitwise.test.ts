import { describe, expect, it } from "vitest";
import type { DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, lit } from "./test-support.js";

const B: DataType = { kind: "byte" };
const SH: DataType = { kind: "short" };
const I: DataType = { kind: "int" };
const L: DataType = { kind: "bigint" };
const b = (v: number): RExpr => lit(v, B);
const sh = (v: number): RExpr => lit(v, SH);
const i = (v: number): RExpr => lit(v, I);
const l = (v: bigint): RExpr => lit(v, L);
const code = (c: string) => expect.objectContaining({ code: c });

describe("bitwise functions (values from PySpark 4.0.1)", () => {
  it("& | ^ ~ keep the widened integral type", () => {
    // CAST(5 AS TINYINT) & CAST(3 AS TINYINT) → 1 (tinyint); typeof(tinyint | smallint) → smallint; ~CAST(5 AS TINYINT) → -6 (tinyint)
    expect(evalCall("bitwise_and", [b(5), b(3)])).toBe(1);
    expect(call("bitwise_and", [b(5), b(3)]).type).toEqual(B);
    expect(call("bitwise_or", [b(5), sh(3)]).type).toEqual(SH);
    expect(evalCall("bitwise_not", [b(5)])).toBe(-6);
    expect(call("bitwise_not", [sh(5)]).type).toEqual(SH);
    // CAST(5 AS TINYINT) ^ 3 → 6 (int); '5' & 3 → 1 (bigint); 5L & 3 → 1 (bigint); NULL & 3 → NULL (int)
    expect(evalCall("bitwise_xor", [b(5), i(3)])).toBe(6);
    expect(call("bitwise_and", [lit("5", { kind: "string" }), i(3)]).type).toEqual(L);
    expect(evalCall("bitwise_and", [lit("5", { kind: "string" }), i(3)])).toBe(1n);
    expect(evalCall("bitwise_and", [lit(null, { kind: "null" }), i(3)])).toBe(null);
    // BIGINT stays exact past 2^53
    expect(evalCall("bitwise_or", [l(9007199254740992n), l(1n)])).toBe(9007199254740993n);
    expect(evalCall("bitwise_not", [l(-9223372036854775808n)])).toBe(9223372036854775807n);
  });
  it("shifts widen TINYINT/SMALLINT to INT and keep BIGINT exact", () => {
    // shiftleft(CAST(1 AS TINYINT), 10) → 1024 (int); shiftright(CAST(-16 AS SMALLINT), 2) → -4; shiftrightunsigned(CAST(-16 AS TINYINT), 28) → 15
    expect(evalCall("shiftleft", [b(1), i(10)])).toBe(1024);
    expect(call("shiftleft", [b(1), i(10)]).type).toEqual(I);
    expect(evalCall("shiftright", [sh(-16), i(2)])).toBe(-4);
    expect(evalCall("shiftrightunsigned", [b(-16), i(28)])).toBe(15);
    // shiftleft(CAST(-128 AS TINYINT), 1) → -256; shiftrightunsigned(CAST(-1 AS SMALLINT), 0) → -1; shiftleft(1, 33) → 2; shiftleft(1, -1) → -2147483648
    expect(evalCall("shiftleft", [b(-128), i(1)])).toBe(-256);
    expect(evalCall("shiftrightunsigned", [sh(-1), i(0)])).toBe(-1);
    expect(evalCall("shiftleft", [i(1), i(33)])).toBe(2);
    expect(evalCall("shiftleft", [i(1), i(-1)])).toBe(-2147483648);
    // shiftleft(9007199254740993L, 1) → 18014398509481986; shiftright(-9223372036854775808L, 1) → -4611686018427387904; shiftrightunsigned(-1L, 1) → 9223372036854775807; shiftleft(1L, 65) → 2
    expect(evalCall("shiftleft", [l(9007199254740993n), i(1)])).toBe(18014398509481986n);
    expect(evalCall("shiftright", [l(-9223372036854775808n), i(1)])).toBe(-4611686018427387904n);
    expect(evalCall("shiftrightunsigned", [l(-1n), i(1)])).toBe(9223372036854775807n);
    expect(evalCall("shiftleft", [l(1n), i(65)])).toBe(2n);
    // shiftleft(1L, CAST(2 AS SMALLINT)) → 4 (bigint); shiftleft(1, 2L) → 4; shiftleft(1.5, 2) → 4; shiftleft('3', 2) → 12
    expect(call("shiftleft", [l(1n), sh(2)]).type).toEqual(L);
    expect(evalCall("shiftleft", [i(1), l(2n)])).toBe(4);
    expect(evalCall("shiftleft", [lit(15n, { kind: "decimal", precision: 2, scale: 1 }), i(2)])).toBe(4);
    expect(evalCall("shiftleft", [lit("3", { kind: "string" }), i(2)])).toBe(12);
  });
  it("bit_count and bit_get on every integral type", () => {
    // bit_count(CAST(-1 AS TINYINT)) → 64, bit_count(CAST(-128 AS TINYINT)) → 57, bit_count(CAST(-1 AS SMALLINT)) → 64, bit_count(-1) → 32, bit_count(-1L) → 64, bit_count(true) → 1
    expect(evalCall("bit_count", [b(-1)])).toBe(64);
    expect(evalCall("bit_count", [b(-128)])).toBe(57);
    expect(evalCall("bit_count", [sh(-1)])).toBe(64);
    expect(evalCall("bit_count", [i(-1)])).toBe(32);
    expect(evalCall("bit_count", [l(-1n)])).toBe(64);
    expect(evalCall("bit_count", [lit(true, { kind: "boolean" })])).toBe(1);
    // bit_get(CAST(5 AS TINYINT), 0) → 1 (tinyint), getbit(CAST(5 AS SMALLINT), 2) → 1, bit_get(5L, 63) → 0, bit_get(CAST(-1 AS SMALLINT), 15) → 1, bit_get(-1, 31) → 1
    expect(evalCall("bit_get", [b(5), i(0)])).toBe(1);
    expect(call("bit_get", [l(1n), i(1)]).type).toEqual(B);
    expect(evalCall("getbit", [sh(5), i(2)])).toBe(1);
    expect(evalCall("bit_get", [l(5n), i(63)])).toBe(0);
    expect(evalCall("bit_get", [sh(-1), i(15)])).toBe(1);
    expect(evalCall("bit_get", [i(-1), i(31)])).toBe(1);
    expect(evalCall("bit_get", [lit(null, I), i(1)])).toBe(null);
  });
  it("refuses what Spark refuses", () => {
    // bit_get(CAST(5 AS TINYINT), 8) and bit_get(5, -1) → INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE
    expect(() => evalCall("bit_get", [b(5), i(8)])).toThrow(code("INVALID_PARAMETER_VALUE"));
    expect(() => evalCall("bit_get", [i(5), i(-1)])).toThrow(/\[0, 32\), but got -1/);
    // 1.5 & 1, true & 1 → BINARY_OP_DIFF_TYPES; ~'5', bit_get('5', 0), bit_get(5.0, 0), bit_count('5') → UNEXPECTED_INPUT_TYPE
    expect(() => call("bitwise_and", [lit(15n, { kind: "decimal", precision: 2, scale: 1 }), i(1)])).toThrow(code("DATATYPE_MISMATCH"));
    expect(() => call("bitwise_and", [lit(true, { kind: "boolean" }), i(1)])).toThrow(code("DATATYPE_MISMATCH"));
    expect(() => call("bitwise_not", [lit("5", { kind: "string" })])).toThrow(code("DATATYPE_MISMATCH"));
    expect(() => call("bit_get", [lit("5", { kind: "string" }), i(0)])).toThrow(code("DATATYPE_MISMATCH"));
    expect(() => call("bit_count", [lit("5", { kind: "string" })])).toThrow(code("DATATYPE_MISMATCH"));
  });
});
