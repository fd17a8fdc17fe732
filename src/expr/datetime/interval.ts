/**
 * Interval strings for event-time windows → exact microseconds: "10 minutes", "1 hour 30 minutes",
 * "interval 5 seconds", "500 milliseconds", "2 days", "1 week". Units are singular or plural and
 * case-insensitive. Months and years are rejected, as Spark rejects them for window durations
 * (they have no fixed length).
 */
import { parseError } from "../../common/errors.js";

const UNIT_US: Readonly<Record<string, number>> = {
  microsecond: 1,
  us: 1,
  millisecond: 1000,
  ms: 1000,
  second: 1_000_000,
  sec: 1_000_000,
  s: 1_000_000,
  minute: 60_000_000,
  min: 60_000_000,
  m: 60_000_000,
  hour: 3_600_000_000,
  h: 3_600_000_000,
  day: 86_400_000_000,
  d: 86_400_000_000,
  week: 604_800_000_000,
};

const cache = new Map<string, number>();

/** Parse an interval; throws a parse SluiceError `INVALID_INTERVAL` naming the text. */
export function parseIntervalUs(text: string): number {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const fail = (why: string): never => {
    throw parseError(
      "INVALID_INTERVAL",
      `Cannot parse the interval '${text}': ${why}. Use a form like "10 seconds", "5 minutes" or "1 hour 30 minutes".`,
      { interval: text },
    );
  };
  let s = text.trim().toLowerCase();
  if (s.startsWith("interval")) s = s.slice(8).trim();
  if (s === "") fail("it is empty");
  const re = /\s*([+-]?\d+(?:\.\d+)?)\s*([a-z]+)\s*/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) fail(`'${s.slice(pos)}' is not '<number> <unit>'`);
    let unit = m![2]!;
    if (unit === "month" || unit === "months" || unit === "year" || unit === "years") {
      fail("months and years have no fixed length and cannot be used for windows");
    }
    if (!(unit in UNIT_US) && unit.endsWith("s")) unit = unit.slice(0, -1);
    const us = UNIT_US[unit];
    if (us === undefined) fail(`unknown unit '${m![2]}'`);
    total += Math.round(Number(m![1]) * us!);
    pos = re.lastIndex;
  }
  cache.set(text, total);
  return total;
}

/** An interval with a calendar part: whole months plus exact microseconds (days count as 24 hours). */
export interface CalendarInterval {
  readonly months: number;
  readonly micros: number;
}

/** Spark's CalendarInterval: months and days are calendar units (local wall clock), micros exact. */
export interface CalendarIntervalParts {
  readonly months: number;
  readonly days: number;
  readonly micros: number;
}

const MONTH_UNITS: Readonly<Record<string, number>> = { year: 12, years: 12, month: 1, months: 1, mon: 1, mons: 1 };
const US_PER_DAY = UNIT_US.day!;

/**
 * Parse interval text as the SQL parser lowers `INTERVAL ...` literals ("1 day", "-2 hours 30 minutes",
 * "1 month"); returns null when the text is not an interval, so callers can fall back to other readings.
 */
export function parseCalendarInterval(text: string): CalendarInterval | null {
  const p = parseCalendarIntervalParts(text);
  return p === null ? null : { months: p.months, micros: p.days * US_PER_DAY + p.micros };
}

/**
 * The same lenient reading as parseCalendarInterval, keeping whole days and weeks apart from the
 * exact part (a fraction of a day goes to `micros`), as Spark's CalendarInterval does.
 */
export function parseCalendarIntervalParts(text: string): CalendarIntervalParts | null {
  let s = text.trim().toLowerCase();
  if (s.startsWith("interval")) s = s.slice(8).trim();
  if (s === "") return null;
  const re = /\s*([+-]?\d+(?:\.\d+)?)\s*([a-z]+)\s*/y;
  let months = 0;
  let days = 0;
  let micros = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return null;
    const unit = m[2]!;
    const n = Number(m[1]);
    const mu = MONTH_UNITS[unit];
    if (mu !== undefined) {
      if (!Number.isInteger(n)) return null;
      months += n * mu;
    } else {
      const base = UNIT_US[unit] ?? (unit.endsWith("s") ? UNIT_US[unit.slice(0, -1)] : undefined);
      if (base === undefined) return null;
      if (base >= US_PER_DAY) {
        const total = n * (base / US_PER_DAY);
        const whole = Math.trunc(total);
        days += whole;
        micros += Math.round((total - whole) * US_PER_DAY);
      } else {
        micros += Math.round(n * base);
      }
    }
    pos = re.lastIndex;
  }
  return { months, days, micros };
}
