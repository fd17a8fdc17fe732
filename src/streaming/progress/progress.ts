/**
 * Progress reports with Spark's field names (StreamingQueryProgress, SourceProgress, SinkProgress,
 * StateOperatorProgress) so dashboards and docs written for Spark apply. The object has every
 * field (as PySpark's); `json` / `prettyJson` / `toString()` render Spark's JSON: its key order and
 * omission rules (progress-json.ts), timestamps ISO-8601 UTC.
 */
import { progressJson, progressPrettyJson } from "./progress-json.js";
import type {
  DurationMs,
  EventTimeProgress,
  SinkProgress,
  SourceProgress,
  StateOperatorProgress,
  StreamingQueryProgress as StreamingQueryProgressShape,
  StreamingQueryProgressData,
} from "../../dataframe/streaming-query-types.js";

export type { DurationMs, EventTimeProgress, SinkProgress, SourceProgress, StateOperatorProgress, StreamingQueryProgressData };

export class StreamingQueryProgress implements StreamingQueryProgressShape {
  readonly id!: string;
  readonly runId!: string;
  readonly name!: string | null;
  readonly timestamp!: string;
  readonly batchId!: number;
  readonly batchDuration!: number;
  readonly numInputRows!: number;
  readonly inputRowsPerSecond!: number;
  readonly processedRowsPerSecond!: number;
  readonly durationMs!: DurationMs;
  readonly eventTime!: EventTimeProgress;
  readonly stateOperators!: readonly StateOperatorProgress[];
  readonly sources!: readonly SourceProgress[];
  readonly sink!: SinkProgress;
  readonly observedMetrics!: StreamingQueryProgressData["observedMetrics"];

  constructor(data: StreamingQueryProgressData) {
    Object.assign(this, data);
    Object.freeze(this);
  }

  /** Compact JSON, as Spark's `progress.json`. */
  get json(): string {
    return progressJson(this);
  }
  get prettyJson(): string {
    return progressPrettyJson(this);
  }
  /** The pretty JSON, as Spark's `toString`. */
  toString(): string {
    return this.prettyJson;
  }
  toJSON(): StreamingQueryProgressData {
    const { id, runId, name, timestamp, batchId, batchDuration, numInputRows, inputRowsPerSecond, processedRowsPerSecond } = this;
    return {
      id,
      runId,
      name,
      timestamp,
      batchId,
      batchDuration,
      numInputRows,
      inputRowsPerSecond,
      processedRowsPerSecond,
      durationMs: this.durationMs,
      eventTime: this.eventTime,
      stateOperators: this.stateOperators,
      sources: this.sources,
      sink: this.sink,
      observedMetrics: this.observedMetrics,
    };
  }
}

/**
 * Spark's ProgressReporter rates. Input rows per second over the time since the previous
 * trigger started: 0 for the first trigger (Spark divides by infinity), NaN or infinite (left out
 * of the JSON) when no time passed. Processed rows per second over the trigger's duration, at
 * least 1 ms (SPARK-29973).
 */
export const inputPerSecond = (rows: number, sinceLastTriggerMs: number | null): number => (sinceLastTriggerMs === null ? 0 : (rows * 1000) / sinceLastTriggerMs);
export const processedPerSecond = (rows: number, durationMs: number): number => (rows * 1000) / Math.max(1, durationMs);
