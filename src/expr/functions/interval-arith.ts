/**
 * Datetime ± INTERVAL. The SQL parser lowers `INTERVAL '2' DAY` to the string literal '2 day', so
 * `add`/`subtract` with a TIMESTAMP or DATE on one side and an interval-text literal on the other
 * land here. As in Spark, the arithmetic runs on the session-local wall clock: months first (the
 * day clamped to the month's end), then the exact part, then back to an instant (a time in a DST
 * gap moves forward). Result types follow Spark: DATE ± a whole-day or year-month interval is a
 * DATE, DATE ± an interval with hours or smaller units is a TIMESTAMP.
 */
import { makeVector } from "../../columnar/vector.js";
import { type DataType, DateType, StringType, TimestampType } from "../../types/data-type.js";
import { addMonths, floorDiv, US_PER_DAY } from "../datetime/calendar.js";
import { type CalendarInterval, parseCalendarInterval } from "../datetime/interval.js";
import { fromLocalUs, getTimeZone, type TimeZone, toLocalUs } from "../datetime/time-zone.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { literalOf } from "./kernel.js";

const isDatetime = (t: DataType) => t.kind === "timestamp" || t.kind === "date";

function intervalOf(a: ArgInfo | RExpr): CalendarInterval | null {
  const v = literalOf(a);
  return typeof v === "string" ? parseCalendarInterval(v) : null;
}

/** The signature of `datetime ± interval-literal` (or `interval + datetime`), or null when it is not one. */
export function resolveIntervalArith(op: "add" | "subtract", a: ArgInfo, b: ArgInfo): ResolvedSignature | null {
  const left = isDatetime(a.type) && b.type.kind === "string" ? intervalOf(b) : null;
  const right = op === "add" && isDatetime(b.type) && a.type.kind === "string" ? intervalOf(a) : null;
  const iv = left ?? right;
  if (iv === null) return null;
  const dt = left ? a.type : b.type;
  const dateResult = dt.kind === "date" && iv.micros % US_PER_DAY === 0;
  const t = dateResult ? DateType : TimestampType;
  return { argTypes: left ? [t, StringType] : [StringType, t], returnType: t };
}

/** Kernel for a signature from resolveIntervalArith; the interval is the string-typed literal argument. */
export function compileIntervalArith(op: "add" | "subtract", args: readonly CompiledExpr[], argExprs: readonly RExpr[], rt: DataType, ctx: EvalContext): CompiledExpr {
  const ivIndex = argExprs[0]!.type.kind === "string" ? 0 : 1;
  const iv = intervalOf(argExprs[ivIndex]!)!;
  const sign = op === "subtract" ? -1 : 1;
  const months = sign * iv.months;
  const micros = sign * iv.micros;
  const f = args[1 - ivIndex]!; // the interval literal is never null, so only the datetime's validity counts
  if (rt.kind === "date") {
    const days = micros / US_PER_DAY;
    return (batch) => {
      const v = f(batch);
      const n = batch.numRows;
      const x = v.values as Int32Array;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = (months === 0 ? x[i]! : addMonths(x[i]!, months)) + days;
      return makeVector(DateType, out, v.validity);
    };
  }
  const zone = getTimeZone(ctx.timeZone);
  return (batch) => {
    const v = f(batch);
    const n = batch.numRows;
    const x = v.values as Float64Array;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (v.validity !== null && v.validity[i] === 0) continue;
      let local = toLocalUs(zone, x[i]!);
      if (months !== 0) {
        const d = floorDiv(local, US_PER_DAY);
        local = addMonths(d, months) * US_PER_DAY + (local - d * US_PER_DAY);
      }
      out[i] = fromLocalUs(zone, local + micros);
    }
    return makeVector(TimestampType, out, v.validity);
  };
}

/**
 * The instant `us` (µs) plus a calendar interval, as Spark adds a CalendarInterval to a timestamp
 * (e.g. a session_window gap): months, then days, on the local date-time of `zone` (the day
 * clamped to the month's end; in a DST overlap the original offset is kept when still valid, in
 * a gap the time moves forward), then `micros` as exact elapsed time.
 */
export function addCalendarInterval(zone: TimeZone, us: number, months: number, days: number, micros: number): number {
  if (months === 0 && days === 0) return us + micros;
  const local = toLocalUs(zone, us);
  const d = floorDiv(local, US_PER_DAY);
  const shiftedDays = (months === 0 ? d : addMonths(d, months)) + days;
  const moved = local + (shiftedDays - d) * US_PER_DAY;
  if (zone.fixed) return moved - (local - us) + micros;
  const kept = moved - (local - us);
  return (toLocalUs(zone, kept) === moved ? kept : fromLocalUs(zone, moved)) + micros;
}
