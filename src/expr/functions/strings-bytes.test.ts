import { describe, expect, it } from "vitest";
import type { DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, lit } from "./test-support.js";

const S: DataType = { kind: "string" };
const I: DataType = { kind: "int" };
const L: DataType = { kind: "bigint" };
const D: DataType = { kind: "double" };
const BIN: DataType = { kind: "binary" };
const s = (v: string): RExpr => lit(v, S);
const i = (v: number): RExpr => lit(v, I);
const bin = (...b: number[]): RExpr => lit(new Uint8Array(b), BIN);
const bytes = (v: unknown) => Array.from(v as Uint8Array);

describe("position and byte string functions (values from PySpark 4.0.1)", () => {
  it("left and right count characters; n <= 0 gives ''", () => {
    // left('Hello World', 3) → 'Hel', right(..., 3) → 'rld', left('abc', -1) → '', right('abc', 0) → '', left('abc', 10) → 'abc'
    expect(evalCall("left", [s("Hello World"), i(3)])).toBe("Hel");
    expect(evalCall("right", [s("Hello World"), i(3)])).toBe("rld");
    expect(evalCall("left", [s("abc"), i(-1)])).toBe("");
    expect(evalCall("right", [s("abc"), i(0)])).toBe("");
    expect(evalCall("left", [s("abc"), i(10)])).toBe("abc");
    expect(evalCall("right", [s("abc"), i(10)])).toBe("abc");
    // right('héllo', 2) → 'lo', left('héllo', 2) → 'hé'; left(NULL, 2) → NULL
    expect(evalCall("right", [s("héllo"), i(2)])).toBe("lo");
    expect(evalCall("left", [s("héllo"), i(2)])).toBe("hé");
    expect(evalCall("left", [lit(null, S), i(2)])).toBe(null);
  });
  it("ascii and chr", () => {
    // ascii('Hello') → 72, ascii('') → 0, ascii('é') → 233; chr(65) → 'A', chr(256+65) → 'A', chr(-1) → '', chr(0) → '\u0000'; char(66) → 'B'
    expect(evalCall("ascii", [s("Hello")])).toBe(72);
    expect(evalCall("ascii", [s("")])).toBe(0);
    expect(evalCall("ascii", [s("é")])).toBe(233);
    expect(evalCall("chr", [i(65)])).toBe("A");
    expect(evalCall("chr", [i(321)])).toBe("A");
    expect(evalCall("chr", [i(-1)])).toBe("");
    expect(evalCall("chr", [i(0)])).toBe("\u0000");
    expect(evalCall("char", [lit(66, L)])).toBe("B");
  });
  it("split_part", () => {
    // split_part('a,b,,c', ',', 2) → 'b', (…, -1) → 'c', (…, 10) → '', ('a,b,c', '', 1) → 'a,b,c', ('a,b,c', '', 2) → '', ('abc', 'b', -3) → ''
    expect(evalCall("split_part", [s("a,b,,c"), s(","), i(2)])).toBe("b");
    expect(evalCall("split_part", [s("a,b,,c"), s(","), i(3)])).toBe("");
    expect(evalCall("split_part", [s("a,b,,c"), s(","), i(-1)])).toBe("c");
    expect(evalCall("split_part", [s("a,b,,c"), s(","), i(10)])).toBe("");
    expect(evalCall("split_part", [s("a,b,c"), s(""), i(1)])).toBe("a,b,c");
    expect(evalCall("split_part", [s("a,b,c"), s(""), i(2)])).toBe("");
    expect(evalCall("split_part", [s("abc"), s("b"), i(-3)])).toBe("");
    expect(evalCall("split_part", [s("a.b"), s("."), i(2)])).toBe("b"); // the delimiter is not a regex
    // split_part('a,b', ',', 0) → [INVALID_INDEX_OF_ZERO]
    expect(() => evalCall("split_part", [s("a,b"), s(","), i(0)])).toThrow(expect.objectContaining({ code: "INVALID_INDEX_OF_ZERO" }));
  });
  it("octet_length, bit_length and length of binary", () => {
    // octet_length('héllo') → 6, octet_length(X'0102') → 2, bit_length('héllo') → 48, octet_length('HÉLLO WÖRLD') → 13
    expect(evalCall("octet_length", [s("héllo")])).toBe(6);
    expect(evalCall("octet_length", [bin(1, 2)])).toBe(2);
    expect(evalCall("bit_length", [s("héllo")])).toBe(48);
    expect(evalCall("octet_length", [s("HÉLLO WÖRLD")])).toBe(13);
    expect(evalCall("octet_length", [lit(null, S)])).toBe(null);
    expect(evalCall("length", [bin(0, 1, 2, 255)])).toBe(4);
  });
  it("base64, unbase64, hex, unhex", () => {
    // base64(cast('Spark' as binary)) → 'U3Bhcms=', base64('Spark') → 'U3Bhcms=', base64(X'') → '', base64(X'000102FF') → 'AAEC/w=='
    expect(evalCall("base64", [bin(83, 112, 97, 114, 107)])).toBe("U3Bhcms=");
    expect(evalCall("base64", [s("Spark")])).toBe("U3Bhcms=");
    expect(evalCall("base64", [bin()])).toBe("");
    expect(evalCall("base64", [bin(0, 1, 2, 255)])).toBe("AAEC/w==");
    // unbase64('U3Bhcms=') → b'Spark', unbase64('%%%') → b''
    expect(bytes(evalCall("unbase64", [s("U3Bhcms=")]))).toEqual([83, 112, 97, 114, 107]);
    expect(bytes(evalCall("unbase64", [s("%%%")]))).toEqual([]);
    // hex(255) → 'FF', hex(-1) → 'FFFFFFFFFFFFFFFF', hex('Spark') → '537061726B', hex(X'000102FF') → '000102FF', hex(1.5D) → '1'
    expect(evalCall("hex", [i(255)])).toBe("FF");
    expect(evalCall("hex", [i(-1)])).toBe("FFFFFFFFFFFFFFFF");
    expect(evalCall("hex", [s("Spark")])).toBe("537061726B");
    expect(evalCall("hex", [bin(0, 1, 2, 255)])).toBe("000102FF");
    expect(evalCall("hex", [lit(1.5, D)])).toBe("1");
    // unhex('4142') → b'AB', unhex('zz') → NULL, unhex('ABC') → b'\n\xbc'
    expect(bytes(evalCall("unhex", [s("4142")]))).toEqual([65, 66]);
    expect(evalCall("unhex", [s("zz")])).toBe(null);
    expect(bytes(evalCall("unhex", [s("ABC")]))).toEqual([0x0a, 0xbc]);
    expect(call("unhex", [s("41")]).type).toEqual(BIN);
  });
  it("encode and decode", () => {
    // encode('héllo', 'UTF-8') → 'aMOpbGxv' in base64 (68 C3 A9 6C 6C 6F)
    expect(bytes(evalCall("encode", [s("héllo"), s("UTF-8")]))).toEqual([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f]);
    expect(bytes(evalCall("encode", [s("AB"), s("UTF-16BE")]))).toEqual([0, 65, 0, 66]);
    expect(evalCall("decode", [bin(0x68, 0xc3, 0xa9), s("utf-8")])).toBe("hé");
    expect(evalCall("decode", [bin(0, 65), s("UTF-16BE")])).toBe("A");
    expect(() => evalCall("encode", [s("a"), s("klingon")])).toThrow(expect.objectContaining({ code: "INVALID_PARAMETER_VALUE.CHARSET" }));
  });
  it("rejects wrong argument types and counts at analysis", () => {
    const arr: DataType = { kind: "array", elementType: I, containsNull: false };
    expect(() => call("left", [s("a")])).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
    expect(() => call("split_part", [s("a"), s(",")])).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
    expect(() => call("ascii", [lit([1], arr)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("hex", [lit([1], arr)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("base64", [i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("chr", [lit([1], arr)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
  it("trim's two-argument SQL form takes the characters first; printf is format_string", () => {
    // trim('d', 'ddabcdd') → 'abc', trim('xy', 'yxabcxy') → 'abc', ltrim('d', 'ddxdd') → 'xdd', rtrim('d', 'ddxdd') → 'ddx'
    expect(evalCall("trim", [s("d"), s("ddabcdd")])).toBe("abc");
    expect(evalCall("trim", [s("xy"), s("yxabcxy")])).toBe("abc");
    expect(evalCall("ltrim", [s("d"), s("ddxdd")])).toBe("xdd");
    expect(evalCall("rtrim", [s("d"), s("ddxdd")])).toBe("ddx");
    // printf('%x', 255) → 'ff', printf('%s-%d', 'a', 5) → 'a-5'
    expect(evalCall("printf", [s("%x"), i(255)])).toBe("ff");
    expect(evalCall("printf", [s("%s-%d"), s("a"), i(5)])).toBe("a-5");
  });
});
