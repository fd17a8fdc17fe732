/**
 * The user-facing contract of arbitrary stateful processing (Spark's
 * KeyValueGroupedDataset.flatMapGroupsWithState / mapGroupsWithState): the per-key function, its
 * GroupState handle and the timeout kinds. The plan holds the functions as data; the streaming
 * operator (streaming/operators/flat-map-groups-with-state-exec.ts) calls them.
 */
import type { StructType } from "../types/struct-type.js";

/** Spark's GroupStateTimeout: how a key's state can expire. */
export type GroupStateTimeout = "NoTimeout" | "ProcessingTimeTimeout" | "EventTimeTimeout";

export const GROUP_STATE_TIMEOUTS: readonly GroupStateTimeout[] = ["NoTimeout", "ProcessingTimeTimeout", "EventTimeTimeout"];

/**
 * The state of one key while the function runs (Spark's GroupState). Changes made through it
 * are committed with the micro-batch; a failed batch keeps none of them.
 */
export interface GroupState<S> {
  /** Whether the key has state. */
  readonly exists: boolean;
  /** The state; throws when there is none. */
  get(): S;
  /** The state, or undefined when there is none. */
  getOption(): S | undefined;
  /** Replace the state (null/undefined are refused: use remove()). */
  update(value: S): void;
  /** Drop the state (counted in numRowsRemoved). */
  remove(): void;
  /** Whether this call happens because the key timed out (then `rows` is empty). */
  readonly hasTimedOut: boolean;
  /** ProcessingTimeTimeout: time out after this much processing time without data ("1 hour" or ms). */
  setTimeoutDuration(duration: number | string): void;
  /** EventTimeTimeout: time out once the watermark passes this time (ms or Date), plus an optional duration. */
  setTimeoutTimestamp(timestamp: number | Date, additionalDuration?: number | string): void;
  /** The query's event-time watermark (ms); throws when the query defines none. */
  getCurrentWatermarkMs(): number;
  /** The micro-batch's timestamp (ms). */
  getCurrentProcessingTimeMs(): number;
}

export type Row = Record<string, unknown>;

/** What the function may return: rows as an array, a (lazily consumed) iterable, or a promise of either. */
export type GroupOutput = Iterable<Row> | AsyncIterable<Row> | Promise<Iterable<Row> | Row>;

/** The per-key function: called with the key, the key's new rows of the batch and its state. */
export type GroupsWithStateFunction<K = unknown, S = Row> = (key: K, rows: Iterable<Row>, state: GroupState<S>) => GroupOutput;

/** What the resolved node carries (immutable). */
export interface GroupsWithStateSpec {
  /** mapGroupsWithState: exactly one output row per call, update mode only. */
  readonly isMap: boolean;
  readonly outputMode: "update" | "append";
  readonly timeout: GroupStateTimeout;
  readonly stateSchema: StructType;
  readonly outputSchema: StructType;
  readonly keyFn: (row: Row) => unknown;
  readonly fn: GroupsWithStateFunction<unknown, Row>;
  /** Spark 3.2+'s initialState: the state of keys before the query's first batch. */
  readonly initialState?: InitialState;
}

/**
 * An initial state (of [flat]mapGroupsWithState or transformWithState): a batch DataFrame's rows
 * grouped by `keyFn`, read once, in the query's first batch (batch 0), as Spark does.
 */
export interface InitialState {
  readonly keyFn: (row: Row) => unknown;
  /** Runs the batch query of the initial-state DataFrame. */
  readonly rows: () => Promise<readonly Row[]>;
}
