/**
 * The text forms Spark's CAST uses between strings and DATE / TIMESTAMP:
 *   parse:  `yyyy[-[m]m[-[d]d]][( |T)[h]h[:[m]m[:[s]s[.ffffff]]][zone]]` with surrounding spaces,
 *           zone = Z, ±hh[:mm], UTC±hh:mm or a region id (overrides the session zone);
 *           DATE accepts the same and ignores everything after the day.
 *   format: `yyyy-MM-dd HH:mm:ss[.ffffff]` (trailing zeros of the fraction dropped), `yyyy-MM-dd`.
 * TIMESTAMP_NTZ uses the same text with no zone: its value is the wall-clock µs itself.
 */
import { civilFromDays, daysFromCivil, daysInMonth, floorDiv, US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, US_PER_SECOND } from "./calendar.js";
import { fromLocalUs, getTimeZone, toLocalUs, type TimeZone } from "./time-zone.js";

const TS_RE =
  /^\s*([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T](?:(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?)?)?)?)?)?\s*([A-Za-z+-][A-Za-z0-9_/:+-]*)?\s*$/;
const DATE_RE = /^\s*([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T].*)?)?)?\s*$/s;

/** Epoch days of a date string, or null when it is not a valid date. */
export function parseDateText(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return daysFromCivil(y, mo, d);
}

/** UTC µs of a timestamp string read in `zone` (unless it names its own), or null. */
export function parseTimestampText(s: string, zone: TimeZone): number | null {
  const p = parseDateTimeFields(s);
  if (p === null) return null;
  let z = zone;
  if (p.zone !== undefined) {
    try {
      z = getTimeZone(p.zone);
    } catch {
      return null;
    }
  }
  return fromLocalUs(z, p.localUs);
}

/**
 * Wall-clock µs of a TIMESTAMP_NTZ string (the same forms), or null. A zone written after the time
 * must be a valid one and is then ignored, as Spark's CAST to TIMESTAMP_NTZ ignores it.
 */
export function parseLocalTimestampText(s: string): number | null {
  const p = parseDateTimeFields(s);
  if (p === null) return null;
  if (p.zone !== undefined) {
    try {
      getTimeZone(p.zone);
    } catch {
      return null;
    }
  }
  return p.localUs;
}

/** The wall-clock µs and the zone text (if any) of a timestamp string, or null. */
function parseDateTimeFields(s: string): { localUs: number; zone: string | undefined } | null {
  const m = TS_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return null;
  // A zone needs at least a date (Spark: "2024 UTC" is not a timestamp).
  if (m[8] !== undefined && m[3] === undefined) return null;
  let frac = 0;
  if (m[7] !== undefined && m[7].length > 0) frac = Number((m[7] + "000000").slice(0, 6));
  return { localUs: daysFromCivil(y, mo, d) * US_PER_DAY + h * US_PER_HOUR + mi * US_PER_MINUTE + sec * US_PER_SECOND + frac, zone: m[8] };
}

const p2 = (n: number): string => (n < 10 ? "0" + n : String(n));

function yearText(y: number): string {
  if (y >= 0 && y <= 9999) return y < 1000 ? String(y).padStart(4, "0") : String(y);
  return y < 0 ? "-" + String(-y).padStart(4, "0") : "+" + y;
}

/** `yyyy-MM-dd` of epoch days. */
export function formatDateDays(days: number): string {
  const c = civilFromDays(days);
  return `${yearText(c.year)}-${p2(c.month)}-${p2(c.day)}`;
}

/** `yyyy-MM-dd HH:mm:ss[.f…]` of a UTC µs instant in `zone`, as CAST(ts AS STRING) prints it. */
export function formatTimestampUs(us: number, zone: TimeZone): string {
  return formatLocalTimestampUs(toLocalUs(zone, us));
}

/** `yyyy-MM-dd HH:mm:ss[.f…]` of wall-clock µs (a TIMESTAMP_NTZ value). */
export function formatLocalTimestampUs(local: number): string {
  const days = floorDiv(local, US_PER_DAY);
  const tod = local - days * US_PER_DAY;
  const h = Math.floor(tod / US_PER_HOUR);
  const mi = Math.floor(tod / US_PER_MINUTE) % 60;
  const s = Math.floor(tod / US_PER_SECOND) % 60;
  const f = tod % US_PER_SECOND;
  let out = `${formatDateDays(days)} ${p2(h)}:${p2(mi)}:${p2(s)}`;
  if (f !== 0) out += "." + String(f).padStart(6, "0").replace(/0+$/, "");
  return out;
}
