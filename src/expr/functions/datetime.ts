/**
 * Date and time functions. Timestamps are µs since the epoch (UTC); fields are read in the session
 * time zone (ctx.timeZone). Parsing with a pattern follows Spark's CORRECTED parser: under ANSI a
 * string that does not match raises CANNOT_PARSE_TIMESTAMP, otherwise it gives null.
 */
import { executionError } from "../../common/errors.js";
import { castVector } from "../cast.js";
import { makeVector } from "../../columnar/vector.js";
import { type DataType, DateType, IntegerType, LongType, StringType, TimestampNTZType, TimestampType } from "../../types/data-type.js";
import { addMonths, civilFromDays, dayOfYear, daysFromCivil, floorDiv, isoDayOfWeek, US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, US_PER_SECOND } from "../datetime/calendar.js";
import { compilePattern, formatPattern, parsePattern } from "../datetime/pattern.js";
import { fromLocalUs, getTimeZone, toLocalUs } from "../datetime/time-zone.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { checkArity, define, isLiteral, literalOf, mapRows, typeMismatch } from "./kernel.js";

const DEFAULT_FORMAT = "yyyy-MM-dd HH:mm:ss";

const cannotParse = (text: string, pattern: string) =>
  executionError(
    "CANNOT_PARSE_TIMESTAMP",
    `Text '${text}' could not be parsed with the pattern '${pattern}'. Use \`try_to_timestamp\` to tolerate invalid input string and return NULL instead.`,
    { text, pattern },
  );

/** A TIMESTAMP argument: a TIMESTAMP_NTZ is cast to one in the session zone, as Spark's implicit cast does (date_trunc, date_format). */
function asTimestampArg(name: string, a: ArgInfo, i: number): DataType {
  if (["timestamp", "timestamp_ntz", "date", "string", "null"].includes(a.type.kind)) return TimestampType;
  return typeMismatch(name, i, a.type, "TIMESTAMP");
}
function asDateArg(name: string, a: ArgInfo, i: number): DataType {
  if (["timestamp", "timestamp_ntz", "date", "string", "null"].includes(a.type.kind)) return DateType;
  return typeMismatch(name, i, a.type, "DATE");
}
/** The argument's own type when it is a TIMESTAMP_NTZ (read as the wall clock, no zone), else `other`. */
const ntzOr = (a: ArgInfo | undefined, other: () => DataType): DataType => (a?.type.kind === "timestamp_ntz" ? TimestampNTZType : other());

/** Parse strings with an optional literal pattern into UTC µs (shared by to_timestamp, to_date, unix_timestamp). */
function parser(argExprs: readonly RExpr[], ctx: EvalContext, fmtIndex: number, strict: boolean, wallClock = false): (s: string, fmt: unknown) => number | null {
  const zone = getTimeZone(ctx.timeZone);
  const lit = isLiteral(argExprs[fmtIndex]) ? literalOf(argExprs[fmtIndex]) : undefined;
  const fixed = typeof lit === "string" ? compilePattern(lit) : null;
  return (s, fmt) => {
    const pattern = (fmt as string | undefined) ?? DEFAULT_FORMAT;
    const r = parsePattern(fixed ?? compilePattern(pattern), s, zone, wallClock);
    if (r === null && strict) throw cannotParse(s, pattern);
    return r;
  };
}

const NUMBER_KINDS = new Set(["byte", "short", "int", "bigint", "float", "double", "decimal"]);

/**
 * to_timestamp(x[, fmt]) / try_to_timestamp / to_date. With spark.sql.timestampType =
 * TIMESTAMP_NTZ, to_timestamp is Spark's to_timestamp_ntz, and a number is read as text: Spark 4
 * gives to_timestamp(3600) = 3600-01-01 00:00:00 there (checked with PySpark), not epoch seconds.
 */
function resolveToTimestamp(args: readonly ArgInfo[], ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1, 2);
  if (ctx.timestampNTZ && name !== "to_date") {
    // text is cast here, so that try_to_timestamp gives null for what it cannot read
    if (args.length === 1 && (NUMBER_KINDS.has(args[0]!.type.kind) || args[0]!.type.kind === "string")) return { argTypes: [StringType], returnType: TimestampNTZType };
    return resolveToTimestampNtz(args, ctx, name);
  }
  const first = args.length === 1 ? (name === "to_date" ? asDateArg(name, args[0]!, 0) : asTimestampArg(name, args[0]!, 0)) : StringType;
  if (args.length === 2 && !["string", "null", "date", "timestamp"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "STRING");
  return { argTypes: args.length === 1 ? [first] : [args[0]!.type.kind === "string" ? StringType : TimestampType, StringType], returnType: name === "to_date" ? DateType : TimestampType };
}

function compileToTimestamp(args: readonly CompiledExpr[], argExprs: readonly RExpr[], rt: DataType, ctx: EvalContext, name: string): CompiledExpr {
  if (rt.kind === "timestamp_ntz") {
    if (args.length === 2 || argExprs[0]!.type.kind !== "string") return compileToTimestampNtz(args, argExprs, rt, ctx, name);
    const text = args[0]!;
    const mode = ctx.ansi && !name.startsWith("try_") ? "cast" : "try";
    return (batch) => castVector(text(batch), rt, mode, ctx);
  }
  if (args.length === 1) return args[0]!; // the analyzer's cast did the work (CAST semantics)
  const zone = getTimeZone(ctx.timeZone);
  const parse = parser(argExprs, ctx, 1, ctx.ansi && !name.startsWith("try_"));
  const fromTs = argExprs[0]!.type.kind === "timestamp";
  return mapRows(args, rt, ([s, fmt]) => {
    const us = fromTs ? (s as number) : parse(s as string, fmt);
    if (us === null) return null;
    return rt.kind === "date" ? floorDiv(toLocalUs(zone, us), US_PER_DAY) : us;
  });
}

/** to_timestamp_ntz(s[, fmt]): one argument is CAST(s AS TIMESTAMP_NTZ); with a pattern the text is read as a wall clock. */
function resolveToTimestampNtz(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1, 2);
  if (!["string", "null", "date", "timestamp", "timestamp_ntz"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "STRING");
  const first = args.length === 2 && args[0]!.type.kind === "string" ? StringType : TimestampNTZType;
  return { argTypes: [first, StringType].slice(0, args.length), returnType: TimestampNTZType };
}

function compileToTimestampNtz(args: readonly CompiledExpr[], argExprs: readonly RExpr[], rt: DataType, ctx: EvalContext, name: string): CompiledExpr {
  if (argExprs[0]!.type.kind !== "string") return args[0]!; // the analyzer's cast did the work (CAST semantics)
  const parse = parser(argExprs, ctx, 1, ctx.ansi && !name.startsWith("try_"), true);
  return mapRows(args, rt, ([s, fmt]) => parse(s as string, fmt));
}

function resolveDateFormat(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  return { argTypes: [asTimestampArg(name, args[0]!, 0), StringType], returnType: StringType };
}

function formatter(argExprs: readonly RExpr[], ctx: EvalContext, fmtIndex: number): (us: number, fmt: unknown) => string {
  const zone = getTimeZone(ctx.timeZone);
  const lit = isLiteral(argExprs[fmtIndex]) ? literalOf(argExprs[fmtIndex]) : undefined;
  const fixed = typeof lit === "string" ? compilePattern(lit) : null;
  return (us, fmt) => {
    const off = zone.offsetMs(Math.floor(us / 1000));
    return formatPattern(fixed ?? compilePattern((fmt as string | undefined) ?? DEFAULT_FORMAT), us + off * 1000, off, zone);
  };
}

const TRUNC_UNITS: Readonly<Record<string, string>> = {
  year: "year", yyyy: "year", yy: "year", quarter: "quarter", month: "month", mon: "month", mm: "month",
  week: "week", day: "day", dd: "day", hour: "hour", minute: "minute", second: "second",
  millisecond: "millisecond", microsecond: "microsecond",
};

function truncLocal(localUs: number, unit: string): number {
  const days = floorDiv(localUs, US_PER_DAY);
  switch (unit) {
    case "microsecond":
      return localUs;
    case "millisecond":
      return floorDiv(localUs, 1000) * 1000;
    case "second":
      return floorDiv(localUs, US_PER_SECOND) * US_PER_SECOND;
    case "minute":
      return floorDiv(localUs, US_PER_MINUTE) * US_PER_MINUTE;
    case "hour":
      return floorDiv(localUs, US_PER_HOUR) * US_PER_HOUR;
    case "day":
      return days * US_PER_DAY;
    case "week":
      return (days - isoDayOfWeek(days) + 1) * US_PER_DAY;
    default: {
      const c = civilFromDays(days);
      const m = unit === "year" ? 1 : unit === "quarter" ? Math.floor((c.month - 1) / 3) * 3 + 1 : c.month;
      return daysFromCivil(c.year, m, 1) * US_PER_DAY;
    }
  }
}

function resolveField(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1);
  const timeField = name === "hour" || name === "minute" || name === "second";
  const t = ntzOr(args[0], () => (args[0]!.type.kind === "timestamp" || timeField ? asTimestampArg(name, args[0]!, 0) : asDateArg(name, args[0]!, 0)));
  return { argTypes: [t], returnType: IntegerType };
}

function compileField(args: readonly CompiledExpr[], argExprs: readonly RExpr[], _rt: DataType, ctx: EvalContext, name: string): CompiledExpr {
  const zone = getTimeZone(ctx.timeZone);
  const isTs = argExprs[0]!.type.kind === "timestamp";
  const isNtz = argExprs[0]!.type.kind === "timestamp_ntz";
  const f = args[0]!;
  const c = { year: 0, month: 0, day: 0 };
  return (batch) => {
    const v = f(batch);
    const n = batch.numRows;
    const x = v.values as Float64Array | Int32Array;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (v.validity !== null && v.validity[i] === 0) continue;
      const local = isTs ? toLocalUs(zone, x[i]!) : isNtz ? x[i]! : x[i]! * US_PER_DAY;
      const days = floorDiv(local, US_PER_DAY);
      const tod = local - days * US_PER_DAY;
      switch (name) {
        case "hour":
          out[i] = Math.floor(tod / US_PER_HOUR);
          break;
        case "minute":
          out[i] = Math.floor(tod / US_PER_MINUTE) % 60;
          break;
        case "second":
          out[i] = Math.floor(tod / US_PER_SECOND) % 60;
          break;
        case "dayofweek":
          out[i] = (isoDayOfWeek(days) % 7) + 1;
          break;
        case "weekday":
          out[i] = isoDayOfWeek(days) - 1;
          break;
        case "dayofyear":
          out[i] = dayOfYear(days);
          break;
        default: {
          civilFromDays(days, c);
          out[i] = name === "year" ? c.year : name === "month" ? c.month : name === "quarter" ? Math.floor((c.month - 1) / 3) + 1 : c.day;
        }
      }
    }
    return makeVector(IntegerType, out, v.validity);
  };
}

function resolveDateArith(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  if (name === "datediff") return { argTypes: [asDateArg(name, args[0]!, 0), asDateArg(name, args[1]!, 1)], returnType: IntegerType };
  if (!["byte", "short", "int", "bigint", "null", "string"].includes(args[1]!.type.kind)) typeMismatch(name, 1, args[1]!.type, "INT");
  return { argTypes: [asDateArg(name, args[0]!, 0), IntegerType], returnType: DateType };
}

/** Event-time window fields from the literal duration arguments. */
function windowSpec(argExprs: readonly RExpr[], name: string): { dur: number; slide: number; start: number } {
  const text = (i: number, dflt: string | undefined) => {
    if (argExprs[i] === undefined) return dflt;
    const v = literalOf(argExprs[i]);
    if (typeof v !== "string") throw executionError("INVALID_WINDOW_SPEC", `${name}: parameter ${i + 1} must be a literal interval string such as '10 minutes'.`);
    return v;
  };
  const dur = parseIntervalUsChecked(text(1, undefined)!, name, "windowDuration");
  const slide = parseIntervalUsChecked(text(2, text(1, undefined))!, name, "slideDuration");
  const start = parseIntervalUsChecked(text(3, "0 seconds")!, name, "startTime", true);
  if (slide > dur) throw executionError("INVALID_WINDOW_SPEC", `${name}: the slide duration must be less than or equal to the window duration.`);
  if (Math.abs(start) >= slide) throw executionError("INVALID_WINDOW_SPEC", `${name}: the absolute value of the start time must be less than the slide duration.`);
  return { dur, slide, start };
}

import { parseIntervalUs } from "../datetime/interval.js";
function parseIntervalUsChecked(text: string, name: string, what: string, allowZero = false): number {
  const us = parseIntervalUs(text);
  if (us < 0 || (us === 0 && !allowZero)) {
    throw executionError("INVALID_WINDOW_SPEC", `${name}: the ${what} '${text}' must be positive. Use a duration such as '10 minutes'.`, { [what]: text });
  }
  return us;
}

export const WINDOW_TYPE: DataType = {
  kind: "struct",
  fields: [
    { name: "start", type: TimestampType, nullable: true },
    { name: "end", type: TimestampType, nullable: true },
  ],
};

/** The window struct of a TIMESTAMP_NTZ time column: struct<start: TIMESTAMP_NTZ, end: TIMESTAMP_NTZ>. */
export const WINDOW_NTZ_TYPE: DataType = {
  kind: "struct",
  fields: [
    { name: "start", type: TimestampNTZType, nullable: true },
    { name: "end", type: TimestampNTZType, nullable: true },
  ],
};

/** A window struct<start: TIMESTAMP, end: TIMESTAMP> (the `window` column of a window aggregation), or its TIMESTAMP_NTZ form. */
export const isWindowStruct = (t: DataType): boolean =>
  t.kind === "struct" && t.fields.length === 2 && t.fields.every((f, i) => f.name === ["start", "end"][i] && (f.type.kind === "timestamp" || f.type.kind === "timestamp_ntz"));

function resolveWindow(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2, 4);
  if (!["timestamp", "timestamp_ntz", "null"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "TIMESTAMP");
  // a TIMESTAMP_NTZ time column gives windows of wall-clock bounds, as in Spark
  const ntz = args[0]!.type.kind === "timestamp_ntz";
  const wt = ntz ? WINDOW_NTZ_TYPE : WINDOW_TYPE;
  const rt = name === "window" ? wt : { kind: "array" as const, elementType: wt, containsNull: false };
  return { argTypes: [ntz ? TimestampNTZType : TimestampType, ...args.slice(1).map(() => StringType)], returnType: rt };
}

function compileWindow(args: readonly CompiledExpr[], argExprs: readonly RExpr[], rt: DataType, _ctx: EvalContext, name: string): CompiledExpr {
  const { dur, slide, start } = windowSpec(argExprs, name);
  if (name === "window" && slide !== dur) {
    throw executionError(
      "UNSUPPORTED_SLIDING_WINDOW",
      "A sliding window(ts, duration, slide) is only supported as a grouping key (groupBy(window(...))); use a tumbling window here.",
    );
  }
  const ts = args[0]!;
  if (name === "window")
    return mapRows([ts], rt, ([t]) => {
      const s = (t as number) - (((((t as number) - start) % dur) + dur) % dur);
      return { start: s, end: s + dur };
    });
  const maxOverlap = Math.ceil(dur / slide);
  return mapRows([ts], rt, ([tv]) => {
    const t = tv as number;
    const lastStart = t - ((((t - start) % slide) + slide) % slide);
    const out: { start: number; end: number }[] = [];
    for (let i = 0; i < maxOverlap; i++) {
      const s = lastStart - i * slide;
      if (s <= t && t < s + dur) out.push({ start: s, end: s + dur });
    }
    return out;
  });
}

const ctxNow = (ctx: EvalContext) => ctx.currentTimestampUs;
/** Spark's synonyms: dateadd = date_add, date_diff = datediff. */
const ALIAS: Readonly<Record<string, string>> = { dateadd: "date_add", date_diff: "datediff" };

export const datetimeFunctions: ScalarFunction[] = [
  ...define(["current_timestamp", "now"], (args, _c, name) => (checkArity(name, args, 0), { argTypes: [], returnType: TimestampType, nullable: false }), (_a, _e, rt, ctx) => {
    const now = ctxNow(ctx);
    return (batch) => makeVector(rt, new Float64Array(batch.numRows).fill(now), null);
  }),
  // the session zone's wall clock at the query's start, as a TIMESTAMP_NTZ
  ...define("localtimestamp", (args, _c, name) => (checkArity(name, args, 0), { argTypes: [], returnType: TimestampNTZType, nullable: false }), (_a, _e, rt, ctx) => {
    const now = toLocalUs(getTimeZone(ctx.timeZone), ctxNow(ctx));
    return (batch) => makeVector(rt, new Float64Array(batch.numRows).fill(now), null);
  }),
  ...define(["to_timestamp_ntz", "try_to_timestamp_ntz"], resolveToTimestampNtz, compileToTimestampNtz),
  ...define(["current_date", "curdate"], (args, _c, name) => (checkArity(name, args, 0), { argTypes: [], returnType: DateType, nullable: false }), (_a, _e, rt, ctx) => {
    const day = floorDiv(toLocalUs(getTimeZone(ctx.timeZone), ctxNow(ctx)), US_PER_DAY);
    return (batch) => makeVector(rt, new Int32Array(batch.numRows).fill(day), null);
  }),
  ...define(["to_timestamp", "to_date", "try_to_timestamp"], resolveToTimestamp, compileToTimestamp),
  // TIMESTAMP_LTZ whatever spark.sql.timestampType says: to_timestamp_ltz, and timestamp(x) = CAST(x AS TIMESTAMP_LTZ)
  ...define(["to_timestamp_ltz", "try_to_timestamp_ltz", "timestamp"], (args, ctx, name) => {
    if (name === "timestamp") checkArity(name, args, 1);
    return resolveToTimestamp(args, { ...ctx, timestampNTZ: false }, name);
  }, (args, argExprs, rt, ctx, name) => compileToTimestamp(args, argExprs, rt, { ...ctx, timestampNTZ: false }, name)),
  ...define("date_format", resolveDateFormat, (args, argExprs, _rt, ctx) => {
    const fmt = formatter(argExprs, ctx, 1);
    return mapRows(args, StringType, ([us, f]) => fmt(us as number, f));
  }),
  ...define("from_unixtime", (args, _c, name) => {
    checkArity(name, args, 1, 2);
    if (!["int", "bigint", "null", "double", "decimal", "float", "string"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "BIGINT");
    return { argTypes: [LongType, StringType].slice(0, args.length), returnType: StringType };
  }, (args, argExprs, _rt, ctx) => {
    const fmt = formatter(argExprs, ctx, 1);
    return mapRows(args, StringType, ([sec, f]) => fmt((sec as number) * US_PER_SECOND, f));
  }),
  ...define(["unix_timestamp", "to_unix_timestamp"], (args, _c, name) => {
    checkArity(name, args, 0, 2);
    // a TIMESTAMP_NTZ counts its wall clock as UTC, as Spark's unix_timestamp does
    const first = args[0] === undefined ? [] : [args[0].type.kind === "string" ? StringType : ntzOr(args[0], () => asTimestampArg(name, args[0]!, 0))];
    return { argTypes: [...first, ...args.slice(1).map(() => StringType)], returnType: LongType };
  }, (args, argExprs, _rt, ctx) => {
    if (args.length === 0) {
      const now = floorDiv(ctx.currentTimestampUs, US_PER_SECOND);
      return (batch) => makeVector(LongType, new Float64Array(batch.numRows).fill(now), null);
    }
    const parse = parser(argExprs, ctx, 1, ctx.ansi);
    const fromString = argExprs[0]!.type.kind === "string";
    return mapRows(args, LongType, ([v, f]) => {
      const us = fromString ? parse(v as string, f) : (v as number);
      return us === null ? null : floorDiv(us, US_PER_SECOND);
    });
  }),
  ...define("date_trunc", (args, _c, name) => (checkArity(name, args, 2), { argTypes: [StringType, asTimestampArg(name, args[1]!, 1)], returnType: TimestampType }), (args, _e, _rt, ctx) => {
    const zone = getTimeZone(ctx.timeZone);
    return mapRows(args, TimestampType, ([u, ts]) => {
      const unit = TRUNC_UNITS[(u as string).toLowerCase()];
      if (unit === undefined) return null;
      if (unit === "microsecond" || unit === "millisecond" || unit === "second" || (zone.fixed && unit !== "week")) {
        if (zone.fixed) return truncLocal((ts as number) + zone.offsetMs(0) * 1000, unit) - zone.offsetMs(0) * 1000;
        return truncLocal(ts as number, unit);
      }
      return fromLocalUs(zone, truncLocal(toLocalUs(zone, ts as number), unit));
    });
  }),
  ...define(["year", "month", "quarter", "dayofmonth", "day", "dayofweek", "weekday", "dayofyear", "hour", "minute", "second"], resolveField, compileField),
  ...define(["date_add", "date_sub", "datediff", "add_months", "dateadd", "date_diff"], (args, ctx, name) => resolveDateArith(args, ctx, ALIAS[name] ?? name), (args, _e, rt, _ctx, alias) => {
    const name = ALIAS[alias] ?? alias;
    return mapRows(args, rt, ([a, b]) =>
      name === "date_add" ? (a as number) + (b as number) : name === "date_sub" ? (a as number) - (b as number) : name === "add_months" ? addMonths(a as number, b as number) : (a as number) - (b as number),
    );
  }),
  ...define(["timestamp_seconds", "timestamp_millis", "timestamp_micros"], (args, _c, name) => {
    checkArity(name, args, 1);
    if (!["int", "bigint", "double", "float", "decimal", "null"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "a numeric type");
    const t = name === "timestamp_seconds" && args[0]!.type.kind !== "int" && args[0]!.type.kind !== "bigint" ? { kind: "double" as const } : LongType;
    return { argTypes: [t], returnType: TimestampType };
  }, (args, _e, _rt, _ctx, name) => {
    const mul = name === "timestamp_seconds" ? US_PER_SECOND : name === "timestamp_millis" ? 1000 : 1;
    return mapRows(args, TimestampType, ([x]) => Math.round((x as number) * mul));
  }),
  ...define(["window", "__sliding_windows"], resolveWindow, compileWindow),
  ...define("window_time", (args, _c, name) => {
    checkArity(name, args, 1);
    const t = args[0]!.type;
    if (t.kind !== "struct" || !t.fields.some((f) => f.name === "end")) typeMismatch(name, 0, t, "a window struct<start: TIMESTAMP, end: TIMESTAMP>");
    // the window's own bound type: a TIMESTAMP_NTZ window's time is a TIMESTAMP_NTZ
    const end = t.fields.find((f) => f.name === "end")!.type;
    return { argTypes: [t], returnType: end.kind === "timestamp_ntz" ? TimestampNTZType : TimestampType };
  }, (args, _e, rt) => mapRows(args, rt, ([w]) => {
    const end = (w as { end: number | null }).end;
    return end === null ? null : end - 1;
  })),
];
