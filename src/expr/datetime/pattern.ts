/**
 * Spark datetime patterns (the java.time letters Spark 3+ accepts) compiled once into token lists,
 * then used to format and parse wall-clock microseconds:
 *   y yy yyyy · M MM MMM MMMM (L) · d dd · D · H HH · h hh · k · K · m mm · s ss · S… (fraction)
 *   a · E EEE EEEE · X XX XXX · x xx xxx · Z ZZZZZ · z · VV · 'literal' · '' (a quote)
 * Parsing follows Spark's CORRECTED parser: fixed widths for doubled letters, the whole input
 * must be consumed, and a parsed offset or zone overrides the session time zone.
 */
import { parseError } from "../../common/errors.js";
import { civilFromDays, daysFromCivil, daysInMonth, dayOfYear, floorDiv, isoDayOfWeek, US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, US_PER_SECOND } from "./calendar.js";
import { fromLocalUs, getTimeZone, type TimeZone } from "./time-zone.js";

export type PatternToken = { readonly lit: string } | { readonly letter: string; readonly count: number };

const KNOWN = "yuMLdDHhkKmsSaEXxZzVGQ";
export const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
export const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const cache = new Map<string, readonly PatternToken[]>();

/** Tokenize a pattern; throws INVALID_DATETIME_PATTERN naming the bad letter. */
export function compilePattern(pattern: string): readonly PatternToken[] {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const out: PatternToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        out.push({ lit: "'" });
        i += 2;
        continue;
      }
      let j = i + 1;
      let text = "";
      for (; j < pattern.length; j++) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j++;
          } else break;
        } else text += pattern[j];
      }
      if (j >= pattern.length) throw badPattern(pattern, "an unterminated quote");
      out.push({ lit: text });
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      if (!KNOWN.includes(c)) throw badPattern(pattern, `the letter '${c}'`);
      out.push({ letter: c, count: j - i });
      i = j;
    } else {
      out.push({ lit: c });
      i++;
    }
  }
  cache.set(pattern, out);
  return out;
}

const badPattern = (pattern: string, what: string) =>
  parseError(
    "INVALID_DATETIME_PATTERN",
    `The datetime pattern '${pattern}' has ${what} that Spark does not recognize. Use letters such as yyyy, MM, dd, HH, mm, ss, SSS, a, EEE, XXX and quote literal text with '...'.`,
    { pattern },
  );

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n));
  return (n < 0 ? "-" : "") + (s.length >= width ? s : "0".repeat(width - s.length) + s);
};

function formatOffset(offMs: number, withColon: boolean, zForZero: boolean, minutesOptional: boolean): string {
  if (offMs === 0 && zForZero) return "Z";
  const sign = offMs < 0 ? "-" : "+";
  const total = Math.round(Math.abs(offMs) / 60000);
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (minutesOptional && m === 0) return sign + pad(h, 2);
  return sign + pad(h, 2) + (withColon ? ":" : "") + pad(m, 2);
}

const shortNames = new Map<string, Intl.DateTimeFormat>();
function zoneShortName(zone: TimeZone, utcMs: number): string {
  if (zone.fixed) return zone.offsetMs(0) === 0 ? "UTC" : formatOffset(zone.offsetMs(0), true, false, false);
  let f = shortNames.get(zone.id);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone.id, timeZoneName: "short" });
    shortNames.set(zone.id, f);
  }
  return f.formatToParts(new Date(utcMs)).find((p) => p.type === "timeZoneName")?.value ?? zone.id;
}

/** Format wall-clock µs `localUs` whose zone offset is `offMs` (for X/Z/z letters). */
export function formatPattern(tokens: readonly PatternToken[], localUs: number, offMs: number, zone: TimeZone): string {
  const days = floorDiv(localUs, US_PER_DAY);
  const tod = localUs - days * US_PER_DAY;
  const c = civilFromDays(days);
  const hour = Math.floor(tod / US_PER_HOUR);
  const minute = Math.floor(tod / US_PER_MINUTE) % 60;
  const second = Math.floor(tod / US_PER_SECOND) % 60;
  const micros = tod % US_PER_SECOND;
  let s = "";
  for (const t of tokens) {
    if ("lit" in t) {
      s += t.lit;
      continue;
    }
    const n = t.count;
    switch (t.letter) {
      case "y":
      case "u":
        s += n === 2 ? pad(((c.year % 100) + 100) % 100, 2) : pad(c.year, n);
        break;
      case "M":
      case "L":
        s += n >= 4 ? MONTHS[c.month - 1] : n === 3 ? MONTHS[c.month - 1]!.slice(0, 3) : pad(c.month, n);
        break;
      case "Q":
        s += pad(Math.floor((c.month - 1) / 3) + 1, n);
        break;
      case "d":
        s += pad(c.day, n);
        break;
      case "D":
        s += pad(dayOfYear(days), n);
        break;
      case "H":
        s += pad(hour, n);
        break;
      case "k":
        s += pad(hour === 0 ? 24 : hour, n);
        break;
      case "K":
        s += pad(hour % 12, n);
        break;
      case "h":
        s += pad(hour % 12 === 0 ? 12 : hour % 12, n);
        break;
      case "m":
        s += pad(minute, n);
        break;
      case "s":
        s += pad(second, n);
        break;
      case "S": {
        const frac = pad(micros, 6) + "000";
        s += n <= 9 ? frac.slice(0, n) : frac + "0".repeat(n - 9);
        break;
      }
      case "a":
        s += hour < 12 ? "AM" : "PM";
        break;
      case "E": {
        const name = DAYS[isoDayOfWeek(days) - 1]!;
        s += n >= 4 ? name : name.slice(0, 3);
        break;
      }
      case "G":
        s += c.year > 0 ? "AD" : "BC";
        break;
      case "X":
        s += formatOffset(offMs, n >= 3, true, n === 1);
        break;
      case "x":
        s += formatOffset(offMs, n >= 3, false, n === 1);
        break;
      case "Z":
        s += n <= 3 ? formatOffset(offMs, false, false, false) : n === 4 ? (offMs === 0 ? "GMT" : "GMT" + formatOffset(offMs, true, false, false)) : formatOffset(offMs, true, true, false);
        break;
      case "z":
        s += zoneShortName(zone, Math.floor((localUs - offMs * 1000) / 1000));
        break;
      case "V":
        s += zone.id;
        break;
    }
  }
  return s;
}

/** Result of parsing: UTC µs, or null when the text does not match. `wallClock`: the local µs as written, a parsed offset or zone ignored (TIMESTAMP_NTZ, as Spark's to_timestamp_ntz). */
export function parsePattern(tokens: readonly PatternToken[], text: string, sessionZone: TimeZone, wallClock = false): number | null {
  let pos = 0;
  let year = 1970;
  let month = 1;
  let day = 1;
  let doy = -1;
  let hour = 0;
  let hour12 = -1;
  let pm = -1;
  let minute = 0;
  let second = 0;
  let micros = 0;
  let offMs: number | null = null;
  let zone: TimeZone | null = null;
  for (let ti = 0; ti < tokens.length; ti++) {
    const t = tokens[ti]!;
    if ("lit" in t) {
      if (!text.startsWith(t.lit, pos)) return null;
      pos += t.lit.length;
      continue;
    }
    const next = tokens[ti + 1];
    const adjacentNumber = next !== undefined && "letter" in next && "yMdDHhkKmsSu".includes(next.letter) && next.count < 3;
    const num = (minW: number, maxW: number): number | null => {
      let j = pos;
      const limit = Math.min(text.length, pos + maxW);
      while (j < limit && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      if (j - pos < minW) return null;
      const v = Number(text.slice(pos, j));
      pos = j;
      return v;
    };
    const n = t.count;
    const fixed = (w: number) => num(n >= 2 ? n : 1, n >= 2 ? n : adjacentNumber ? w : w);
    let v: number | null;
    switch (t.letter) {
      case "y":
      case "u": {
        if (n === 2) {
          v = num(2, 2);
          if (v === null) return null;
          year = 2000 + v;
        } else {
          v = num(n, adjacentNumber ? n : 9);
          if (v === null) return null;
          year = v;
        }
        break;
      }
      case "M":
      case "L":
        if (n >= 3) {
          const idx = matchName(text, pos, MONTHS, n === 3);
          if (idx < 0) return null;
          pos += n === 3 ? 3 : MONTHS[idx]!.length;
          month = idx + 1;
        } else {
          v = fixed(2);
          if (v === null) return null;
          month = v;
        }
        break;
      case "d":
        if ((v = fixed(2)) === null) return null;
        day = v;
        break;
      case "D":
        if ((v = fixed(3)) === null) return null;
        doy = v;
        break;
      case "H":
      case "k":
        if ((v = fixed(2)) === null) return null;
        hour = t.letter === "k" && v === 24 ? 0 : v;
        break;
      case "h":
      case "K":
        if ((v = fixed(2)) === null) return null;
        hour12 = t.letter === "h" && v === 12 ? 0 : v;
        if (hour12 > 11) return null;
        break;
      case "m":
        if ((v = fixed(2)) === null) return null;
        minute = v;
        break;
      case "s":
        if ((v = fixed(2)) === null) return null;
        second = v;
        break;
      case "S": {
        const start = pos;
        if (num(1, n) === null) return null;
        const digits = text.slice(start, pos);
        micros = Math.floor(Number((digits + "000000000").slice(0, 9)) / 1000);
        break;
      }
      case "a": {
        const ap = text.slice(pos, pos + 2).toUpperCase();
        if (ap !== "AM" && ap !== "PM") return null;
        pm = ap === "PM" ? 1 : 0;
        pos += 2;
        break;
      }
      case "E": {
        const idx = matchName(text, pos, DAYS, n <= 3);
        if (idx < 0) return null;
        pos += n <= 3 ? 3 : DAYS[idx]!.length;
        break;
      }
      case "G":
        if (text.startsWith("AD", pos) || text.startsWith("BC", pos)) pos += 2;
        else return null;
        break;
      case "X":
      case "x":
      case "Z": {
        const m = /^(?:(Z)|(?:GMT)?([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?)/.exec(text.slice(pos));
        if (!m || (m[1] && t.letter === "x")) return null;
        pos += m[0].length;
        offMs = m[1] ? 0 : (m[2] === "-" ? -1 : 1) * (Number(m[3]) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0)) * 1000;
        break;
      }
      case "z":
      case "V": {
        const m = /^[A-Za-z][A-Za-z0-9_/+-]*/.exec(text.slice(pos));
        if (!m) return null;
        try {
          zone = getTimeZone(m[0]);
        } catch {
          return null;
        }
        pos += m[0].length;
        break;
      }
      default:
        return null;
    }
  }
  if (pos !== text.length) return null;
  if (hour12 >= 0) hour = hour12 + (pm === 1 ? 12 : 0);
  else if (pm === 1 && hour < 12) return null;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  let days: number;
  if (doy > 0) {
    days = daysFromCivil(year, 1, 1) + doy - 1;
    if (civilFromDays(days).year !== year) return null;
  } else {
    if (day < 1 || day > daysInMonth(year, month)) return null;
    days = daysFromCivil(year, month, day);
  }
  const local = days * US_PER_DAY + hour * US_PER_HOUR + minute * US_PER_MINUTE + second * US_PER_SECOND + micros;
  if (wallClock) return local;
  if (offMs !== null) return local - offMs * 1000;
  return fromLocalUs(zone ?? sessionZone, local);
}

function matchName(text: string, pos: number, names: readonly string[], short: boolean): number {
  const rest = text.slice(pos).toLowerCase();
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!.toLowerCase();
    if (rest.startsWith(short ? n.slice(0, 3) : n)) return i;
  }
  return -1;
}
