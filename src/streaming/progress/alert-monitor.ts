/**
 * Alerts (beyond Spark): after each progress report, every configured threshold the batch exceeds
 * raises `onQueryAlert` on the same listener bus (so it follows that batch's progress event) and
 * writes one line to stderr. Thresholds, by session conf (unset: no alert):
 *   sluice.streaming.alert.batchDuration   a duration ("30 seconds") or ms: progress batchDuration
 *   sluice.streaming.alert.watermarkDelay  a duration or ms: trigger start minus the watermark
 *   sluice.streaming.alert.sourceLag       offsets a source trails its latest offset by
 *   sluice.streaming.alert.stateRows       rows in state, summed over stateful operators
 *   sluice.streaming.alert.lateRowRatio    rows dropped as late per input row (0..1)
 */
import { log as engineLog } from "../../common/logger.js";
import { parseIntervalMs } from "../../common/duration.js";
import type { AlertMetric, QueryAlertEvent, QueryProgressEvent, StreamingQueryListener } from "../../dataframe/streaming-query-types.js";
import { batchMetrics } from "./batch-metrics.js";
import type { ListenerBus } from "./listener-bus.js";

export type AlertThresholds = Readonly<Partial<Record<AlertMetric, number>>>;

export const ALERT_METRICS: readonly AlertMetric[] = ["batchDuration", "watermarkDelay", "sourceLag", "stateRows", "lateRowRatio"];
const DURATIONS = new Set<AlertMetric>(["batchDuration", "watermarkDelay"]);

export const alertConfKey = (m: AlertMetric): string => `sluice.streaming.alert.${m}`;

/** A threshold's value, or the reason it is not one (for the conf's validation). */
export function parseThreshold(metric: AlertMetric, text: string): number | string {
  if (text === "") return Number.NaN; // unset
  const n = Number(text);
  if (text.trim() !== "" && Number.isFinite(n) && n >= 0) return metric === "lateRowRatio" && n > 1 ? "expected a ratio from 0 to 1" : n;
  if (!DURATIONS.has(metric)) return metric === "lateRowRatio" ? "expected a ratio from 0 to 1" : "expected a non-negative number";
  try {
    return parseIntervalMs(text);
  } catch {
    return 'expected a duration such as "30 seconds" or a number of ms';
  }
}

/** The thresholds set in a conf (read per report, so `spark.conf.set` applies to running queries). */
export function alertThresholds(get: (key: string) => string | undefined): AlertThresholds {
  const out: Partial<Record<AlertMetric, number>> = {};
  for (const m of ALERT_METRICS) {
    const v = parseThreshold(m, get(alertConfKey(m)) ?? "");
    if (typeof v === "number" && !Number.isNaN(v)) out[m] = v;
  }
  return out;
}

export class AlertMonitor implements StreamingQueryListener {
  constructor(
    private readonly bus: ListenerBus,
    private readonly thresholds: () => AlertThresholds,
    private readonly log: (line: string) => void = (line) => engineLog.warn(line),
  ) {}

  onQueryProgress({ progress: p }: QueryProgressEvent): void {
    const t = this.thresholds();
    if (Object.keys(t).length === 0) return;
    const m = batchMetrics(p);
    const who = `query ${p.name ?? "<no name>"} [id = ${p.id}] batch ${p.batchId}`;
    const raise = (metric: AlertMetric, value: number, what: string, unit: string, source: string | null = null): void => {
      const threshold = t[metric];
      if (threshold === undefined || !(value > threshold)) return;
      const message = `${who}: ${what} ${fmt(value)}${unit} exceeds the threshold ${fmt(threshold)}${unit} (${alertConfKey(metric)})`;
      this.log(`alert: ${message}`);
      const event: QueryAlertEvent = { id: p.id, runId: p.runId, name: p.name, batchId: p.batchId, timestamp: p.timestamp, metric, value, threshold, source, message };
      this.bus.post("onQueryAlert", event);
    };
    raise("batchDuration", m.batchDurationMs, "batch duration", " ms");
    if (m.watermarkDelayMs !== null) raise("watermarkDelay", m.watermarkDelayMs, "watermark delay behind the wall clock", " ms");
    for (const s of m.sources) if (s.lag !== null) raise("sourceLag", s.lag, `lag of source ${s.description}`, " offsets", s.description);
    raise("stateRows", m.stateRows, "rows in state", " rows");
    raise("lateRowRatio", m.lateRowRatio, "late rows per input row", "");
  }
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(3));
