import { describe, expect, it } from "vitest";
import { ArrayType, DecimalType, type DataType, MapType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, LA, lit } from "./test-support.js";

const S: DataType = { kind: "string" };
const I: DataType = { kind: "int" };
const s = (v: string | null): RExpr => lit(v, S);
const opts = (o: Record<string, string>): RExpr => lit(new Map(Object.entries(o)), MapType(S, S));
const fromJson = (text: string | null, schema: string, o?: Record<string, string>) => evalCall("from_json", o ? [s(text), s(schema), opts(o)] : [s(text), s(schema)]);
const st = (fields: [string, DataType][]): DataType => ({ kind: "struct", fields: fields.map(([name, type]) => ({ name, type, nullable: true })) });

describe("from_json (PySpark 4.0.1)", () => {
  it("parses values into the schema", () => {
    expect(fromJson('{"a":1,"b":"x"}', "a INT, b STRING")).toEqual({ a: 1, b: "x" });
    // nested: a ARRAY<INT>, m MAP<STRING, DOUBLE>, t TIMESTAMP, d DATE
    expect(fromJson('{"a": [1, 2], "m": {"k": 1.5}, "t": "2024-01-05T10:00:00Z", "d": "2024-01-05"}', "a ARRAY<INT>, m MAP<STRING, DOUBLE>, t TIMESTAMP, d DATE")).toEqual({
      a: [1, 2],
      m: new Map([["k", 1.5]]),
      t: Date.UTC(2024, 0, 5, 10) * 1000,
      d: 19727,
    });
    expect(call("from_json", [s("{}"), s("a INT")]).type).toEqual({ kind: "struct", fields: [{ name: "a", type: I, nullable: true }] });
  });
  it("PERMISSIVE: bad values and records become nulls, raw text goes to _corrupt_record", () => {
    // from_json('{bad', 'a INT, b STRING') → Row(a=None, b=None); '{"a":"x"}' → a=None; '{"a": 1.5}' as INT → None
    expect(fromJson("{bad", "a INT, b STRING")).toEqual({ a: null, b: null });
    expect(fromJson('{"a":"x"}', "a INT, b STRING")).toEqual({ a: null, b: null });
    expect(fromJson('{"a":1.5}', "a INT")).toEqual({ a: null });
    // '{"a": 1}' as STRING → '1'; true → 'true'; '[1]' → Row(a=None); '' → None; null → None; "A" does not match a
    expect(fromJson('{"a": 1}', "a STRING")).toEqual({ a: "1" });
    expect(fromJson('{"a": true}', "a STRING")).toEqual({ a: "true" });
    expect(fromJson("[1]", "a INT")).toEqual({ a: null });
    expect(fromJson("", "a INT")).toBe(null);
    expect(fromJson(null, "a INT")).toBe(null);
    expect(fromJson('{"A": 1}', "a INT")).toEqual({ a: null });
    expect(fromJson('{"a": 10000000000}', "a INT")).toEqual({ a: null });
    expect(fromJson('{"a": 10000000000}', "a BIGINT")).toEqual({ a: 10000000000n });
    // '{"a":1}' / '{bad' with 'a INT, _corrupt_record STRING' → (1, None) / (None, '{bad')
    expect(fromJson('{"a":1}', "a INT, _corrupt_record STRING")).toEqual({ a: 1, _corrupt_record: null });
    expect(fromJson("{bad", "a INT, _corrupt_record STRING")).toEqual({ a: null, _corrupt_record: "{bad" });
    expect(fromJson("{bad", "a INT, bad_row STRING", { columnNameOfCorruptRecord: "bad_row" })).toEqual({ a: null, bad_row: "{bad" });
    // Spark 4.0.1: PARSE_MODE_UNSUPPORTED (test/parity/cases/from_json/010)
    expect(() => fromJson("{bad", "a INT", { mode: "DROPMALFORMED" })).toThrow(expect.objectContaining({ code: "PARSE_MODE_UNSUPPORTED" }));
  });
  it("FAILFAST raises MALFORMED_RECORD_IN_PARSING naming the text", () => {
    expect(() => fromJson("{bad", "a INT", { mode: "FAILFAST" })).toThrow(/Malformed records are detected in record parsing: "\{bad"/);
    expect(() => fromJson("{}", "a INT", { mode: "WHATEVER" })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    expect(() => call("from_json", [s("{}"), s("a INTEGRE")])).toThrow();
  });
});

describe("from_json decoding and options", () => {
  it("decodes as the JSON file reader does: exact BIGINT, integer literals only for integral types", () => {
    expect(fromJson('{"a": 9007199254740993, "b": -9223372036854775808}', "a BIGINT, b BIGINT")).toEqual({ a: 9007199254740993n, b: -9223372036854775808n });
    expect(fromJson('{"a": 1.0, "b": 2}', "a INT, b INT, _corrupt_record STRING")).toEqual({ a: null, b: 2, _corrupt_record: '{"a": 1.0, "b": 2}' });
    expect(fromJson('{"a": 7} trailing', "a INT", { mode: "FAILFAST" })).toEqual({ a: 7 });
    expect(fromJson("null", "a INT, _corrupt_record STRING")).toEqual({ a: null, _corrupt_record: "null" });
  });
  it("FAILFAST names the field that does not fit", () => {
    expect(() => fromJson('{"a": 1.5}', "a INT", { mode: "failfast" })).toThrow(/field `a` as INT/);
  });
  it("reads timestampFormat, dateFormat and timeZone", () => {
    expect(fromJson('{"t": "02/12/2026 10:11"}', "t TIMESTAMP", { timestampFormat: "dd/MM/yyyy HH:mm" })).toEqual({ t: Date.UTC(2026, 11, 2, 10, 11) * 1000 });
    expect(fromJson('{"d": "02/12/2026"}', "d DATE", { dateFormat: "dd/MM/yyyy" })).toEqual({ d: Date.UTC(2026, 11, 2) / 86_400_000 });
    expect(fromJson('{"t": "2026-12-02 10:11"}', "t TIMESTAMP", { timeZone: "America/New_York" })).toEqual({ t: Date.UTC(2026, 11, 2, 15, 11) * 1000 });
  });
  it("refuses options it does not support, every bad key at once", () => {
    const err = (o: Record<string, string>) => {
      try {
        fromJson("{}", "a INT", o);
      } catch (e) {
        return e as Error & { code: string };
      }
      throw new Error("no error");
    };
    const e = err({ bogus: "1", multiLine: "true", allowUnquotedFieldNames: "true", allowComments: "yes", mode: "SOMETIMES" });
    expect(e.code).toBe("INVALID_OPTION");
    for (const part of ["'bogus' is not a from_json option", "'multiLine' applies to reading JSON files", "'allowUnquotedFieldNames' = 'true' is not supported", "'allowComments' must be true or false", "'mode' must be PERMISSIVE or FAILFAST"]) expect(e.message).toContain(part);
    // Default values of switches Sluice does not implement are fine.
    expect(fromJson('{"a": 1}', "a INT", { allowUnquotedFieldNames: "false", locale: "en-US" })).toEqual({ a: 1 });
    expect(err({ timeZone: "Mars/Olympus" }).message).toMatch(/Mars\/Olympus/);
  });
  it("refuses a corrupt-record field that is not a STRING, and a schema that is not complex", () => {
    expect(() => call("from_json", [s("{}"), s("a INT, _corrupt_record INT")])).toThrow(expect.objectContaining({ code: "INVALID_CORRUPT_RECORD_TYPE" }));
    expect(() => call("from_json", [s("1"), s("INT")])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});

describe("from_json nesting bound", () => {
  const deep = (n: number) => `{"k":1,"z":${"[".repeat(n)}${"]".repeat(n)}}`;
  it("takes 1000 levels; deeper is malformed, never a stack overflow (PySpark 4.0.1 fails FAILFAST there too)", () => {
    expect(fromJson(deep(999), "k INT, z ARRAY<STRING>")).toMatchObject({ k: 1 });
    expect(fromJson(deep(4999), "k INT, z STRING")).toEqual({ k: null, z: null });
    expect(fromJson(deep(1000), "k INT, z ARRAY<STRING>, _corrupt_record STRING")).toEqual({ k: null, z: null, _corrupt_record: deep(1000) });
    expect(() => fromJson(deep(4999), "k INT", { mode: "FAILFAST" })).toThrow(expect.objectContaining({ code: "MALFORMED_RECORD_IN_PARSING" }));
  });
});

describe("to_json (PySpark 4.0.1)", () => {
  it("formats like Spark", () => {
    // to_json(named_struct('a', 1, 'b', null, 'c', array(1,2), 'd', 1.5D, 'e', map('k','v'))) → '{"a":1,"c":[1,2],"d":1.5,"e":{"k":"v"}}'
    const t = st([["a", I], ["b", S], ["c", ArrayType(I)], ["d", { kind: "double" }], ["e", MapType(S, S)]]);
    expect(evalCall("to_json", [lit({ a: 1, b: null, c: [1, 2], d: 1.5, e: new Map([["k", "v"]]) }, t)])).toBe('{"a":1,"c":[1,2],"d":1.5,"e":{"k":"v"}}');
    // timestamp/date/float/decimal/bool: '{"t":"2024-01-05T13:04:05.123Z","d":"2024-01-05","f":1.5,"dec":1.50,"b":true}'
    const t2 = st([["t", { kind: "timestamp" }], ["d", { kind: "date" }], ["f", { kind: "float" }], ["dec", DecimalType(5, 2)], ["b", { kind: "boolean" }], ["n", I]]);
    const row = { t: Date.UTC(2024, 0, 5, 13, 4, 5) * 1000 + 123456, d: 19727, f: 1.5, dec: 150, b: true, n: null };
    expect(evalCall("to_json", [lit(row, t2)])).toBe('{"t":"2024-01-05T13:04:05.123Z","d":"2024-01-05","f":1.5,"dec":1.50,"b":true}');
    // in America/Los_Angeles: '{"t":"2024-01-05T13:04:05.000-08:00","d":"2024-01-05"}'
    const t3 = st([["t", { kind: "timestamp" }], ["d", { kind: "date" }]]);
    expect(evalCall("to_json", [lit({ t: Date.UTC(2024, 0, 5, 21, 4, 5) * 1000, d: 19727 }, t3)], LA)).toBe('{"t":"2024-01-05T13:04:05.000-08:00","d":"2024-01-05"}');
    // to_json(array(1,2)) '[1,2]'; escaping of quotes, backslashes and newlines
    expect(evalCall("to_json", [lit([1, 2], ArrayType(I))])).toBe("[1,2]");
    expect(evalCall("to_json", [lit({ s: 'q"u\\o\nte' }, st([["s", S]]))])).toBe('{"s":"q\\"u\\\\o\\nte"}');
    expect(() => call("to_json", [lit(1, I)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});

describe("get_json_object (PySpark 4.0.1)", () => {
  it("follows JSONPath", () => {
    const g = (json: string, path: string) => evalCall("get_json_object", [s(json), s(path)]);
    expect(g('{"a":{"b":[1,{"c":2}]}}', "$.a.b[1].c")).toBe("2");
    expect(g('{"a":{"b":[1,2]}}', "$.a")).toBe('{"b":[1,2]}');
    expect(g('{"a":"s"}', "$.a")).toBe("s");
    expect(g("bad", "$.a")).toBe(null);
    expect(g('{"a":[{"b":1},{"b":2}]}', "$.a[*].b")).toBe("[1,2]");
    expect(g('{"a":1.50}', "$.a")).toBe("1.5");
    expect(g('{"a":null}', "$.a")).toBe(null);
    expect(g('{"a":[1,2]}', "$.a[5]")).toBe(null);
    expect(g('{"a b":1}', "$['a b']")).toBe("1");
    expect(g('{"a":1}', "a")).toBe(null);
  });
});
