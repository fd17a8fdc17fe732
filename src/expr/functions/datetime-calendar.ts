/**
 * Calendar date and time functions beyond the basic fields: weekofyear, last_day, next_day, trunc,
 * months_between, unix_seconds/millis/micros, unix_date, date_from_unix_date, from_utc_timestamp,
 * to_utc_timestamp, make_date, make_timestamp. Dates are epoch days, timestamps epoch µs (UTC);
 * wall-clock fields are read in the session time zone, as Spark does. Invalid fields raise
 * DATETIME_FIELD_OUT_OF_BOUNDS under ANSI and give null otherwise.
 */
import { executionError } from "../../common/errors.js";
import { makeVector } from "../../columnar/vector.js";
import { analysisError } from "../../common/errors.js";
import { type DataType, DateType, DecimalType, DoubleType, IntegerType, LongType, StringType, TimestampNTZType, TimestampType, BooleanType } from "../../types/data-type.js";
import { civilFromDays, dayOfYear, daysFromCivil, daysInMonth, floorDiv, isoDayOfWeek, US_PER_DAY, US_PER_SECOND } from "../datetime/calendar.js";
import { fromLocalUs, getTimeZone, type TimeZone, toLocalUs } from "../datetime/time-zone.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import { checkArity, define, literalOf, mapRows, typeMismatch } from "./kernel.js";

const DATE_LIKE = ["timestamp", "date", "string", "null"];
const NUMERIC = ["byte", "short", "int", "bigint", "decimal", "double", "float", "string", "null"];

function dateArg(name: string, a: ArgInfo, i: number): DataType {
  return DATE_LIKE.includes(a.type.kind) ? DateType : typeMismatch(name, i, a.type, "DATE");
}
function tsArg(name: string, a: ArgInfo, i: number): DataType {
  return DATE_LIKE.includes(a.type.kind) ? TimestampType : typeMismatch(name, i, a.type, "TIMESTAMP");
}
function intArg(name: string, a: ArgInfo, i: number): DataType {
  return NUMERIC.includes(a.type.kind) ? IntegerType : typeMismatch(name, i, a.type, "INT");
}

/** ISO-8601 week of year (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeekOfYear(days: number): number {
  const thursday = days - isoDayOfWeek(days) + 4;
  const year = civilFromDays(thursday).year;
  return Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
}

export function lastDayOfMonth(days: number): number {
  const c = civilFromDays(days);
  return daysFromCivil(c.year, c.month, daysInMonth(c.year, c.month));
}

const DAY_NAMES: Readonly<Record<string, number>> = {
  mo: 1, mon: 1, monday: 1, tu: 2, tue: 2, tuesday: 2, we: 3, wed: 3, wednesday: 3, th: 4, thu: 4, thursday: 4,
  fr: 5, fri: 5, friday: 5, sa: 6, sat: 6, saturday: 6, su: 7, sun: 7, sunday: 7,
};

/** trunc(date, fmt) levels; Spark gives null for any other format (including 'Q' and 'DD'). */
const DATE_TRUNC_LEVELS: Readonly<Record<string, string>> = {
  year: "year", yyyy: "year", yy: "year", quarter: "quarter", month: "month", mon: "month", mm: "month", week: "week",
};

export function truncDate(days: number, level: string): number {
  if (level === "week") return days - isoDayOfWeek(days) + 1;
  const c = civilFromDays(days);
  const m = level === "year" ? 1 : level === "quarter" ? Math.floor((c.month - 1) / 3) * 3 + 1 : c.month;
  return daysFromCivil(c.year, m, 1);
}

/** Spark's months_between on local wall-clock µs: whole months when the days match or both are month ends. */
export function monthsBetween(local1: number, local2: number, roundOff: boolean): number {
  const d1 = floorDiv(local1, US_PER_DAY);
  const d2 = floorDiv(local2, US_PER_DAY);
  const c1 = civilFromDays(d1);
  const c2 = civilFromDays(d2);
  const monthDiff = c1.year * 12 + c1.month - (c2.year * 12 + c2.month);
  const last1 = c1.day === daysInMonth(c1.year, c1.month);
  const last2 = c2.day === daysInMonth(c2.year, c2.month);
  if (c1.day === c2.day || (last1 && last2)) return monthDiff;
  const secondsInDay1 = (local1 - d1 * US_PER_DAY) / US_PER_SECOND;
  const secondsInDay2 = (local2 - d2 * US_PER_DAY) / US_PER_SECOND;
  const secondsDiff = (c1.day - c2.day) * 86400 + secondsInDay1 - secondsInDay2;
  const diff = monthDiff + secondsDiff / (31 * 86400);
  return roundOff ? roundHalfUp8(diff) : diff;
}

function roundHalfUp8(x: number): number {
  const r = Math.round(Math.abs(x) * 1e8) / 1e8;
  return x < 0 ? -r : r;
}

const outOfBounds = (what: string) =>
  executionError(
    "DATETIME_FIELD_OUT_OF_BOUNDS",
    `Invalid value for ${what}. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error and return NULL instead.`,
    { field: what },
  );

/** Epoch days of y-m-d, or a failure description. */
function makeDays(y: number, m: number, d: number): number | string {
  if (m < 1 || m > 12) return `MonthOfYear (valid values 1 - 12): ${m}`;
  if (d < 1 || d > 31) return `DayOfMonth (valid values 1 - 28/31): ${d}`;
  if (d > daysInMonth(y, m)) return `date ${y}-${m}-${d} (the month has ${daysInMonth(y, m)} days)`;
  return daysFromCivil(y, m, d);
}

/** Local µs of a make_timestamp call, or a failure (code, message). */
function makeLocalUs(y: number, mo: number, d: number, h: number, mi: number, sec: number): number | [string, string] {
  const days = makeDays(y, mo, d);
  if (typeof days === "string") return ["DATETIME_FIELD_OUT_OF_BOUNDS", days];
  if (h < 0 || h > 23) return ["DATETIME_FIELD_OUT_OF_BOUNDS", `HourOfDay (valid values 0 - 23): ${h}`];
  if (mi < 0 || mi > 59) return ["DATETIME_FIELD_OUT_OF_BOUNDS", `MinuteOfHour (valid values 0 - 59): ${mi}`];
  const us = Math.round(sec * US_PER_SECOND);
  if (us < 0 || us > 60 * US_PER_SECOND || (us > 59 * US_PER_SECOND + 999999 && us !== 60 * US_PER_SECOND)) {
    return ["INVALID_FRACTION_OF_SECOND", `Valid range for seconds is [0, 60] (inclusive), but the provided value is ${sec}. Use \`try_make_timestamp\` to return NULL instead.`];
  }
  return days * US_PER_DAY + h * 3_600_000_000 + mi * 60_000_000 + us;
}

function zoneCache(): (id: string) => TimeZone {
  const seen = new Map<string, TimeZone>();
  return (id) => {
    let z = seen.get(id);
    if (!z) {
      z = getTimeZone(id);
      seen.set(id, z);
    }
    return z;
  };
}

function resolveUnixPart(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1);
  if (name === "unix_date") return { argTypes: [dateArg(name, args[0]!, 0)], returnType: IntegerType };
  if (name === "date_from_unix_date") return { argTypes: [intArg(name, args[0]!, 0)], returnType: DateType };
  return { argTypes: [tsArg(name, args[0]!, 0)], returnType: LongType };
}

function compileUnixPart(args: readonly CompiledExpr[], _e: unknown, rt: DataType, _ctx: EvalContext, name: string): CompiledExpr {
  const div = name === "unix_seconds" ? US_PER_SECOND : name === "unix_millis" ? 1000 : 1;
  const f = args[0]!;
  if (name === "unix_date" || name === "date_from_unix_date") return f; // days ↔ days: only the type changes
  return (batch) => {
    const v = f(batch);
    const n = batch.numRows;
    const x = v.values as Float64Array;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = div === 1 ? x[i]! : Math.floor(x[i]! / div);
    return makeVector(rt, out, v.validity);
  };
}

/** EXTRACT / date_part field names (Spark's synonyms) → canonical field. */
const EXTRACT_FIELDS: Readonly<Record<string, string>> = {
  year: "year", y: "year", years: "year", yr: "year", yrs: "year", yearofweek: "yearofweek", quarter: "quarter", qtr: "quarter",
  month: "month", mon: "month", mons: "month", months: "month", week: "week", w: "week", weeks: "week",
  day: "day", d: "day", days: "day", dayofmonth: "day", dayofweek: "dow", dow: "dow", dayofweek_iso: "dow_iso", dow_iso: "dow_iso",
  doy: "doy", hour: "hour", h: "hour", hours: "hour", hr: "hour", hrs: "hour", minute: "minute", m: "minute", min: "minute",
  mins: "minute", minutes: "minute", second: "second", s: "second", sec: "second", seconds: "second", secs: "second",
};
const SECOND_TYPE = DecimalType(8, 6);

function resolveExtract(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  const f = literalOf(args[0]);
  const field = typeof f === "string" ? EXTRACT_FIELDS[f.toLowerCase()] : undefined;
  if (field === undefined) {
    throw analysisError("INVALID_EXTRACT_FIELD", `Cannot extract ${typeof f === "string" ? "`" + f + "`" : "a non-literal field"} from the source. Use a field such as YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, DOW, DOY or WEEK.`, {
      field: String(f),
    });
  }
  const timeField = field === "hour" || field === "minute" || field === "second";
  const src = timeField || args[1]!.type.kind === "timestamp" ? tsArg(name, args[1]!, 1) : dateArg(name, args[1]!, 1);
  return { argTypes: [StringType, src], returnType: field === "second" ? SECOND_TYPE : IntegerType };
}

function compileExtract(args: readonly CompiledExpr[], argExprs: readonly import("../resolved-expr.js").RExpr[], rt: DataType, ctx: EvalContext): CompiledExpr {
  const field = EXTRACT_FIELDS[(literalOf(argExprs[0]) as string).toLowerCase()]!;
  const zone = getTimeZone(ctx.timeZone);
  const isTs = argExprs[1]!.type.kind === "timestamp";
  return mapRows([args[1]!], rt, ([x]) => {
    const local = isTs ? toLocalUs(zone, x as number) : (x as number) * US_PER_DAY;
    const days = floorDiv(local, US_PER_DAY);
    const tod = local - days * US_PER_DAY;
    switch (field) {
      case "hour":
        return Math.floor(tod / 3_600_000_000);
      case "minute":
        return Math.floor(tod / 60_000_000) % 60;
      case "second":
        return tod % 60_000_000; // µs of the minute = DECIMAL(8,6) unscaled
      case "dow":
        return (isoDayOfWeek(days) % 7) + 1;
      case "dow_iso":
        return isoDayOfWeek(days);
      case "doy":
        return dayOfYear(days);
      case "week":
        return isoWeekOfYear(days);
      case "yearofweek":
        return civilFromDays(days - isoDayOfWeek(days) + 4).year;
      default: {
        const c = civilFromDays(days);
        return field === "year" ? c.year : field === "month" ? c.month : field === "quarter" ? Math.floor((c.month - 1) / 3) + 1 : c.day;
      }
    }
  });
}

export const calendarFunctions: ScalarFunction[] = [
  ...define("extract", resolveExtract, compileExtract, { display: (n) => `extract(${n[0]!.replace(/^'|'$/g, "")} FROM ${n[1]!})` }),
  ...define(["date_part", "datepart"], resolveExtract, compileExtract),
  ...define("weekofyear", (args, _c, name) => (checkArity(name, args, 1), { argTypes: [dateArg(name, args[0]!, 0)], returnType: IntegerType }), (args) => {
    const f = args[0]!;
    return (batch) => {
      const v = f(batch);
      const x = v.values as Int32Array;
      const out = new Int32Array(batch.numRows);
      for (let i = 0; i < out.length; i++) out[i] = isoWeekOfYear(x[i]!);
      return makeVector(IntegerType, out, v.validity);
    };
  }),
  ...define("last_day", (args, _c, name) => (checkArity(name, args, 1), { argTypes: [dateArg(name, args[0]!, 0)], returnType: DateType }), (args) =>
    mapRows(args, DateType, ([d]) => lastDayOfMonth(d as number)),
  ),
  ...define("next_day", (args, _c, name) => {
    checkArity(name, args, 2);
    if (!["string", "null"].includes(args[1]!.type.kind)) typeMismatch(name, 1, args[1]!.type, "STRING");
    return { argTypes: [dateArg(name, args[0]!, 0), StringType], returnType: DateType };
  }, (args, _e, _rt, ctx) =>
    mapRows(args, DateType, ([d, dow]) => {
      const want = DAY_NAMES[(dow as string).trim().toLowerCase()];
      if (want === undefined) {
        if (!ctx.ansi) return null;
        throw executionError("ILLEGAL_DAY_OF_WEEK", `Illegal input for day of week: ${dow as string}. Use a day name such as 'Mon', 'Monday' or 'MO'.`, { dayOfWeek: dow as string });
      }
      const days = d as number;
      const delta = (((want - isoDayOfWeek(days)) % 7) + 7) % 7;
      return days + (delta === 0 ? 7 : delta);
    }),
  ),
  ...define("trunc", (args, _c, name) => {
    checkArity(name, args, 2);
    if (!["string", "null"].includes(args[1]!.type.kind)) typeMismatch(name, 1, args[1]!.type, "STRING");
    return { argTypes: [dateArg(name, args[0]!, 0), StringType], returnType: DateType };
  }, (args) =>
    mapRows(args, DateType, ([d, fmt]) => {
      const level = DATE_TRUNC_LEVELS[(fmt as string).toLowerCase()];
      return level === undefined ? null : truncDate(d as number, level);
    }),
  ),
  ...define("months_between", (args, _c, name) => {
    checkArity(name, args, 2, 3);
    if (args[2] !== undefined && !["boolean", "null"].includes(args[2].type.kind)) typeMismatch(name, 2, args[2].type, "BOOLEAN");
    return { argTypes: [tsArg(name, args[0]!, 0), tsArg(name, args[1]!, 1), BooleanType].slice(0, args.length), returnType: DoubleType };
  }, (args, _e, _rt, ctx) => {
    const zone = getTimeZone(ctx.timeZone);
    return mapRows(args, DoubleType, ([a, b, r]) => monthsBetween(toLocalUs(zone, a as number), toLocalUs(zone, b as number), r === undefined ? true : (r as boolean)));
  }, { display: (n) => `months_between(${[...n, ...(n.length === 2 ? ["true"] : [])].join(", ")})` }),
  ...define(["unix_seconds", "unix_millis", "unix_micros", "unix_date", "date_from_unix_date"], resolveUnixPart, compileUnixPart),
  ...define(["from_utc_timestamp", "to_utc_timestamp"], (args, _c, name) => {
    checkArity(name, args, 2);
    if (!["string", "null"].includes(args[1]!.type.kind)) typeMismatch(name, 1, args[1]!.type, "STRING");
    return { argTypes: [tsArg(name, args[0]!, 0), StringType], returnType: TimestampType };
  }, (args, _e, _rt, _ctx, name) => {
    const zoneOf = zoneCache();
    const fromUtc = name === "from_utc_timestamp";
    return mapRows(args, TimestampType, ([t, tz]) => {
      const zone = zoneOf(tz as string);
      return fromUtc ? toLocalUs(zone, t as number) : fromLocalUs(zone, t as number);
    });
  }),
  ...define("make_date", (args, _c, name) => {
    checkArity(name, args, 3);
    return { argTypes: args.map((a, i) => intArg(name, a, i)), returnType: DateType };
  }, (args, _e, _rt, ctx) =>
    mapRows(args, DateType, ([y, m, d]) => {
      const r = makeDays(y as number, m as number, d as number);
      if (typeof r === "number") return r;
      if (ctx.ansi) throw outOfBounds(r);
      return null;
    }),
  ),
  ...define("make_timestamp", (args, ctx, name) => {
    checkArity(name, args, 6, 7);
    const types = args.slice(0, 5).map((a, i) => intArg(name, a, i));
    if (!NUMERIC.includes(args[5]!.type.kind)) typeMismatch(name, 5, args[5]!.type, "DECIMAL(16,6)");
    if (args[6] !== undefined && !["string", "null"].includes(args[6].type.kind)) typeMismatch(name, 6, args[6].type, "STRING");
    // spark.sql.timestampType = TIMESTAMP_NTZ: the fields are the wall clock, a zone argument is ignored (as Spark does)
    return { argTypes: [...types, DoubleType, StringType].slice(0, args.length), returnType: ctx.timestampNTZ ? TimestampNTZType : TimestampType };
  }, (args, _e, rt, ctx) => {
    const zoneOf = zoneCache();
    return mapRows(args, rt, ([y, mo, d, h, mi, sec, tz]) => {
      const r = makeLocalUs(y as number, mo as number, d as number, h as number, mi as number, sec as number);
      if (typeof r !== "number") {
        if (ctx.ansi) throw executionError(r[0], r[0] === "DATETIME_FIELD_OUT_OF_BOUNDS" ? `Invalid value for ${r[1]}. Use \`try_make_timestamp\` to return NULL instead.` : r[1]);
        return null;
      }
      if (rt.kind === "timestamp_ntz") return r;
      return fromLocalUs(zoneOf(tz === undefined ? ctx.timeZone : (tz as string)), r);
    });
  }),
  // the same fields as a wall clock: no zone argument and no zone applied
  ...define("make_timestamp_ntz", (args, _c, name) => {
    checkArity(name, args, 6);
    const types = args.slice(0, 5).map((a, i) => intArg(name, a, i));
    if (!NUMERIC.includes(args[5]!.type.kind)) typeMismatch(name, 5, args[5]!.type, "DECIMAL(16,6)");
    return { argTypes: [...types, DoubleType], returnType: TimestampNTZType };
  }, (args, _e, rt, ctx) =>
    mapRows(args, rt, ([y, mo, d, h, mi, sec]) => {
      const r = makeLocalUs(y as number, mo as number, d as number, h as number, mi as number, sec as number);
      if (typeof r === "number") return r;
      if (ctx.ansi) throw executionError(r[0], r[0] === "DATETIME_FIELD_OUT_OF_BOUNDS" ? `Invalid value for ${r[1]}. Use \`try_make_timestamp_ntz\` to return NULL instead.` : r[1]);
      return null;
    }),
  ),
];
