/**
 * The user-facing contract of Spark 4's arbitrary state API v2 (`transformWithState`): a
 * StatefulProcessor that declares named state variables (ValueState, ListState, MapState, each
 * with an optional TTL) in `init`, gets a key's new rows in `handleInputRows`, and registers
 * processing-time or event-time timers that call `handleExpiredTimer`. Names follow PySpark's
 * `pyspark.sql.streaming.stateful_processor`. The plan holds the processor as data; the
 * streaming operator (streaming/operators/transform-with-state-exec.ts) calls it.
 */
import type { StructType } from "../types/struct-type.js";
import type { InitialState, Row } from "./groups-with-state.js";

/** Spark's TimeMode: which clock timers and TTL follow. */
export type TimeMode = "None" | "ProcessingTime" | "EventTime";
export const TIME_MODES: readonly TimeMode[] = ["None", "ProcessingTime", "EventTime"];

/** A state variable's schema: a DDL string ("count INT, last TIMESTAMP") or a StructType. */
export type StateSchemaLike = string | StructType;

/** Times of the micro-batch a handler runs in (Spark's TimerValues); -1 when the time mode has none. */
export interface TimerValues {
  /** The batch timestamp (ms) in ProcessingTime and EventTime modes, else -1. */
  getCurrentProcessingTimeInMs(): number;
  /** The batch's watermark (ms) in EventTime mode with a watermark, else -1. */
  getCurrentWatermarkInMs(): number;
}

/** The timer that fired (Spark's ExpiredTimerInfo). */
export interface ExpiredTimerInfo {
  getExpiryTimeInMs(): number;
}

/** One value per grouping key. */
export interface ValueState<V extends Row = Row> {
  exists(): boolean;
  /** The value, or undefined when there is none (or its TTL expired). */
  get(): V | undefined;
  /** Replace the value (null/undefined are refused: use clear()); with TTL, restarts its clock. */
  update(value: V): void;
  clear(): void;
}

/** A list of values per grouping key; with TTL each element expires on its own. */
export interface ListState<V extends Row = Row> {
  exists(): boolean;
  get(): IterableIterator<V>;
  /** Replace the whole list. */
  put(values: readonly V[]): void;
  appendValue(value: V): void;
  appendList(values: readonly V[]): void;
  clear(): void;
}

/** A map per grouping key; keys and values are rows of their schemas; with TTL each entry expires on its own. */
export interface MapState<K extends Row = Row, V extends Row = Row> {
  exists(): boolean;
  getValue(key: K): V | undefined;
  containsKey(key: K): boolean;
  updateValue(key: K, value: V): void;
  iterator(): IterableIterator<[K, V]>;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
  removeKey(key: K): void;
  clear(): void;
}

/** Options of a state variable: `ttlDurationMs` (or an interval string) makes its values expire that long after their last update, in processing time. */
export interface StateVariableOptions {
  readonly ttlDurationMs?: number | string;
}

/** What `init` gets (Spark's StatefulProcessorHandle). State variables can only be declared in `init`. */
export interface StatefulProcessorHandle {
  getValueState<V extends Row = Row>(stateName: string, schema: StateSchemaLike, options?: StateVariableOptions): ValueState<V>;
  getListState<V extends Row = Row>(stateName: string, schema: StateSchemaLike, options?: StateVariableOptions): ListState<V>;
  getMapState<K extends Row = Row, V extends Row = Row>(stateName: string, userKeySchema: StateSchemaLike, valueSchema: StateSchemaLike, options?: StateVariableOptions): MapState<K, V>;
  /** A timer of the current grouping key at `expiryTimestampMs` (processing time or event time, by the time mode). */
  registerTimer(expiryTimestampMs: number): void;
  deleteTimer(expiryTimestampMs: number): void;
  /** The current grouping key's timers, in ascending order. */
  listTimers(): IterableIterator<number>;
  /** Drop a state variable declared by an earlier version of the processor, with all its values. */
  deleteIfExists(stateName: string): void;
}

/** What a handler may return: rows as an array, a (lazily consumed, possibly async) iterable, or a promise of an array. */
export type ProcessorOutput = Iterable<Row> | AsyncIterable<Row> | Promise<Iterable<Row>>;

/**
 * Spark's StatefulProcessor. `init` runs at the start of every micro-batch and must declare the
 * state variables (the same names each time); `close` runs at its end.
 */
export interface StatefulProcessor<K = unknown> {
  init(handle: StatefulProcessorHandle): void | Promise<void>;
  handleInputRows(key: K, rows: Iterable<Row>, timerValues: TimerValues): ProcessorOutput;
  /** Called once per expired timer of a key (needed when timers are registered). */
  handleExpiredTimer?(key: K, timerValues: TimerValues, expiredTimerInfo: ExpiredTimerInfo): ProcessorOutput;
  /** With `initialState`: called in the query's first batch once per initial-state row, before any input. */
  handleInitialState?(key: K, initialState: Row, timerValues: TimerValues): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** What the resolved node carries (immutable). */
export interface TransformWithStateSpec {
  readonly processor: StatefulProcessor;
  readonly timeMode: TimeMode;
  readonly outputMode: "append" | "update";
  readonly outputSchema: StructType;
  readonly keyFn: (row: Row) => unknown;
  readonly initialState?: InitialState;
}
