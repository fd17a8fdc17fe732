/**
 * Reading: parse modes, options and error cases. Expected rows are what PySpark 4.0.1 returned for
 * the same files (testdata/read/*), with UTC as the session time zone.
 */
import { mkdtempSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StructType } from "../../types/struct-type.js";
import { resolveFileSource } from "./file-source.js";
import { readJsonFile } from "./json-format.js";
import { parseJsonReadOptions } from "./options.js";
import { TESTDATA, read, spec, testCtx } from "./test-support.js";

const R = TESTDATA + "read/";
const vals = (rows: Record<string, unknown>[]) => rows.map((r) => Object.values(r));

describe("CSV parse modes", () => {
  const schema = "a INT, b STRING, c STRING";
  it("PERMISSIVE keeps rows with nulls for bad fields and missing tokens", async () => {
    const r = await read(spec("csv", R + "c1.csv", { header: "true" }, schema));
    expect(vals(r.rows)).toEqual([
      [1, null, "x"],
      [2, null, "y"],
      [3, null, null],
      [4, "5", "6"],
      [null, "2", "z"],
      [null, " 6 ", "w"],
      [null, "1", "2"],
    ]);
  });
  it("PERMISSIVE puts the raw line in the corrupt-record column", async () => {
    const r = await read(spec("csv", R + "c1.csv", { header: "true" }, schema + ", _corrupt_record STRING"));
    expect(r.rows.map((x) => x._corrupt_record)).toEqual([null, null, "3", "4,5,6,7", "foo,2,z", "  5 , 6 ,w", "#c,1,2"]);
  });
  it("DROPMALFORMED drops malformed rows", async () => {
    const r = await read(spec("csv", R + "c1.csv", { header: "true", mode: "DROPMALFORMED" }, schema));
    expect(vals(r.rows)).toEqual([
      [1, null, "x"],
      [2, null, "y"],
    ]);
  });
  it("FAILFAST fails naming file and line", async () => {
    await expect(read(spec("csv", R + "c1.csv", { header: "true", mode: "FAILFAST" }, schema))).rejects.toMatchObject({
      code: "MALFORMED_RECORD_IN_PARSING",
      context: { file: expect.stringContaining("c1.csv"), line: 4 },
    });
  });
  it("a record wider than maxColumns fails the read in every mode, naming file and line (as Spark's parser)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-csv-"));
    writeFileSync(join(dir, "wide.csv"), "1,x,y\n2,y,z,w\n3,a,b\n");
    for (const mode of ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"]) {
      await expect(read(spec("csv", join(dir, "wide.csv"), { maxColumns: "3", mode }, schema))).rejects.toMatchObject({
        code: "MALFORMED_CSV_RECORD",
        message: expect.stringContaining("has 4 fields, more than maxColumns=3"),
        context: { file: expect.stringContaining("wide.csv"), line: 2 },
      });
    }
    expect(() => resolveFileSource(spec("csv", join(dir, "wide.csv"), { maxColumns: "3" }))).toThrow(/line 2 has 4 fields/);
    expect((await read(spec("csv", join(dir, "wide.csv"), { maxColumns: "4" }, schema))).rows).toHaveLength(3);
  });
  it("comment, whitespace trimming, nullValue and emptyValue", async () => {
    const c = await read(spec("csv", R + "c1.csv", { header: "true", comment: "#", ignoreLeadingWhiteSpace: "true", ignoreTrailingWhiteSpace: "true" }));
    expect(vals(c.rows)).toEqual([
      ["1", null, "x"],
      ["2", null, "y"],
      ["3", null, null],
      ["4", "5", "6"],
      ["foo", "2", "z"],
      ["5", "6", "w"],
    ]);
    const n = await read(spec("csv", R + "c1.csv", { header: "true", nullValue: "x", emptyValue: "EMPTY" }));
    expect(vals(n.rows).slice(0, 2)).toEqual([
      ["1", "EMPTY", null],
      ["2", null, "y"],
    ]);
  });
  it("inferSchema on ragged data", async () => {
    const r = await read(spec("csv", R + "c1.csv", { header: "true", inferSchema: "true" }));
    expect(r.ddl).toBe("a STRING, b DOUBLE, c STRING");
    expect(r.rows.map((x) => x.b)).toEqual([null, null, null, 5, 2, 6, 1]);
  });
  it("duplicate and blank header names", () => {
    expect(resolveFileSource(spec("csv", R + "dup.csv", { header: "true" })).toDDL()).toBe("a0 STRING, A1 STRING, _c2 STRING, b STRING");
  });
  it("multiLine, escape and the default backslash escape", async () => {
    expect(vals((await read(spec("csv", R + "ml.csv", { multiLine: "true" }))).rows)).toEqual([
      ["a", "x\ny", "b"],
      ["c", "d", "e"],
    ]);
    expect(vals((await read(spec("csv", R + "esc.csv", { escape: '"' }))).rows)).toEqual([
      ['he said "hi"', "2"],
      ['"a\\"b"', "3"],
    ]);
    expect(vals((await read(spec("csv", R + "esc2.csv"))).rows)).toEqual([
      ['a"b', "3"],
      ["x\\y", "4"],
    ]);
  });
  it("sep, quote and lineSep", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const dir = mkdtempSync("/tmp/sluice-csv-");
    writeFileSync(dir + "/a.csv", "x;'a;b'|y;z|");
    const r = await read(spec("csv", dir + "/a.csv", { sep: ";", quote: "'", lineSep: "|" }));
    expect(vals(r.rows)).toEqual([
      ["x", "a;b"],
      ["y", "z"],
    ]);
  });
  it("timestampFormat and dateFormat patterns", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const dir = mkdtempSync("/tmp/sluice-csv-");
    writeFileSync(dir + "/a.csv", "01/02/2024 10:30,05.03.2024\n");
    const r = await read(spec("csv", dir + "/a.csv", { timestampFormat: "dd/MM/yyyy HH:mm", dateFormat: "dd.MM.yyyy" }, "t TIMESTAMP, d DATE"));
    expect(r.rows).toEqual([{ t: new Date("2024-02-01T10:30:00Z"), d: new Date("2024-03-05T00:00:00Z") }]);
  });
});

describe("JSON parse modes and values", () => {
  const schema = "a INT, b STRING";
  it("PERMISSIVE returns partial rows", async () => {
    const r = await read(spec("json", R + "j1.json", {}, schema));
    expect(vals(r.rows)).toEqual([
      [1, "x"],
      [null, "y"],
      [null, null],
      [null, "3"],
      [4, null],
      [null, null],
    ]);
  });
  it("PERMISSIVE with the corrupt-record column", async () => {
    const r = await read(spec("json", R + "j1.json", {}, schema + ", _corrupt_record STRING"));
    expect(r.rows.map((x) => x._corrupt_record)).toEqual([null, '{"a":"bad","b":"y"}', "{bad", '{"a":2.5,"b":3}', null, "5"]);
  });
  it("DROPMALFORMED and FAILFAST", async () => {
    expect(vals((await read(spec("json", R + "j1.json", { mode: "DROPMALFORMED" }, schema))).rows)).toEqual([
      [1, "x"],
      [4, null],
    ]);
    await expect(read(spec("json", R + "j1.json", { mode: "FAILFAST" }, schema))).rejects.toMatchObject({ code: "MALFORMED_RECORD_IN_PARSING", context: { line: 2 } });
  });
  it("inferred schema with mixed records", async () => {
    const r = await read(spec("json", R + "j1.json"));
    expect(r.ddl).toBe("_corrupt_record STRING, a STRING, b STRING");
    expect(vals(r.rows)).toEqual([
      [null, "1", "x"],
      [null, "bad", "y"],
      ["{bad", null, null],
      [null, "2.5", "3"],
      [null, "4", null],
      ["5", null, null],
    ]);
  });
  it("timestamps, dates, epoch seconds, decimals and NaN", async () => {
    const r = await read(spec("json", R + "j2.json", {}, "t TIMESTAMP, u TIMESTAMP, d DATE, n TIMESTAMP, dec DECIMAL(5,2), f DOUBLE"));
    expect(r.rows[0]).toEqual({
      t: new Date("2024-01-01T10:00:00Z"),
      u: new Date("2024-01-01T08:00:00Z"),
      d: new Date("2024-01-01T00:00:00Z"),
      n: new Date("2023-11-14T22:13:20Z"),
      dec: "12.35",
      f: NaN,
    });
    expect(r.rows[1]).toEqual({ t: null, u: null, d: new Date("2024-01-05T00:00:00Z"), n: null, dec: null, f: null });
    const f = await read(spec("json", R + "j2.json", { timestampFormat: "dd/MM/yyyy HH:mm" }, "t TIMESTAMP"));
    expect(f.rows).toEqual([{ t: null }, { t: new Date("2024-02-01T10:30:00Z") }]);
  });
  it("zone-less timestamps are read in the session time zone", async () => {
    const r = await read(spec("json", R + "j2.json", {}, "t TIMESTAMP"), testCtx(1024, "America/New_York"));
    expect(r.rows[0]).toEqual({ t: new Date("2024-01-01T15:00:00Z") });
  });
  it("allowComments and single quotes", async () => {
    const r = await read(spec("json", R + "j3.json", { allowComments: "true" }));
    expect(r.ddl).toBe("a BIGINT, b DOUBLE");
    expect(r.rows).toEqual([{ a: 1n, b: NaN }]);
    const no = await read(spec("json", R + "j3.json", { allowSingleQuotes: "false", allowComments: "true" }));
    expect(no.ddl).toBe("_corrupt_record STRING");
  });
  it("multiLine", async () => {
    const r = await read(spec("json", R + "m.json", { multiLine: "true" }));
    expect(r.rows).toEqual([{ a: 1n }, { a: 2n }]);
  });
  it("batches hold at most batchSize rows", async () => {
    const r = await read(spec("json", R + "j1.json", {}, schema), testCtx(2));
    expect(r.batches).toBe(3);
  });
});

describe("text", () => {
  it("lines, wholetext and lineSep", async () => {
    expect((await read(spec("text", R + "t.txt"))).rows.map((r) => r.value)).toEqual(["l1", "l2", "", "l3"]);
    expect((await read(spec("text", R + "t.txt", { wholetext: "true" }))).rows.map((r) => r.value)).toEqual(["l1\r\nl2\n\nl3"]);
    expect((await read(spec("text", R + "t.txt", { lineSep: "l" }))).rows.map((r) => r.value)).toEqual(["", "1\r\n", "2\n\n", "3"]);
  });
});

describe("errors", () => {
  it("PATH_NOT_FOUND names the path", () => {
    expect(() => resolveFileSource(spec("csv", R + "nope.csv"))).toThrow(expect.objectContaining({ code: "PATH_NOT_FOUND", message: expect.stringContaining("nope.csv") }));
    expect(() => resolveFileSource(spec("csv", R + "nope*.csv"))).toThrow(expect.objectContaining({ code: "PATH_NOT_FOUND" }));
  });
  it("INVALID_OPTION reports every bad key at once", () => {
    let err: unknown;
    try {
      resolveFileSource(spec("csv", R + "c1.csv", { mode: "FOO", sep: "", header: "yes", encoding: "latin1" }));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "INVALID_OPTION", kind: "config" });
    const msg = (err as Error).message;
    for (const k of ["mode", "sep", "header", "encoding"]) expect(msg).toContain(k);
  });
  it("near-miss option typos are rejected with a suggestion; other unknown keys are rejected by name", () => {
    expect(() => resolveFileSource(spec("csv", R + "c1.csv", { heder: "true" }))).toThrow(expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringContaining("did you mean header") }));
    expect(() => resolveFileSource(spec("json", R + "j1.json", { multiline: "true", somethingElse: "1" }))).toThrow(expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringContaining("somethingElse (unknown option") }));
  });
  it("nested types in CSV are rejected", () => {
    expect(() => resolveFileSource(spec("csv", R + "c1.csv", {}, "a ARRAY<INT>"))).toThrow(expect.objectContaining({ code: "UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE" }));
  });
  it("a bad datetime pattern is a config error", async () => {
    await expect(read(spec("json", R + "j2.json", { timestampFormat: "yyyy-MM-dd Q" }, "t TIMESTAMP"))).rejects.toMatchObject({ code: "INVALID_DATETIME_PATTERN" });
  });
  it("corrupt parquet names the file", async () => {
    expect(() => resolveFileSource(spec("parquet", R + "c1.csv"))).toThrow(expect.objectContaining({ code: "FAILED_READ_FILE", message: expect.stringContaining("c1.csv") }));
  });
});

describe("ISO timestamp fast path", async () => {
  const { parseTimestampLenient } = await import("./datetime-text.js");
  const { getTimeZone } = await import("../../expr/datetime/time-zone.js");
  it("agrees with Date.parse on the forms it takes, and defers the rest to the general parser", () => {
    const utc = getTimeZone("UTC");
    for (const s of ["2024-01-02T03:04:05Z", "2024-02-29T23:59:59.9Z", "1969-12-31T23:59:59.123456Z", "2025-01-01T00:00:00.000Z"]) {
      const us = parseTimestampLenient(s, utc)!;
      expect(Math.floor(us / 1000)).toBe(Math.floor(Date.parse(s.replace(/(\.\d{3})\d+Z$/, "$1Z"))));
    }
    expect(parseTimestampLenient("1969-12-31T23:59:59.123456Z", utc)).toBe(-876544);
    expect(parseTimestampLenient("2023-02-29T00:00:00Z", utc)).toBeNull();
    expect(parseTimestampLenient("2024-01-02T03:04:05+01:00", utc)).toBe(Date.parse("2024-01-02T02:04:05Z") * 1000);
  });
});

describe("file handles", () => {
  it("a JSON read stopped after its first batch closes the file", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sluice-fh-")), "rows.json");
    writeFileSync(path, Array.from({ length: 100 }, (_, i) => JSON.stringify({ a: i })).join("\n"));
    const openOnPath = () => readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === path;
      } catch {
        return false;
      }
    }).length;
    let batches = 0;
    for await (const b of readJsonFile(path, StructType.fromDDL("a INT"), parseJsonReadOptions({}), "UTC", 10)) {
      expect(b.numRows).toBe(10);
      expect(openOnPath()).toBe(1);
      batches++;
      break;
    }
    expect(batches).toBe(1);
    expect(openOnPath()).toBe(0);
  });
});
