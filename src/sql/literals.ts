/**
 * Typed SQL literals, with the types Spark 4 gives them:
 *   42 → INT (BIGINT if it does not fit, DECIMAL(n,0) beyond BIGINT) · 42L → BIGINT
 *   1.5 → DECIMAL(2,1) (precision/scale of the written digits) · 1.5BD → DECIMAL
 *   1e3, 1.5D → DOUBLE · 1.5F → FLOAT · 10S → SMALLINT · 10Y → TINYINT
 *   DATE '2024-01-01' → days since the epoch · TIMESTAMP with a zone → µs since the epoch (without
 *   one, the parser emits a cast so the session time zone applies).
 */
import { SluiceError } from "../common/errors.js";
import { type DataType, DayTimeIntervalType, MAX_DECIMAL_PRECISION, YearMonthIntervalType } from "../types/data-type.js";
import { MAX_DAY_TIME_US, MAX_YEAR_MONTH, parseDayTimeInterval, parseYearMonthInterval } from "../expr/datetime/ansi-interval.js";
import type { LiteralExpr } from "../expr/expr.js";
import { parseLocalTimestampText } from "../expr/datetime/timestamp-text.js";

const lit = (value: unknown, type: DataType): LiteralExpr => ({ kind: "literal", value, type });

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Thrown messages are completed with a position by the parser. */
export class LiteralError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A numeric literal from its source text (an optional leading '-' included). */
export function numberLiteral(text: string): LiteralExpr {
  const negative = text.startsWith("-");
  const body = negative ? text.slice(1) : text;
  const m = /^([0-9.]+(?:[eE][+-]?\d+)?)(BD|[LSYDF])?$/i.exec(body);
  if (!m) throw new LiteralError("INVALID_NUMERIC_LITERAL", `Invalid numeric literal ${text}`);
  const digits = m[1]!;
  const suffix = (m[2] ?? "").toUpperCase();
  const sign = negative ? "-" : "";
  switch (suffix) {
    case "D":
      return lit(Number(sign + digits), { kind: "double" });
    case "F":
      return lit(Math.fround(Number(sign + digits)), { kind: "float" });
    case "BD":
      return decimalLiteral(digits, negative);
    case "L":
    case "S":
    case "Y": {
      if (/[.eE]/.test(digits)) throw new LiteralError("INVALID_NUMERIC_LITERAL", `Invalid integral literal ${text}`);
      const v = Number(sign + digits);
      if (suffix === "L" && !inLongRange(sign + digits)) throw outOfRange(text, "BIGINT");
      if (suffix === "S" && (v > 32767 || v < -32768)) throw outOfRange(text, "SMALLINT");
      if (suffix === "Y" && (v > 127 || v < -128)) throw outOfRange(text, "TINYINT");
      return suffix === "L" ? lit(BigInt(sign + digits), { kind: "bigint" }) : lit(v, { kind: suffix === "S" ? "short" : "byte" });
    }
  }
  if (/[eE]/.test(digits)) {
    const v = Number(sign + digits);
    if (!Number.isFinite(v)) throw outOfRange(text, "DOUBLE");
    return lit(v, { kind: "double" });
  }
  if (digits.includes(".")) return decimalLiteral(digits, negative);
  const v = Number(sign + digits);
  if (v >= INT_MIN && v <= INT_MAX) return lit(v, { kind: "int" });
  if (inLongRange(sign + digits)) return lit(BigInt(sign + digits), { kind: "bigint" });
  return decimalLiteral(digits, negative);
}

/** Exact check on the digits (a double rounds 2^63 - 1 up to 2^63). */
const inLongRange = (integral: string): boolean => {
  const v = BigInt(integral);
  return v >= -(2n ** 63n) && v < 2n ** 63n;
};

const outOfRange = (text: string, type: string): LiteralError =>
  new LiteralError("INVALID_NUMERIC_LITERAL_RANGE", `Numeric literal ${text} is outside the valid range for ${type}`);

/** Exact decimal literal: precision = significant digits (at least the scale), as Java's BigDecimal. */
function decimalLiteral(digits: string, negative: boolean): LiteralExpr {
  const [mantissa, expText] = digits.split(/[eE]/) as [string, string | undefined];
  const [intPart, fracPart = ""] = mantissa.split(".") as [string, string | undefined];
  let unscaled = (intPart + fracPart).replace(/^0+(?=\d)/, "");
  let scale = fracPart.length - (expText === undefined ? 0 : Number(expText));
  if (scale < 0) {
    unscaled += "0".repeat(-scale);
    scale = 0;
  }
  unscaled = unscaled.replace(/^0+(?=\d)/, "") || "0";
  const precision = Math.max(unscaled.length, scale, 1);
  if (precision > MAX_DECIMAL_PRECISION) {
    throw new LiteralError(
      "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION",
      `Decimal precision ${precision} of literal ${negative ? "-" : ""}${digits} exceeds max precision ${MAX_DECIMAL_PRECISION}; write it as a DOUBLE (e.g. ${digits}D)`,
    );
  }
  return lit(negative ? -BigInt(unscaled) : BigInt(unscaled), { kind: "decimal", precision, scale });
}

const US_PER_DAY = 86_400_000_000;

/** Days since 1970-01-01 of `yyyy[-m[m][-d[d]]]` (anything after a space or 'T' is ignored), or null. */
export function parseDateLiteral(s: string): number | null {
  const m = /^\s*([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[ T].*)?\s*$/.exec(s);
  if (!m) return null;
  return civilDays(Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1));
}

function civilDays(y: number, mo: number, d: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const check = new Date(0);
  check.setUTCFullYear(y, mo - 1, d);
  const ms = check.getTime();
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return Math.round(ms / 86_400_000);
}

/**
 * µs since the epoch of `yyyy-mm-dd[( |T)hh:mm[:ss[.ffffff]]][Z|UTC|GMT|±hh[:mm]]`, or null.
 * Text without a zone is read as UTC.
 */
export function parseTimestampLiteral(s: string): number | null {
  const m =
    /^\s*([+-]?\d{4,6})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?\s*$/i.exec(
      s,
    );
  if (!m) return null;
  const days = civilDays(Number(m[1]), Number(m[2]), Number(m[3]));
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const sec = Number(m[6] ?? 0);
  if (days === null || h > 23 || mi > 59 || sec > 59) return null;
  const frac = (m[7] ?? "").slice(0, 6).padEnd(6, "0");
  let offsetUs = 0;
  const zone = m[8];
  if (zone !== undefined && /^[+-]/.test(zone)) {
    const z = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
    offsetUs = (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 3600 + Number(z[3] ?? 0) * 60) * 1_000_000;
  }
  return days * US_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1_000_000 + Number(frac) - offsetUs;
}

/** DATE / TIMESTAMP / TIMESTAMP_NTZ typed literal; throws INVALID_TYPED_LITERAL like Spark. */
export function typedDateTimeLiteral(type: "date" | "timestamp" | "timestamp_ntz", text: string): LiteralExpr {
  const v = type === "date" ? parseDateLiteral(text) : type === "timestamp" ? parseTimestampLiteral(text) : parseLocalTimestampText(text);
  if (v === null) {
    throw new LiteralError(
      "INVALID_TYPED_LITERAL",
      `The value of the typed literal "${type.toUpperCase()}" is invalid: '${text}'. Use a form like ${
        type === "date" ? "DATE '2024-01-31'" : `${type.toUpperCase()} '2024-01-31 10:00:00'`
      }`,
    );
  }
  return lit(v, { kind: type });
}

/** X'0AFF' → BINARY. An odd number of digits gets a leading 0, as Spark does. */
export function binaryLiteral(hex: string): LiteralExpr {
  const h = hex.length % 2 === 1 ? "0" + hex : hex;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return lit(out, { kind: "binary" });
}

export const stringLiteral = (s: string): LiteralExpr => lit(s, { kind: "string" });
export const intLiteral = (n: number): LiteralExpr => lit(n, { kind: "int" });

/** Re-throw a LiteralError as a parse SluiceError with the literal's position. */
export function literalFailure(e: unknown, line: number, column: number): unknown {
  if (!(e instanceof LiteralError)) return e;
  return new SluiceError("parse", e.code, `[${e.code}] ${e.message}. (line ${line}:${column})`, { line, column });
}

/** One `<value> [<unit> [TO <unit>]]` part of an INTERVAL literal, as written. */
export interface IntervalPart {
  readonly value: string;
  /** The value was a string literal ('1-2'), not a number. */
  readonly quoted: boolean;
  readonly unit?: string;
  readonly toUnit?: string;
}

/** Unit → [family, field index, µs or months per unit]. */
const INTERVAL_UNIT: Readonly<Record<string, readonly ["ym" | "dt", number, bigint]>> = {
  year: ["ym", 0, 12n],
  month: ["ym", 1, 1n],
  week: ["dt", 0, 604_800_000_000n],
  day: ["dt", 0, 86_400_000_000n],
  hour: ["dt", 1, 3_600_000_000n],
  minute: ["dt", 2, 60_000_000n],
  second: ["dt", 3, 1_000_000n],
  millisecond: ["dt", 3, 1000n],
  microsecond: ["dt", 3, 1n],
};

const unitOf = (u: string) => INTERVAL_UNIT[u.toLowerCase().replace(/s$/, "")];
const badInterval = (why: string) => new LiteralError("INVALID_INTERVAL_LITERAL", `Invalid interval literal: ${why}`);

/** `n × per` exactly for a decimal text n (fraction digits past the unit's precision are truncated, as Spark). */
function scaled(n: string, per: bigint, what: string): bigint {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(n.trim());
  if (m === null || (m[2] === "" && (m[3] ?? "") === "")) throw badInterval(`'${n}' is not a number of ${what}`);
  const frac = (m[3] ?? "").padEnd(18, "0").slice(0, 18);
  const v = BigInt(m[2] || "0") * per + (BigInt(frac) * per) / 10n ** 18n;
  return m[1] === "-" ? -v : v;
}

/**
 * An INTERVAL literal as Spark 4 types it: `INTERVAL '1-2' YEAR TO MONTH` and `INTERVAL '2' DAY` by
 * their fields; `INTERVAL 3 DAYS 2 HOURS` and `INTERVAL '1 hour'` span the units written (a
 * YEAR-MONTH interval for years and months, a DAY-TIME one for weeks to microseconds). Mixing the
 * two families is refused, as Spark refuses it.
 */
export function intervalLiteral(parts: readonly IntervalPart[]): LiteralExpr {
  const terms: { value: string; unit: string }[] = [];
  for (const p of parts) {
    if (p.toUnit !== undefined || (p.unit !== undefined && p.quoted && parts.length === 1 && FIELD_UNITS.has(p.unit.toLowerCase()))) return qualifiedInterval(p);
    if (p.unit !== undefined) terms.push({ value: p.value, unit: p.unit });
    else {
      const words = p.value.trim().replace(/^interval\s+/i, "").split(/\s+/);
      if (words.length % 2 !== 0 || words[0] === "") throw badInterval(`'${p.value}' is not '<number> <unit> ...'`);
      for (let i = 0; i < words.length; i += 2) terms.push({ value: words[i]!, unit: words[i + 1]! });
    }
  }
  let family: "ym" | "dt" | undefined;
  let start = 3;
  let end = 0;
  let total = 0n;
  for (const t of terms) {
    const u = unitOf(t.unit);
    if (u === undefined) throw badInterval(`unknown unit '${t.unit}'`);
    if (family !== undefined && family !== u[0]) throw badInterval("cannot mix year-month and day-time fields; write them as two intervals");
    family = u[0];
    start = Math.min(start, u[1]);
    end = Math.max(end, u[1]);
    if (u[0] === "ym" && /\./.test(t.value)) throw badInterval(`'${t.value} ${t.unit}': years and months must be whole numbers`);
    total += scaled(t.value, u[2], t.unit.toLowerCase());
  }
  if (family === "ym") {
    if (total > BigInt(MAX_YEAR_MONTH) || total < -BigInt(MAX_YEAR_MONTH)) throw badInterval("the interval is out of range");
    return lit(Number(total), YearMonthIntervalType(start, end));
  }
  if (total > MAX_DAY_TIME_US || total < -MAX_DAY_TIME_US) throw badInterval("the interval is out of range");
  return lit(total, DayTimeIntervalType(start, end));
}

const FIELD_UNITS = new Set(["year", "month", "day", "hour", "minute", "second"]);

/** `INTERVAL '<text>' F [TO G]`: the text read in the form of the fields (a cast's rules, field ranges checked). */
function qualifiedInterval(p: IntervalPart): LiteralExpr {
  const from = unitOf(p.unit!);
  const to = unitOf(p.toUnit ?? p.unit!);
  if (from === undefined || to === undefined || !FIELD_UNITS.has(p.unit!.toLowerCase().replace(/s$/, "")) || from[0] !== to[0] || from[1] > to[1]) {
    throw badInterval(`'${p.unit}${p.toUnit === undefined ? "" : " TO " + p.toUnit}' is not an interval qualifier such as YEAR TO MONTH or DAY TO SECOND`);
  }
  try {
    if (from[0] === "ym") {
      const t = YearMonthIntervalType(from[1], to[1]);
      return lit(parseYearMonthInterval(p.value, t), t);
    }
    const t = DayTimeIntervalType(from[1], to[1]);
    if (p.toUnit === undefined && from[1] === 3) return lit(scaled(p.value, 1_000_000n, "seconds"), t);
    return lit(parseDayTimeInterval(p.value, t), t);
  } catch (e) {
    if (e instanceof SluiceError && e.code === "INVALID_INTERVAL_FORMAT") throw badInterval(e.message.replace(/^\[[A-Z_.]+\] /, ""));
    throw e;
  }
}
