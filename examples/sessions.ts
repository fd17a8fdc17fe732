/**
 * User sessions with a 30-minute inactivity gap, written three ways over the same click stream
 * (user, ts), each giving the same sessions (user, start, end, clicks) with `end` = last click +
 * 30 minutes, as Spark's session_window reports it:
 *   1. session_window aggregation — Spark does the merging;
 *   2. groupByKey(...).flatMapGroupsWithState with an event-time timeout;
 *   3. groupByKey(...).transformWithState with an event-time timer.
 * 2 and 3 keep a key's open sessions as state, merge new clicks into them (a click within the gap
 * of a session joins it, and may bridge two), and emit a session once the watermark has passed
 * its end, so all three emit a session after the same watermark. Lateness differs, as in Spark:
 * session_window drops a click whose own session (click + gap) ends before the watermark, the
 * other two a click older than the watermark; with a watermark delay above the gap (here 1 hour)
 * a click that one way keeps the others keep too, unless it is older than the delay allows.
 * Run it: `npx tsx examples/sessions.ts` (prints each way's sessions for EXAMPLE_BATCHES).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { tmpdir } from "node:os";
import {
  type DataFrame,
  type GroupState,
  Session,
  type StatefulProcessor,
  type StatefulProcessorHandle,
  type TimerValues,
  type ValueState,
  col,
  functions as F,
} from "../src/index.js";

export const GAP_MS = 30 * 60_000;
export const SESSION_SCHEMA = "user STRING, start TIMESTAMP, end TIMESTAMP, clicks INT";
const OPEN_SESSIONS = "sessions ARRAY<STRUCT<start: TIMESTAMP, last: TIMESTAMP, clicks: INT>>";

interface OpenSession {
  start: Date;
  last: Date;
  clicks: number;
}
type Click = Record<string, unknown>;

/** 1. Spark's session_window: one row per (user, session). */
export function sessionsBySessionWindow(clicks: DataFrame): DataFrame {
  return clicks
    .groupBy(col("user"), F.session_window(col("ts"), "30 minutes"))
    .agg(F.count("*").cast("int").alias("clicks"))
    .select(col("user"), col("session_window.start").alias("start"), col("session_window.end").alias("end"), col("clicks"));
}

/** Merges click times into a key's open sessions (sorted by start): sessions closer than the gap join. */
export function mergeSessions(open: readonly OpenSession[], times: readonly number[]): OpenSession[] {
  const all = [...open.map((s) => ({ start: s.start.getTime(), last: s.last.getTime(), clicks: s.clicks })), ...times.map((t) => ({ start: t, last: t, clicks: 1 }))];
  all.sort((a, b) => a.start - b.start);
  const merged: { start: number; last: number; clicks: number }[] = [];
  for (const s of all) {
    const cur = merged.at(-1);
    if (cur !== undefined && s.start < cur.last + GAP_MS) {
      cur.last = Math.max(cur.last, s.last);
      cur.clicks += s.clicks;
    } else merged.push({ ...s });
  }
  return merged.map((s) => ({ start: new Date(s.start), last: new Date(s.last), clicks: s.clicks }));
}

/** Splits merged sessions into those the watermark has closed (end at or before it) and the open rest. */
function closeSessions(user: string, sessions: readonly OpenSession[], watermarkMs: number): { closed: Click[]; open: OpenSession[] } {
  const isClosed = (s: OpenSession) => s.last.getTime() + GAP_MS <= watermarkMs;
  return {
    closed: sessions.filter(isClosed).map((s) => ({ user, start: s.start, end: new Date(s.last.getTime() + GAP_MS), clicks: s.clicks })),
    open: sessions.filter((s) => !isClosed(s)),
  };
}

const clickTimes = (rows: Iterable<Click>): number[] => [...rows].map((r) => (r.ts as Date).getTime());

/** 2. flatMapGroupsWithState: the open sessions as state, an event-time timeout at the earliest end. */
export function sessionsByFlatMapGroupsWithState(clicks: DataFrame): DataFrame {
  return clicks.groupByKey((r) => r.user as string).flatMapGroupsWithState(
    { outputMode: "append", timeout: "EventTimeTimeout", stateSchema: OPEN_SESSIONS, outputSchema: SESSION_SCHEMA },
    (user, rows, state: GroupState<{ sessions: OpenSession[] }>) => {
      const merged = mergeSessions(state.getOption()?.sessions ?? [], clickTimes(rows));
      const { closed, open } = closeSessions(user, merged, state.getCurrentWatermarkMs());
      if (open.length === 0) state.remove();
      else {
        state.update({ sessions: open });
        // Spark times a key out once the watermark is past this timestamp.
        state.setTimeoutTimestamp(Math.min(...open.map((s) => s.last.getTime() + GAP_MS)) - 1);
      }
      return closed;
    },
  );
}

/** 3. transformWithState: the open sessions in a ValueState, an event-time timer at the earliest end. */
class Sessions implements StatefulProcessor<string> {
  private handle!: StatefulProcessorHandle;
  private open!: ValueState<{ sessions: OpenSession[] }>;

  init(handle: StatefulProcessorHandle): void {
    this.handle = handle;
    this.open = handle.getValueState("open", OPEN_SESSIONS);
  }

  handleInputRows(user: string, rows: Iterable<Click>, timers: TimerValues): Click[] {
    return this.advance(user, clickTimes(rows), timers);
  }

  handleExpiredTimer(user: string, timers: TimerValues): Click[] {
    return this.advance(user, [], timers);
  }

  private advance(user: string, times: number[], timers: TimerValues): Click[] {
    const merged = mergeSessions(this.open.get()?.sessions ?? [], times);
    const { closed, open } = closeSessions(user, merged, timers.getCurrentWatermarkInMs());
    for (const t of this.handle.listTimers()) this.handle.deleteTimer(t);
    if (open.length === 0) this.open.clear();
    else {
      this.open.update({ sessions: open });
      // A timer fires once the watermark reaches it.
      this.handle.registerTimer(Math.min(...open.map((s) => s.last.getTime() + GAP_MS)));
    }
    return closed;
  }
}

export function sessionsByTransformWithState(clicks: DataFrame): DataFrame {
  return clicks.groupByKey((r) => r.user as string).transformWithState(new Sessions(), { outputMode: "append", timeMode: "EventTime", outputSchema: SESSION_SCHEMA });
}

export const WAYS = { session_window: sessionsBySessionWindow, flatMapGroupsWithState: sessionsByFlatMapGroupsWithState, transformWithState: sessionsByTransformWithState };

/**
 * Runs one way over click batches: each batch is written as a JSON-lines file and processed before
 * the next (so the watermark moves between them); the sessions it emitted, sorted.
 */
export async function runSessions(spark: Session, way: keyof typeof WAYS, batches: readonly (readonly Click[])[], watermark = "1 hour"): Promise<Click[]> {
  const dir = mkdtempSync(join(tmpdir(), `sluice-sessions-${way}-`));
  mkdirSync(join(dir, "in"));
  const clicks = spark.readStream.schema("user STRING, ts TIMESTAMP").json(join(dir, "in")).withWatermark("ts", watermark);
  const name = `sessions_${way}`;
  const q = await WAYS[way](clicks).writeStream.format("memory").queryName(name).outputMode("append").option("checkpointLocation", join(dir, "chk")).start();
  try {
    for (const [i, batch] of batches.entries()) {
      writeFileSync(join(dir, "in", `clicks-${i}.jsonl`), batch.map((c) => JSON.stringify(c)).join("\n") + "\n");
      await q.processAllAvailable();
    }
  } finally {
    await q.stop();
  }
  return spark.sql(`SELECT * FROM ${name} ORDER BY user, start`).collect();
}

/**
 * Example clicks in three batches (watermark delay 1 hour). u1's 09:45 click bridges its 09:20 and
 * 10:10 clicks into one session; u2's 10:00 click, 55 minutes after its last, starts a new one; the
 * last batch's u1 click at 08:00 is late for all three ways (its session would end before the
 * watermark), and u3 at 13:00 moves the watermark past every other session.
 */
export const EXAMPLE_BATCHES: Click[][] = [
  [
    { user: "u1", ts: "2024-01-01T09:00:00Z" },
    { user: "u1", ts: "2024-01-01T09:20:00Z" },
    { user: "u2", ts: "2024-01-01T09:05:00Z" },
    { user: "u1", ts: "2024-01-01T10:10:00Z" },
  ],
  [
    { user: "u1", ts: "2024-01-01T09:45:00Z" },
    { user: "u2", ts: "2024-01-01T10:00:00Z" },
    { user: "u2", ts: "2024-01-01T10:29:00Z" },
  ],
  [
    { user: "u3", ts: "2024-01-01T13:00:00Z" },
    { user: "u1", ts: "2024-01-01T08:00:00Z" },
  ],
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const spark = Session.builder().appName("sessions-example").config("spark.sql.session.timeZone", "UTC").getOrCreate();
  for (const way of Object.keys(WAYS) as (keyof typeof WAYS)[]) {
    console.log(`Sessions by ${way}:`);
    for (const s of await runSessions(spark, way, EXAMPLE_BATCHES)) console.log(`  ${s.user}  ${(s.start as Date).toISOString()} – ${(s.end as Date).toISOString()}  ${s.clicks} clicks`);
  }
  await spark.stop();
}
