/**
 * Dates and timestamps as text in files.
 * Reading without a format uses Spark's lenient ISO-8601 forms (`2024-01-01`, `2024-1-1 10:00`,
 * `2024-01-01T10:00:00.123456Z`, `... +08:00`, `... America/New_York`); a value without a zone is
 * a wall-clock time in the session time zone. `timestampFormat` / `dateFormat` patterns use the
 * java.time letters Spark documents (y M d H h m s S a X x Z VV, 'literal', [optional]).
 * Writing defaults match Spark's JSON/CSV output: `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` and `yyyy-MM-dd`.
 */
import { configError } from "../../common/errors.js";
import { civilFromDays, daysFromCivil, floorDiv, floorMod } from "../../expr/datetime/calendar.js";
import { type TimeZone, fromLocalUs, getTimeZone, toLocalUs } from "../../expr/datetime/time-zone.js";

export const DEFAULT_TIMESTAMP_WRITE_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
export const DEFAULT_DATE_FORMAT = "yyyy-MM-dd";
/** Spark's default `timestampNTZFormat` when writing TIMESTAMP_NTZ values (JSONOptions / CSVOptions). */
export const DEFAULT_TIMESTAMP_NTZ_WRITE_FORMAT = "yyyy-MM-dd'T'HH:mm:ss[.SSS]";

const US_PER_DAY = 86_400_000_000;

const LENIENT_TS =
  /^\s*([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:(?:[T ])(?:(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?)?)?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?(?::?\d{2})?|(?:UTC|GMT|UT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Za-z]+\/[A-Za-z0-9_+\-/]+)?\s*$/;

function zoneOffsetUs(id: string, localUs: number, session: TimeZone): number | undefined {
  if (id === "" ) return localUs - fromLocalUs(session, localUs);
  try {
    const z = id === "Z" ? getTimeZone("UTC") : getTimeZone(/^[+-]\d$/.test(id) ? id[0] + "0" + id[1] : id);
    return localUs - fromLocalUs(z, localUs);
  } catch {
    return undefined;
  }
}

function validCivil(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dim = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= dim;
}

/** Spark's lenient timestamp parse; µs since the epoch, or null when the text is not a timestamp. */
export function parseTimestampLenient(s: string, session: TimeZone): number | null {
  const fast = parseIsoUtc(s);
  if (fast !== undefined) return fast;
  const m = LENIENT_TS.exec(s);
  if (!m) return null;
  const local = lenientLocalUs(m);
  if (local === null) return null;
  const off = zoneOffsetUs(m[8] ?? "", local, session);
  return off === undefined ? null : local - off;
}

/** The same lenient forms read as a TIMESTAMP_NTZ (wall-clock µs); text with a zone is not one, as in Spark. */
export function parseLocalTimestampLenient(s: string): number | null {
  const m = LENIENT_TS.exec(s);
  return m && m[8] === undefined ? lenientLocalUs(m) : null;
}

function lenientLocalUs(m: RegExpExecArray): number | null {
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : 1;
  const d = m[3] ? Number(m[3]) : 1;
  if (!validCivil(y, mo, d)) return null;
  const h = m[4] ? Number(m[4]) : 0;
  const mi = m[5] ? Number(m[5]) : 0;
  const sec = m[6] ? Number(m[6]) : 0;
  if (h > 23 || mi > 59 || sec > 59) return null;
  const frac = (m[7] ?? "").padEnd(6, "0").slice(0, 6);
  return daysFromCivil(y, mo, d) * US_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1_000_000 + Number(frac || "0");
}

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};

/**
 * Fast path for the most common form, `YYYY-MM-DDTHH:MM:SS[.f{1,6}]Z` (what JSON producers and
 * toISOString() write): character arithmetic instead of the general regex. Returns undefined for
 * any other shape, which then takes the general path.
 */
function parseIsoUtc(s: string): number | undefined {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 /* Z */ || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const mo = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  const h = digit(s, 11) * 10 + digit(s, 12);
  const mi = digit(s, 14) * 10 + digit(s, 15);
  const sec = digit(s, 17) * 10 + digit(s, 18);
  let frac = 0;
  if (n > 20) {
    if (s.charCodeAt(19) !== 46 /* . */ || n > 27) return undefined;
    for (let i = 20, scale = 100_000; i < n - 1; i++, scale /= 10) frac += digit(s, i) * scale;
  } else if (n !== 20) return undefined;
  if (Number.isNaN(y + mo + d + h + mi + sec + frac) || !validCivil(y, mo, d) || h > 23 || mi > 59 || sec > 59) return undefined;
  return daysFromCivil(y, mo, d) * US_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1_000_000 + frac;
}

const LENIENT_DATE = /^\s*([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ].*)?)?)?\s*$/;

/** Spark's lenient date parse; days since the epoch, or null. */
export function parseDateLenient(s: string): number | null {
  const m = LENIENT_DATE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : 1;
  const d = m[3] ? Number(m[3]) : 1;
  return validCivil(y, mo, d) ? daysFromCivil(y, mo, d) : null;
}

// ---------------------------------------------------------------- patterns

type Tok = { kind: "lit"; text: string } | { kind: "field"; letter: string; width: number } | { kind: "opt"; toks: Tok[] };

function tokenize(p: string): Tok[] {
  const stack: Tok[][] = [[]];
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  while (i < p.length) {
    const c = p[i]!;
    if (c === "'") {
      const e = p.indexOf("'", i + 1);
      if (e < 0) throw badPattern(p, "unterminated quote");
      top().push({ kind: "lit", text: e === i + 1 ? "'" : p.slice(i + 1, e) });
      i = e + 1;
    } else if (c === "[") {
      stack.push([]);
      i++;
    } else if (c === "]") {
      if (stack.length === 1) throw badPattern(p, "unbalanced ']'");
      const toks = stack.pop()!;
      top().push({ kind: "opt", toks });
      i++;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (p[j] === c) j++;
      if (!"yuMLdHhmsSaXxZVEDkK".includes(c)) throw badPattern(p, `unsupported letter '${c}'`);
      top().push({ kind: "field", letter: c, width: j - i });
      i = j;
    } else {
      top().push({ kind: "lit", text: c });
      i++;
    }
  }
  if (stack.length !== 1) throw badPattern(p, "unbalanced '['");
  return stack[0]!;
}

const badPattern = (p: string, why: string) =>
  configError("INVALID_DATETIME_PATTERN", `Invalid datetime pattern '${p}': ${why}. Use java.time letters such as yyyy-MM-dd HH:mm:ss.SSS`, { pattern: p });

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

interface Parts {
  y: number;
  M: number;
  d: number;
  H: number;
  m: number;
  s: number;
  us: number;
  pm: number;
  h12: boolean;
  zone: string | undefined;
}

function parseToks(toks: Tok[], s: string, pos: number, out: Parts): number {
  for (const t of toks) {
    if (t.kind === "lit") {
      if (!s.startsWith(t.text, pos)) return -1;
      pos += t.text.length;
    } else if (t.kind === "opt") {
      const save = { ...out };
      const p2 = parseToks(t.toks, s, pos, out);
      if (p2 < 0) Object.assign(out, save);
      else pos = p2;
    } else {
      const L = t.letter;
      if (L === "M" && t.width >= 3) {
        const names = t.width === 3 ? MONTHS : MONTHS_LONG;
        const k = names.findIndex((n) => s.startsWith(n, pos));
        if (k < 0) return -1;
        out.M = k + 1;
        pos += names[k]!.length;
        continue;
      }
      if (L === "E") {
        const m = /^[A-Za-z]+/.exec(s.slice(pos));
        if (!m) return -1;
        pos += m[0].length;
        continue;
      }
      if (L === "a") {
        const ap = s.slice(pos, pos + 2).toUpperCase();
        if (ap !== "AM" && ap !== "PM") return -1;
        out.pm = ap === "PM" ? 1 : 0;
        pos += 2;
        continue;
      }
      if (L === "X" || L === "x" || L === "Z") {
        const m = /^(Z|[+-]\d{2}(?::?\d{2})?(?::?\d{2})?)/.exec(s.slice(pos));
        if (!m || (m[1] === "Z" && L === "x")) return -1;
        out.zone = m[1]!;
        pos += m[1]!.length;
        continue;
      }
      if (L === "V") {
        const m = /^[A-Za-z]+(?:\/[A-Za-z0-9_+\-]+)*|^Z/.exec(s.slice(pos));
        if (!m) return -1;
        out.zone = m[0];
        pos += m[0].length;
        continue;
      }
      // Numeric fields: fixed width when the pattern has ≥ 2 letters (year: 4+ digits), else 1+.
      const min = L === "S" ? t.width : t.width >= 2 ? t.width : 1;
      const max = L === "S" ? t.width : L === "y" || L === "u" ? (t.width === 2 ? 2 : 9) : Math.max(t.width, 2);
      const year = L === "y" || L === "u";
      const m = new RegExp(`^${year && t.width >= 4 ? "\\+?" : ""}\\d{${min},${max}}`).exec(s.slice(pos));
      if (!m) return -1;
      // Java's strict parsing of a 4+ letter year (SignStyle.EXCEEDS_PAD): more digits than the
      // letters only with a leading '+', and '+' only then (`99999-01-01` is no yyyy-MM-dd date).
      if (year && t.width >= 4 && (m[0].startsWith("+") ? m[0].length - 1 <= t.width : m[0].length > t.width)) return -1;
      const n = Number(m[0]);
      pos += m[0].length;
      if (L === "y" || L === "u") out.y = t.width === 2 ? 2000 + n : n;
      else if (L === "M" || L === "L") out.M = n;
      else if (L === "d") out.d = n;
      else if (L === "H" || L === "k") out.H = L === "k" && n === 24 ? 0 : n;
      else if (L === "h" || L === "K") (out.H = n % 12), (out.h12 = true);
      else if (L === "m") out.m = n;
      else if (L === "s") out.s = n;
      else if (L === "S") out.us = Number(m[0].padEnd(6, "0").slice(0, 6));
      else if (L === "D") out.d = n;
    }
  }
  return pos;
}

export interface DateTimePattern {
  readonly pattern: string;
  /** µs since the epoch (zone-less text in `session`), or null when the text does not match. */
  parseTimestamp(s: string, session: TimeZone): number | null;
  /** Wall-clock µs of text with no zone (a TIMESTAMP_NTZ), or null (also when the text has a zone). */
  parseLocalTimestamp(s: string): number | null;
  /** Days since the epoch, or null. */
  parseDate(s: string): number | null;
  formatTimestamp(us: number, zone: TimeZone): string;
  /** Wall-clock µs (a TIMESTAMP_NTZ) in the pattern; zone letters print UTC's. */
  formatLocalTimestamp(local: number): string;
  formatDate(days: number): string;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

function offsetText(offMs: number, letter: string, width: number): string {
  if (offMs === 0 && letter !== "x" && !(letter === "Z" && width < 4)) return "Z";
  const sign = offMs < 0 ? "-" : "+";
  const a = Math.abs(offMs) / 60000;
  const hh = pad(Math.floor(a / 60), 2);
  const mm = pad(a % 60, 2);
  if (letter === "Z") return width === 4 ? `GMT${sign}${hh}:${mm}` : `${sign}${hh}${mm}`;
  if (width === 1) return mm === "00" ? `${sign}${hh}` : `${sign}${hh}${mm}`;
  return width === 2 ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
}

const cache = new Map<string, DateTimePattern>();

/** Compile a java.time-style pattern once; throws INVALID_DATETIME_PATTERN. */
export function compilePattern(pattern: string): DateTimePattern {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const toks = tokenize(pattern);
  const parseParts = (s: string): Parts | null => {
    const p: Parts = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, us: 0, pm: -1, h12: false, zone: undefined };
    const end = parseToks(toks, s, 0, p);
    if (end !== s.length) return null;
    if (p.pm === 1) p.H += 12;
    if (!validCivil(p.y, p.M, p.d) || p.H > 23 || p.m > 59 || p.s > 59) return null;
    return p;
  };
  const fmt = (local: number, offMs: number): string => {
    const days = floorDiv(local, US_PER_DAY);
    const tod = local - days * US_PER_DAY;
    const c = civilFromDays(days);
    const emit = (ts: Tok[]): string =>
      ts
        .map((t) => {
          if (t.kind === "lit") return t.text;
          if (t.kind === "opt") return emit(t.toks);
          const w = t.width;
          const sec = Math.floor(tod / 1_000_000);
          switch (t.letter) {
            case "y":
            case "u":
              return w === 2 ? pad(floorMod(c.year, 100), 2) : pad(c.year, w);
            case "M":
            case "L":
              return w >= 4 ? MONTHS_LONG[c.month - 1]! : w === 3 ? MONTHS[c.month - 1]! : pad(c.month, w);
            case "d":
              return pad(c.day, w);
            case "D":
              return pad(days - daysFromCivil(c.year, 1, 1) + 1, w);
            case "H":
              return pad(Math.floor(sec / 3600), w);
            case "k":
              return pad(Math.floor(sec / 3600) || 24, w);
            case "h":
              return pad(Math.floor(sec / 3600) % 12 || 12, w);
            case "K":
              return pad(Math.floor(sec / 3600) % 12, w);
            case "m":
              return pad(Math.floor(sec / 60) % 60, w);
            case "s":
              return pad(sec % 60, w);
            case "S":
              return pad(tod % 1_000_000, 6).padEnd(w, "0").slice(0, w);
            case "a":
              return sec >= 43200 ? "PM" : "AM";
            case "E":
              return DAYS[floorMod(days + 3, 7)]!;
            case "V":
              return "UTC";
            default:
              return offsetText(offMs, t.letter, w);
          }
        })
        .join("");
    return emit(toks);
  };
  const compiled: DateTimePattern = {
    pattern,
    parseTimestamp(s, session) {
      const p = parseParts(s);
      if (!p) return null;
      const local = daysFromCivil(p.y, p.M, p.d) * US_PER_DAY + ((p.H * 60 + p.m) * 60 + p.s) * 1_000_000 + p.us;
      const off = zoneOffsetUs(p.zone ?? "", local, session);
      return off === undefined ? null : local - off;
    },
    parseLocalTimestamp(s) {
      const p = parseParts(s);
      if (!p || p.zone !== undefined) return null;
      return daysFromCivil(p.y, p.M, p.d) * US_PER_DAY + ((p.H * 60 + p.m) * 60 + p.s) * 1_000_000 + p.us;
    },
    parseDate(s) {
      const p = parseParts(s);
      return p ? daysFromCivil(p.y, p.M, p.d) : null;
    },
    formatLocalTimestamp(local) {
      return fmt(local, 0);
    },
    formatTimestamp(us, zone) {
      const local = toLocalUs(zone, us);
      return fmt(local, (local - us) / 1000);
    },
    formatDate(days) {
      return fmt(days * US_PER_DAY, 0);
    },
  };
  cache.set(pattern, compiled);
  return compiled;
}

/**
 * A timestamp parser for an optional user format (lenient ISO forms when absent). With
 * `fallback` (the reader option enableDateTimeParsingFallback), text the format does not match
 * is tried in the lenient forms too, as Spark falls back to its default parser.
 */
export function timestampParser(format: string | undefined, zone: TimeZone, fallback = false): (s: string) => number | null {
  if (format === undefined) return (s) => parseTimestampLenient(s, zone);
  const p = compilePattern(format);
  return fallback ? (s) => p.parseTimestamp(s, zone) ?? parseTimestampLenient(s, zone) : (s) => p.parseTimestamp(s, zone);
}

/** A TIMESTAMP_NTZ parser for an optional `timestampNTZFormat` (lenient zone-less forms when absent). */
export function localTimestampParser(format: string | undefined, fallback = false): (s: string) => number | null {
  if (format === undefined) return parseLocalTimestampLenient;
  const p = compilePattern(format);
  return fallback ? (s) => p.parseLocalTimestamp(s) ?? parseLocalTimestampLenient(s) : (s) => p.parseLocalTimestamp(s);
}

/** A date parser for an optional user format (lenient forms when absent; `fallback` as for timestamps). */
export function dateParser(format: string | undefined, fallback = false): (s: string) => number | null {
  if (format === undefined) return parseDateLenient;
  const p = compilePattern(format);
  return fallback ? (s) => p.parseDate(s) ?? parseDateLenient(s) : (s) => p.parseDate(s);
}
