import { describe, expect, it } from "vitest";
import { DecimalType, type DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { xxValue } from "./hash.js";
import { call, evalCall, evalRows, lit, ref } from "./test-support.js";

const I: DataType = { kind: "int" };
const L: DataType = { kind: "bigint" };
const D: DataType = { kind: "double" };
const S: DataType = { kind: "string" };
const B: DataType = { kind: "boolean" };
const hash = (...args: RExpr[]) => evalCall("hash", args);
const xx = (t: DataType, v: unknown) => BigInt.asIntN(64, xxValue(t, v, 42n));

describe("hash = Spark's Murmur3 (values from PySpark 4.0.1)", () => {
  it("ints, longs, strings", () => {
    // select hash(1), hash(0), hash(-1), hash(2147483647) → -559580957, 933211791, -1604776387, 133916647
    expect([1, 0, -1, 2147483647].map((v) => hash(lit(v, I)))).toEqual([-559580957, 933211791, -1604776387, 133916647]);
    // select hash(1L), hash(0L), hash(-1L), hash(9007199254740991L) → -1712319331, -1670924195, -939490007, 1254640103
    expect([1, 0, -1, 9007199254740991].map((v) => hash(lit(v, L)))).toEqual([-1712319331, -1670924195, -939490007, 1254640103]);
    // select hash('abc'), hash(''), hash('héllo'), hash('a longer string of text!') → 1322437556, 142593372, 1212979866, -218572788
    expect(["abc", "", "héllo", "a longer string of text!"].map((v) => hash(lit(v, S)))).toEqual([1322437556, 142593372, 1212979866, -218572788]);
  });
  it("doubles, booleans, dates, timestamps, nulls, several columns", () => {
    // select hash(1.5D), hash(0.0D), hash(-0.0D), hash(NaN) → 1290763749, -1670924195, -1670924195, -1281358385
    expect([1.5, 0, -0, NaN].map((v) => hash(lit(v, D)))).toEqual([1290763749, -1670924195, -1670924195, -1281358385]);
    // select hash(true), hash(false), hash(cast(null as int)), hash(date'2024-01-15'), hash(timestamp'2024-01-15 10:00:00') [UTC]
    expect(hash(lit(true, B))).toBe(-559580957);
    expect(hash(lit(false, B))).toBe(933211791);
    expect(hash(lit(null, I))).toBe(42);
    expect(hash(lit(19737, { kind: "date" }))).toBe(1697177293);
    expect(hash(lit(Date.UTC(2024, 0, 15, 10) * 1000, { kind: "timestamp" }))).toBe(-2079482790);
    // select hash(1, 'a'), hash('a', 1), hash(null, 1), hash(1.5f), hash(cast(1.25 as decimal(10,2))) → -936062819, 532252686, -559580957, -221251528, 1910520950
    expect(hash(lit(1, I), lit("a", S))).toBe(-936062819);
    expect(hash(lit("a", S), lit(1, I))).toBe(532252686);
    expect(hash(lit(null, I), lit(1, I))).toBe(-559580957);
    expect(hash(lit(Math.fround(1.5), { kind: "float" }))).toBe(-221251528);
    expect(hash(lit(125, DecimalType(10, 2)))).toBe(1910520950);
    expect(evalRows(call("hash", [ref(0, I)]), { x: I }, [{ x: 1 }, { x: null }])).toEqual([-559580957, 42]);
  });
  it("rejects maps as Spark does", () => {
    expect(() => call("hash", [lit(new Map(), { kind: "map", keyType: S, valueType: I, valueContainsNull: true })])).toThrow(
      expect.objectContaining({ code: "DATATYPE_MISMATCH.HASH_MAP_TYPE" }),
    );
  });
});

describe("xxhash64 = Spark's XXH64 (values from PySpark 4.0.1)", () => {
  it("matches Spark exactly (64-bit)", () => {
    // select xxhash64(1), xxhash64(0), xxhash64(-1), xxhash64(1L), xxhash64(-1L)
    expect(xx(I, 1)).toBe(-6698625589789238999n);
    expect(xx(I, 0)).toBe(3614696996920510707n);
    expect(xx(I, -1)).toBe(2017008487422258757n);
    expect(xx(L, 1)).toBe(-7001672635703045582n);
    expect(xx(L, -1)).toBe(3858142552250413010n);
    // select xxhash64('abc'), xxhash64(''), xxhash64('héllo'), xxhash64('a longer string of text! more than 32 bytes long for sure')
    expect(xx(S, "abc")).toBe(1423657621850124518n);
    expect(xx(S, "")).toBe(-7444071767201028348n);
    expect(xx(S, "héllo")).toBe(501425390238239234n);
    expect(xx(S, "a longer string of text! more than 32 bytes long for sure")).toBe(-3502054613796079623n);
    // select xxhash64(1.5D), xxhash64(true), xxhash64(date'2024-01-15'), xxhash64(timestamp'2024-01-15 10:00:00')
    expect(xx(D, 1.5)).toBe(7738255526519901366n);
    expect(xx(B, true)).toBe(-6698625589789238999n);
    expect(xx({ kind: "date" }, 19737)).toBe(2166432641145730595n);
    expect(xx({ kind: "timestamp" }, Date.UTC(2024, 0, 15, 10) * 1000)).toBe(8414929465308532436n);
    // select xxhash64(1, 'a') → 8205864924878002737 ; xxhash64(null) → 42
    expect(BigInt.asIntN(64, xxValue(S, "a", xxValue(I, 1, 42n)))).toBe(8205864924878002737n);
    expect(evalCall("xxhash64", [lit(null, I)])).toBe(42n);
    // exact over all 64 bits (BIGINT is a bigint)
    expect(evalCall("xxhash64", [lit(1, I)])).toBe(-6698625589789238999n);
    // select xxhash64(1234567890123456789), hash(1234567890123456789) → 4607975466983688430, -2017768400 (PySpark 4.0.1)
    expect(evalCall("xxhash64", [lit(1234567890123456789n, L)])).toBe(4607975466983688430n);
    expect(evalCall("hash", [lit(1234567890123456789n, L)])).toBe(-2017768400);
  });
});

describe("digests", () => {
  it("md5, sha1, sha2, crc32 (PySpark 4.0.1)", () => {
    const abc = lit("abc", S);
    expect(evalCall("md5", [abc])).toBe("900150983cd24fb0d6963f7d28e17f72");
    expect(evalCall("sha1", [abc])).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(evalCall("sha2", [abc, lit(256, I)])).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(evalCall("sha2", [abc, lit(224, I)])).toBe("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
    expect(evalCall("sha2", [abc, lit(100, I)])).toBe(null);
    expect(evalCall("crc32", [abc])).toBe(891568578n);
    expect(evalCall("md5", [lit(null, S)])).toBe(null);
    expect(() => call("md5", [lit(1, I)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});
