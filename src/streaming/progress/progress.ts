/**
 * Progress reports with Spark's field names (StreamingQueryProgress, SourceProgress, SinkProgress,
 * StateOperatorProgress) so dashboards and docs written for Spark apply. `json` / `prettyJson`
 * render them as Spark does (timestamps ISO-8601 UTC).
 */
export interface SourceProgress {
  readonly description: string;
  readonly startOffset: unknown;
  readonly endOffset: unknown;
  readonly latestOffset: unknown;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly metrics: Readonly<Record<string, string>>;
}

export interface SinkProgress {
  readonly description: string;
  readonly numOutputRows: number;
  readonly metrics: Readonly<Record<string, string>>;
}

export interface StateOperatorProgress {
  readonly operatorName: string;
  readonly numRowsTotal: number;
  readonly numRowsUpdated: number;
  readonly numRowsRemoved: number;
  readonly allUpdatesTimeMs: number;
  readonly allRemovalsTimeMs: number;
  readonly commitTimeMs: number;
  readonly memoryUsedBytes: number;
  readonly numRowsDroppedByWatermark: number;
  readonly numShufflePartitions: number;
  readonly numStateStoreInstances: number;
  readonly customMetrics: Readonly<Record<string, number>>;
}

export interface StreamingQueryProgressData {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly timestamp: string;
  readonly batchId: number;
  readonly batchDuration: number;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly durationMs: Readonly<Record<string, number>>;
  readonly eventTime: Readonly<Record<string, string>>;
  readonly stateOperators: readonly StateOperatorProgress[];
  readonly sources: readonly SourceProgress[];
  readonly sink: SinkProgress;
  readonly observedMetrics: Readonly<Record<string, unknown>>;
}

export class StreamingQueryProgress implements StreamingQueryProgressData {
  readonly id!: string;
  readonly runId!: string;
  readonly name!: string | null;
  readonly timestamp!: string;
  readonly batchId!: number;
  readonly batchDuration!: number;
  readonly numInputRows!: number;
  readonly inputRowsPerSecond!: number;
  readonly processedRowsPerSecond!: number;
  readonly durationMs!: Readonly<Record<string, number>>;
  readonly eventTime!: Readonly<Record<string, string>>;
  readonly stateOperators!: readonly StateOperatorProgress[];
  readonly sources!: readonly SourceProgress[];
  readonly sink!: SinkProgress;
  readonly observedMetrics!: Readonly<Record<string, unknown>>;

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
