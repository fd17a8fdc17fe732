/**
 * Schema inference compared with what PySpark 4.0.1 inferred for the same files
 * (testdata/infer/*, expectations recorded from the oracle).
 */
import { describe, expect, it } from "vitest";
import { resolveFileSource } from "./file-source.js";
import { TESTDATA, read, spec } from "./test-support.js";

const infer = (format: string, file: string, options: Record<string, string> = {}) => resolveFileSource(spec(format, TESTDATA + "infer/" + file, options)).simpleString();

describe("JSON schema inference (PySpark parity)", () => {
  it.each([
    ["j_basic.json", "struct<a:bigint,b:string,c:double,d:boolean>"],
    ["j_mixed.json", "struct<a:string,b:array<double>>"],
    ["j_nested.json", "struct<arr:array<struct<p:bigint,q:bigint>>,s:struct<x:string,y:bigint,z:string>>"],
    ["j_nulls.json", "struct<e:array<string>,n:string>"],
    ["j_ts.json", "struct<d:string,t:string,tz:string>"],
    ["j_big.json", "struct<big:decimal(20,0),dec:double,exp:double>"],
    ["j_dec.json", "struct<dec:double,i:bigint>"],
    ["j_corrupt.json", "struct<_corrupt_record:string,a:bigint>"],
    ["j_arrmix.json", "struct<a:array<string>>"],
    ["j_structstr.json", "struct<a:string>"],
    ["j_toplevel_arr.json", "struct<a:bigint>"],
    ["j_bool_int.json", "struct<a:string>"],
  ])("%s → %s", (file, expected) => {
    expect(infer("json", file)).toBe(expected);
  });

  it("infers what PySpark infers for a file Spark wrote", () => {
    expect(resolveFileSource(spec("json", TESTDATA + "pyspark/json")).simpleString()).toBe(
      "struct<amount:double,attrs:struct<k:bigint>,big:bigint,d:string,f:string,flag:boolean,id:bigint,name:string,point:struct<x:double,y:double>,score:string,tags:array<string>,ts:string>",
    );
  });

  it("honours prefersDecimal, inferTimestamp, primitivesAsString and dropFieldIfAllNull", () => {
    expect(infer("json", "j_dec.json", { prefersDecimal: "true" })).toBe("struct<dec:decimal(4,2),i:bigint>");
    expect(infer("json", "j_ts.json", { inferTimestamp: "true" })).toBe("struct<d:timestamp,t:timestamp,tz:timestamp>");
    expect(infer("json", "j_basic.json", { primitivesAsString: "true" })).toBe("struct<a:string,b:string,c:string,d:string>");
    expect(() => infer("json", "j_nulls.json", { dropFieldIfAllNull: "true" })).toThrow(expect.objectContaining({ code: "UNABLE_TO_INFER_SCHEMA" }));
  });

  it("DROPMALFORMED leaves no corrupt column; FAILFAST fails inference naming file and line", () => {
    expect(infer("json", "j_corrupt.json", { mode: "DROPMALFORMED" })).toBe("struct<a:bigint>");
    expect(() => infer("json", "j_corrupt.json", { mode: "FAILFAST" })).toThrow(
      expect.objectContaining({ code: "MALFORMED_RECORD_IN_PARSING", context: expect.objectContaining({ line: 2, file: expect.stringContaining("j_corrupt.json") }) }),
    );
  });

  it("reads the values PySpark read", async () => {
    const r = await read(spec("json", TESTDATA + "infer/j_mixed.json"));
    expect(r.rows).toEqual([
      { a: "1", b: null },
      { a: "s", b: null },
      { a: "1.5", b: [1, 2] },
      { a: null, b: [1.5] },
    ]);
    const n = await read(spec("json", TESTDATA + "infer/j_nested.json"));
    expect(n.rows).toEqual([
      { arr: [{ p: null, q: 1n }, { p: 2n, q: null }], s: { x: "a", y: 1n, z: null } },
      { arr: [], s: { x: null, y: null, z: null } },
    ]);
    const c = await read(spec("json", TESTDATA + "infer/j_corrupt.json"));
    expect(c.rows).toEqual([
      { _corrupt_record: null, a: 1n },
      { _corrupt_record: "{bad", a: null },
      { _corrupt_record: null, a: 2n },
    ]);
    const s = await read(spec("json", TESTDATA + "infer/j_structstr.json"));
    expect(s.rows).toEqual([{ a: '{"k":1}' }, { a: "x" }]);
  });
});

describe("CSV schema inference (PySpark parity)", () => {
  it.each([
    ["c_basic.csv", "struct<a:int,b:bigint,c:double,d:boolean,e:date,f:timestamp,g:string>"],
    ["c_mixed.csv", "struct<a:string,b:double,c:string>"],
    ["c_big.csv", "struct<a:decimal(20,0),b:double,c:double,d:double>"],
    ["c_dates.csv", "struct<a:timestamp,b:timestamp>"],
    ["c_quote.csv", "struct<a:string,b:string>"],
  ])("%s with header + inferSchema → %s", (file, expected) => {
    expect(infer("csv", file, { header: "true", inferSchema: "true" })).toBe(expected);
  });

  it("without options every column is a STRING named _c<i>", () => {
    expect(infer("csv", "c_basic.csv")).toBe("struct<_c0:string,_c1:string,_c2:string,_c3:string,_c4:string,_c5:string,_c6:string>");
  });

  it("reads the values PySpark read", async () => {
    const r = await read(spec("csv", TESTDATA + "infer/c_basic.csv", { header: "true", inferSchema: "true" }));
    expect(r.rows).toEqual([
      { a: 1, b: 3000000000n, c: 1.5, d: true, e: new Date("2024-01-01T00:00:00Z"), f: new Date("2024-01-01T10:00:00Z"), g: "x" },
      { a: 2, b: 4n, c: 2, d: false, e: new Date("2024-01-02T00:00:00Z"), f: new Date("2024-01-01T10:00:00.123Z"), g: null },
    ]);
    const q = await read(spec("csv", TESTDATA + "infer/c_quote.csv", { header: "true" }));
    expect(q.rows).toEqual([
      { a: "x,y", b: '"he said ""hi"""' },
      { a: "multi", b: null },
      { a: 'line"', b: "2" },
    ]);
  });
});
