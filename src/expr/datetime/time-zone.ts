/**
 * Session time zones: the offset of an instant in a zone, and the instant of a local date-time.
 * Region zones go through Intl once per 15-minute bucket and are cached (transitions fall on
 * quarter hours in every tz database zone in use); UTC and fixed offsets ("+08:00") need no lookups.
 * Local → instant follows java.time's ZonedDateTime.ofLocal: in an overlap the earlier offset wins,
 * in a gap the time moves forward by the gap's length.
 */
import { configError } from "../../common/errors.js";

const BUCKET_MS = 900_000;
const MAX_CACHE = 50_000;

export interface TimeZone {
  readonly id: string;
  /** True when the offset is the same for every instant (UTC, "+08:00"). */
  readonly fixed: boolean;
  /** Offset in ms to add to a UTC instant (ms) to get local wall-clock ms. */
  offsetMs(utcMs: number): number;
}

const zones = new Map<string, TimeZone>();

function fixedZone(id: string, offset: number): TimeZone {
  return { id, fixed: true, offsetMs: () => offset };
}

function parseFixedOffset(id: string): number | undefined {
  if (/^(UTC|GMT|Z|UT|Etc\/UTC|Etc\/GMT|Etc\/UCT|UCT|Zulu|Universal)$/i.test(id)) return 0;
  const m = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/i.exec(id);
  if (!m) return undefined;
  const sign = m[1] === "-" ? -1 : 1;
  return sign * ((Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000;
}

class RegionZone implements TimeZone {
  readonly fixed = false;
  private readonly cache = new Map<number, number>();
  private readonly fmt: Intl.DateTimeFormat;

  constructor(readonly id: string) {
    this.fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: id,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
  }

  offsetMs(utcMs: number): number {
    const bucket = Math.floor(utcMs / BUCKET_MS);
    const hit = this.cache.get(bucket);
    if (hit !== undefined) return hit;
    const off = this.compute(bucket * BUCKET_MS);
    if (this.cache.size > MAX_CACHE) this.cache.clear();
    this.cache.set(bucket, off);
    return off;
  }

  private compute(ms: number): number {
    const p: Record<string, string> = {};
    for (const part of this.fmt.formatToParts(new Date(ms))) p[part.type] = part.value;
    let year = Number(p.year);
    if (p.era === "BC" || p.era === "B") year = 1 - year;
    // Set year, month and day together: a two-step set would roll Feb 29 over in a non-leap year.
    const d = new Date(Date.UTC(2000, 0, 1, Number(p.hour), Number(p.minute), Number(p.second)));
    d.setUTCFullYear(year, Number(p.month) - 1, Number(p.day));
    return d.getTime() - ms;
  }
}

/** The zone for a session time zone id; throws INVALID_TIMEZONE for unknown ids. */
export function getTimeZone(id: string): TimeZone {
  let z = zones.get(id);
  if (z) return z;
  const fixed = parseFixedOffset(id);
  if (fixed !== undefined) z = fixedZone(id, fixed);
  else {
    try {
      z = new RegionZone(id);
    } catch {
      throw configError(
        "INVALID_TIMEZONE",
        `The time zone '${id}' is not known. Use a region id such as 'America/Los_Angeles', 'UTC', or an offset like '+08:00'.`,
        { timeZone: id },
      );
    }
  }
  zones.set(id, z);
  return z;
}

/** Wall-clock µs (local) of a UTC instant in µs. */
export function toLocalUs(zone: TimeZone, utcUs: number): number {
  if (zone.fixed) return utcUs + zone.offsetMs(0) * 1000;
  return utcUs + zone.offsetMs(Math.floor(utcUs / 1000)) * 1000;
}

/** UTC instant (µs) of a local wall-clock time in µs, with java.time's gap/overlap rules. */
export function fromLocalUs(zone: TimeZone, localUs: number): number {
  if (zone.fixed) return localUs - zone.offsetMs(0) * 1000;
  const localMs = Math.floor(localUs / 1000);
  const before = zone.offsetMs(localMs - 86_400_000);
  const after = zone.offsetMs(localMs + 86_400_000);
  if (before === after) {
    const o = zone.offsetMs(localMs - before);
    if (o === before) return localUs - before * 1000;
  }
  // A transition is near: try each candidate offset, earliest (pre-transition) first.
  if (zone.offsetMs(localMs - before) === before) return localUs - before * 1000;
  if (zone.offsetMs(localMs - after) === after) return localUs - after * 1000;
  // Gap: shift forward by the gap (use the offset in force before the transition).
  return localUs - before * 1000;
}
