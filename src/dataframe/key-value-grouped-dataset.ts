/**
 * KeyValueGroupedDataset: `df.groupByKey(row => key)`, whose mapGroupsWithState /
 * flatMapGroupsWithState run a JS function per key with a GroupState kept across micro-batches
 * (Spark's arbitrary stateful processing). Options are checked here, at the call; the rules that
 * depend on the query (output mode, aggregations, watermark for EventTimeTimeout) at start().
 */
import { analysisError } from "../common/errors.js";
import { GROUP_STATE_TIMEOUTS, type GroupState, type GroupStateTimeout, type GroupsWithStateFunction, type GroupsWithStateSpec, type Row } from "../plan/groups-with-state.js";
import { node } from "../plan/logical-plan.js";
import { newAttribute } from "../plan/analyzer/scope.js";
import type { RFlatMapGroupsWithState } from "../plan/resolved-plan.js";
import { StructType } from "../types/struct-type.js";
import { DataFrame } from "./dataframe.js";

export interface GroupsWithStateOptions {
  /** "NoTimeout" (default), "ProcessingTimeTimeout" or "EventTimeTimeout". */
  readonly timeout?: GroupStateTimeout;
  /** The state's fields, as a DDL string ("count INT, last TIMESTAMP") or a StructType. */
  readonly stateSchema: string | StructType;
  /** The columns of the rows the function returns. */
  readonly outputSchema: string | StructType;
}

export interface FlatMapGroupsWithStateOptions extends GroupsWithStateOptions {
  /** "update" or "append"; it must match the query's output mode unless an aggregation follows (append). */
  readonly outputMode: "update" | "append";
}

const KNOWN = new Set(["timeout", "stateSchema", "outputSchema", "outputMode"]);

export class KeyValueGroupedDataset<K> {
  constructor(
    private readonly df: DataFrame,
    private readonly keyFn: (row: Row) => K,
  ) {}

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
    const schema = (s: unknown, name: string): StructType => {
      if (s instanceof StructType) return s;
      if (typeof s === "string") return StructType.fromDDL(s);
      throw analysisError("INVALID_SCHEMA", `${op}: ${name} must be a DDL string or a StructType`);
    };
    const spec: GroupsWithStateSpec = {
      isMap,
      outputMode,
      timeout,
      stateSchema: schema(options.stateSchema, "stateSchema"),
      outputSchema: schema(options.outputSchema, "outputSchema"),
      keyFn: this.keyFn as (row: Row) => unknown,
      fn,
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
