/**
 * Progress reports with Spark's field names (StreamingQueryProgress, SourceProgress, SinkProgress,
 * StateOperatorProgress) so dashboards and docs written for Spark apply. `json` / `prettyJson`
 * render them as Spark does (timestamps ISO-8601 UTC).
 */
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
    return JSON.stringify(this.toJSON());
  }
  get prettyJson(): string {
    return JSON.stringify(this.toJSON(), null, 2);
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

/** Rows per second, 0 when the interval is empty (Spark reports 0.0, never NaN/Infinity). */
export const perSecond = (rows: number, ms: number): number => (ms > 0 ? (rows * 1000) / ms : 0);
