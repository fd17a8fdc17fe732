/**
 * Quantities derived from one progress report that Spark's progress does not state directly but
 * that operators watch: how far the watermark trails the wall clock, rows dropped as late, and how
 * far each source trails its newest data. The web UI charts them, /metrics exports them and the
 * alert monitor compares them with thresholds, so all three agree.
 */
import type { JsonValue, SourceProgress, StreamingQueryProgressData } from "../../dataframe/streaming-query-types.js";

export interface BatchMetrics {
  /** The trigger's start, ms since the epoch (progress `timestamp`). */
  readonly timestampMs: number;
  readonly batchId: number;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly batchDurationMs: number;
  /** `durationMs` phases (triggerExecution included). */
  readonly durationMs: Readonly<Record<string, number>>;
  /** The batch's watermark in ms since the epoch, or null when the plan has none. */
  readonly watermarkMs: number | null;
  /** Trigger start minus watermark: how far event time trails the wall clock (null without a watermark). */
  readonly watermarkDelayMs: number | null;
  /** Rows dropped as later than the watermark, summed over stateful operators. */
  readonly lateRows: number;
  /** lateRows / numInputRows (0 for a batch without input). */
  readonly lateRowRatio: number;
  /** Rows in state, summed over stateful operators. */
  readonly stateRows: number;
  /** Per stateful operator, in plan order: name, rows in state, memory used. */
  readonly stateOperators: readonly { readonly name: string; readonly rows: number; readonly memoryBytes: number }[];
  /** Per source, in plan order: description and lag (null when its offsets do not say). */
  readonly sources: readonly { readonly description: string; readonly lag: number | null }[];
  readonly numOutputRows: number;
}

/** The derived metrics of one report. */
export function batchMetrics(p: StreamingQueryProgressData): BatchMetrics {
  const timestampMs = Date.parse(p.timestamp);
  const watermarkMs = p.eventTime.watermark === undefined ? null : Date.parse(p.eventTime.watermark);
  const lateRows = p.stateOperators.reduce((n, o) => n + o.numRowsDroppedByWatermark, 0);
  const durationMs: Record<string, number> = {};
  for (const [k, v] of Object.entries(p.durationMs)) if (v !== undefined) durationMs[k] = v;
  return {
    timestampMs,
    batchId: p.batchId,
    numInputRows: p.numInputRows,
    inputRowsPerSecond: p.inputRowsPerSecond,
    processedRowsPerSecond: p.processedRowsPerSecond,
    batchDurationMs: p.batchDuration,
    durationMs,
    watermarkMs,
    watermarkDelayMs: watermarkMs === null ? null : timestampMs - watermarkMs,
    lateRows,
    lateRowRatio: p.numInputRows > 0 ? lateRows / p.numInputRows : 0,
    stateRows: p.stateOperators.reduce((n, o) => n + o.numRowsTotal, 0),
    stateOperators: p.stateOperators.map((o) => ({ name: o.operatorName, rows: o.numRowsTotal, memoryBytes: o.memoryUsedBytes })),
    sources: p.sources.map((s) => ({ description: s.description, lag: sourceLag(s) })),
    numOutputRows: p.sink.numOutputRows,
  };
}

/**
 * How many offsets a source trails its newest data by after the batch: Kafka's own
 * `maxOffsetsBehindLatest` metric when present (Spark's KafkaMicroBatchStream), else the sum of
 * `latestOffset - endOffset` over the numbers the two offsets hold at the same places (a memory
 * or rate offset is a number, a file source's `{logOffset}`, Kafka's `{topic: {partition: n}}`).
 * Null when the offsets hold no comparable numbers.
 */
export function sourceLag(s: SourceProgress): number | null {
  const reported = s.metrics.maxOffsetsBehindLatest;
  if (reported !== undefined && Number.isFinite(Number(reported))) return Number(reported);
  return numericGap(s.latestOffset, s.endOffset);
}

function numericGap(latest: JsonValue, end: JsonValue): number | null {
  if (typeof latest === "number" && typeof end === "number") return Math.max(0, latest - end);
  if (latest === null || end === null || typeof latest !== "object" || typeof end !== "object" || Array.isArray(latest) !== Array.isArray(end)) return null;
  const l = latest as Readonly<Record<string, JsonValue>>;
  const e = end as Readonly<Record<string, JsonValue>>;
  let sum: number | null = null;
  for (const k of Object.keys(l)) {
    if (!(k in e)) continue;
    const g = numericGap(l[k]!, e[k]!);
    if (g !== null) sum = (sum ?? 0) + g;
  }
  return sum;
}
