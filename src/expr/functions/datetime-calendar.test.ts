import { describe, expect, it } from "vitest";
import type { DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, LA, LEGACY, lit } from "./test-support.js";

const S: DataType = { kind: "string" };
const I: DataType = { kind: "int" };
const D: DataType = { kind: "double" };
const B: DataType = { kind: "boolean" };
const TS: DataType = { kind: "timestamp" };
const DATE: DataType = { kind: "date" };
const s = (v: string): RExpr => lit(v, S);
const i = (v: number): RExpr => lit(v, I);
const usOf = (y: number, mo: number, d: number, h = 0, mi = 0, sec = 0) => Date.UTC(y, mo - 1, d, h, mi, sec) * 1000;
const ts = (y: number, mo: number, d: number, h = 0, mi = 0, sec = 0, us = 0): RExpr => lit(usOf(y, mo, d, h, mi, sec) + us, TS);
const dayOf = (y: number, mo: number, d: number) => Date.UTC(y, mo - 1, d) / 86_400_000;
const date = (y: number, mo: number, d: number): RExpr => lit(dayOf(y, mo, d), DATE);

describe("calendar functions (values from PySpark 4.0.1, session zone UTC unless noted)", () => {
  it("weekofyear is the ISO week", () => {
    // weekofyear(date'2024-12-30') → 1, '2021-01-01' → 53, '2020-12-31' → 53, '2024-01-01' → 1, '2023-01-01' → 52, '2027-01-03' → 53
    const cases: [RExpr, number][] = [[date(2024, 12, 30), 1], [date(2021, 1, 1), 53], [date(2020, 12, 31), 53], [date(2024, 1, 1), 1], [date(2023, 1, 1), 52], [date(2027, 1, 3), 53]];
    for (const [d, w] of cases) expect(evalCall("weekofyear", [d])).toBe(w);
    // weekofyear(timestamp'2024-03-01 08:00:00') → 9, weekofyear('2024-03-01') → 9
    expect(evalCall("weekofyear", [ts(2024, 3, 1, 8)])).toBe(9);
    expect(evalCall("weekofyear", [s("2024-03-01")])).toBe(9);
  });
  it("last_day and next_day", () => {
    // last_day(date'2024-02-10') → 2024-02-29, last_day('2023-02-10') → 2023-02-28, last_day(timestamp'2024-04-30 23:00') → 2024-04-30
    expect(evalCall("last_day", [date(2024, 2, 10)])).toBe(dayOf(2024, 2, 29));
    expect(evalCall("last_day", [s("2023-02-10")])).toBe(dayOf(2023, 2, 28));
    expect(evalCall("last_day", [ts(2024, 4, 30, 23)])).toBe(dayOf(2024, 4, 30));
    // next_day(date'2024-03-04' (a Monday), 'Mon') → 2024-03-11; 'tuesday' → 03-05; 'TU' → 03-05
    expect(evalCall("next_day", [date(2024, 3, 4), s("Mon")])).toBe(dayOf(2024, 3, 11));
    expect(evalCall("next_day", [date(2024, 3, 4), s("tuesday")])).toBe(dayOf(2024, 3, 5));
    expect(evalCall("next_day", [date(2024, 3, 4), s("TU")])).toBe(dayOf(2024, 3, 5));
    expect(() => evalCall("next_day", [date(2024, 3, 4), s("xx")])).toThrow(expect.objectContaining({ code: "ILLEGAL_DAY_OF_WEEK" }));
    expect(evalCall("next_day", [date(2024, 3, 4), s("xx")], LEGACY)).toBe(null);
  });
  it("trunc keeps year/quarter/month/week levels and gives null for others", () => {
    // trunc(date'2024-05-15', 'YEAR') → 2024-01-01, 'Q' → null, 'WEEK' → 2024-05-13, 'mon' → 2024-05-01, 'bad' → null, 'DD' → null
    expect(evalCall("trunc", [date(2024, 5, 15), s("YEAR")])).toBe(dayOf(2024, 1, 1));
    expect(evalCall("trunc", [date(2024, 5, 15), s("Q")])).toBe(null);
    expect(evalCall("trunc", [date(2024, 5, 15), s("quarter")])).toBe(dayOf(2024, 4, 1));
    expect(evalCall("trunc", [date(2024, 5, 15), s("WEEK")])).toBe(dayOf(2024, 5, 13));
    expect(evalCall("trunc", [date(2024, 5, 15), s("mon")])).toBe(dayOf(2024, 5, 1));
    expect(evalCall("trunc", [date(2024, 5, 15), s("bad")])).toBe(null);
    expect(evalCall("trunc", [date(2024, 5, 15), s("DD")])).toBe(null);
    // trunc(timestamp'2024-05-15 10:00:00', 'MM') → DATE 2024-05-01
    expect(call("trunc", [ts(2024, 5, 15, 10), s("MM")]).type).toEqual(DATE);
    expect(evalCall("trunc", [ts(2024, 5, 15, 10), s("MM")])).toBe(dayOf(2024, 5, 1));
  });
  it("epoch conversions floor toward negative infinity", () => {
    // unix_micros(timestamp'2024-01-01 00:00:00.123456') → 1704067200123456
    expect(evalCall("unix_micros", [ts(2024, 1, 1, 0, 0, 0, 123456)])).toBe(1704067200123456n);
    // unix_millis(timestamp'1969-12-31 23:59:59.9995') → -1; unix_seconds(timestamp'1969-12-31 23:59:59.5') → -1
    expect(evalCall("unix_millis", [lit(-500, TS)])).toBe(-1n);
    expect(evalCall("unix_seconds", [lit(-500_000, TS)])).toBe(-1n);
    // unix_millis(timestamp'2024-01-01') → 1704067200000; date_from_unix_date(19000) → 2022-01-08; unix_date(date'2024-01-01') → 19723
    expect(evalCall("unix_millis", [ts(2024, 1, 1)])).toBe(1704067200000n);
    expect(evalCall("date_from_unix_date", [i(19000)])).toBe(dayOf(2022, 1, 8));
    expect(evalCall("unix_date", [date(2024, 1, 1)])).toBe(19723);
    expect(evalCall("unix_date", [date(1969, 12, 31)])).toBe(-1);
  });
  it("months_between", () => {
    // (ts'2024-03-31 10:00', ts'2024-02-29') → 1.0 (both month ends); (ts'2024-03-15 10:00', ts'2024-02-29') → 0.56182796
    expect(evalCall("months_between", [ts(2024, 3, 31, 10), ts(2024, 2, 29)])).toBe(1);
    expect(evalCall("months_between", [ts(2024, 3, 15, 10), ts(2024, 2, 29)])).toBe(0.56182796);
    // (date'2024-05-15', date'2024-01-01') → 4.4516129; with roundOff false → 4.451612903225806; reversed → -4.4516129
    expect(evalCall("months_between", [date(2024, 5, 15), date(2024, 1, 1)])).toBe(4.4516129);
    expect(evalCall("months_between", [date(2024, 5, 15), date(2024, 1, 1), lit(false, B)])).toBeCloseTo(4.451612903225806, 14);
    expect(evalCall("months_between", [date(2024, 1, 1), date(2024, 5, 15)])).toBe(-4.4516129);
    // ('2024-04-30 12:00:00', '2024-01-31') → 3.0
    expect(evalCall("months_between", [s("2024-04-30 12:00:00"), s("2024-01-31")])).toBe(3);
    // in America/Los_Angeles the wall clock counts: the same instants as above give 0.56182796
    expect(evalCall("months_between", [ts(2024, 3, 15, 17), ts(2024, 2, 29, 8)], LA)).toBe(0.56182796);
    expect(call("months_between", [date(2024, 1, 1), date(2024, 1, 2)]).type).toEqual(D);
  });
  it("from_utc_timestamp and to_utc_timestamp", () => {
    // from_utc_timestamp(ts'2024-01-01 12:00', 'Asia/Tokyo') → 21:00; to_utc_timestamp(ts'2024-01-01 12:00', 'America/New_York') → 17:00
    expect(evalCall("from_utc_timestamp", [ts(2024, 1, 1, 12), s("Asia/Tokyo")])).toBe(usOf(2024, 1, 1, 21));
    expect(evalCall("to_utc_timestamp", [ts(2024, 1, 1, 12), s("America/New_York")])).toBe(usOf(2024, 1, 1, 17));
    // from_utc_timestamp(ts'2024-07-01 12:00', 'Europe/Berlin') → 14:00; (ts'2024-03-10 10:30', LA) → 03:30
    expect(evalCall("from_utc_timestamp", [ts(2024, 7, 1, 12), s("Europe/Berlin")])).toBe(usOf(2024, 7, 1, 14));
    expect(evalCall("from_utc_timestamp", [ts(2024, 3, 10, 10, 30), s("America/Los_Angeles")])).toBe(usOf(2024, 3, 10, 3, 30));
    // to_utc_timestamp(ts'2024-03-10 02:30' (in LA's DST gap), LA) → 10:30; from_utc_timestamp('2024-01-01 00:00:00', '+05:30') → 05:30
    expect(evalCall("to_utc_timestamp", [ts(2024, 3, 10, 2, 30), s("America/Los_Angeles")])).toBe(usOf(2024, 3, 10, 10, 30));
    expect(evalCall("from_utc_timestamp", [s("2024-01-01 00:00:00"), s("+05:30")])).toBe(usOf(2024, 1, 1, 5, 30));
    expect(() => evalCall("to_utc_timestamp", [ts(2024, 1, 1), s("Bad/Zone")])).toThrow(expect.objectContaining({ code: "INVALID_TIMEZONE" }));
  });
  it("make_date and make_timestamp", () => {
    // make_date(2024, 2, 29) → 2024-02-29; make_date(2024, 2, 30) → [DATETIME_FIELD_OUT_OF_BOUNDS]
    expect(evalCall("make_date", [i(2024), i(2), i(29)])).toBe(dayOf(2024, 2, 29));
    expect(() => evalCall("make_date", [i(2024), i(2), i(30)])).toThrow(expect.objectContaining({ code: "DATETIME_FIELD_OUT_OF_BOUNDS" }));
    expect(evalCall("make_date", [i(2024), i(2), i(30)], LEGACY)).toBe(null);
    const dec = (v: number): RExpr => lit(v * 10, { kind: "decimal", precision: 2, scale: 1 });
    // make_timestamp(2024, 1, 2, 3, 4, 5.5) → 2024-01-02 03:04:05.5; seconds 60 → the next minute
    expect(evalCall("make_timestamp", [i(2024), i(1), i(2), i(3), i(4), dec(5.5)])).toBe(usOf(2024, 1, 2, 3, 4, 5) + 500_000);
    expect(evalCall("make_timestamp", [i(2024), i(1), i(2), i(3), i(4), i(60)])).toBe(usOf(2024, 1, 2, 3, 5));
    // make_timestamp(2024, 1, 2, 3, 4, 5.5, 'Asia/Tokyo') → 2024-01-01 18:04:05.5 UTC; in LA session (2024,1,2,3,4,5) → 11:04:05 UTC
    expect(evalCall("make_timestamp", [i(2024), i(1), i(2), i(3), i(4), dec(5.5), s("Asia/Tokyo")])).toBe(usOf(2024, 1, 1, 18, 4, 5) + 500_000);
    expect(evalCall("make_timestamp", [i(2024), i(1), i(2), i(3), i(4), i(5)], LA)).toBe(usOf(2024, 1, 2, 11, 4, 5));
    // 60.5 seconds → [INVALID_FRACTION_OF_SECOND]; month 13 → [DATETIME_FIELD_OUT_OF_BOUNDS]
    expect(() => evalCall("make_timestamp", [i(2024), i(1), i(2), i(3), i(4), lit(60.5, D)])).toThrow(expect.objectContaining({ code: "INVALID_FRACTION_OF_SECOND" }));
    expect(() => evalCall("make_timestamp", [i(2024), i(13), i(2), i(3), i(4), i(5)])).toThrow(expect.objectContaining({ code: "DATETIME_FIELD_OUT_OF_BOUNDS" }));
    expect(evalCall("make_timestamp", [i(2024), i(13), i(2), i(3), i(4), i(5)], LEGACY)).toBe(null);
  });
  it("extract / date_part fields", () => {
    // extract(YEAR|MONTH|DAY|HOUR|MINUTE FROM ts'2024-03-05 10:11:12.5') → 2024, 3, 5, 10, 11; SECOND → 12.500000 (DECIMAL(8,6))
    const t = ts(2024, 3, 5, 10, 11, 12, 500000);
    const ex = (f: string, x: RExpr) => evalCall("extract", [s(f), x]);
    expect([ex("YEAR", t), ex("month", t), ex("DAY", t), ex("HOUR", t), ex("MINUTE", t)]).toEqual([2024, 3, 5, 10, 11]);
    expect(ex("SECOND", t)).toBe(12_500_000n);
    expect(call("extract", [s("SECOND"), t]).type).toEqual({ kind: "decimal", precision: 8, scale: 6 });
    // on date'2024-03-05': DOW → 3, DOW_ISO → 2, DOY → 65, WEEK → 10, QUARTER → 1, HOUR → 0, SECOND → 0.000000; date_part('year', …) → 2024
    const d = date(2024, 3, 5);
    expect([ex("DOW", d), ex("DOW_ISO", d), ex("DOY", d), ex("WEEK", d), ex("QUARTER", d), ex("HOUR", d), ex("SECOND", d)]).toEqual([3, 2, 65, 10, 1, 0, 0n]);
    expect(evalCall("date_part", [s("year"), d])).toBe(2024);
    // extract(FOO FROM …) → [INVALID_EXTRACT_FIELD]
    expect(() => call("extract", [s("FOO"), d])).toThrow(expect.objectContaining({ code: "INVALID_EXTRACT_FIELD" }));
  });
  it("checks arity and argument types at analysis", () => {
    expect(() => call("make_date", [i(2024), i(2)])).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
    expect(() => call("weekofyear", [lit([1], { kind: "array", elementType: I, containsNull: false })])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("trunc", [date(2024, 1, 1), i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("next_day", [date(2024, 1, 1), i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("months_between", [date(2024, 1, 1), date(2024, 1, 1), i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("from_utc_timestamp", [ts(2024, 1, 1), i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("make_timestamp", [i(1), i(1), i(1), i(1), i(1), lit(true, B)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});
