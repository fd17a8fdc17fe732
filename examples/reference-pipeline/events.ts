/**
 * The reference pipeline's event set, deterministic for a seed, and the aggregates a correct
 * pipeline must end with. Events are JSON: {"event_id", "user", "amount" (BIGINT), "ts"}.
 *   1. `unique` on-time events, about 6 s apart in event time (±60 s of jitter, well inside the
 *      10-minute watermark delay), so none is ever late;
 *   2. duplicates: about one in eight is sent again a few records later (a producer retry): the
 *      pipeline keeps one (dropDuplicatesWithinWatermark on event_id);
 *   3. late events: after three quarters of the stream, events stamped in the first minutes: the
 *      watermark passed them long before (batches of ≤ 50 offsets), so they are dropped;
 *   4. malformed records (bad JSON, an amount that is not an integer, a JSON array): counted and
 *      written to the dead-letter table;
 *   5. a last "flush" event two hours later moves the watermark past every window, so append
 *      mode emits them all (its own window stays open and is not expected).
 */

export const WINDOW_MS = 5 * 60_000;
export const BASE_MS = Date.UTC(2026, 0, 1, 8, 0, 0);

export interface WindowAggregate {
  readonly window_start: string; // ISO instant
  readonly events: number;
  readonly amount: number;
}

export interface ReferenceEvents {
  /** The record values, in the order they are produced. */
  readonly records: readonly string[];
  /** Expected rows of the aggregate table, by window start. */
  readonly expected: readonly WindowAggregate[];
  /** Records the dead-letter table must hold (malformed ones), as produced. */
  readonly malformed: readonly string[];
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MALFORMED = [
  '{"event_id": "m1", "user": "u1", "amount": 12, "ts": ',
  '{"event_id": "m2", "user": "u2", "amount": 1.5, "ts": "2026-01-01T08:03:00Z"}',
  "not json at all",
  '[{"event_id": "m3"}]',
  '{"event_id": "m4", "user": "u3", "amount": "ten", "ts": "2026-01-01T08:04:00Z"}',
  '{"event_id": "m5", "amount": 99999999999999999999, "ts": "2026-01-01T08:05:00Z"}',
];

export function referenceEvents(unique = 400, seed = 13): ReferenceEvents {
  const rnd = random(seed);
  const records: string[] = [];
  const pendingRetries: { at: number; text: string }[] = [];
  const sums = new Map<number, { events: number; amount: number }>();
  const malformed: string[] = [];
  const event = (id: string, user: string, amount: number, tsMs: number) => JSON.stringify({ event_id: id, user, amount, ts: new Date(tsMs).toISOString() });
  const lateFrom = Math.floor(unique * 0.75);
  for (let i = 0; i < unique; i++) {
    const ts = BASE_MS + i * 6000 + Math.round((rnd() - 0.5) * 120_000);
    const amount = 1 + Math.floor(rnd() * 100);
    const text = event(`e${String(i).padStart(5, "0")}`, `u${i % 7}`, amount, Math.max(ts, BASE_MS));
    records.push(text);
    const w = Math.floor(Math.max(ts, BASE_MS) / WINDOW_MS) * WINDOW_MS;
    const s = sums.get(w) ?? { events: 0, amount: 0 };
    sums.set(w, { events: s.events + 1, amount: s.amount + amount });
    if (rnd() < 0.125) pendingRetries.push({ at: records.length + 1 + Math.floor(rnd() * 5), text });
    if (i >= lateFrom && i % 10 === 0) records.push(event(`late${i}`, "u0", 1000, BASE_MS + Math.floor(rnd() * 180_000)));
    if (i % 60 === 30) {
      const bad = MALFORMED[(i / 60) % MALFORMED.length | 0]!;
      records.push(bad);
      malformed.push(bad);
    }
    for (const r of pendingRetries.filter((p) => p.at <= records.length)) records.push(r.text);
    pendingRetries.splice(0, pendingRetries.length, ...pendingRetries.filter((p) => p.at > records.length));
  }
  for (const r of pendingRetries) records.push(r.text);
  records.push(event("flush", "u0", 0, BASE_MS + unique * 6000 + 2 * 3_600_000));
  const expected = [...sums.entries()]
    .sort(([a], [b]) => a - b)
    .map(([w, s]) => ({ window_start: new Date(w).toISOString(), events: s.events, amount: s.amount }));
  return { records, expected, malformed };
}
