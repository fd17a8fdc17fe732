/**
 * CAST between Spark types, column at a time. `mode` "cast" follows ctx.ansi (ANSI: bad input →
 * CAST_INVALID_INPUT, out of range → CAST_OVERFLOW; legacy: null / Java wrap-around), "try" gives
 * null on any failure. Strings ↔ DATE / TIMESTAMP use the session time zone (ctx.timeZone).
 *
 * Steps: 1. same type → the vector itself; 2. a per-value converter for the (from, to) pair,
 * returning the new engine value or a failure marker; 3. one loop applies it, turning failures
 * into errors or nulls. Hot numeric widenings (int → bigint/double) skip the converter.
 */
import { executionError, SluiceError } from "../common/errors.js";
import { allocValues, makeVector, nullVector, storageOf, type Vector } from "../columnar/vector.js";
import { type DataType, type DayTimeIntervalType, type DecimalType, IntegerType, isAnsiInterval, isIntegral, isNumeric, isSmallIntegral, isTimestampLike, sameType, sqlTypeName } from "../types/data-type.js";
import { parseDayTimeInterval, parseYearMonthInterval } from "./datetime/ansi-interval.js";
import { decimalFromDouble, decimalToDouble, fitsPrecision, parseDecimalText, POW10, rescale, toDecimal } from "../types/decimal-value.js";
import { US_PER_DAY, US_PER_SECOND, floorDiv } from "./datetime/calendar.js";
import { formatDateDays, formatLocalTimestampUs, parseDateText, parseLocalTimestampText, parseTimestampText } from "./datetime/timestamp-text.js";
import { fromLocalUs, getTimeZone, toLocalUs } from "./datetime/time-zone.js";
import type { EvalContext } from "./function-types.js";
import { castVariantVector } from "./variant-cast.js";
import { canCastVariant } from "../types/coercion.js";
import { formatDecimal, formatDouble, formatLong, valueToText } from "./functions/value-text.js";

export type CastMode = "cast" | "try";

const INVALID = Symbol("invalid");
const OVERFLOW = Symbol("overflow");
type Fail = typeof INVALID | typeof OVERFLOW;
type Converter = (x: unknown) => unknown;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const TWO63 = 2 ** 63;

const isNumericKind = isNumeric;

/** Whether Spark allows CAST(from AS to) (ANSI rules; try_cast allows the same pairs). */
export function canCast(from: DataType, to: DataType): boolean {
  if (from.kind === "null" || sameType(from, to)) return true;
  if (from.kind === "variant" || to.kind === "variant") return canCastVariant(from, to);
  if (to.kind === "string") return true;
  switch (from.kind) {
    case "string":
      return to.kind !== "array" && to.kind !== "map" && to.kind !== "struct";
    case "year_month_interval":
    case "day_time_interval":
      return to.kind === from.kind || isIntegral(to) || to.kind === "decimal";
    case "boolean":
    case "byte":
    case "short":
    case "int":
    case "bigint":
    case "float":
    case "double":
    case "decimal":
      return isNumericKind(to) || to.kind === "boolean" || (to.kind === "timestamp" && from.kind !== "boolean") || (isAnsiInterval(to) && from.kind !== "boolean" && from.kind !== "float" && from.kind !== "double");
    case "date":
      return isTimestampLike(to) || to.kind === "date";
    case "timestamp":
      return to.kind === "date" || (isNumericKind(to) && to.kind !== "decimal") || isTimestampLike(to);
    // Spark's Cast: TIMESTAMP_NTZ converts only to and from STRING, DATE and TIMESTAMP
    case "timestamp_ntz":
      return to.kind === "date" || isTimestampLike(to);
    case "binary":
      return to.kind === "binary";
    case "array":
      return to.kind === "array" && canCast(from.elementType, to.elementType);
    case "map":
      return to.kind === "map" && canCast(from.keyType, to.keyType) && canCast(from.valueType, to.valueType);
    case "struct":
      return to.kind === "struct" && to.fields.length === from.fields.length && from.fields.every((f, i) => canCast(f.type, to.fields[i]!.type));
  }
}

/** Cast a vector to `to`; the result has the same length and `to` as its type. */
export function castVector(v: Vector, to: DataType, mode: CastMode, ctx: EvalContext): Vector {
  if (sameType(v.type, to)) return v.type === to ? v : makeVector(to, v.values, v.validity);
  if (v.type.kind === "null") return nullVector(to, v.length);
  if (v.type.kind === "variant" || to.kind === "variant") return castVariantVector(v, to, mode === "cast" && ctx.ansi, ctx, (x, t) => castVector(x, t, "try", ctx));
  const fast = fastWiden(v, to);
  if (fast) return fast;
  const conv = converter(v.type, to, mode, ctx);
  const n = v.length;
  const fromBool = storageOf(v.type) === "bool";
  const toBool = storageOf(to) === "bool";
  const out = allocValues(to, n) as unknown[];
  let validity: Uint8Array | null = null;
  const src = v.values as unknown[];
  for (let i = 0; i < n; i++) {
    if (v.validity !== null && v.validity[i] === 0) {
      validity ??= initValidity(v.validity, n);
      if (storageOf(to) === "obj") out[i] = null;
      continue;
    }
    const x = fromBool ? src[i] === 1 : src[i];
    const r = conv(x);
    if (r === INVALID || r === OVERFLOW || r === null) {
      if (mode === "cast" && ctx.ansi && r !== null) throw castError(r as Fail, x, v.type, to);
      validity ??= initValidity(v.validity, n);
      validity[i] = 0;
      if (storageOf(to) === "obj") out[i] = null;
      continue;
    }
    out[i] = toBool ? (r ? 1 : 0) : r;
  }
  return makeVector(to, out as Vector["values"], validity);
}

function initValidity(src: Uint8Array | null, n: number): Uint8Array {
  return src ? src.slice(0, n) : new Uint8Array(n).fill(1);
}

function fastWiden(v: Vector, to: DataType): Vector | null {
  const f = v.type.kind;
  if (f === "int" && to.kind === "bigint") {
    const src = v.values as Int32Array;
    const out = new BigInt64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = BigInt(src[i]!);
    return makeVector(to, out, v.validity);
  }
  if (f === "bigint" && to.kind === "double") {
    const src = v.values as BigInt64Array;
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = Number(src[i]!);
    return makeVector(to, out, v.validity);
  }
  if ((f === "int" && to.kind === "double") || (f === "float" && to.kind === "double")) {
    return makeVector(to, Float64Array.from(v.values as Int32Array), v.validity);
  }
  return null;
}

/** Spark's literal rendering inside error messages: 'abc', 5, 3000000000L, 1.0E20D. */
function sqlLiteral(x: unknown, t: DataType): string {
  switch (t.kind) {
    case "string":
      return `'${String(x)}'`;
    case "byte":
      return `${String(x)}Y`;
    case "short":
      return `${String(x)}S`;
    case "bigint":
      return `${formatLong(x as bigint)}L`;
    case "double":
      return `${formatDouble(x as number)}D`;
    case "float":
      return `${formatDouble(x as number)}F`;
    case "decimal":
      return `${formatDecimal(x as bigint, t.scale)}BD`;
    case "date":
      return `DATE '${formatDateDays(x as number)}'`;
    case "timestamp_ntz":
      return `TIMESTAMP_NTZ '${formatLocalTimestampUs(x as number)}'`;
    default:
      return String(x);
  }
}

function castError(f: Fail, x: unknown, from: DataType, to: DataType) {
  const value = sqlLiteral(x, from);
  if (f === OVERFLOW && to.kind === "decimal") {
    const plain = from.kind === "decimal" ? formatDecimal(x as bigint, from.scale) : from.kind === "string" ? String(x).trim() : String(x);
    return executionError(
      "NUMERIC_VALUE_OUT_OF_RANGE",
      `${plain} cannot be represented as Decimal(${to.precision}, ${to.scale}). Cast to a DECIMAL with more integer digits, or use \`try_cast\` to return NULL instead.`,
      { value: plain, to: sqlTypeName(to) },
    );
  }
  if (f === OVERFLOW)
    return executionError(
      "CAST_OVERFLOW",
      `The value ${value} of the type "${sqlTypeName(from)}" cannot be cast to "${sqlTypeName(to)}" due to an overflow. Use \`try_cast\` to tolerate overflow and return NULL instead.`,
      { value: String(x), from: sqlTypeName(from), to: sqlTypeName(to) },
    );
  return executionError(
    "CAST_INVALID_INPUT",
    `The value ${value} of the type "${sqlTypeName(from)}" cannot be cast to "${sqlTypeName(to)}" because it is malformed. Correct the value as per the syntax, or change its target type. Use \`try_cast\` to tolerate malformed input and return NULL instead.`,
    { value: String(x), from: sqlTypeName(from), to: sqlTypeName(to) },
  );
}

/** Whole-number text: optional sign and digits (Spark also accepts a trailing ".000…" fraction in legacy mode). */
const INTEGRAL_RE = /^[+-]?\d+$/;
const DOUBLE_RE = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)[dDfF]?$/;

function parseDoubleText(s: string): number | Fail {
  const t = s.trim();
  if (DOUBLE_RE.test(t)) return Number(t.replace(/[dDfF]$/, ""));
  const l = t.toLowerCase();
  if (l === "nan") return NaN;
  if (l === "inf" || l === "infinity" || l === "+inf" || l === "+infinity") return Infinity;
  if (l === "-inf" || l === "-infinity") return -Infinity;
  return INVALID;
}

/** A number's integral part as INT (ANSI: overflow fails; legacy: Java's (int) conversion). */
function toInt(x: number, ansi: boolean, fromFloat: boolean): number | Fail {
  if (Number.isNaN(x)) return ansi ? OVERFLOW : 0;
  const t = Math.trunc(x);
  if (t >= INT_MIN && t <= INT_MAX) return t;
  if (ansi) return OVERFLOW;
  return fromFloat ? (t > 0 ? INT_MAX : INT_MIN) : Number(BigInt.asIntN(32, BigInt(t)));
}

/** A double's integral part as BIGINT, exactly (ANSI: overflow fails; legacy: Java's saturating (long)). */
function toLong(x: number, ansi: boolean): bigint | Fail {
  if (Number.isNaN(x)) return ansi ? OVERFLOW : 0n;
  const t = Math.trunc(x);
  if (t >= -TWO63 && t < TWO63) return BigInt(t);
  if (ansi) return OVERFLOW;
  return t > 0 ? LONG_MAX : LONG_MIN;
}

/**
 * Whole-number text as an exact BIGINT: out of range → null (legacy) or, under ANSI, malformed
 * input (CAST_INVALID_INPUT, as Spark's UTF8String.toLong fails; checked on PySpark 4.0.1).
 */
function textToLong(digits: string, ansi: boolean): bigint | Fail | null {
  const n = BigInt(digits);
  if (n >= LONG_MIN && n <= LONG_MAX) return n;
  return ansi ? INVALID : null;
}

/** DECIMAL text → unscaled at `to`'s scale (HALF_UP, exact); malformed text fails as INVALID, too many digits as OVERFLOW. */
function stringToDecimal(s: string, to: DecimalType): bigint | Fail {
  const d = parseDecimalText(s);
  if (!d) return INVALID;
  return toDecimal(s, to.precision, to.scale) ?? OVERFLOW;
}

/** An exact unscaled value rescaled to `to` (HALF_UP), or OVERFLOW past its precision. */
const fitDecimal = (unscaled: bigint, fromScale: number, to: DecimalType): bigint | Fail => {
  const r = rescale(unscaled, fromScale, to.scale);
  return fitsPrecision(r, to.precision) ? r : OVERFLOW;
};

/** A decimal's integral part (truncated toward zero, exactly) as a `bits`-wide integer; ANSI overflow fails, legacy wraps as Java's longValue. */
function decimalToIntegral(unscaled: bigint, scale: number, bits: 32 | 64, ansi: boolean): bigint | Fail {
  const t = scale > 0 ? unscaled / POW10[scale]! : unscaled * POW10[-scale]!;
  if (BigInt.asIntN(bits, t) === t) return t;
  return ansi ? OVERFLOW : BigInt.asIntN(bits, t);
}

/**
 * CAST to TINYINT (8 bits) or SMALLINT (16 bits) through the INT conversion, as Spark's castToByte /
 * castToShort: text out of range is malformed (ANSI) or NULL (legacy), a timestamp's seconds out
 * of range overflow (ANSI) or are NULL (legacy), any other number out of range overflows (ANSI)
 * or wraps as Java's (byte) / (short) of its (int) conversion (legacy). Checked on PySpark 4.0.1.
 */
function narrowingConverter(from: DataType, bits: 8 | 16, toInt: Converter, ansi: boolean): Converter {
  const max = 2 ** (bits - 1) - 1;
  const shift = 32 - bits;
  const fits = (r: number) => r >= -max - 1 && r <= max;
  if (from.kind === "timestamp")
    return (x) => {
      const s = floorDiv(x as number, US_PER_SECOND);
      return fits(s) ? s : ansi ? OVERFLOW : null;
    };
  if (from.kind === "string")
    return (x) => {
      const r = toInt(x);
      return r === OVERFLOW || (typeof r === "number" && !fits(r)) ? (ansi ? INVALID : null) : r;
    };
  return (x) => {
    const r = toInt(x);
    if (typeof r !== "number" || fits(r)) return r;
    return ansi ? OVERFLOW : (r << shift) >> shift;
  };
}

const BOOL_TRUE = new Set(["t", "true", "y", "yes", "1"]);
const BOOL_FALSE = new Set(["f", "false", "n", "no", "0"]);
const utf8 = new TextEncoder();

function converter(from: DataType, to: DataType, mode: CastMode, ctx: EvalContext): Converter {
  // try_cast checks like ANSI and turns failures into nulls; legacy CAST wraps / truncates.
  const ansi = mode === "try" || ctx.ansi;
  const zone = getTimeZone(ctx.timeZone);
  if (to.kind === "string") return (x) => valueToText(from, x, zone);
  if (isAnsiInterval(from) || isAnsiInterval(to)) return intervalConverter(from, to, mode);
  const unsupported = (): never => {
    throw executionError(
      "CAST_UNSUPPORTED",
      `Cannot cast ${sqlTypeName(from)} to ${sqlTypeName(to)}. Use a function that converts explicitly (e.g. to_date, date_format) or cast to STRING first.`,
      { from: sqlTypeName(from), to: sqlTypeName(to) },
    );
  };
  // Numbers as doubles / unscaled decimals, seen as a plain JS number value.
  const asNumber: (x: unknown) => number =
    from.kind === "decimal"
      ? ((s) => (x: unknown) => decimalToDouble(x as bigint, s))(from.scale)
      : from.kind === "boolean"
        ? (x) => (x ? 1 : 0)
        : from.kind === "bigint"
          ? (x) => Number(x as bigint)
          : (x) => x as number;
  switch (to.kind) {
    case "boolean":
      if (from.kind === "string")
        return (x) => {
          const t = (x as string).trim().toLowerCase();
          return BOOL_TRUE.has(t) ? true : BOOL_FALSE.has(t) ? false : INVALID;
        };
      if (from.kind === "bigint" || from.kind === "decimal") return (x) => (x as bigint) !== 0n;
      if (isNumericKind(from)) return (x) => (x as number) !== 0;
      return unsupported();
    case "byte":
    case "short":
      return narrowingConverter(from, to.kind === "byte" ? 8 : 16, converter(from, IntegerType, mode, ctx), ansi);
    case "int":
      if (from.kind === "string")
        return (x) => {
          const t = (x as string).trim();
          if (INTEGRAL_RE.test(t)) {
            const n = Number(t);
            return toInt(n, true, false) === OVERFLOW ? (ansi ? OVERFLOW : null) : n;
          }
          if (!ansi) {
            const d = parseDoubleText(t);
            if (typeof d === "number" && /^[+-]?\d*\.\d*$/.test(t)) return toInt(d, false, true);
          }
          return INVALID;
        };
      if (from.kind === "timestamp") return (x) => toInt(floorDiv(x as number, US_PER_SECOND), ansi, false);
      if (from.kind === "bigint")
        return (x) => {
          const n = x as bigint;
          if (n >= INT_MIN && n <= INT_MAX) return Number(n);
          return ansi ? OVERFLOW : Number(BigInt.asIntN(32, n));
        };
      if (from.kind === "decimal")
        return (x) => {
          const r = decimalToIntegral(x as bigint, from.scale, 32, ansi);
          return typeof r === "bigint" ? Number(r) : r;
        };
      if (isNumericKind(from) || from.kind === "boolean") {
        const fromFloat = from.kind === "float" || from.kind === "double";
        return (x) => toInt(asNumber(x), ansi, fromFloat);
      }
      return unsupported();
    case "bigint":
      if (from.kind === "string")
        return (x) => {
          const t = (x as string).trim();
          if (INTEGRAL_RE.test(t)) return textToLong(t, ansi);
          if (!ansi && /^[+-]?\d*\.\d*$/.test(t) && /\d/.test(t)) {
            // legacy mode truncates a plain fraction ("12.7" → 12), digit-exact
            const whole = t.slice(0, t.indexOf("."));
            return textToLong(/\d/.test(whole) ? whole : "0", false) ?? toLong(Number(t), false);
          }
          return INVALID;
        };
      if (from.kind === "timestamp") return (x) => BigInt(floorDiv(x as number, US_PER_SECOND));
      if (from.kind === "int") return (x) => BigInt(x as number);
      if (from.kind === "boolean") return (x) => (x ? 1n : 0n);
      if (from.kind === "decimal") return (x) => decimalToIntegral(x as bigint, from.scale, 64, ansi);
      if (isNumericKind(from)) return (x) => toLong(asNumber(x), ansi);
      return unsupported();
    case "float":
    case "double": {
      const round = to.kind === "float" ? Math.fround : (x: number) => x;
      if (from.kind === "string")
        return (x) => {
          const d = parseDoubleText(x as string);
          return typeof d === "number" ? round(d) : d;
        };
      if (from.kind === "timestamp") return (x) => round((x as number) / US_PER_SECOND);
      if (isNumericKind(from) || from.kind === "boolean") return (x) => round(asNumber(x));
      return unsupported();
    }
    case "decimal": {
      const dt = to;
      if (from.kind === "string") return (x) => stringToDecimal(x as string, dt);
      if (from.kind === "decimal") return (x) => fitDecimal(x as bigint, from.scale, dt);
      if (from.kind === "bigint") return (x) => fitDecimal(x as bigint, 0, dt);
      if (isSmallIntegral(from)) return (x) => fitDecimal(BigInt(x as number), 0, dt);
      if (from.kind === "boolean") return (x) => fitDecimal(x ? 1n : 0n, 0, dt);
      // Spark's Decimal(Double): the shortest decimal text of the double, so 0.1 is 0.1, not its binary expansion
      if (from.kind === "float" || from.kind === "double") return (x) => (Number.isFinite(x as number) ? (decimalFromDouble(x as number, dt.precision, dt.scale) ?? OVERFLOW) : OVERFLOW);
      return unsupported();
    }
    case "date":
      if (from.kind === "string") return (x) => parseDateText(x as string) ?? INVALID;
      if (from.kind === "timestamp") return (x) => floorDiv(toLocalUs(zone, x as number), US_PER_DAY);
      if (from.kind === "timestamp_ntz") return (x) => floorDiv(x as number, US_PER_DAY);
      return unsupported();
    // TIMESTAMP_NTZ is the wall clock: the session zone turns it into an instant and back
    case "timestamp_ntz":
      if (from.kind === "string") return (x) => parseLocalTimestampText(x as string) ?? INVALID;
      if (from.kind === "date") return (x) => (x as number) * US_PER_DAY;
      if (from.kind === "timestamp") return (x) => toLocalUs(zone, x as number);
      return unsupported();
    case "timestamp":
      if (from.kind === "string") return (x) => parseTimestampText(x as string, zone) ?? INVALID;
      if (from.kind === "date") return (x) => fromLocalUs(zone, (x as number) * US_PER_DAY);
      if (from.kind === "timestamp_ntz") return (x) => fromLocalUs(zone, x as number);
      if (from.kind === "bigint")
        return (x) => {
          // Spark: seconds × 10^6 must fit a long (Math.multiplyExact) — legacy mode wraps
          const us = (x as bigint) * 1_000_000n;
          if (us < LONG_MIN || us > LONG_MAX) return ansi ? OVERFLOW : Number(BigInt.asIntN(64, us));
          return Number(us);
        };
      if (from.kind === "decimal") return (x) => Number(decimalToIntegral(rescale(x as bigint, 0, 6), from.scale, 64, false));
      if (isNumericKind(from))
        return (x) => {
          const us = asNumber(x) * US_PER_SECOND;
          if (!Number.isFinite(us)) return ansi ? OVERFLOW : null;
          return Math.floor(us);
        };
      return unsupported();
    case "binary":
      if (from.kind === "string") return (x) => utf8.encode(x as string);
      return unsupported();
    case "array": {
      if (from.kind !== "array") return unsupported();
      const inner = converter(from.elementType, to.elementType, mode, ctx);
      return (x) => {
        const a = x as unknown[];
        const out = new Array<unknown>(a.length);
        for (let i = 0; i < a.length; i++) {
          const e = a[i];
          if (e === null) {
            out[i] = null;
            continue;
          }
          const r = inner(e);
          if (r === INVALID || r === OVERFLOW) return r;
          out[i] = r;
        }
        return out;
      };
    }
    case "map": {
      if (from.kind !== "map") return unsupported();
      const kc = converter(from.keyType, to.keyType, mode, ctx);
      const vc = converter(from.valueType, to.valueType, mode, ctx);
      return (x) => {
        const out = new Map<unknown, unknown>();
        for (const [k, v] of x as Map<unknown, unknown>) {
          const k2 = kc(k);
          const v2 = v === null ? null : vc(v);
          if (k2 === INVALID || k2 === OVERFLOW) return k2;
          if (v2 === INVALID || v2 === OVERFLOW) return v2;
          out.set(k2, v2);
        }
        return out;
      };
    }
    case "struct": {
      if (from.kind !== "struct" || from.fields.length !== to.fields.length) return unsupported();
      const convs = from.fields.map((f, i) => converter(f.type, to.fields[i]!.type, mode, ctx));
      return (x) => {
        const o = x as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (let i = 0; i < convs.length; i++) {
          const v = o[from.fields[i]!.name];
          const r = v === null || v === undefined ? null : convs[i]!(v);
          if (r === INVALID || r === OVERFLOW) return r;
          out[to.fields[i]!.name] = r;
        }
        return out;
      };
    }
    case "null":
      return () => null;
  }
  return unsupported();
}

/** µs per unit of a DAY-TIME field (DAY, HOUR, MINUTE, SECOND) and months per YEAR-MONTH field. */
const DT_UNIT = [86_400_000_000n, 3_600_000_000n, 60_000_000n, 1_000_000n] as const;
const YM_UNIT = [12n, 1n] as const;

/**
 * Casts to and from the ANSI interval types, as Spark: STRING in the type's form (malformed text is
 * INVALID_INTERVAL_FORMAT, or null for try_cast), between the fields of one family (truncated
 * to the target's last field), to a number in units of the interval's last field
 * (CAST(INTERVAL '1 2:3:4.5' DAY TO SECOND AS BIGINT) = 93784, truncated), and from an integral
 * or decimal number of the target's single field (CAST(3 AS INTERVAL DAY)).
 */
function intervalConverter(from: DataType, to: DataType, mode: CastMode): Converter {
  const unitOf = (t: DataType): bigint => (t.kind === "year_month_interval" ? YM_UNIT[t.endField]! : DT_UNIT[(t as DayTimeIntervalType).endField]!);
  const asBig = (t: DataType, x: unknown): bigint => (t.kind === "year_month_interval" ? BigInt(x as number) : (x as bigint));
  const make = (t: DataType, v: bigint): unknown => (t.kind === "year_month_interval" ? (BigInt.asIntN(32, v) === v ? Number(v) : OVERFLOW) : BigInt.asIntN(64, v) === v ? v : OVERFLOW);
  if (from.kind === "string" && to.kind === "year_month_interval") return tryParse(mode, (s) => parseYearMonthInterval(s, to));
  if (from.kind === "string" && to.kind === "day_time_interval") return tryParse(mode, (s) => parseDayTimeInterval(s, to));
  if (isAnsiInterval(from) && from.kind === to.kind) {
    const unit = unitOf(to);
    return (x) => make(to, (asBig(from, x) / unit) * unit);
  }
  if (isAnsiInterval(from) && (to.kind === "int" || to.kind === "bigint")) {
    const unit = unitOf(from);
    return (x) => {
      const v = asBig(from, x) / unit;
      return to.kind === "bigint" ? v : BigInt.asIntN(32, v) === v ? Number(v) : OVERFLOW;
    };
  }
  if (isAnsiInterval(from) && to.kind === "decimal") {
    const unit = unitOf(from);
    return (x) => fitDecimal(asBig(from, x) * POW10[to.scale]! / unit, to.scale, to);
  }
  if (isAnsiInterval(to) && (from.kind === "int" || from.kind === "bigint" || from.kind === "decimal")) {
    const unit = unitOf(to);
    const scale = from.kind === "decimal" ? POW10[from.scale]! : 1n;
    return (x) => make(to, (BigInt(x as number | bigint) * unit) / scale);
  }
  throw executionError("CAST_UNSUPPORTED", `Cannot cast ${sqlTypeName(from)} to ${sqlTypeName(to)}.`, { from: sqlTypeName(from), to: sqlTypeName(to) });
}

/** A parse that throws INVALID_INTERVAL_FORMAT for CAST and gives null for try_cast. */
function tryParse(mode: CastMode, parse: (s: string) => unknown): Converter {
  return (x) => {
    try {
      return parse(x as string);
    } catch (e) {
      if (mode === "try" && e instanceof SluiceError && e.code === "INVALID_INTERVAL_FORMAT") return null;
      throw e;
    }
  };
}
