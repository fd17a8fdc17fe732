/**
 * Spark's ANSI interval values as text, checked against PySpark 4.0.1:
 *   - YEAR-MONTH: a number of months, written `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '14' MONTH`,
 *     `INTERVAL '-0-11' YEAR TO MONTH`;
 *   - DAY-TIME: a number of microseconds (bigint), written `INTERVAL '1 02:03:04.5' DAY TO SECOND`,
 *     `INTERVAL '01' HOUR`, `INTERVAL '10:20' HOUR TO MINUTE`, `INTERVAL '00.5' SECOND`: the leading
 *     field holds the whole rest (days unpadded, other fields two digits at least), later fields two
 *     digits, seconds with their fraction digits and no trailing zeros.
 * Parsing reads what CAST(string AS INTERVAL ...) and a qualified literal accept: the bare form of
 * the type's fields (`[+|-]y-m`, `[+|-]d h:m:s.n`, ...) or the whole `INTERVAL '...' <fields>` text;
 * fields after the first must be in range (hours < 24, minutes and seconds < 60, months < 12).
 */
import { parseError } from "../../common/errors.js";
import { DAY_TIME_FIELDS, type DayTimeIntervalType, YEAR_MONTH_FIELDS, type YearMonthIntervalType } from "../../types/data-type.js";

/** µs per DAY, HOUR, MINUTE, SECOND (the DAY_TIME_FIELDS indexes). */
const FIELD_US = [86_400_000_000n, 3_600_000_000n, 60_000_000n, 1_000_000n] as const;
const FIELD_LIMIT = [Infinity, 23, 59, 59] as const;
export const MAX_DAY_TIME_US = 2n ** 63n - 1n;
export const MAX_YEAR_MONTH = 2 ** 31 - 1;

const pad2 = (n: bigint | number): string => String(n).padStart(2, "0");

export function formatYearMonthInterval(months: number, t: YearMonthIntervalType): string {
  const sign = months < 0 ? "-" : "";
  const abs = Math.abs(months);
  const body = t.startField === t.endField ? (t.startField === 0 ? String(Math.trunc(abs / 12)) : String(abs)) : `${Math.trunc(abs / 12)}-${abs % 12}`;
  return `INTERVAL '${sign}${body}' ${fieldsName(YEAR_MONTH_FIELDS, t)}`;
}

export function formatDayTimeInterval(us: bigint, t: DayTimeIntervalType): string {
  const sign = us < 0n ? "-" : "";
  let rest = us < 0n ? -us : us;
  const parts: string[] = [];
  for (let f = t.startField; f <= t.endField; f++) {
    if (f === 3) {
      const secs = rest / FIELD_US[3];
      const frac = (rest % FIELD_US[3]).toString().padStart(6, "0").replace(/0+$/, "");
      parts.push(pad2(secs) + (frac === "" ? "" : "." + frac));
      break;
    }
    const v = rest / FIELD_US[f]!;
    rest -= v * FIELD_US[f]!;
    parts.push(f === 0 ? String(v) : pad2(v));
  }
  const sep = (i: number) => (i === 0 ? "" : t.startField === 0 && i === 1 ? " " : ":");
  return `INTERVAL '${sign}${parts.map((p, i) => sep(i) + p).join("")}' ${fieldsName(DAY_TIME_FIELDS, t)}`;
}

function fieldsName(names: readonly string[], t: { startField: number; endField: number }): string {
  return t.startField === t.endField ? names[t.startField]! : `${names[t.startField]} TO ${names[t.endField]}`;
}

/** The error CAST(string AS INTERVAL ...) raises for text that is not in the type's form. */
function badFormat(text: string, form: string, typeName: string): never {
  throw parseError(
    "INVALID_INTERVAL_FORMAT",
    `[INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING_WITH_NOTICE] Error parsing '${text}' to interval. Interval string does not match ${typeName} format of \`${form}\` when cast to ${typeName}.`,
    { value: text },
  );
}

/** Strip `INTERVAL '...' <fields>` down to the quoted body when the fields match the type. */
function unwrap(text: string, names: readonly string[], t: { startField: number; endField: number }): string | null {
  const m = /^\s*interval\s+([+-]?)\s*'([^']*)'\s+([a-z]+(?:\s+to\s+[a-z]+)?)\s*$/i.exec(text);
  if (m === null) return text.trim();
  return m[3]!.replace(/\s+/g, " ").toUpperCase() === fieldsName(names, t) ? (m[1] === "-" ? negateText(m[2]!) : m[2]!.trim()) : null;
}

const negateText = (s: string): string => (s.trim().startsWith("-") ? s.trim().slice(1) : "-" + s.trim().replace(/^\+/, ""));

/** Months of a YEAR-MONTH interval text, or an INVALID_INTERVAL_FORMAT error. */
export function parseYearMonthInterval(text: string, t: YearMonthIntervalType): number {
  const form = t.startField === t.endField ? `[+|-]${t.startField === 0 ? "y" : "m"}` : "[+|-]y-m";
  const typeName = `INTERVAL ${fieldsName(YEAR_MONTH_FIELDS, t)}`;
  const body = unwrap(text, YEAR_MONTH_FIELDS, t);
  const m = body === null ? null : t.startField === t.endField ? /^([+-]?)(\d+)$/.exec(body) : /^([+-]?)(\d+)-(\d+)$/.exec(body);
  if (m === null) return badFormat(text, form, typeName);
  const months = t.startField !== t.endField ? Number(m[2]) * 12 + Number(m[3]) : t.startField === 0 ? Number(m[2]) * 12 : Number(m[2]);
  if ((t.startField !== t.endField && Number(m[3]) > 11) || months > MAX_YEAR_MONTH + (m[1] === "-" ? 1 : 0)) return badFormat(text, form, typeName);
  return m[1] === "-" ? -months : months;
}

/** Microseconds of a DAY-TIME interval text, or an INVALID_INTERVAL_FORMAT error. */
export function parseDayTimeInterval(text: string, t: DayTimeIntervalType): bigint {
  const letters = ["d", "h", "m", "s"];
  const seps = (f: number) => (f === t.startField ? "" : t.startField === 0 && f === 1 ? " " : ":");
  let form = "[+|-]";
  let re = "^([+-]?)";
  for (let f = t.startField; f <= t.endField; f++) {
    form += seps(f) + letters[f] + (f === 3 ? ".n" : "");
    re += (seps(f) === " " ? "\\s+" : seps(f)) + (f === 3 ? "(\\d+)(?:\\.(\\d{0,9}))?" : "(\\d+)");
  }
  const typeName = `INTERVAL ${fieldsName(DAY_TIME_FIELDS, t)}`;
  const body = unwrap(text, DAY_TIME_FIELDS, t);
  const m = body === null ? null : new RegExp(re + "$").exec(body);
  if (m === null) return badFormat(text, form, typeName);
  let us = 0n;
  let g = 2;
  for (let f = t.startField; f <= t.endField; f++, g++) {
    const v = BigInt(m[g]!);
    if (f !== t.startField && v > FIELD_LIMIT[f]!) return badFormat(text, form, typeName);
    us += v * FIELD_US[f]!;
  }
  if (t.endField === 3 && m[g] !== undefined) us += BigInt(m[g]!.padEnd(9, "0").slice(0, 6));
  if (us > MAX_DAY_TIME_US + (m[1] === "-" ? 1n : 0n)) return badFormat(text, form, typeName);
  return m[1] === "-" ? -us : us;
}
