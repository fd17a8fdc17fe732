/**
 * Spark's watermark predicates (WatermarkSupport), shared by the stateful operators. An event
 * time is a timestamp in µs, or — for a window struct such as the `window` column an earlier
 * window aggregation emitted — that window's end. It is at or below a watermark (ms) when
 * t ≤ watermark × 1000: late as an input row, evictable as state. Comparing in µs, not in
 * truncated ms, matters for chained aggregations, whose event times are window ends − 1 µs.
 */
import { getValue } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";

/** The event time (µs) of row `i` of an event-time column, or null. */
export function eventTimeUs(v: Vector, i: number): number | null {
  const x = getValue(v, i);
  if (x === null) return null;
  if (typeof x === "number") return x;
  return ((x as { end: number | null }).end ?? null) as number | null;
}

export const atOrBelowWatermark = (eventTimeUs: number, watermarkMs: number): boolean => eventTimeUs <= watermarkMs * 1000;

/** Per-row late mask of an event-time column against the late-events watermark, and how many are late. */
export function lateMask(v: Vector, n: number, watermarkMs: number): { mask: Uint8Array; count: number } {
  const mask = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const t = eventTimeUs(v, i);
    if (t !== null && atOrBelowWatermark(t, watermarkMs)) {
      mask[i] = 1;
      count++;
    }
  }
  return { mask, count };
}
