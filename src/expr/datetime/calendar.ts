/**
 * Proleptic Gregorian calendar arithmetic on epoch days and epoch microseconds (UTC-local), the
 * way java.time computes it: days_from_civil / civil_from_days without Date objects.
 */

export const US_PER_SECOND = 1_000_000;
export const US_PER_MINUTE = 60_000_000;
export const US_PER_HOUR = 3_600_000_000;
export const US_PER_DAY = 86_400_000_000;
export const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a civil date (month 1..12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Scratch result of civilFromDays, reused to avoid allocation on hot paths. */
export interface Civil {
  year: number;
  month: number;
  day: number;
}

export function civilFromDays(days: number, out: Civil = { year: 0, month: 0, day: 0 }): Civil {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  out.year = era * 400 + yoe + (m <= 2 ? 1 : 0);
  out.month = m;
  out.day = d;
  return out;
}

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const daysInMonth = (y: number, m: number): number => (m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!);

/** Day of week, ISO numbering: Monday = 1 .. Sunday = 7. */
export const isoDayOfWeek = (days: number): number => ((((days + 3) % 7) + 7) % 7) + 1;

/** Day of year, 1-based. */
export function dayOfYear(days: number): number {
  const c = civilFromDays(days);
  return days - daysFromCivil(c.year, 1, 1) + 1;
}

/** floor division that also works for negative microseconds. */
export const floorDiv = (a: number, b: number): number => Math.floor(a / b);
export const floorMod = (a: number, b: number): number => a - Math.floor(a / b) * b;

/** Add months to a date, clamping the day to the end of the month (java.time plusMonths). */
export function addMonths(days: number, months: number): number {
  const c = civilFromDays(days);
  const total = c.year * 12 + (c.month - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(c.day, daysInMonth(y, m)));
}
