/**
 * Arithmetic on Spark's ANSI interval types (YEAR-MONTH: months; DAY-TIME: µs), as PySpark 4.0.1 does it:
 *   - TIMESTAMP ± interval and DATE ± interval on the session-local wall clock (months first, the
 *     day clamped to the month's end, then the exact part; back to an instant with a DST gap moved
 *     forward). DATE ± YEAR-MONTH and DATE ± a DAY-only interval stay DATE; DATE ± any other
 *     DAY-TIME interval is a TIMESTAMP.
 *   - TIMESTAMP − TIMESTAMP → INTERVAL DAY TO SECOND (the local wall-clock difference);
 *     DATE − DATE → INTERVAL DAY.
 *   - interval ± interval of the same family → the union of both fields (`INTERVAL DAY + INTERVAL
 *     HOUR` is DAY TO HOUR); mixing the families is a DATATYPE_MISMATCH.
 *   - interval × number, number × interval, interval ÷ number → the family's widest type; integral
 *     factors exactly, decimals and doubles rounded HALF_UP; ÷ 0 is INTERVAL_DIVIDED_BY_ZERO and
 *     overflow is ARITHMETIC_OVERFLOW whatever spark.sql.ansi.enabled says, as in Spark.
 */
import { analysisError, executionError } from "../../common/errors.js";
import { makeVector, type Vector } from "../../columnar/vector.js";
import {
  type DataType,
  DateType,
  DayTimeIntervalType,
  type DayTimeIntervalType as DTType,
  isAnsiInterval,
  sqlTypeName,
  TimestampType,
  YearMonthIntervalType,
} from "../../types/data-type.js";
import { POW10 } from "../../types/decimal-value.js";
import { addMonths, floorDiv, US_PER_DAY } from "../datetime/calendar.js";
import { fromLocalUs, getTimeZone, type TimeZone, toLocalUs } from "../datetime/time-zone.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { mergeValidity } from "./kernel.js";

const INT_MAX = 2 ** 31 - 1;
const LONG_MAX = 2n ** 63n - 1n;
const isDatetime = (t: DataType) => t.kind === "timestamp" || t.kind === "date";

const intervalOverflow = (what: "integer" | "long") =>
  executionError("ARITHMETIC_OVERFLOW", `${what} overflow in interval arithmetic. The result does not fit the interval type's range.`, {});
const dividedByZero = () => executionError("INTERVAL_DIVIDED_BY_ZERO", "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead.", {});

function mismatch(op: string, a: DataType, b: DataType): never {
  throw analysisError(
    "DATATYPE_MISMATCH",
    `Cannot resolve "${op}" due to data type mismatch: "${sqlTypeName(a)}" and "${sqlTypeName(b)}" cannot be combined; a YEAR-MONTH and a DAY-TIME interval have no common type.`,
    { left: sqlTypeName(a), right: sqlTypeName(b) },
  );
}

/** The type an interval ± interval result has: the union of both fields. */
function unionFields(a: DataType, b: DataType): DataType {
  const x = a as DTType;
  const y = b as DTType;
  const start = Math.min(x.startField, y.startField);
  const end = Math.max(x.endField, y.endField);
  return a.kind === "year_month_interval" ? YearMonthIntervalType(start, end) : DayTimeIntervalType(start, end);
}

/** The result of DATE/TIMESTAMP ± interval. */
function datetimeResult(dt: DataType, iv: DataType): DataType {
  if (dt.kind === "timestamp") return TimestampType;
  return iv.kind === "year_month_interval" || (iv as DTType).endField === 0 ? DateType : TimestampType;
}

/** The signature of add/subtract on ANSI intervals or datetime − datetime, or null when neither side is one. */
export function resolveAnsiIntervalArith(op: "add" | "subtract", a: ArgInfo, b: ArgInfo): ResolvedSignature | null {
  const [ta, tb] = [a.type, b.type];
  if (isDatetime(ta) && isAnsiInterval(tb)) return { argTypes: [ta, tb], returnType: datetimeResult(ta, tb) };
  if (op === "add" && isAnsiInterval(ta) && isDatetime(tb)) return { argTypes: [ta, tb], returnType: datetimeResult(tb, ta) };
  if (isAnsiInterval(ta) && isAnsiInterval(tb)) {
    if (ta.kind !== tb.kind) mismatch(op, ta, tb);
    const rt = unionFields(ta, tb);
    return { argTypes: [rt, rt], returnType: rt };
  }
  if (op === "subtract" && ta.kind === "date" && tb.kind === "date") return { argTypes: [DateType, DateType], returnType: DayTimeIntervalType(0, 0) };
  if (op === "subtract" && isDatetime(ta) && isDatetime(tb)) return { argTypes: [TimestampType, TimestampType], returnType: DayTimeIntervalType() };
  if (isAnsiInterval(ta) || isAnsiInterval(tb)) mismatch(op, ta, tb);
  return null;
}

/** The signature of interval × number, number × interval or interval ÷ number, or null. */
export function resolveIntervalScale(op: "multiply" | "divide", a: ArgInfo, b: ArgInfo): ResolvedSignature | null {
  const ivLeft = isAnsiInterval(a.type);
  const ivRight = op === "multiply" && isAnsiInterval(b.type);
  if (!ivLeft && !ivRight) return null;
  const [iv, num] = ivLeft ? [a.type, b.type] : [b.type, a.type];
  const numeric = ["int", "bigint", "float", "double", "decimal", "null"].includes(num.kind);
  if (!numeric) mismatch(op, a.type, b.type);
  const rt = iv.kind === "year_month_interval" ? YearMonthIntervalType() : DayTimeIntervalType();
  const n = num.kind === "null" ? { kind: "double" as const } : num;
  return { argTypes: ivLeft ? [iv, n] : [n, iv], returnType: rt };
}

/** One interval as months and µs (a row of a YEAR-MONTH or DAY-TIME vector). */
const monthsAt = (v: Vector, i: number) => (v.type.kind === "year_month_interval" ? (v.values as Int32Array)[i]! : 0);
const microsAt = (v: Vector, i: number) => (v.type.kind === "day_time_interval" ? Number((v.values as BigInt64Array)[i]!) : 0);

/** `us` + months and µs on the local wall clock of `zone` (Spark's timestampAddInterval without days). */
export function addOnWallClock(zone: TimeZone, us: number, months: number, micros: number): number {
  if (months === 0 && zone.fixed) return us + micros; // a fixed offset: the wall clock moves with the instant
  let local = toLocalUs(zone, us);
  if (months !== 0) {
    const d = floorDiv(local, US_PER_DAY);
    local = addMonths(d, months) * US_PER_DAY + (local - d * US_PER_DAY);
  }
  return fromLocalUs(zone, local + micros);
}

export function compileAnsiIntervalArith(op: "add" | "subtract", args: readonly CompiledExpr[], argExprs: readonly RExpr[], rt: DataType, ctx: EvalContext): CompiledExpr {
  const [ta, tb] = [argExprs[0]!.type, argExprs[1]!.type];
  const sign = op === "subtract" ? -1 : 1;
  const zone = getTimeZone(ctx.timeZone);
  const [fa, fb] = [args[0]!, args[1]!];
  if (isAnsiInterval(rt)) {
    if (ta.kind === "date") return binary(fa, fb, rt, (x, y, i) => BigInt(((x.values as Int32Array)[i]! - (y.values as Int32Array)[i]!)) * BigInt(US_PER_DAY));
    if (ta.kind === "timestamp")
      return binary(fa, fb, rt, (x, y, i) => BigInt(toLocalUs(zone, (x.values as Float64Array)[i]!) - toLocalUs(zone, (y.values as Float64Array)[i]!)));
    if (rt.kind === "year_month_interval")
      return binary(fa, fb, rt, (x, y, i) => checkedInt((x.values as Int32Array)[i]! + sign * (y.values as Int32Array)[i]!));
    return binary(fa, fb, rt, (x, y, i) => checkedLong((x.values as BigInt64Array)[i]! + BigInt(sign) * (y.values as BigInt64Array)[i]!));
  }
  const ivFirst = isAnsiInterval(ta);
  const dtType = ivFirst ? tb : ta;
  const [fd, fi] = ivFirst ? [fb, fa] : [fa, fb];
  if (rt.kind === "date") {
    return binary(fd, fi, rt, (d, iv, i) => {
      const day = (d.values as Int32Array)[i]!;
      const months = sign * monthsAt(iv, i);
      return (months === 0 ? day : addMonths(day, months)) + (sign * microsAt(iv, i)) / US_PER_DAY;
    });
  }
  return binary(fd, fi, rt, (d, iv, i) => {
    const us = dtType.kind === "date" ? fromLocalUs(zone, (d.values as Int32Array)[i]! * US_PER_DAY) : (d.values as Float64Array)[i]!;
    return addOnWallClock(zone, us, sign * monthsAt(iv, i), sign * microsAt(iv, i));
  });
}

function checkedInt(r: number): number {
  if (r > INT_MAX || r < -INT_MAX - 1) throw intervalOverflow("integer");
  return r;
}
function checkedLong(r: bigint): bigint {
  if (r > LONG_MAX || r < -LONG_MAX - 1n) throw intervalOverflow("long");
  return r;
}

/** A row-wise binary kernel; `f` runs only for rows where both inputs are valid. */
function binary(fa: CompiledExpr, fb: CompiledExpr, rt: DataType, f: (a: Vector, b: Vector, i: number) => number | bigint): CompiledExpr {
  return (batch) => {
    const a = fa(batch);
    const b = fb(batch);
    const n = batch.numRows;
    const valid = mergeValidity([a, b], n);
    const out = rt.kind === "day_time_interval" ? new BigInt64Array(n) : rt.kind === "timestamp" ? new Float64Array(n) : new Int32Array(n);
    for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) (out as unknown as (number | bigint)[])[i] = f(a, b, i);
    return makeVector(rt, out, valid);
  };
}

/** n / d rounded HALF_UP (away from zero on a tie), exactly. */
export function divHalfUp(n: bigint, d: bigint): bigint {
  if (d < 0n) return divHalfUp(-n, -d);
  const q = n / d;
  const r = n % d;
  return 2n * (r < 0n ? -r : r) >= d ? q + (n < 0n ? -1n : 1n) : q;
}

/** The exact rational value of a number argument as [numerator, denominator], or a double. */
function numberAt(v: Vector, i: number): readonly [bigint, bigint] | number {
  const x = (v.values as ArrayLike<unknown>)[i];
  switch (v.type.kind) {
    case "int":
      return [BigInt(x as number), 1n];
    case "bigint":
      return [x as bigint, 1n];
    case "decimal":
      return [x as bigint, POW10[v.type.scale]!];
    default:
      return x as number;
  }
}

export function compileIntervalScale(op: "multiply" | "divide", args: readonly CompiledExpr[], argExprs: readonly RExpr[], rt: DataType): CompiledExpr {
  const ivFirst = isAnsiInterval(argExprs[0]!.type);
  const [fi, fn] = ivFirst ? [args[0]!, args[1]!] : [args[1]!, args[0]!];
  const ym = rt.kind === "year_month_interval";
  return binary(fi, fn, rt, (iv, num, i) => {
    const base = ym ? BigInt((iv.values as Int32Array)[i]!) : (iv.values as BigInt64Array)[i]!;
    const k = numberAt(num, i);
    let r: bigint;
    if (typeof k === "number") {
      if (op === "divide" && k === 0) throw dividedByZero();
      const x = op === "multiply" ? Number(base) * k : Number(base) / k;
      if (!Number.isFinite(x)) throw intervalOverflow(ym ? "integer" : "long");
      r = BigInt(x < 0 ? -Math.round(-x) : Math.round(x));
    } else if (op === "multiply") r = divHalfUp(base * k[0], k[1]);
    else {
      if (k[0] === 0n) throw dividedByZero();
      r = divHalfUp(base * k[1], k[0]);
    }
    return ym ? checkedInt(Number(r)) : checkedLong(r);
  });
}

/** -interval, with Spark's overflow error for the most negative value. */
export function compileIntervalNegate(f: CompiledExpr, rt: DataType): CompiledExpr {
  return (batch) => {
    const v = f(batch);
    const n = batch.numRows;
    if (rt.kind === "year_month_interval") {
      const x = v.values as Int32Array;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) if (v.validity === null || v.validity[i] === 1) out[i] = checkedInt(-x[i]!);
      return makeVector(rt, out, v.validity);
    }
    const x = v.values as BigInt64Array;
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) if (v.validity === null || v.validity[i] === 1) out[i] = checkedLong(-x[i]!);
    return makeVector(rt, out, v.validity);
  };
}
