/**
 * Spark's JSON rendering of progress reports and status (StreamingQueryProgress.jsonValue and
 * friends), so a log line or dashboard written against Spark's output reads Sluice's the same:
 *   1. keys in Spark's order (not alphabetical, not the object's field order);
 *   2. maps (durationMs, eventTime, customMetrics, metrics, observedMetrics) with sorted keys and
 *      left out when empty; a rate that is NaN or infinite is left out; a null name stays `null`;
 *   3. `prettyJson` laid out as Jackson's default pretty printer does (`"key" : value`,
 *      `[ {` … `} ]`, `[ ]` for an empty array), which is what Spark prints.
 * Checked against PySpark 4.0.1's JVM output in test/spark-suites/golden/progress.json.
 */
import { type TimeZone, getTimeZone } from "../../expr/datetime/time-zone.js";
import { formatDecimal, valueToText } from "../../expr/functions/value-text.js";
import type { DataType } from "../../types/data-type.js";
import { observedRowTypes } from "./observed-metrics.js";
import type { SinkProgress, SourceProgress, StateOperatorProgress, StreamingQueryProgressData, StreamingQueryStatus } from "../../dataframe/streaming-query-types.js";

/** A JSON value whose doubles are marked, so they print as Spark's (`2.0`, never `2`). */
type Json = string | number | boolean | null | { readonly double: number } | readonly Json[] | { readonly [key: string]: Json };
type Entries = [string, Json | undefined][];

const double = (v: number): Json | undefined => (Number.isFinite(v) ? { double: v } : undefined);
const isDouble = (v: unknown): v is { double: number } => typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && "double" in v;

function obj(entries: Entries): Json {
  const out: Record<string, Json> = {};
  for (const [k, v] of entries) if (v !== undefined) out[k] = v;
  return out;
}
/** A map with sorted keys, or nothing when empty (Spark's safeMapToJValue). */
function sortedMap<V>(m: Readonly<Record<string, V>> | null | undefined, value: (v: V) => Json): Json | undefined {
  if (!m) return undefined;
  const keys = Object.keys(m).filter((k) => m[k] !== undefined).sort();
  return keys.length === 0 ? undefined : obj(keys.map((k) => [k, value(m[k]!)]));
}

function stateOperator(o: StateOperatorProgress): Json {
  return obj([
    ["operatorName", o.operatorName],
    ["numRowsTotal", o.numRowsTotal],
    ["numRowsUpdated", o.numRowsUpdated],
    ["allUpdatesTimeMs", o.allUpdatesTimeMs],
    ["numRowsRemoved", o.numRowsRemoved],
    ["allRemovalsTimeMs", o.allRemovalsTimeMs],
    ["commitTimeMs", o.commitTimeMs],
    ["memoryUsedBytes", o.memoryUsedBytes],
    ["numRowsDroppedByWatermark", o.numRowsDroppedByWatermark],
    ["numShufflePartitions", o.numShufflePartitions],
    ["numStateStoreInstances", o.numStateStoreInstances],
    ["customMetrics", sortedMap(o.customMetrics, (v) => v)],
  ]);
}

function source(s: SourceProgress): Json {
  return obj([
    ["description", s.description],
    ["startOffset", s.startOffset as Json],
    ["endOffset", s.endOffset as Json],
    ["latestOffset", s.latestOffset as Json],
    ["numInputRows", s.numInputRows],
    ["inputRowsPerSecond", double(s.inputRowsPerSecond)],
    ["processedRowsPerSecond", double(s.processedRowsPerSecond)],
    ["metrics", sortedMap(s.metrics, (v) => v)],
  ]);
}

function sink(s: SinkProgress): Json {
  return obj([
    ["description", s.description],
    ["numOutputRows", s.numOutputRows],
    ["metrics", sortedMap(s.metrics, (v) => v)],
  ]);
}

/**
 * An observed-metrics row as Spark's Row.jsonValue: its columns in order; with its column types
 * known (a row Sluice observed) doubles as doubles, DECIMAL as a number, dates and timestamps as
 * their text in the session zone, other values as CAST(x AS STRING); a row from elsewhere (a Spark
 * Connect server's JSON) as its JS values.
 */
function metricRow(row: Readonly<Record<string, unknown>>): Json {
  const typed = observedRowTypes(row);
  if (typed === undefined) return obj(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v instanceof Date ? v.toISOString() : (v as Json)]));
  const zone = getTimeZone(typed.timeZone);
  return obj(typed.schema.fields.map((f, i) => [f.name, metricValue(f.type, typed.values[i], zone)]));
}

function metricValue(t: DataType, v: unknown, zone: TimeZone): Json {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "boolean":
    case "string":
      return v as Json;
    case "int":
    case "bigint":
      return Number(v);
    case "float":
    case "double":
      return Number.isFinite(v) ? { double: v as number } : String(v);
    case "decimal":
      return Number(formatDecimal(v as bigint, t.scale));
    default:
      return valueToText(t, v, zone);
  }
}

/** The progress as Spark's JSON tree (key order and omissions of step 1–2). */
function progressTree(p: StreamingQueryProgressData): Json {
  return obj([
    ["id", p.id],
    ["runId", p.runId],
    ["name", p.name],
    ["timestamp", p.timestamp],
    ["batchId", p.batchId],
    ["batchDuration", p.batchDuration],
    ["numInputRows", p.numInputRows],
    ["inputRowsPerSecond", double(p.inputRowsPerSecond)],
    ["processedRowsPerSecond", double(p.processedRowsPerSecond)],
    ["durationMs", sortedMap(p.durationMs as Record<string, number | undefined>, (v) => v ?? 0)],
    ["eventTime", sortedMap(p.eventTime as Record<string, string | undefined>, (v) => v ?? null)],
    ["stateOperators", p.stateOperators.map(stateOperator)],
    ["sources", p.sources.map(source)],
    ["sink", sink(p.sink)],
    ["observedMetrics", sortedMap(p.observedMetrics, metricRow)],
  ]);
}

function statusTree(s: StreamingQueryStatus): Json {
  return obj([
    ["message", s.message],
    ["isDataAvailable", s.isDataAvailable],
    ["isTriggerActive", s.isTriggerActive],
  ]);
}

const num = (v: number, asDouble: boolean): string => {
  const t = String(v);
  return asDouble && Number.isInteger(v) && !t.includes("e") ? `${t}.0` : t;
};

function render(v: Json, indent: string | null, depth: number): string {
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return num(v, false);
  if (isDouble(v)) return num(v.double, true);
  const pad = indent === null ? "" : "\n" + indent.repeat(depth + 1);
  const end = indent === null ? "" : "\n" + indent.repeat(depth);
  if (Array.isArray(v)) {
    if (v.length === 0) return indent === null ? "[]" : "[ ]";
    const items = v.map((x) => render(x, indent, depth));
    return indent === null ? `[${items.join(",")}]` : `[ ${items.join(", ")} ]`;
  }
  const entries = Object.entries(v as Record<string, Json>);
  if (entries.length === 0) return indent === null ? "{}" : "{ }";
  const sep = indent === null ? ":" : " : ";
  return `{${pad}${entries.map(([k, x]) => `${JSON.stringify(k)}${sep}${render(x, indent, depth + 1)}`).join("," + (pad || ""))}${end}}`;
}

/** Compact JSON, as Spark's `progress.json`. */
export const progressJson = (p: StreamingQueryProgressData): string => render(progressTree(p), null, 0);
/** Indented JSON, as Spark's `progress.prettyJson` (and its `toString`). */
export const progressPrettyJson = (p: StreamingQueryProgressData): string => render(progressTree(p), "  ", 0);
export const statusJson = (s: StreamingQueryStatus): string => render(statusTree(s), null, 0);
export const statusPrettyJson = (s: StreamingQueryStatus): string => render(statusTree(s), "  ", 0);
