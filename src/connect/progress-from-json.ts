/**
 * A progress report from the JSON a Spark Connect server sends (StreamingQueryCommandResult's
 * recent_progress_json), in the embedded engine's typed shape:
 *   - Spark leaves empty maps (eventTime, metrics, customMetrics, observedMetrics) and NaN rates
 *     out of its JSON, and a 4.0 server's JSON has no top-level numInputRows or rates: they are
 *     filled in, the totals as Spark defines them (the sums over `sources`);
 *   - offsets sent as text are parsed, as Spark's own progress JSON holds them;
 *   - the report is the embedded engine's own progress class, so `json`, `prettyJson`,
 *     `toString()` and `toJSON()` read the same for the same report.
 */
import type { SinkProgress, SourceProgress, StateOperatorProgress, StreamingQueryProgressData } from "../dataframe/streaming-query-types.js";
import { StreamingQueryProgress } from "../streaming/progress/progress.js";

type Raw = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "string" && v !== "" && !Number.isNaN(Number(v)) ? Number(v) : Number.NaN);
const map = <V>(v: unknown): Readonly<Record<string, V>> => (v !== null && typeof v === "object" ? (v as Record<string, V>) : {});
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** An offset as JSON: Spark's progress parses the source's offset text when it can (SourceProgress.tryParse). */
function offset(v: unknown): SourceProgress["startOffset"] {
  if (typeof v !== "string") return (v ?? null) as SourceProgress["startOffset"];
  try {
    return JSON.parse(v) as SourceProgress["startOffset"];
  } catch {
    return v;
  }
}

function source(s: Raw): SourceProgress {
  return {
    description: String(s.description ?? ""),
    startOffset: offset(s.startOffset),
    endOffset: offset(s.endOffset),
    latestOffset: offset(s.latestOffset),
    numInputRows: num(s.numInputRows ?? 0),
    inputRowsPerSecond: num(s.inputRowsPerSecond),
    processedRowsPerSecond: num(s.processedRowsPerSecond),
    metrics: map<string>(s.metrics),
  };
}

function stateOperator(o: Raw): StateOperatorProgress {
  const n = (k: string): number => num(o[k] ?? 0);
  return {
    operatorName: String(o.operatorName ?? ""),
    numRowsTotal: n("numRowsTotal"),
    numRowsUpdated: n("numRowsUpdated"),
    numRowsRemoved: n("numRowsRemoved"),
    allUpdatesTimeMs: n("allUpdatesTimeMs"),
    allRemovalsTimeMs: n("allRemovalsTimeMs"),
    commitTimeMs: n("commitTimeMs"),
    memoryUsedBytes: n("memoryUsedBytes"),
    numRowsDroppedByWatermark: n("numRowsDroppedByWatermark"),
    numShufflePartitions: n("numShufflePartitions"),
    numStateStoreInstances: n("numStateStoreInstances"),
    customMetrics: map<number>(o.customMetrics),
  };
}

/** Parse one report; `text` is Spark's StreamingQueryProgress.json. */
export function progressFromJson(text: string): StreamingQueryProgress {
  const p = JSON.parse(text) as Raw;
  const sources = ((p.sources as Raw[] | undefined) ?? []).map(source);
  const sinkRaw = map<unknown>(p.sink);
  const sink: SinkProgress = { description: String(sinkRaw.description ?? ""), numOutputRows: num(sinkRaw.numOutputRows ?? -1), metrics: map<string>(sinkRaw.metrics) };
  const data: StreamingQueryProgressData = {
    id: String(p.id),
    runId: String(p.runId),
    name: typeof p.name === "string" ? p.name : null,
    timestamp: String(p.timestamp),
    batchId: num(p.batchId),
    batchDuration: num(p.batchDuration ?? 0),
    numInputRows: p.numInputRows !== undefined ? num(p.numInputRows) : sum(sources.map((s) => s.numInputRows)),
    inputRowsPerSecond: p.inputRowsPerSecond !== undefined ? num(p.inputRowsPerSecond) : sum(sources.map((s) => s.inputRowsPerSecond)),
    processedRowsPerSecond: p.processedRowsPerSecond !== undefined ? num(p.processedRowsPerSecond) : sum(sources.map((s) => s.processedRowsPerSecond)),
    durationMs: map<number>(p.durationMs),
    eventTime: map<string>(p.eventTime),
    stateOperators: ((p.stateOperators as Raw[] | undefined) ?? []).map(stateOperator),
    sources,
    sink,
    observedMetrics: map<Readonly<Record<string, unknown>>>(p.observedMetrics),
  };
  return new StreamingQueryProgress(data);
}
