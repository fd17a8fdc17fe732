import { describe, expect, it } from "vitest";
import type { DataType } from "../../types/data-type.js";
import { parseCalendarInterval, parseCalendarIntervalParts } from "../datetime/interval.js";
import { getTimeZone } from "../datetime/time-zone.js";
import type { RExpr } from "../resolved-expr.js";
import { addCalendarInterval } from "./interval-arith.js";
import { parseIntervalCast } from "./session-window.js";
import { call, evalRows, LA, lit, ref, UTC } from "./test-support.js";

const S: DataType = { kind: "string" };
const TS: DataType = { kind: "timestamp" };
const WINDOW: DataType = {
  kind: "struct",
  fields: [
    { name: "start", type: TS, nullable: true },
    { name: "end", type: TS, nullable: true },
  ],
};
const us = (iso: string): number => Date.parse(iso) * 1000;
const T0 = us("2024-01-01T00:00:00Z");
const SEC = 1_000_000;

/** __session_end(ts, g) over rows { ts, g } (g per row). */
const date = (x: number | null): Date | null => (x === null ? null : new Date(x / 1000));
const ends = (rows: { ts: number | null; g: string | null }[], ctx = UTC): unknown[] =>
  evalRows(call("__session_end", [ref(0, TS, "ts"), ref(1, S, "g")], ctx), { ts: TS, g: S }, rows.map((r) => ({ ts: date(r.ts), g: r.g })), ctx);
const endWithLiteral = (gap: RExpr, ts: number | null = T0): unknown => evalRows(call("__session_end", [ref(0, TS, "ts"), gap]), { ts: TS }, [{ ts: date(ts) }])[0];

describe("parseIntervalCast: Spark's CAST(string AS INTERVAL) as a session gap reads it (PySpark 4.0.1)", () => {
  it("reads full unit names, singular or plural, any case, with an optional `interval` prefix", () => {
    expect(parseIntervalCast("1 week")).toEqual({ months: 0, days: 7, micros: 0 });
    expect(parseIntervalCast("1 hour 30 minutes")).toEqual({ months: 0, days: 0, micros: 5400 * SEC });
    expect(parseIntervalCast("interval 5 seconds")).toEqual({ months: 0, days: 0, micros: 5 * SEC });
    expect(parseIntervalCast("interval  5 seconds")).toEqual({ months: 0, days: 0, micros: 5 * SEC });
    expect(parseIntervalCast("  5 SECONDS ")).toEqual({ months: 0, days: 0, micros: 5 * SEC });
    expect(parseIntervalCast("5\tseconds")).toEqual({ months: 0, days: 0, micros: 5 * SEC });
    expect(parseIntervalCast("1 DAY 2 Hours")).toEqual({ months: 0, days: 1, micros: 2 * 3600 * SEC });
    expect(parseIntervalCast("+5 seconds")).toEqual({ months: 0, days: 0, micros: 5 * SEC });
    expect(parseIntervalCast("5 second 5 second")).toEqual({ months: 0, days: 0, micros: 10 * SEC });
    expect(parseIntervalCast("1 year")).toEqual({ months: 12, days: 0, micros: 0 });
    expect(parseIntervalCast("-1 month 40 days")).toEqual({ months: -1, days: 40, micros: 0 });
    expect(parseIntervalCast("1 microsecond 1 millisecond")).toEqual({ months: 0, days: 0, micros: 1001 });
    expect(parseIntervalCast("1 Millisecond")).toEqual({ months: 0, days: 0, micros: 1000 });
  });
  it("allows a fraction only on seconds, truncated to microseconds", () => {
    expect(parseIntervalCast("1.5 seconds")).toEqual({ months: 0, days: 0, micros: 1.5 * SEC });
    expect(parseIntervalCast(".5 seconds")).toEqual({ months: 0, days: 0, micros: 0.5 * SEC });
    expect(parseIntervalCast("1. seconds")).toEqual({ months: 0, days: 0, micros: SEC });
    expect(parseIntervalCast("1.1234567 seconds")).toEqual({ months: 0, days: 0, micros: 1_123_456 });
    expect(parseIntervalCast("-1.5 seconds")).toEqual({ months: 0, days: 0, micros: -1.5 * SEC });
    for (const bad of ["1.5 days", "1.0 days", "0.5 minutes", "1.5 hours", "1.5 months", "1.5 weeks", "1.5 milliseconds", "1.5 microseconds"]) {
      expect(parseIntervalCast(bad), bad).toBeNull();
    }
  });
  it("is null for anything else (abbreviations, missing units or spaces, junk, INT overflow)", () => {
    for (const bad of ["abc", "5 secs", "5s", "1 mon", "5", "10 ms", "1 d", "2 h", "1 min", "1 sec", "1 hr", "5 mins", "1 yr", "", "  ", "interval", "INTERVAL5 seconds", "intervals 5 seconds", "1 day2 hours", "1day", "--5 seconds", "+-5 seconds", "1e3 seconds", "1 hours -", "1 second,", "5 seconds ago", "3000000000 days", "2147483648 months"]) {
      expect(parseIntervalCast(bad), bad).toBeNull();
    }
  });
});

describe("__session_end: the end of a row's own session (values from PySpark 4.0.1)", () => {
  it("adds a per-row gap; null, unparsable, zero and negative gaps give null (the row is dropped)", () => {
    const rows = [
      { ts: T0, g: "3 seconds" },
      { ts: T0 + 9 * SEC, g: "1 month" }, // 00:00:09 + 1 month = 2024-02-01 00:00:09
      { ts: T0, g: null },
      { ts: T0, g: "abc" },
      { ts: T0, g: "0 seconds" },
      { ts: T0, g: "-5 seconds" },
      { ts: null, g: "5 seconds" },
      { ts: T0, g: "1 month -31 days" }, // January has 31 days: the end equals ts
      { ts: us("2024-02-01T00:00:00Z"), g: "1 month -28 days" }, // February 2024 has 29
    ];
    expect(ends(rows)).toEqual([T0 + 3 * SEC, us("2024-02-01T00:00:09Z"), null, null, null, null, null, null, us("2024-02-02T00:00:00Z")]);
  });
  it("a literal gap is cast as strictly as a per-row one (as Spark: '10 secs' is no interval)", () => {
    expect(endWithLiteral(lit("5 minutes", S))).toBe(T0 + 300 * SEC);
    expect(endWithLiteral(lit("10 secs", S))).toBeNull();
    expect(endWithLiteral(lit("1.5 seconds", S))).toBe(T0 + 1.5 * SEC);
    expect(endWithLiteral(lit("1 month", S))).toBe(us("2024-02-01T00:00:00Z"));
    expect(endWithLiteral(lit("abc", S))).toBeNull();
    expect(endWithLiteral(lit("0 seconds", S))).toBeNull();
    expect(endWithLiteral(lit("-1 second", S))).toBeNull();
    expect(endWithLiteral(lit(null, { kind: "null" }))).toBeNull();
    expect(endWithLiteral(lit("5 minutes", S), null)).toBeNull();
  });
  it("adds months and days on the session zone's calendar, keeping the offset in a DST overlap, and hours exactly", () => {
    // America/Los_Angeles, measured with session_window in PySpark:
    const rows = [
      { ts: us("2024-11-02T01:30:00-07:00"), g: "1 day" }, // → 2024-11-03 01:30 -07:00 (the offset is kept)
      { ts: us("2024-11-02T01:30:00-07:00"), g: "1 day 1 hour" }, // → 01:30 -08:00
      { ts: us("2024-11-03T00:30:00-07:00"), g: "2 hours" }, // exact: → 01:30 -08:00
      { ts: us("2024-11-03T01:30:00-08:00"), g: "1 day" }, // → 2024-11-04 01:30 -08:00
      { ts: us("2024-10-03T01:30:00-07:00"), g: "1 month" }, // → 2024-11-03 01:30 -07:00
      { ts: us("2024-11-02T01:30:00-07:00"), g: "24 hours" }, // → 2024-11-03 01:30 -07:00
      { ts: us("2024-03-09T02:30:00-08:00"), g: "1 day" }, // 02:30 is in the gap: → 03:30 -07:00
      { ts: us("2024-11-02T01:30:00-07:00"), g: "1 day -1 hour" }, // → 2024-11-03 00:30 -07:00
    ];
    expect(ends(rows, LA)).toEqual([
      us("2024-11-03T01:30:00-07:00"),
      us("2024-11-03T01:30:00-08:00"),
      us("2024-11-03T01:30:00-08:00"),
      us("2024-11-04T01:30:00-08:00"),
      us("2024-11-03T01:30:00-07:00"),
      us("2024-11-03T01:30:00-07:00"),
      us("2024-03-10T03:30:00-07:00"),
      us("2024-11-03T00:30:00-07:00"),
    ]);
  });
  it("rejects a gap that is not a string, naming its type", () => {
    for (const [type, name] of [
      [{ kind: "int" }, "INT"],
      [{ kind: "boolean" }, "BOOLEAN"],
      [TS, "TIMESTAMP"],
    ] as const) {
      expect(() => call("__session_end", [ref(0, TS), ref(1, type)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH", message: expect.stringContaining(`interval string such as '5 minutes', but got ${name}`) }));
    }
  });
});

describe("__session_time: the event time of session_window", () => {
  it("is a timestamp as is, and a date or string cast to a timestamp", () => {
    expect(evalRows(call("__session_time", [ref(0, TS)]), { c0: TS }, [{ c0: date(T0) }, { c0: null }])).toEqual([T0, null]);
    expect(evalRows(call("__session_time", [ref(0, S)]), { c0: S }, [{ c0: "2024-01-01 00:00:00" }])).toEqual([T0]);
    expect(evalRows(call("__session_time", [ref(0, { kind: "date" })]), { c0: { kind: "date" } }, [{ c0: "2024-01-01" }])).toEqual([T0]);
  });
  it("is window_time (end − 1 µs) for a window struct", () => {
    const rows = [{ c0: { start: date(T0), end: date(T0 + 5 * SEC) } }, { c0: null }];
    expect(evalRows(call("__session_time", [ref(0, WINDOW)]), { c0: WINDOW }, rows)).toEqual([T0 + 5 * SEC - 1, null]);
  });
  it("rejects other types, including a struct that is not a window", () => {
    const other: DataType = { kind: "struct", fields: [{ name: "a", type: TS, nullable: true }] };
    for (const t of [other, { kind: "int" } as DataType]) {
      expect(() => call("__session_time", [ref(0, t)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH", message: expect.stringContaining("the time column must be a TIMESTAMP or a window STRUCT") }));
    }
  });
});

describe("calendar interval helpers", () => {
  it("parseCalendarIntervalParts keeps days apart; parseCalendarInterval folds them into micros as before", () => {
    expect(parseCalendarIntervalParts("1 week 2 days 3 hours")).toEqual({ months: 0, days: 9, micros: 3 * 3600 * SEC });
    expect(parseCalendarIntervalParts("1.5 days")).toEqual({ months: 0, days: 1, micros: 12 * 3600 * SEC });
    expect(parseCalendarIntervalParts("1 month")).toEqual({ months: 1, days: 0, micros: 0 });
    expect(parseCalendarIntervalParts("abc")).toBeNull();
    expect(parseCalendarInterval("1 week 2 days 3 hours")).toEqual({ months: 0, micros: (9 * 24 + 3) * 3600 * SEC });
  });
  it("addCalendarInterval clamps the day to the month's end", () => {
    expect(addCalendarInterval(getTimeZone("UTC"), us("2024-01-31T10:00:00Z"), 1, 0, 0)).toBe(us("2024-02-29T10:00:00Z"));
    // 2024-02-01 04:00 at +08:00, plus 1 month 1 day 1 second → 2024-03-02 04:00:01 local
    expect(addCalendarInterval(getTimeZone("+08:00"), us("2024-01-31T20:00:00Z"), 1, 1, SEC)).toBe(us("2024-03-01T20:00:01Z"));
  });
});
