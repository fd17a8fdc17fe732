/**
 * The public shapes of a running streaming query: its progress reports (Spark's
 * StreamingQueryProgress, SourceProgress, SinkProgress, StateOperatorProgress with Spark's field
 * names), its status and the listener events. They are part of the executor contract: the embedded
 * engine produces them (streaming/progress) and a Spark Connect client would parse the same JSON,
 * which is why they live beside `QueryExecutor` rather than in the streaming runtime.
 */

/** A JSON value, as offsets appear in progress (each source's own offset format). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** One source's part of a {@link StreamingQueryProgress}: its offsets before and after the batch, rows read and rates. */
export interface SourceProgress {
  readonly description: string;
  /** The offset the batch started after (null before the first batch), in the source's JSON form. */
  readonly startOffset: JsonValue;
  readonly endOffset: JsonValue;
  /** The newest offset the source reported when the batch was planned. */
  readonly latestOffset: JsonValue;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  /** Source-specific metrics, strings as in Spark (e.g. Kafka's avgOffsetsBehindLatest). */
  readonly metrics: Readonly<Record<string, string>>;
}

/** The sink's part of a {@link StreamingQueryProgress}: its description and rows written. */
export interface SinkProgress {
  readonly description: string;
  readonly numOutputRows: number;
  readonly metrics: Readonly<Record<string, string>>;
}

/** One stateful operator's part of a {@link StreamingQueryProgress}: state rows, memory, rows dropped by the watermark. */
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

/**
 * Milliseconds per phase of a trigger, Spark's `durationMs` keys. A batch reports every phase;
 * other keys may appear (Spark adds some per source or sink), hence the index signature.
 */
export interface DurationMs {
  readonly addBatch?: number;
  readonly commitOffsets?: number;
  readonly getBatch?: number;
  readonly latestOffset?: number;
  readonly queryPlanning?: number;
  readonly triggerExecution?: number;
  readonly walCommit?: number;
  readonly [phase: string]: number | undefined;
}

/**
 * Progress `eventTime`: empty without a watermark in the plan; else the batch's `watermark` and,
 * when rows with event times arrived, their `avg`, `max` and `min` — ISO-8601 UTC strings, as Spark.
 */
export interface EventTimeProgress {
  readonly avg?: string;
  readonly max?: string;
  readonly min?: string;
  readonly watermark?: string;
}

/** The plain fields of a progress report, as its JSON holds them. */
export interface StreamingQueryProgressData {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  /** When the trigger started, ISO-8601 UTC. */
  readonly timestamp: string;
  readonly batchId: number;
  readonly batchDuration: number;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number;
  readonly processedRowsPerSecond: number;
  readonly durationMs: DurationMs;
  readonly eventTime: EventTimeProgress;
  readonly stateOperators: readonly StateOperatorProgress[];
  readonly sources: readonly SourceProgress[];
  readonly sink: SinkProgress;
  /** `df.observe(name, ...)` results by name (one row each). */
  readonly observedMetrics: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** One trigger's report: the data fields plus Spark's `json` / `prettyJson` renderings. */
export interface StreamingQueryProgress extends StreamingQueryProgressData {
  /** Compact JSON, as Spark's `progress.json`. */
  readonly json: string;
  /** Indented JSON, as Spark's `progress.prettyJson`. */
  readonly prettyJson: string;
  toJSON(): StreamingQueryProgressData;
}

/**
 * How far a Trigger.AvailableNow run is through what was there when it started (beyond Spark):
 * `done` of `total` units read, counted from where the run started. `unit` names what is counted
 * ("offsets" for Kafka).
 */
export interface AvailableNowProgress {
  readonly done: number;
  readonly total: number;
  readonly unit: string;
}

/** Spark's StreamingQueryStatus: what the query is doing now. */
export interface StreamingQueryStatus {
  readonly message: string;
  readonly isDataAvailable: boolean;
  readonly isTriggerActive: boolean;
}

/** The event of `StreamingQueryListener.onQueryStarted`: the query's id, run id and name. */
export interface QueryStartedEvent {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly timestamp: string;
}
/** The event of `StreamingQueryListener.onQueryProgress`: the batch's {@link StreamingQueryProgress}. */
export interface QueryProgressEvent {
  readonly progress: StreamingQueryProgress;
}
/** The event of `StreamingQueryListener.onQueryIdle`: a trigger found no new data. */
export interface QueryIdleEvent {
  readonly id: string;
  readonly runId: string;
  readonly timestamp: string;
}
/** The event of `StreamingQueryListener.onQueryTerminated`: the query stopped, with the exception text when it failed. */
export interface QueryTerminatedEvent {
  readonly id: string;
  readonly runId: string;
  /** The error message when the query failed, else null. */
  readonly exception: string | null;
  readonly errorClassOnException: string | null;
}

/** What an alert watches (`sluice.streaming.alert.<metric>` sets its threshold). */
export type AlertMetric = "batchDuration" | "watermarkDelay" | "sourceLag" | "stateRows" | "lateRowRatio";

/**
 * Beyond Spark: a batch whose metric exceeded its configured threshold (batch duration, watermark
 * delay behind the wall clock and source lag in their units below, rows in state, late rows per input row).
 */
export interface QueryAlertEvent {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly batchId: number;
  /** The batch's trigger start, ISO-8601 UTC. */
  readonly timestamp: string;
  readonly metric: AlertMetric;
  /** The batch's value: ms for batchDuration and watermarkDelay, offsets for sourceLag, rows for stateRows, a ratio for lateRowRatio. */
  readonly value: number;
  readonly threshold: number;
  /** For sourceLag: the source's description. */
  readonly source: string | null;
  readonly message: string;
}

/**
 * Receives the events of every query of a session (`spark.streams.addListener`). Every method is
 * optional; a method may return a Promise, and events are delivered one after another in order.
 */
export interface StreamingQueryListener {
  onQueryStarted?(event: QueryStartedEvent): void | Promise<void>;
  onQueryProgress?(event: QueryProgressEvent): void | Promise<void>;
  onQueryIdle?(event: QueryIdleEvent): void | Promise<void>;
  onQueryTerminated?(event: QueryTerminatedEvent): void | Promise<void>;
  /** Beyond Spark: a batch crossed an alert threshold (after that batch's progress event). */
  onQueryAlert?(event: QueryAlertEvent): void | Promise<void>;
}
