/**
 * KeyValueGroupedDataset: `df.groupByKey(row => key)`, whose mapGroupsWithState /
 * flatMapGroupsWithState run a JS function per key with a GroupState kept across micro-batches
 * (Spark's arbitrary stateful processing), and whose transformWithState runs a StatefulProcessor
 * (Spark 4's API v2). Options are checked here, at the call; the rules that depend on the query
 * (output mode, aggregations, watermark for EventTimeTimeout) at start().
 */
import { analysisError } from "../common/errors.js";
import { GROUP_STATE_TIMEOUTS, type GroupState, type GroupStateTimeout, type GroupsWithStateFunction, type GroupsWithStateSpec, type InitialState, type Row } from "../plan/groups-with-state.js";
import { TIME_MODES, type StatefulProcessor, type TimeMode, type TransformWithStateSpec } from "../plan/transform-with-state.js";
import { node } from "../plan/logical-plan.js";
import { newAttribute } from "../plan/analyzer/scope.js";
import type { RFlatMapGroupsWithState, RTransformWithState } from "../plan/resolved-plan.js";
import { StructType } from "../types/struct-type.js";
import { DataFrame } from "./dataframe.js";

/** Options of `mapGroupsWithState`: the output and state schemas and the {@link GroupStateTimeout}. */
export interface GroupsWithStateOptions {
  /** "NoTimeout" (default), "ProcessingTimeTimeout" or "EventTimeTimeout". */
  readonly timeout?: GroupStateTimeout;
  /** The state's fields, as a DDL string ("count INT, last TIMESTAMP") or a StructType. */
  readonly stateSchema: string | StructType;
  /** The columns of the rows the function returns. */
  readonly outputSchema: string | StructType;
  /**
   * Spark 3.2+'s initial state: `batchDf.groupByKey(row => key)`, one row per key holding the
   * state schema's fields. Read once, in the query's first batch; every key in it is called
   * then, with its rows of that batch (possibly none).
   */
  readonly initialState?: KeyValueGroupedDataset<unknown>;
}

/** Options of `flatMapGroupsWithState`: those of `mapGroupsWithState` plus the output mode (`append` or `update`). */
export interface FlatMapGroupsWithStateOptions extends GroupsWithStateOptions {
  /** "update" or "append"; it must match the query's output mode unless an aggregation follows (append). */
  readonly outputMode: "update" | "append";
}

const KNOWN = new Set(["timeout", "stateSchema", "outputSchema", "outputMode", "initialState"]);

/** Options of `transformWithState`: the output schema, the {@link TimeMode}, the output mode and an optional initial state. */
export interface TransformWithStateOptions {
  /** "append" or "update" (Spark's transformWithState supports these two). */
  readonly outputMode: "append" | "update";
  /** "None" (default), "ProcessingTime" or "EventTime": the clock of timers (and TTL, ProcessingTime only). */
  readonly timeMode?: TimeMode;
  /** The columns of the rows the handlers return. */
  readonly outputSchema: string | StructType;
  /** `batchDf.groupByKey(row => key)`: `handleInitialState(key, row, timerValues)` runs once per row, in the query's first batch. */
  readonly initialState?: KeyValueGroupedDataset<unknown>;
}

const TWS_KNOWN = new Set(["outputMode", "timeMode", "outputSchema", "initialState"]);

/** What `df.groupByKey(fn)` returns: rows grouped by a key computed in TypeScript, for `mapGroupsWithState`, `flatMapGroupsWithState` and `transformWithState`. */
export class KeyValueGroupedDataset<K> {
  constructor(
    /** The grouped rows (internal: initialState reads them). */
    readonly df: DataFrame,
    readonly keyFn: (row: Row) => K,
  ) {}

  /**
   * Spark 4's transformWithState: runs `processor` per key, with the state variables it declares
   * in `init` and its timers kept across micro-batches (see plan/transform-with-state.ts).
   * Streaming DataFrames only.
   */
  transformWithState(processor: StatefulProcessor<K>, options: TransformWithStateOptions): DataFrame {
    const op = "transformWithState";
    const unknown = Object.keys(options ?? {}).filter((k) => !TWS_KNOWN.has(k));
    if (unknown.length > 0) throw analysisError("UNKNOWN_OPTION", `${op} does not know the option(s) ${unknown.join(", ")}; it takes ${[...TWS_KNOWN].join(", ")}`);
    const mode = (options as { outputMode?: unknown }).outputMode;
    if (mode !== "update" && mode !== "append") {
      throw analysisError("INVALID_TRANSFORM_WITH_STATE_OUTPUT_MODE", `transformWithState supports outputMode "update" or "append", got ${JSON.stringify(mode)}`);
    }
    const timeMode = options.timeMode ?? "None";
    if (!TIME_MODES.includes(timeMode)) throw analysisError("INVALID_TIME_MODE", `${op}: timeMode must be one of ${TIME_MODES.join(", ")}, got ${JSON.stringify(timeMode)}`);
    if (processor === null || typeof processor !== "object" || typeof processor.init !== "function" || typeof processor.handleInputRows !== "function") {
      throw analysisError("INVALID_STATEFUL_PROCESSOR", `${op} needs a StatefulProcessor: an object with init(handle) and handleInputRows(key, rows, timerValues) methods`);
    }
    if (!this.df.isStreaming) {
      throw analysisError("TRANSFORM_WITH_STATE_NOT_STREAMING", `${op} runs on streaming DataFrames only in Sluice (read the input with spark.readStream); for a batch DataFrame use flatMapGroupsWithState`);
    }
    const initialState = options.initialState === undefined ? undefined : initialStateOf(op, options.initialState);
    if (initialState && typeof processor.handleInitialState !== "function") {
      throw analysisError("STATEFUL_PROCESSOR_MISSING_HANDLE_INITIAL_STATE", `${op} was given an initialState, but the StatefulProcessor has no handleInitialState(key, initialState, timerValues) method`);
    }
    const spec: TransformWithStateSpec = {
      processor: processor as StatefulProcessor,
      timeMode,
      outputMode: mode,
      outputSchema: schemaOf(op, options.outputSchema, "outputSchema"),
      keyFn: this.keyFn as (row: Row) => unknown,
      ...(initialState ? { initialState } : {}),
    };
    const plan: RTransformWithState = {
      kind: "transformWithState",
      input: this.df.resolved,
      spec,
      output: spec.outputSchema.fields.map((f) => newAttribute(f.name, f.type, f.nullable)),
    };
    return new DataFrame(this.df.ctx, node({ kind: "resolvedLeaf", plan }));
  }

  /**
   * Calls `fn(key, rows, state)` for every key with new rows in a micro-batch (and for timed-out
   * keys with no rows); it returns the key's output rows as an array, a generator (consumed
   * lazily; state changes made while it runs are kept) or a promise of an array.
   */
  flatMapGroupsWithState<S extends Row = Row>(options: FlatMapGroupsWithStateOptions, fn: (key: K, rows: Iterable<Row>, state: GroupState<S>) => Iterable<Row> | AsyncIterable<Row> | Promise<Iterable<Row>>): DataFrame {
    const mode = (options as { outputMode?: unknown }).outputMode;
    if (mode !== "update" && mode !== "append") {
      throw analysisError(
        "INVALID_GROUPS_WITH_STATE_OUTPUT_MODE",
        `flatMapGroupsWithState supports outputMode "update" or "append", got ${JSON.stringify(mode)}${mode === "complete" ? " (Spark refuses complete mode for flatMapGroupsWithState)" : ""}`,
      );
    }
    return this.build(options, false, mode, fn as GroupsWithStateFunction<unknown, Row>);
  }

  /** Like flatMapGroupsWithState with exactly one output row per call; runs in update mode. */
  mapGroupsWithState<S extends Row = Row>(options: GroupsWithStateOptions, fn: (key: K, rows: Iterable<Row>, state: GroupState<S>) => Row | Promise<Row>): DataFrame {
    if ((options as { outputMode?: unknown }).outputMode !== undefined) {
      throw analysisError("INVALID_GROUPS_WITH_STATE_OUTPUT_MODE", "mapGroupsWithState always runs in update mode; remove outputMode (or use flatMapGroupsWithState)");
    }
    return this.build(options, true, "update", fn as unknown as GroupsWithStateFunction<unknown, Row>);
  }

  private build(options: GroupsWithStateOptions, isMap: boolean, outputMode: "update" | "append", fn: GroupsWithStateFunction<unknown, Row>): DataFrame {
    const op = isMap ? "mapGroupsWithState" : "flatMapGroupsWithState";
    const unknown = Object.keys(options).filter((k) => !KNOWN.has(k));
    if (unknown.length > 0) throw analysisError("UNKNOWN_OPTION", `${op} does not know the option(s) ${unknown.join(", ")}; it takes ${[...KNOWN].join(", ")}`);
    const timeout = options.timeout ?? "NoTimeout";
    if (!GROUP_STATE_TIMEOUTS.includes(timeout)) {
      throw analysisError("INVALID_GROUP_STATE_TIMEOUT", `${op}: timeout must be one of ${GROUP_STATE_TIMEOUTS.join(", ")}, got ${JSON.stringify(timeout)}`);
    }
    if (typeof fn !== "function") throw analysisError("INVALID_GROUPS_WITH_STATE_FUNCTION", `${op} needs a function (key, rows, state) => rows`);
    const stateSchema = schemaOf(op, options.stateSchema, "stateSchema");
    const initialState = options.initialState === undefined ? undefined : initialStateOf(op, options.initialState);
    if (initialState) {
      const columns = new Set(options.initialState!.df.columns);
      const missing = stateSchema.fields.map((f) => f.name).filter((n) => !columns.has(n));
      if (missing.length > 0) throw analysisError("INVALID_INITIAL_STATE", `${op}: the initialState DataFrame lacks the state field(s) ${missing.join(", ")} of stateSchema (${stateSchema.simpleString()})`);
    }
    const spec: GroupsWithStateSpec = {
      isMap,
      outputMode,
      timeout,
      stateSchema,
      outputSchema: schemaOf(op, options.outputSchema, "outputSchema"),
      keyFn: this.keyFn as (row: Row) => unknown,
      fn,
      ...(initialState ? { initialState } : {}),
    };
    const input = this.df.resolved;
    const plan: RFlatMapGroupsWithState = {
      kind: "flatMapGroupsWithState",
      input,
      spec,
      output: spec.outputSchema.fields.map((f) => newAttribute(f.name, f.type, f.nullable)),
    };
    return new DataFrame(this.df.ctx, node({ kind: "resolvedLeaf", plan }));
  }
}

function schemaOf(op: string, s: unknown, name: string): StructType {
  if (s instanceof StructType) return s;
  if (typeof s === "string") return StructType.fromDDL(s);
  throw analysisError("INVALID_SCHEMA", `${op}: ${name} must be a DDL string or a StructType`);
}

/** An initial state must be a batch DataFrame grouped by key (Spark: a KeyValueGroupedDataset). */
function initialStateOf(op: string, g: unknown): InitialState {
  if (!(g instanceof KeyValueGroupedDataset)) throw analysisError("INVALID_INITIAL_STATE", `${op}: initialState must be a grouped batch DataFrame, as in initialDf.groupByKey(row => key)`);
  if (g.df.isStreaming) throw analysisError("INVALID_INITIAL_STATE", `${op}: initialState must be a batch DataFrame, not a streaming one (it is read once, when the query starts from a new checkpoint)`);
  const df = g.df;
  return { keyFn: g.keyFn as (row: Row) => unknown, rows: () => df.collect() };
}
