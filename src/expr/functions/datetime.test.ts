import { describe, expect, it } from "vitest";
import type { DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { WINDOW_TYPE } from "./datetime.js";
import { call, evalCall, evalRows, LA, LEGACY, lit, ref, UTC } from "./test-support.js";

const S: DataType = { kind: "string" };
const I: DataType = { kind: "int" };
const L: DataType = { kind: "bigint" };
const TS: DataType = { kind: "timestamp" };
const DATE: DataType = { kind: "date" };
const s = (v: string): RExpr => lit(v, S);
const ts = (y: number, mo: number, d: number, h = 0, mi = 0, sec = 0, us = 0): RExpr => lit(Date.UTC(y, mo - 1, d, h, mi, sec) * 1000 + us, TS);
const usOf = (y: number, mo: number, d: number, h = 0, mi = 0, sec = 0) => Date.UTC(y, mo - 1, d, h, mi, sec) * 1000;

describe("date_format (PySpark 4.0.1, session zone UTC unless noted)", () => {
  it("formats Spark pattern letters", () => {
    // date_format(timestamp'2024-01-05 13:04:05.123456', 'yyyy-MM-dd HH:mm:ss.SSS') → '2024-01-05 13:04:05.123'
    expect(evalCall("date_format", [ts(2024, 1, 5, 13, 4, 5, 123456), s("yyyy-MM-dd HH:mm:ss.SSS")])).toBe("2024-01-05 13:04:05.123");
    // 'EEE, d MMM yyyy hh:mm a' → 'Fri, 5 Jan 2024 01:04 PM'
    expect(evalCall("date_format", [ts(2024, 1, 5, 13, 4, 5), s("EEE, d MMM yyyy hh:mm a")])).toBe("Fri, 5 Jan 2024 01:04 PM");
    // "yyyy-MM-dd'T'HH:mm:ssXXX" → '2024-01-05T13:04:05Z'; 'Z' → '+0000'; 'EEEE MMMM D yy' → 'Friday January 5 24'
    expect(evalCall("date_format", [ts(2024, 1, 5, 13, 4, 5), s("yyyy-MM-dd'T'HH:mm:ssXXX")])).toBe("2024-01-05T13:04:05Z");
    expect(evalCall("date_format", [ts(2024, 1, 5, 13, 4, 5), s("Z")])).toBe("+0000");
    expect(evalCall("date_format", [ts(2024, 1, 5, 13, 4, 5), s("EEEE MMMM D yy")])).toBe("Friday January 5 24");
    // 'SSSSSS' of .5 → '500000'; 'h k K H a' at 00:04 → '12 24 0 0 AM', at 12:04 → '12 12 0 12 PM'
    expect(evalCall("date_format", [ts(2024, 1, 5, 13, 4, 5, 500000), s("SSSSSS")])).toBe("500000");
    expect(evalCall("date_format", [ts(2024, 1, 5, 0, 4, 5), s("h k K H a")])).toBe("12 24 0 0 AM");
    expect(evalCall("date_format", [ts(2024, 1, 5, 12, 4, 5), s("h k K H a")])).toBe("12 12 0 12 PM");
    // date_format(date'2024-03-05', 'yyyy-MM-dd HH:mm') → '2024-03-05 00:00'
    expect(evalCall("date_format", [lit(19787, DATE), s("yyyy-MM-dd HH:mm")])).toBe("2024-03-05 00:00");
  });
  it("uses the session time zone (America/Los_Angeles)", () => {
    // date_format(timestamp'2024-07-05 13:04:05', 'yyyy-MM-dd HH:mm:ss XXX Z') → '2024-07-05 13:04:05 -07:00 -0700' (literal read in LA)
    expect(evalCall("date_format", [lit(usOf(2024, 7, 5, 20, 4, 5), TS), s("yyyy-MM-dd HH:mm:ss XXX Z")], LA)).toBe("2024-07-05 13:04:05 -07:00 -0700");
    // winter: '2024-01-05 13:04:05 -08:00 -0800 PST'
    expect(evalCall("date_format", [lit(usOf(2024, 1, 5, 21, 4, 5), TS), s("yyyy-MM-dd HH:mm:ss XXX Z z")], LA)).toBe("2024-01-05 13:04:05 -08:00 -0800 PST");
    // from_unixtime(0) in LA → '1969-12-31 16:00:00'
    expect(evalCall("from_unixtime", [lit(0, L), s("yyyy-MM-dd HH:mm:ss")], LA)).toBe("1969-12-31 16:00:00");
    // hour(timestamp'2024-07-15 10:30:00') read in LA → 10
    expect(evalCall("hour", [lit(usOf(2024, 7, 15, 17, 30), TS)], LA)).toBe(10);
  });
  it("rejects unknown pattern letters", () => {
    expect(() => evalCall("date_format", [ts(2024, 1, 5), s("yyyy-bb")])).toThrow(expect.objectContaining({ code: "INVALID_DATETIME_PATTERN" }));
  });
});

describe("parsing", () => {
  it("to_timestamp / to_date with patterns", () => {
    // to_timestamp('2024-01-05 10:11:12.1', 'yyyy-MM-dd HH:mm:ss.SSS') → 10:11:12.100000
    expect(evalCall("to_timestamp", [s("2024-01-05 10:11:12.1"), s("yyyy-MM-dd HH:mm:ss.SSS")])).toBe(usOf(2024, 1, 5, 10, 11, 12) + 100000);
    // to_date('2024/03/05', 'yyyy/MM/dd'); to_timestamp('05/03/2024 10:11 PM', 'dd/MM/yyyy hh:mm a') → 2024-03-05 22:11
    expect(evalCall("to_date", [s("2024/03/05"), s("yyyy/MM/dd")])).toBe(19787);
    expect(evalCall("to_timestamp", [s("05/03/2024 10:11 PM"), s("dd/MM/yyyy hh:mm a")])).toBe(usOf(2024, 3, 5, 22, 11));
    expect(evalCall("to_timestamp", [s("2024-01-05T10:00:00+02:00"), s("yyyy-MM-dd'T'HH:mm:ssXXX")])).toBe(usOf(2024, 1, 5, 8));
    expect(evalCall("to_timestamp", [s("2024-01-05 10:00:00")], LA)).toBe(usOf(2024, 1, 5, 18));
    expect(evalCall("to_date", [s("2024-01-15")])).toBe(19737);
  });
  it("ANSI: unparseable text raises CANNOT_PARSE_TIMESTAMP; legacy and try_ give null", () => {
    // to_timestamp('abc', 'yyyy-MM-dd') → [CANNOT_PARSE_TIMESTAMP]; to_timestamp('2024-1-5', 'yyyy-MM-dd') too
    expect(() => evalCall("to_timestamp", [s("abc"), s("yyyy-MM-dd")])).toThrow(expect.objectContaining({ code: "CANNOT_PARSE_TIMESTAMP" }));
    expect(() => evalCall("to_timestamp", [s("2024-1-5"), s("yyyy-MM-dd")])).toThrow(expect.objectContaining({ code: "CANNOT_PARSE_TIMESTAMP" }));
    expect(() => evalCall("to_timestamp", [s("2024-01-05 10:11:12"), s("yyyy-MM-dd HH:mm:ss.SSS")])).toThrow(/could not be parsed/);
    expect(() => evalCall("unix_timestamp", [s("bad"), s("yyyy-MM-dd")])).toThrow(expect.objectContaining({ code: "CANNOT_PARSE_TIMESTAMP" }));
    // to_date('abc') → CAST_INVALID_INPUT (cast semantics)
    expect(() => evalCall("to_date", [s("abc")])).toThrow(expect.objectContaining({ code: "CAST_INVALID_INPUT" }));
    expect(evalCall("to_timestamp", [s("abc"), s("yyyy-MM-dd")], LEGACY)).toBe(null);
    expect(evalCall("try_to_timestamp", [s("abc"), s("yyyy-MM-dd")])).toBe(null);
  });
  it("unix_timestamp and from_unixtime", () => {
    // unix_timestamp(timestamp'2024-01-01 00:00:00') → 1704067200; from_unixtime(1700000000, 'yyyy/MM/dd') → '2023/11/14'
    expect(evalCall("unix_timestamp", [ts(2024, 1, 1), s("yyyy-MM-dd HH:mm:ss")])).toBe(1704067200n);
    expect(evalCall("unix_timestamp", [s("2024-01-15 10:00:00"), s("yyyy-MM-dd HH:mm:ss")], LA)).toBe(1705341600n);
    expect(evalCall("from_unixtime", [lit(1700000000, L), s("yyyy/MM/dd")])).toBe("2023/11/14");
    expect(evalCall("unix_timestamp", [])).toBe(BigInt(Math.floor(UTC.currentTimestampUs / 1e6)));
  });
});

describe("fields and arithmetic", () => {
  it("extracts fields", () => {
    // year(date'2024-03-05') 2024, month 3, dayofweek(date'2024-03-05') 3, dayofweek(date'2024-03-03') 1, second(…07.9) 7
    expect(evalCall("year", [lit(19787, DATE)])).toBe(2024);
    expect(evalCall("month", [ts(2024, 3, 5, 10)])).toBe(3);
    expect(evalCall("dayofweek", [lit(19787, DATE)])).toBe(3);
    expect(evalCall("dayofweek", [lit(19785, DATE)])).toBe(1);
    expect(evalCall("dayofmonth", [lit(19787, DATE)])).toBe(5);
    expect(evalCall("second", [ts(2024, 3, 5, 10, 0, 7, 900000)])).toBe(7);
    expect(evalCall("minute", [ts(2024, 3, 5, 10, 42)])).toBe(42);
    expect(evalRows(call("year", [ref(0, TS)]), { t: TS }, [{ t: null }])).toEqual([null]);
  });
  it("date_add, date_sub, datediff", () => {
    // date_add(date'2024-03-05', 30) → 2024-04-04; date_sub(…, 5) → 2024-02-29; datediff(date'2024-03-05', date'2024-01-01') → 64
    expect(evalCall("date_add", [lit(19787, DATE), lit(30, I)])).toBe(19817);
    expect(evalCall("date_sub", [lit(19787, DATE), lit(5, I)])).toBe(19782);
    expect(evalCall("datediff", [lit(19787, DATE), lit(19723, DATE)])).toBe(64);
  });
  it("date_trunc in UTC and in a DST zone", () => {
    // date_trunc('hour'|'month'|'week'|'quarter', …) → 10:00, 03-01, 03-04 (Monday), 04-01
    expect(evalCall("date_trunc", [s("hour"), ts(2024, 3, 5, 10, 34, 56)])).toBe(usOf(2024, 3, 5, 10));
    expect(evalCall("date_trunc", [s("month"), ts(2024, 3, 5, 10, 34, 56)])).toBe(usOf(2024, 3, 1));
    expect(evalCall("date_trunc", [s("week"), ts(2024, 3, 7, 10, 34, 56)])).toBe(usOf(2024, 3, 4));
    expect(evalCall("date_trunc", [s("quarter"), ts(2024, 5, 7, 10, 34, 56)])).toBe(usOf(2024, 4, 1));
    expect(evalCall("date_trunc", [s("bogus"), ts(2024, 5, 7)])).toBe(null);
    // in LA: date_trunc('day', timestamp'2024-07-15 10:30:00') → 2024-07-15 00:00 PDT = 07:00 UTC
    expect(evalCall("date_trunc", [s("day"), lit(usOf(2024, 7, 15, 17, 30), TS)], LA)).toBe(usOf(2024, 7, 15, 7));
  });
  it("timestamp_seconds / millis and current_*", () => {
    // timestamp_seconds(1.5) and timestamp_millis(1500) → 1970-01-01 00:00:01.5
    expect(evalCall("timestamp_seconds", [lit(1.5, { kind: "double" })])).toBe(1500000);
    expect(evalCall("timestamp_millis", [lit(1500, I)])).toBe(1500000);
    expect(evalCall("current_timestamp", [])).toBe(UTC.currentTimestampUs);
    expect(evalCall("current_date", [])).toBe(19737);
  });
});

describe("event-time windows (PySpark 4.0.1)", () => {
  it("window() assigns tumbling windows, window_time = end - 1µs", () => {
    // window(timestamp'2024-01-01 00:07:00', '5 minutes') → [00:05, 00:10); window_time → 00:09:59.999999
    const w = evalCall("window", [ts(2024, 1, 1, 0, 7), s("5 minutes")]);
    expect(w).toEqual({ start: usOf(2024, 1, 1, 0, 5), end: usOf(2024, 1, 1, 0, 10) });
    expect(call("window", [ts(2024, 1, 1), s("5 minutes")]).type).toEqual(WINDOW_TYPE);
    expect(evalCall("window_time", [call("window", [ts(2024, 1, 1, 0, 7), s("5 minutes")])])).toBe(usOf(2024, 1, 1, 0, 10) - 1);
    // 1969-12-31 23:58 → [23:55, 00:00)
    expect(evalCall("window", [lit(-120e6, TS), s("5 minutes")])).toEqual({ start: -300e6, end: 0 });
    // window(ts, '5 minutes', '5 minutes', '1 minute') → [00:06, 00:11)
    expect(evalCall("window", [ts(2024, 1, 1, 0, 7), s("5 minutes"), s("5 minutes"), s("1 minute")])).toEqual({ start: usOf(2024, 1, 1, 0, 6), end: usOf(2024, 1, 1, 0, 11) });
    expect(evalRows(call("window", [ref(0, TS), s("1 hour")]), { t: TS }, [{ t: null }])).toEqual([null]);
  });
  it("__sliding_windows lists every window containing ts, latest first as Spark emits them", () => {
    // window(ts, '15 minutes', '5 minutes') at 00:07 → [00:05,00:20), [00:00,00:15), [23:55,00:10)
    expect(evalCall("__sliding_windows", [ts(2024, 1, 1, 0, 7), s("15 minutes"), s("5 minutes"), s("0 seconds")])).toEqual([
      { start: usOf(2024, 1, 1, 0, 5), end: usOf(2024, 1, 1, 0, 20) },
      { start: usOf(2024, 1, 1, 0, 0), end: usOf(2024, 1, 1, 0, 15) },
      { start: usOf(2023, 12, 31, 23, 55), end: usOf(2024, 1, 1, 0, 10) },
    ]);
    // window(ts, '10 minutes', '5 minutes', '2 minutes') at 00:07 → [00:07,00:17), [00:02,00:12)
    expect(evalCall("__sliding_windows", [ts(2024, 1, 1, 0, 7), s("10 minutes"), s("5 minutes"), s("2 minutes")])).toEqual([
      { start: usOf(2024, 1, 1, 0, 7), end: usOf(2024, 1, 1, 0, 17) },
      { start: usOf(2024, 1, 1, 0, 2), end: usOf(2024, 1, 1, 0, 12) },
    ]);
  });
  it("rejects bad window specs", () => {
    expect(() => evalCall("window", [ts(2024, 1, 1), s("5 parsecs")])).toThrow(expect.objectContaining({ code: "INVALID_INTERVAL" }));
    expect(() => evalCall("window", [ts(2024, 1, 1), s("1 month")])).toThrow(expect.objectContaining({ code: "INVALID_INTERVAL" }));
    expect(() => evalCall("window", [ts(2024, 1, 1), s("5 minutes"), s("10 minutes")])).toThrow(expect.objectContaining({ code: "INVALID_WINDOW_SPEC" }));
    expect(() => evalCall("window", [ts(2024, 1, 1), s("10 minutes"), s("5 minutes")])).toThrow(expect.objectContaining({ code: "UNSUPPORTED_SLIDING_WINDOW" }));
    expect(() => call("window", [lit(1, I), s("5 minutes")])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});
