/**
 * Spark interval strings → milliseconds: "10 seconds", "1 minute", "2 hours 30 minutes",
 * "500 milliseconds", "1 day", "interval 5 minutes", "10s"-style abbreviations.
 */
import { parseError } from "./errors.js";

const UNIT_MS: Record<string, number> = {
  microsecond: 0.001,
  millisecond: 1,
  ms: 1,
  second: 1000,
  s: 1000,
  sec: 1000,
  minute: 60_000,
  m: 60_000,
  min: 60_000,
  hour: 3_600_000,
  h: 3_600_000,
  day: 86_400_000,
  d: 86_400_000,
  week: 604_800_000,
};

export function parseDurationMs(text: string): number {
  let s = text.trim().toLowerCase();
  if (s.startsWith("interval")) s = s.slice(8).trim();
  const re = /(-?\d+(?:\.\d+)?)\s*([a-z]+)/g;
  let total = 0;
  let matched = "";
  for (let m = re.exec(s); m; m = re.exec(s)) {
    let unit = m[2]!;
    if (!(unit in UNIT_MS) && unit.endsWith("s")) unit = unit.slice(0, -1);
    const ms = UNIT_MS[unit];
    if (ms === undefined) break;
    total += Number(m[1]) * ms;
    matched += m[0];
  }
  if (matched.replace(/\s/g, "") !== s.replace(/\s/g, "") || s === "") {
    throw parseError("INVALID_INTERVAL", `Cannot parse the interval '${text}'; use a form like "10 seconds", "5 minutes" or "1 hour"`, { interval: text });
  }
  return total;
}
