import { describe, expect, it } from "vitest";
import type { DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, evalRows, lit, ref, UTC } from "./test-support.js";

const S: DataType = { kind: "string" };
const s = (v: string | null): RExpr => lit(v, S);
const opts = (o: Record<string, string>): RExpr => lit(new Map(Object.entries(o)), { kind: "map", keyType: S, valueType: S, valueContainsNull: false });
const code = (c: string) => expect.objectContaining({ code: c });

describe("from_csv (facts from PySpark 4.0.1; parity cases csv-functions/*)", () => {
  it("reads one record into the schema's fields, partial on malformed input", () => {
    const e = call("from_csv", [ref(0, S), s("a INT, b STRING, _corrupt_record STRING")]);
    const rows = evalRows(e, { t: S }, [{ t: "1,abc" }, { t: "x,abc" }, { t: "1" }, { t: "1,2,3" }, { t: null }]);
    expect(rows).toEqual([
      { a: 1, b: "abc", _corrupt_record: null },
      { a: null, b: "abc", _corrupt_record: "x,abc" },
      { a: 1, b: null, _corrupt_record: "1" },
      { a: 1, b: "2", _corrupt_record: "1,2,3" },
      null,
    ]);
  });
  it("takes the reader's options: sep, quote, escape, nullValue, timestampFormat, timestampNTZFormat", () => {
    expect(evalCall("from_csv", [s("1;'a;b';\\N"), s("a INT, b STRING, c STRING"), opts({ sep: ";", quote: "'", nullValue: "\\N" })])).toEqual({ a: 1, b: "a;b", c: null });
    expect(evalCall("from_csv", [s('"q\\"x",9007199254740993'), s("a STRING, b BIGINT")])).toEqual({ a: 'q"x', b: 9007199254740993n });
    // from_csv('26/08/2015 18:00', 'time TIMESTAMP', map('timestampFormat', 'dd/MM/yyyy HH:mm')) → 2015-08-26 18:00:00 (UTC session)
    expect(evalCall("from_csv", [s("26/08/2015 18:00"), s("t TIMESTAMP"), opts({ timestampFormat: "dd/MM/yyyy HH:mm" })])).toEqual({ t: Date.UTC(2015, 7, 26, 18) * 1000 });
    expect(evalCall("from_csv", [s("2015/08/26 18:00"), s("t TIMESTAMP_NTZ"), opts({ timestampNTZFormat: "yyyy/MM/dd HH:mm" })])).toEqual({ t: Date.UTC(2015, 7, 26, 18) * 1000 });
  });
  it("FAILFAST raises MALFORMED_RECORD_IN_PARSING naming the record", () => {
    expect(() => evalCall("from_csv", [s("1,2,3"), s("a INT, b STRING"), opts({ mode: "FAILFAST" })])).toThrow(code("MALFORMED_RECORD_IN_PARSING"));
    expect(() => evalCall("from_csv", [s("x,abc"), s("a INT, b STRING"), opts({ mode: "failfast" })])).toThrow(/"x,abc".*`a`/);
  });
  it("refuses bad schemas and options by name", () => {
    expect(() => call("from_csv", [s("1"), s("INT")])).toThrow(code("INVALID_SCHEMA"));
    expect(() => call("from_csv", [s("1"), s("a INTEGR")])).toThrow(code("PARSE_SYNTAX_ERROR"));
    expect(() => call("from_csv", [s("1"), lit(1, { kind: "int" })])).toThrow(code("INVALID_SCHEMA"));
    expect(() => call("from_csv", [s("1"), s("a MAP<STRING, INT>")])).toThrow(code("UNSUPPORTED_DATATYPE"));
    expect(() => call("from_csv", [s("1"), s("a INT"), opts({ mode: "DROPMALFORMED" })])).toThrow(code("PARSE_MODE_UNSUPPORTED"));
    expect(() => call("from_csv", [s("1"), s("a INT, bad INT"), opts({ columnNameOfCorruptRecord: "bad" })])).toThrow(code("INVALID_CORRUPT_RECORD_TYPE"));
    // Spark ignores these; Sluice refuses them rather than silently doing nothing
    expect(() => call("from_csv", [s("1"), s("a INT"), opts({ header: "true" })])).toThrow(/'header' applies to CSV files, not to from_csv/);
    expect(() => call("from_csv", [s("1"), s("a INT"), opts({ sepp: ";", mode: "LAX" })])).toThrow(/'sepp' is not a from_csv option; 'mode' must be PERMISSIVE or FAILFAST/);
    expect(() => call("from_csv", [s("1"), s("a INT"), opts({ quote: "ab" })])).toThrow(code("INVALID_OPTION"));
    expect(() => call("from_csv", [s("1"), s("a INT"), opts({ sep: "" })])).toThrow(/'sep' must not be empty/);
    expect(() => call("from_csv", [lit(1, { kind: "int" }), s("a INT")])).toThrow(code("DATATYPE_MISMATCH"));
  });
});

describe("schema_of_csv", () => {
  it("infers each field as the CSV reader does", () => {
    expect(evalCall("schema_of_csv", [s("1,abc,2.5,true,2020-01-01,2020-01-01 10:00:00,99999999999,,1e3")])).toBe(
      "STRUCT<_c0: INT, _c1: STRING, _c2: DOUBLE, _c3: BOOLEAN, _c4: DATE, _c5: TIMESTAMP, _c6: BIGINT, _c7: STRING, _c8: DOUBLE>",
    );
    expect(evalCall("schema_of_csv", [s("1|x"), opts({ sep: "|" })])).toBe("STRUCT<_c0: INT, _c1: STRING>");
    // under spark.sql.timestampType=TIMESTAMP_NTZ a zone-less timestamp is TIMESTAMP_NTZ
    expect(evalCall("schema_of_csv", [s("2020-01-01 10:00:00")], { ...UTC, timestampNTZ: true })).toBe("STRUCT<_c0: TIMESTAMP_NTZ>");
  });
  it("needs a literal, non-null text and known options", () => {
    expect(() => call("schema_of_csv", [lit(null, { kind: "null" })])).toThrow(code("DATATYPE_MISMATCH"));
    expect(() => call("schema_of_csv", [ref(0, S)])).toThrow(code("DATATYPE_MISMATCH"));
    expect(() => call("schema_of_csv", [s("1"), opts({ inferSchema: "false" })])).toThrow(code("INVALID_OPTION"));
  });
});
