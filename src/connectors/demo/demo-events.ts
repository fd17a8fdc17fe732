/**
 * The demo's event generator: a deterministic stream of JSON events that behaves like an
 * at-least-once producer. Event i is a pure function of (seed, i), so re-reading an offset range
 * after a crash yields identical data:
 *   - about 1% are re-deliveries of a normally delivered event from a few positions earlier;
 *   - about 3% (after the first `onTimeWarmup` events) are two hours late;
 *   - about 0.5% are malformed JSON.
 * Event time advances 100 ms per event from 2025-01-01T00:00:00Z.
 */
export const DEMO_EVENT_SCHEMA = "event_id STRING, user_id STRING, kind STRING, amount DOUBLE, ts TIMESTAMP";
const BASE_MS = Date.UTC(2025, 0, 1);
const STEP_MS = 100;
const LATE_MS = 2 * 3_600_000;
const KINDS = ["view", "click", "cart", "buy"] as const;

/** A small, fast, seedable hash → [0, 1). */
function rand(seed: number, i: number, salt: number): number {
  let h = (seed ^ Math.imul(i, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

export type DemoEventKind = "ok" | "duplicate" | "late" | "malformed";

export interface DemoEvent {
  readonly kind: DemoEventKind;
  /** The JSON line as the producer sent it. */
  readonly json: string;
  /** For well-formed events: the fields. */
  readonly fields?: { event_id: string; user_id: string; kind: string; amount: number; tsMs: number };
}

export interface DemoGeneratorOptions {
  readonly seed: number;
  /** No late events before this index, so the watermark has moved before any late event arrives. */
  readonly onTimeWarmup: number;
}

export const DEFAULT_DEMO_OPTIONS: DemoGeneratorOptions = { seed: 7, onTimeWarmup: 20_000 };

function original(seed: number, i: number): NonNullable<DemoEvent["fields"]> {
  return {
    event_id: `e${String(i).padStart(9, "0")}`,
    user_id: `u${String(Math.floor(rand(seed, i, 1) * 500)).padStart(3, "0")}`,
    kind: KINDS[Math.floor(rand(seed, i, 2) * KINDS.length)]!,
    amount: Math.round(rand(seed, i, 3) * 10_000) / 100,
    tsMs: BASE_MS + i * STEP_MS,
  };
}

const toJson = (f: NonNullable<DemoEvent["fields"]>): string =>
  JSON.stringify({ event_id: f.event_id, user_id: f.user_id, kind: f.kind, amount: f.amount, ts: new Date(f.tsMs).toISOString() });

/** Event number `i` of the stream. */
export function demoEvent(i: number, opts: DemoGeneratorOptions = DEFAULT_DEMO_OPTIONS): DemoEvent {
  const r = rand(opts.seed, i, 0);
  if (r < 0.005) return { kind: "malformed", json: `{"event_id": "e${i}", "user_id": ` };
  if (r < 0.015 && i >= 5) {
    // Re-deliver a recent event that was delivered normally (same id, payload and event time).
    const earlier = demoEvent(i - 1 - Math.floor(rand(opts.seed, i, 4) * 4), opts);
    if (earlier.kind === "ok") return { kind: "duplicate", json: earlier.json, fields: earlier.fields! };
  }
  const f = original(opts.seed, i);
  if (r < 0.045 && i >= opts.onTimeWarmup) {
    const lateF = { ...f, tsMs: f.tsMs - LATE_MS };
    return { kind: "late", json: toJson(lateF), fields: lateF };
  }
  return { kind: "ok", json: toJson(f), fields: f };
}
