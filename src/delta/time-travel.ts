/**
 * Commit timestamps and `timestampAsOf` (Delta's DeltaHistoryManager): a commit's timestamp is
 * its commit file's modification time (as Spark and delta-rs use without in-commit timestamps),
 * made strictly increasing (a commit not later than the previous one counts as previous + 1 ms).
 * The version as of T is the latest commit whose timestamp ≤ T.
 */
import { SluiceError, configError } from "../common/errors.js";
import type { CommitFileRef } from "./log-store.js";

/** version → timestamp (ms), monotonized, for the listed commit files. */
export function commitTimestamps(commits: readonly CommitFileRef[]): Map<number, number> {
  const out = new Map<number, number>();
  let prev = -Infinity;
  for (const c of commits) {
    // whole milliseconds, as Hadoop's modification times: a history timestamp given back to
    // timestampAsOf must find its own version
    const mtime = Math.floor(c.mtimeMs);
    const ts = mtime > prev ? mtime : prev + 1;
    out.set(c.version, ts);
    prev = ts;
  }
  return out;
}

/** Milliseconds since the epoch of a Date, a number (ms) or a timestamp string (naive = UTC). */
export function toEpochMs(t: Date | number | string): number {
  if (t instanceof Date) return t.getTime();
  if (typeof t === "number") return t;
  const s = t.trim();
  const naive = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(s);
  const ms = Date.parse(naive ? `${s.replace(" ", "T")}${s.length === 10 ? "T00:00:00" : ""}Z` : s);
  if (Number.isNaN(ms)) {
    throw configError("DELTA_INVALID_TIMESTAMP", `Cannot read ${JSON.stringify(t)} as a timestamp; use ISO-8601 such as 2024-05-01T12:00:00Z`, {
      value: s,
    });
  }
  return ms;
}

/**
 * The version in force at `timestamp`. Throws DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION
 * before the earliest recreatable commit and DELTA_TIMESTAMP_GREATER_THAN_COMMIT after the latest.
 */
export function versionAtTimestamp(
  table: string,
  timestamps: ReadonlyMap<number, number>,
  timestamp: Date | number | string,
  earliestVersion: number,
): number {
  const t = toEpochMs(timestamp);
  const entries = [...timestamps].filter(([v]) => v >= earliestVersion).sort((a, b) => a[0] - b[0]);
  const iso = (ms: number) => new Date(ms).toISOString();
  const first = entries[0];
  const last = entries.at(-1);
  if (!first || !last || t < first[1]) {
    throw new SluiceError(
      "input",
      "DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION",
      `The timestamp ${iso(t)} is before the earliest available commit of Delta table ${table}` +
        (first ? ` (version ${first[0]} at ${iso(first[1])}). Use a timestamp at or after it.` : "."),
      { table, timestamp: iso(t) },
    );
  }
  if (t > last[1]) {
    throw new SluiceError(
      "input",
      "DELTA_TIMESTAMP_GREATER_THAN_COMMIT",
      `The timestamp ${iso(t)} is after the latest commit of Delta table ${table} (version ${last[0]} at ${iso(last[1])}). ` +
        `Use a timestamp at or before ${iso(last[1])}.`,
      { table, timestamp: iso(t), latestVersion: last[0] },
    );
  }
  let version = first[0];
  for (const [v, ts] of entries) if (ts <= t) version = v;
  return version;
}
