import { describe, expect, it } from "vitest";
import { parseByteSize } from "./byte-size.js";

describe("parseByteSize", () => {
  it("reads Spark's size strings in powers of 1024", () => {
    expect(parseByteSize("10485760")).toBe(10485760);
    expect(parseByteSize("10MB")).toBe(10485760);
    expect(parseByteSize("10m")).toBe(10485760);
    expect(parseByteSize(" 512k ")).toBe(512 * 1024);
    expect(parseByteSize("2g")).toBe(2 * 1024 ** 3);
    expect(parseByteSize("7b")).toBe(7);
    expect(parseByteSize("-1")).toBe(-1);
  });

  it("refuses what is not a size", () => {
    for (const v of ["", "ten", "1.5m", "10 mb", "10xb", "m"]) expect(parseByteSize(v)).toMatch(/expected a size/);
  });
});
