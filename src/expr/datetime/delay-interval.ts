/**
 * The interval string of `withWatermark(col, delay)` as milliseconds, in every form Spark reads it
 * (EventTimeWatermarkSuite, SPARK-35815): the unit form of common/duration.ts ("1 day 2 hours",
 * "interval '3' day") or an ANSI interval, `interval '1 2:3:4' day to second` or
 * `interval '1-2' year to month`, whose text is read by the fields' rules (ansi-interval.ts). As for
 * the unit form, a month counts as 31 days and a year as 12 months.
 */
import { parseIntervalMs } from "../../common/duration.js";
import { parseError } from "../../common/errors.js";
import { DAY_TIME_FIELDS, DayTimeIntervalType, YEAR_MONTH_FIELDS, YearMonthIntervalType } from "../../types/data-type.js";
import { parseDayTimeInterval, parseYearMonthInterval } from "./ansi-interval.js";

const MS_PER_MONTH = 31 * 86_400_000;

export function delayIntervalMs(text: string): number {
  // Quoted values keep their spaces ('1 2:3:4'). Only a whole `'<value>' <field> TO <field>` is
  // an ANSI interval: PySpark 4.0.1 refuses one mixed with units ("'1-2' year to month 3 hours").
  const tokens = text.trim().replace(/^interval\b/i, "").match(/'[^']*'|\S+/g) ?? [];
  const [value, from, to, last] = [tokens[0], tokens[1], tokens[2], tokens[3]];
  if (tokens.length === 4 && value!.startsWith("'") && to!.toLowerCase() === "to") return qualifiedMs(text, value!.slice(1, -1), from!, last!);
  return parseIntervalMs(text);
}

/** `'<value>' <from> TO <to>`: YEAR TO MONTH, or DAY/HOUR/MINUTE TO HOUR/MINUTE/SECOND. */
function qualifiedMs(text: string, value: string, from: string, to: string): number {
  const field = (names: readonly string[], name: string): number => names.indexOf(name.toUpperCase());
  const [ys, ye] = [field(YEAR_MONTH_FIELDS, from), field(YEAR_MONTH_FIELDS, to)];
  if (ys >= 0 && ye > ys) return parseYearMonthInterval(value, YearMonthIntervalType(ys, ye)) * MS_PER_MONTH;
  const [ds, de] = [field(DAY_TIME_FIELDS, from), field(DAY_TIME_FIELDS, to)];
  if (ds >= 0 && de > ds) return Number(parseDayTimeInterval(value, DayTimeIntervalType(ds, de))) / 1000;
  throw parseError("INVALID_INTERVAL", `Cannot parse the interval '${text}': '${from} TO ${to}' is not an interval qualifier such as YEAR TO MONTH or DAY TO SECOND.`, { interval: text });
}
