import { describe, expect, it } from "vitest";
import { canCast, canImplicitCast, commonType, widerDecimal } from "./coercion.js";
import { type DataType, simpleString } from "./data-type.js";
import { parseDataType } from "./ddl.js";

const T = (s: string): DataType => (s === "void" ? { kind: "null" } : parseDataType(s));
const common = (...ts: string[]): string | undefined => {
  const t = commonType(ts.map(T));
  return t && simpleString(t);
};

describe("commonType (Spark 4 ANSI, checked with PySpark 4.0.1 coalesce/UNION)", () => {
  it.each([
    [["int", "bigint"], "bigint"],
    [["int", "decimal(2,1)"], "decimal(11,1)"],
    [["int", "double"], "double"],
    [["bigint", "decimal(2,1)"], "decimal(21,1)"],
    [["float", "int"], "double"],
    [["float", "bigint"], "double"],
    [["float", "decimal(5,2)"], "double"],
    [["float", "float"], "float"],
    [["string", "int"], "bigint"],
    [["string", "double"], "double"],
    [["string", "decimal(2,1)"], "double"],
    [["string", "float"], "double"],
    [["string", "date"], "date"],
    [["string", "timestamp"], "timestamp"],
    [["string", "boolean"], "boolean"],
    [["string", "binary"], "binary"],
    [["date", "timestamp"], "timestamp"],
    [["void", "int"], "int"],
    [["decimal(2,1)", "decimal(3,2)"], "decimal(3,2)"],
    [["decimal(38,0)", "decimal(2,1)"], "decimal(38,0)"],
    [["bigint", "decimal(5,2)"], "decimal(22,2)"],
    [["int", "decimal(20,0)"], "decimal(20,0)"],
    [["array<int>", "array<bigint>"], "array<bigint>"],
    [["array<int>", "array<string>"], "array<bigint>"],
    [["map<int,string>", "map<bigint,string>"], "map<bigint,string>"],
    [["struct<a:int>", "struct<A:bigint>"], "struct<a:bigint>"],
    [["int", "string", "double"], "double"],
  ])("%j → %s", (ts, want) => {
    expect(common(...(ts as string[]))).toBe(want);
  });

  it.each([
    ["boolean", "int"],
    ["date", "int"],
    ["timestamp", "bigint"],
    ["string", "array<int>"],
    ["struct<a:int>", "struct<b:bigint>"],
    ["binary", "int"],
  ])("%s and %s have no common type", (a, b) => {
    expect(common(a, b)).toBeUndefined();
  });

  it("no types or only nulls give NULL", () => {
    expect(common()).toBe("void");
    expect(common("void", "void")).toBe("void");
  });

  it("widerDecimal caps precision at 38 by dropping scale", () => {
    expect(widerDecimal({ kind: "decimal", precision: 38, scale: 0 }, { kind: "decimal", precision: 10, scale: 5 })).toEqual({ kind: "decimal", precision: 38, scale: 0 });
  });
});

describe("canCast (ANSI)", () => {
  it.each([
    ["int", "timestamp", true],
    ["double", "timestamp", true],
    ["timestamp", "bigint", true],
    ["int", "boolean", true],
    ["string", "binary", true],
    ["array<string>", "array<int>", true],
    ["map<string,string>", "map<string,int>", true],
    ["struct<a:string>", "struct<b:int>", true],
    ["array<int>", "string", true],
    ["binary", "string", true],
    ["int", "binary", false],
    ["boolean", "timestamp", false],
    ["bigint", "date", false],
    ["date", "int", false],
    ["date", "boolean", false],
    ["binary", "int", false],
    ["timestamp", "boolean", false],
    ["boolean", "date", false],
    ["int", "array<int>", false],
    ["map<int,int>", "array<int>", false],
    ["struct<a:int,b:int>", "struct<a:int>", false],
    ["array<int>", "array<binary>", false],
  ])("%s → %s: %s", (from, to, ok) => {
    expect(canCast(T(from as string), T(to as string))).toBe(ok);
  });

  it("non-ANSI mode allows a few more casts", () => {
    expect(canCast(T("int"), T("binary"), false)).toBe(true);
    expect(canCast(T("date"), T("int"), false)).toBe(true);
    expect(canCast(T("boolean"), T("timestamp"), false)).toBe(true);
  });
});

describe("canImplicitCast", () => {
  it("widens numbers, parses strings, never narrows", () => {
    expect(canImplicitCast(T("int"), T("bigint"))).toBe(true);
    expect(canImplicitCast(T("bigint"), T("int"))).toBe(false);
    expect(canImplicitCast(T("string"), T("int"))).toBe(true);
    expect(canImplicitCast(T("date"), T("timestamp"))).toBe(true);
    expect(canImplicitCast(T("boolean"), T("int"))).toBe(false);
    expect(canImplicitCast({ kind: "null" }, T("array<int>"))).toBe(true);
  });
});
