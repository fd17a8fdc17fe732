/**
 * Internal scalars behind `session_window(ts, gap)` (built by plan/analyzer/session-window.ts):
 *   - `__session_time(t)`: the event time of a row. A TIMESTAMP as is (a DATE or STRING cast to
 *     TIMESTAMP, as Spark casts them); a window struct<start: TIMESTAMP, end: TIMESTAMP> (the
 *     `window` column of an earlier window aggregation) stands for its `window_time` (end − 1 µs),
 *     as in Spark ≥ 3.4.
 *   - `__session_end(ts, gap)`: the end of the row's own session, ts + gap, where the STRING gap is
 *     read as Spark casts a string to a calendar interval. NULL when ts or the gap is null, the gap
 *     does not parse, or the end is not after ts: Spark drops such rows from session windows.
 *     Literal or per-row, the gap follows Spark's cast strictly (full unit names, a fraction only
 *     on seconds: "10 secs" is no interval), so the same rows are dropped as in Spark; a literal
 *     is parsed once.
 * A gap of any other type is rejected as Spark rejects it (`_LEGACY_ERROR_TEMP_1040`, which asks
 * for a CalendarIntervalType; Sluice has no interval types, so an interval string is asked for).
 */
import { analysisError } from "../../common/errors.js";
import { makeVector } from "../../columnar/vector.js";
import { StringType, sqlTypeName, TimestampType } from "../../types/data-type.js";
import type { CalendarIntervalParts } from "../datetime/interval.js";
import { getTimeZone } from "../datetime/time-zone.js";
import type { ScalarFunction } from "../function-types.js";
import { datetimeFunctions, isWindowStruct } from "./datetime.js";
import { addCalendarInterval } from "./interval-arith.js";
import { checkArity, define, literalOf } from "./kernel.js";

const INT_MAX = 2_147_483_647;
const UNIT_US: Readonly<Record<string, number>> = {
  hour: 3_600_000_000,
  minute: 60_000_000,
  second: 1_000_000,
  millisecond: 1000,
  microsecond: 1,
};
const TERM = /([+-]?)\s*(\d*)(?:\.(\d*))?\s+([a-z]+)(?:\s+|$)/y;

/**
 * Spark's CAST(string AS INTERVAL): optional `interval` prefix, then `<number> <unit>` terms with
 * units year, month, week, day, hour, minute, second, millisecond, microsecond (singular or
 * plural, any case); a fraction (up to µs) only on seconds; months and days must fit an INT.
 * Null when the text is not such an interval.
 */
export function parseIntervalCast(text: string): CalendarIntervalParts | null {
  let s = text.trim().toLowerCase();
  if (s.startsWith("interval")) {
    if (s.length > 8 && !/\s/.test(s[8]!)) return null;
    s = s.slice(8).trimStart();
  }
  if (s === "") return null;
  let months = 0;
  let days = 0;
  let micros = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < s.length) {
    const m = TERM.exec(s);
    if (m === null) return null;
    const [, sign, whole, frac, rawUnit] = m;
    if (whole === "" && (frac === undefined || frac === "")) return null;
    const unit = rawUnit!.endsWith("s") ? rawUnit!.slice(0, -1) : rawUnit!;
    const neg = sign === "-" ? -1 : 1;
    const n = Number(whole === "" ? 0 : whole);
    if (frac !== undefined && unit !== "second") return null;
    if (unit === "year" || unit === "month") months += neg * n * (unit === "year" ? 12 : 1);
    else if (unit === "week" || unit === "day") days += neg * n * (unit === "week" ? 7 : 1);
    else if (unit === "second") micros += neg * (n * 1_000_000 + Number((frac ?? "").padEnd(6, "0").slice(0, 6)));
    else if (UNIT_US[unit] !== undefined) micros += neg * n * UNIT_US[unit]!;
    else return null;
    if (Math.abs(months) > INT_MAX || Math.abs(days) > INT_MAX) return null;
  }
  return { months, days, micros };
}

const windowTime = datetimeFunctions.find((f) => f.name === "window_time")!;


const sessionTime = define(
  "__session_time",
  (args, ctx, name) => {
    checkArity(name, args, 1);
    const t = args[0]!.type;
    if (isWindowStruct(t)) return windowTime.resolve(args, ctx);
    if (t.kind === "timestamp" || t.kind === "date" || t.kind === "string" || t.kind === "null") return { argTypes: [TimestampType], returnType: TimestampType };
    throw analysisError(
      "DATATYPE_MISMATCH",
      `Cannot resolve "session_window" due to data type mismatch: the time column must be a TIMESTAMP or a window STRUCT<start: TIMESTAMP, end: TIMESTAMP>, but got ${sqlTypeName(t)}. Pass an event-time column, or the \`window\` column of a window() aggregation.`,
      { function: "session_window", argument: 1, type: sqlTypeName(t) },
    );
  },
  (args, argExprs, rt, ctx) => (isWindowStruct(argExprs[0]!.type) ? windowTime.compile(args, argExprs, rt, ctx) : args[0]!),
);

const sessionEnd = define(
  "__session_end",
  (args, _ctx, name) => {
    checkArity(name, args, 2);
    const g = args[1]!.type;
    if (g.kind !== "string" && g.kind !== "null") {
      throw analysisError(
        "DATATYPE_MISMATCH",
        `Gap duration expression used in session window must be an interval string such as '5 minutes', but got ${sqlTypeName(g)}. Pass an interval string, or a STRING expression computing one per row.`,
        { function: "session_window", argument: 2, type: sqlTypeName(g) },
      );
    }
    return { argTypes: [TimestampType, StringType], returnType: TimestampType, nullable: true };
  },
  (args, argExprs, _rt, ctx) => {
    const zone = getTimeZone(ctx.timeZone);
    const lit = literalOf(argExprs[1]);
    const fixed = typeof lit === "string" ? parseIntervalCast(lit) : null;
    const constant = argExprs[1]!.kind === "literal" || typeof lit === "string";
    const parsed = new Map<string, CalendarIntervalParts | null>();
    return (batch) => {
      const tv = args[0]!(batch);
      const n = batch.numRows;
      const ts = tv.values as Float64Array;
      const out = new Float64Array(n);
      const valid = new Uint8Array(n);
      if (constant) {
        // one gap for every row: an exact one is a plain add
        if (fixed === null) return makeVector(TimestampType, out, valid);
        const exact = fixed.months === 0 && fixed.days === 0;
        if (exact && fixed.micros <= 0) return makeVector(TimestampType, out, valid);
        for (let i = 0; i < n; i++) {
          if (tv.validity !== null && tv.validity[i] === 0) continue;
          const end = exact ? ts[i]! + fixed.micros : addCalendarInterval(zone, ts[i]!, fixed.months, fixed.days, fixed.micros);
          out[i] = end;
          valid[i] = end > ts[i]! ? 1 : 0;
        }
        return makeVector(TimestampType, out, valid);
      }
      const gv = args[1]!(batch);
      const gaps = gv.values as string[];
      if (parsed.size > 4096) parsed.clear();
      for (let i = 0; i < n; i++) {
        if ((tv.validity !== null && tv.validity[i] === 0) || (gv.validity !== null && gv.validity[i] === 0)) continue;
        const text = gaps[i]!;
        let iv = parsed.get(text);
        if (iv === undefined) parsed.set(text, (iv = parseIntervalCast(text)));
        if (iv === null) continue;
        const end = iv.months === 0 && iv.days === 0 ? ts[i]! + iv.micros : addCalendarInterval(zone, ts[i]!, iv.months, iv.days, iv.micros);
        out[i] = end;
        valid[i] = end > ts[i]! ? 1 : 0;
      }
      return makeVector(TimestampType, out, valid);
    };
  },
);

/** Registered in registry.ts; internal names (a leading `__`) that user queries do not call. */
export const sessionWindowFunctions: readonly ScalarFunction[] = [...sessionTime, ...sessionEnd];
