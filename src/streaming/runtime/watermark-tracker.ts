/**
 * Event-time watermarks (Spark's WatermarkTracker): each `withWatermark` node reports the max
 * event time it saw in a batch; after the batch, each node's candidate is max(event time) − delay,
 * and the query's watermark for the NEXT batch is the min (default) or max of the candidates
 * (spark.sql.streaming.multipleWatermarkPolicy), never moving backwards. A node that has seen no
 * data yet counts as watermark 0 (Spark's WatermarkTracker.updateWatermark populates 0), so under
 * the min policy the global watermark stays at 0 until every input has produced event times
 * (EventTimeWatermarkSuite "watermark with 2 streams").
 */
import { configError } from "../../common/errors.js";

export type WatermarkPolicy = "min" | "max";

export function parseWatermarkPolicy(v: string | undefined): WatermarkPolicy {
  const p = (v ?? "min").toLowerCase();
  if (p !== "min" && p !== "max") {
    throw configError("INVALID_CONF_VALUE", `spark.sql.streaming.multipleWatermarkPolicy must be 'min' or 'max', got '${v}'`);
  }
  return p;
}

export class WatermarkTracker {
  /** Per watermark node: the highest (max event time − delay) seen so far, in ms. */
  readonly #operatorWatermarksMs: (number | undefined)[];
  #globalMs: number;

  constructor(
    readonly policy: WatermarkPolicy,
    numOperators: number,
    startMs = 0,
    operatorWatermarksMs: readonly number[] = [],
  ) {
    this.#operatorWatermarksMs = Array.from({ length: numOperators }, (_, i) => operatorWatermarksMs[i]);
    this.#globalMs = startMs;
  }

  get currentWatermarkMs(): number {
    return this.#globalMs;
  }

  /** Per-node watermarks, for the offsets log (so a restart resumes them). */
  get operatorWatermarksMs(): number[] {
    return this.#operatorWatermarksMs.map((w) => w ?? 0);
  }

  /** After a batch: fold each node's max event time (ms, or undefined when it saw no rows). */
  update(maxEventTimesMs: readonly (number | undefined)[], delaysMs: readonly number[]): void {
    maxEventTimesMs.forEach((t, i) => {
      const prev = this.#operatorWatermarksMs[i];
      if (t === undefined) {
        if (prev === undefined) this.#operatorWatermarksMs[i] = 0;
        return;
      }
      const candidate = t - delaysMs[i]!;
      if (prev === undefined || candidate > prev) this.#operatorWatermarksMs[i] = candidate;
    });
    const known = this.#operatorWatermarksMs.filter((w): w is number => w !== undefined);
    if (known.length === 0) return;
    const next = this.policy === "min" ? Math.min(...known) : Math.max(...known);
    if (next > this.#globalMs) this.#globalMs = next;
  }
}
