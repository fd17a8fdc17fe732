/**
 * Spark interval strings → milliseconds, for withWatermark delays, window durations and triggers:
 * "10 minutes", "1 hour 30 minutes", "interval 5 seconds", "2 days", "500 milliseconds".
 * Units may be singular or plural; months count as 31 days and years as 12 months, as Spark does
 * when it turns a calendar interval into a duration. Fractional amounts are allowed ("1.5 hours").
 */
import { parseError } from "./errors.js";

const UNIT_MS: Readonly<Record<string, number>> = {
  microsecond: 0.001,
  us: 0.001,
  millisecond: 1,
  ms: 1,
  second: 1000,
  sec: 1000,
  s: 1000,
  minute: 60_000,
  min: 60_000,
  m: 60_000,
  hour: 3_600_000,
  h: 3_600_000,
  day: 86_400_000,
  d: 86_400_000,
  week: 7 * 86_400_000,
  month: 31 * 86_400_000,
  year: 12 * 31 * 86_400_000,
};

function unitMs(unit: string): number | undefined {
  const u = unit.toLowerCase();
  return UNIT_MS[u] ?? (u.endsWith("s") ? UNIT_MS[u.slice(0, -1)] : undefined);
}

/** Parse an interval string; throws a parse SluiceError `INVALID_INTERVAL` naming the text. */
export function parseIntervalMs(text: string): number {
  let s = text.trim();
  if (/^interval\b/i.test(s)) s = s.slice(8).trim();
  const tokens = s.length === 0 ? [] : s.split(/\s+/);
  const fail = (why: string): never => {
    throw parseError(
      "INVALID_INTERVAL",
      `Cannot parse the interval '${text}': ${why}. Use a form like "10 seconds", "5 minutes" or "1 hour 30 minutes".`,
      { interval: text },
    );
  };
  if (tokens.length === 0) fail("it is empty");
  let total = 0;
  for (let i = 0; i < tokens.length; i++) {
    let tok = tokens[i]!;
    // "10s", "5minutes": number and unit glued together.
    const glued = /^([+-]?\d+(?:\.\d+)?)([a-zA-Z]+)$/.exec(tok);
    let amountText: string;
    let unit: string;
    if (glued) {
      amountText = glued[1]!;
      unit = glued[2]!;
    } else {
      if (tok.startsWith("'") && tok.endsWith("'") && tok.length > 2) tok = tok.slice(1, -1);
      amountText = tok;
      const next = tokens[++i];
      if (next === undefined) fail(`'${tok}' has no unit`);
      unit = next!;
    }
    if (!/^[+-]?\d+(?:\.\d+)?$/.test(amountText)) fail(`'${amountText}' is not a number`);
    const ms = unitMs(unit);
    if (ms === undefined) fail(`unknown unit '${unit}'`);
    total += Number(amountText) * ms!;
  }
  return total;
}
