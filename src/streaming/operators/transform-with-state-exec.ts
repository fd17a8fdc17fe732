/**
 * groupByKey(fn).transformWithState(processor, …) over a stream (Spark 4's TransformWithStateExec).
 * Per micro-batch:
 *   1. `processor.init(handle)` declares the state variables; their stores open at the batch's
 *      version (one store per variable, plus `$procTimers` / `$eventTimers` for the time mode)
 *      and the declarations are recorded in the `$stateVariables` store (Spark's operator
 *      metadata: name, type, TTL, schema), which `deleteIfExists` and the state data source read;
 *   2. in the query's first batch (batch 0) only, the initial state: `handleInitialState` once per
 *      initial-state row (two rows for one key fail the query, as in Spark);
 *   3. the batch's rows are grouped by key (in EventTime mode, rows at or below the previous
 *      batch's watermark are dropped as late) and `handleInputRows` runs once per key;
 *   4. timers whose expiry is at or below the batch time (ProcessingTime) or this batch's
 *      watermark (EventTime) call `handleExpiredTimer` in expiry order and are then deleted — also
 *      in batches without new data;
 *   5. values whose TTL expired are removed; `close()`; every store commits with the batch and
 *      the operator reports one `stateOperators[]` entry named `transformWithStateExec`.
 * A handler that throws fails the batch with TRANSFORM_WITH_STATE_USER_FUNCTION_ERROR naming the
 * handler and the key; nothing of the batch is committed, so a restart re-runs it.
 */
import { type ColumnBatch, batchFromRows } from "../../columnar/column-batch.js";
import { SluiceError } from "../../common/errors.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { collectRows, decodeGroupKey, encodeGroupKey } from "../../physical/operators/group-state.js";
import type { Row } from "../../plan/groups-with-state.js";
import type { ExpiredTimerInfo, TimerValues, TransformWithStateSpec } from "../../plan/transform-with-state.js";
import { StructType } from "../../types/struct-type.js";
import type { StateStore } from "../state/state-store.js";
import { groupRowsByKey } from "./group-rows-by-key.js";
import { type StatefulContext } from "./stateful-context.js";
import { KEY_SEP, KeyIndexedStore, type StateVariableInfo, StatefulProcessorHandleImpl, TIMER_STORE } from "./stateful-processor-handle.js";

export interface TransformWithStateExecSpec {
  readonly operatorId: number;
  readonly spec: TransformWithStateSpec;
  /** The input's watermarked event-time column, if any. */
  readonly eventTimeIndex: number | undefined;
}

/** The store of the operator's metadata: state name → the variable's description (JSON). */
export const STATE_VARIABLES_STORE = "$stateVariables";
export const STATE_VARIABLES_SCHEMA = { keySchema: StructType.fromDDL("stateName STRING"), valueSchema: StructType.fromDDL("info STRING") };
export const STORE_KEY_SCHEMA = StructType.fromDDL("key STRING");
export const TIMER_VALUE_SCHEMA = StructType.fromDDL("expiryTimestampMs DOUBLE");

/** What `$stateVariables` holds per variable. */
export interface RecordedStateVariable {
  readonly stateName: string;
  readonly stateVariableType: StateVariableInfo["stateVariableType"];
  readonly ttlEnabled: boolean;
  /** StructType JSON of the store's value layout. */
  readonly storeValueSchema: string;
  readonly valueSchema: string;
  readonly userKeySchema?: string;
}

export class TransformWithStateExec implements ExecutionPlan {
  readonly name = "TransformWithStateExec";
  readonly children: readonly ExecutionPlan[];
  readonly schema: StructType;

  constructor(
    readonly child: ExecutionPlan,
    readonly op: TransformWithStateExecSpec,
    readonly state: StatefulContext,
  ) {
    this.children = [child];
    this.schema = op.spec.outputSchema;
  }

  describe(): string {
    const s = this.op.spec;
    return `${this.name}: ${s.outputMode}, timeMode=${s.timeMode}${s.initialState ? ", initialState" : ""}`;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const { spec, operatorId } = this.op;
    const { state } = this;
    const t0 = performance.now();
    const batchTimestampMs = Math.floor(ctx.eval.currentTimestampUs / 1000);
    const watermarkMs = spec.timeMode === "EventTime" && state.hasWatermark ? state.evictionWatermarkMs : undefined;
    const timerValues: TimerValues = {
      getCurrentProcessingTimeInMs: () => (spec.timeMode === "None" ? -1 : batchTimestampMs),
      getCurrentWatermarkInMs: () => watermarkMs ?? -1,
    };
    const handle = new StatefulProcessorHandleImpl(spec.timeMode, batchTimestampMs);
    const processor = spec.processor;
    const call = async <T>(fn: string, key: string | undefined, run: () => T | Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (e) {
        throw userError(fn, key, e);
      }
    };

    // 1. init, then open the declared variables' stores and record them.
    await call("init", undefined, () => processor.init(handle));
    handle.state = "INITIALIZED";
    const open = async (storeName: string, schema: { keySchema: StructType; valueSchema: StructType }): Promise<StateStore> =>
      state.provider(operatorId, schema, storeName).getStore(state.batchId);
    const meta = await open(STATE_VARIABLES_STORE, STATE_VARIABLES_SCHEMA);
    const stores = new Map<string, StateStore>();
    for (const info of handle.declared.values()) {
      const s = await open(info.stateName, { keySchema: STORE_KEY_SCHEMA, valueSchema: info.storeValueSchema });
      stores.set(info.stateName, info.stateVariableType === "MapState" ? await KeyIndexedStore.open(s) : s);
      const recorded = JSON.stringify(recordOf(info));
      if (meta.get(info.stateName)?.[0] !== recorded) meta.put(info.stateName, [recorded]);
    }
    const timers = spec.timeMode === "None" ? undefined : await KeyIndexedStore.open(await open(TIMER_STORE[spec.timeMode], { keySchema: STORE_KEY_SCHEMA, valueSchema: TIMER_VALUE_SCHEMA }));
    for (const name of handle.deleted) {
      const text = meta.get(name)?.[0];
      if (typeof text !== "string" || handle.declared.has(name)) continue;
      const recorded = JSON.parse(text) as RecordedStateVariable;
      const s = await open(name, { keySchema: STORE_KEY_SCHEMA, valueSchema: StructType.fromJson(recorded.storeValueSchema) });
      const keys: string[] = [];
      for await (const chunk of s.scanChunks()) for (const [k] of chunk) keys.push(k);
      for (const k of keys) s.remove(k);
      stores.set(name, s);
      meta.remove(name);
      handle.metrics.numDeletedStateVars++;
    }
    handle.attach(stores, timers);

    const out: Row[] = [];
    const withKey = async (fn: string, k: string, run: () => unknown): Promise<void> => {
      handle.currentKey = k;
      try {
        await call(fn, k, async () => collectRows(run(), out, `${fn} of the StatefulProcessor`));
      } finally {
        handle.currentKey = undefined;
      }
    };

    // 2. Initial state, in the first batch only (Spark: currentBatchId == 0).
    let initialStateMs = 0;
    if (spec.initialState && state.batchId === 0) {
      const ti = performance.now();
      if (typeof processor.handleInitialState !== "function") {
        throw new SluiceError("analysis", "STATEFUL_PROCESSOR_MISSING_HANDLE_INITIAL_STATE", "transformWithState was given an initialState, but the StatefulProcessor has no handleInitialState(key, initialState, timerValues) method");
      }
      const seen = new Set<string>();
      for (const row of await spec.initialState.rows()) {
        const key = spec.initialState.keyFn(row);
        const k = encodeGroupKey(key);
        if (seen.has(k)) {
          throw new SluiceError("execution", "STATEFUL_PROCESSOR_CANNOT_REINITIALIZE_STATE_ON_KEY", `[STATEFUL_PROCESSOR_CANNOT_REINITIALIZE_STATE_ON_KEY] Cannot re-initialize state on the same grouping key during initial state handling for stateful processor. Invalid grouping key=${k}. De-duplicate the initial state by key.`, { key: k });
        }
        seen.add(k);
        await withKey("handleInitialState", k, async () => {
          await processor.handleInitialState!(key, row, timerValues);
          return [];
        });
      }
      initialStateMs = performance.now() - ti;
    }

    // 3. Input rows, grouped by key (first-seen order).
    const dropLate = spec.timeMode === "EventTime" && state.hasWatermark && this.op.eventTimeIndex !== undefined;
    const { groups, dropped } = await groupRowsByKey(this.child.execute(ctx), spec.keyFn, dropLate ? { eventTimeIndex: this.op.eventTimeIndex!, watermarkMs: state.lateEventsWatermarkMs } : undefined);
    for (const [k, g] of groups) await withKey("handleInputRows", k, () => processor.handleInputRows(g.key, g.rows, timerValues));
    handle.state = "DATA_PROCESSED";

    // 4. Expired timers, in expiry order.
    const tt = performance.now();
    let numExpiredTimers = 0;
    const threshold = spec.timeMode === "ProcessingTime" ? batchTimestampMs : watermarkMs;
    if (timers && threshold !== undefined) {
      const due = timers
        .allEntries()
        .filter(([, v]) => (v[0] as number) <= threshold)
        .sort((a, b) => (a[1][0] as number) - (b[1][0] as number));
      for (const [tk, v] of due) {
        const k = tk.slice(0, tk.indexOf(KEY_SEP));
        const expiry = v[0] as number;
        if (typeof processor.handleExpiredTimer !== "function") {
          throw userError("handleExpiredTimer", k, new TypeError("a timer expired, but the StatefulProcessor has no handleExpiredTimer(key, timerValues, expiredTimerInfo) method"));
        }
        const info: ExpiredTimerInfo = { getExpiryTimeInMs: () => expiry };
        await withKey("handleExpiredTimer", k, () => processor.handleExpiredTimer!(decodeGroupKey(k), timerValues, info));
        // Spark deletes a timer after its handler ran (so listTimers() still shows it there).
        if (timers.get(tk) !== undefined) {
          timers.remove(tk);
          handle.metrics.numDeletedTimers++;
        }
        numExpiredTimers++;
      }
    }
    const timerMs = performance.now() - tt;
    handle.state = "TIMER_PROCESSED";

    // 5. TTL cleanup, close, commit.
    for (const info of handle.declared.values()) {
      if (info.ttlEnabled) handle.metrics.numValuesRemovedDueToTTLExpiry += await removeExpired(stores.get(info.stateName)!, info, batchTimestampMs, handle.metrics.listElementRows);
    }
    if (spec.timeMode === "ProcessingTime" && timers) state.nextTimeout?.(operatorId, Math.min(Infinity, ...timers.allEntries().map(([, v]) => v[0] as number)));
    await call("close", undefined, () => processor.close?.());
    handle.state = "CLOSED";
    const updateMs = performance.now() - t0;
    if (out.length > 0) yield batchFromRows(spec.outputSchema, out);

    const tc = performance.now();
    const all = [meta, ...stores.values(), ...(timers ? [timers] : [])];
    for (const s of all) await s.commit();
    const commitMs = performance.now() - tc;
    const vars = [...stores.entries()].filter(([n]) => handle.declared.has(n)).map(([, s]) => s.metrics());
    const sum = (f: (m: ReturnType<StateStore["metrics"]>) => number): number => vars.reduce((a, m) => a + f(m), 0);
    const count = (type: string, ttl?: boolean): number => [...handle.declared.values()].filter((i) => i.stateVariableType === type && (ttl === undefined || i.ttlEnabled === ttl)).length;
    const partitions = (meta as { numPartitions?: number }).numPartitions ?? 1;
    state.report(operatorId, {
      operatorName: "transformWithStateExec",
      numRowsTotal: sum((m) => m.numRowsTotal),
      numRowsUpdated: sum((m) => m.numRowsUpdated) + handle.metrics.listElementRows.updated,
      numRowsRemoved: sum((m) => m.numRowsRemoved) + handle.metrics.listElementRows.removed,
      allUpdatesTimeMs: Math.round(updateMs),
      allRemovalsTimeMs: 0,
      commitTimeMs: Math.round(commitMs),
      memoryUsedBytes: all.reduce((a, s) => a + s.metrics().memoryUsedBytes, 0),
      numRowsDroppedByWatermark: dropped,
      numShufflePartitions: partitions,
      numStateStoreInstances: partitions,
      customMetrics: {
        initialStateProcessingTimeMs: Math.round(initialStateMs),
        numDeletedStateVars: handle.metrics.numDeletedStateVars,
        numDeletedTimers: handle.metrics.numDeletedTimers,
        numExpiredTimers,
        numListStateVars: count("ListState"),
        numListStateWithTTLVars: count("ListState", true),
        numMapStateVars: count("MapState"),
        numMapStateWithTTLVars: count("MapState", true),
        numRegisteredTimers: handle.metrics.numRegisteredTimers,
        numValueStateVars: count("ValueState"),
        numValueStateWithTTLVars: count("ValueState", true),
        numValuesRemovedDueToTTLExpiry: handle.metrics.numValuesRemovedDueToTTLExpiry,
        timerProcessingTimeMs: Math.round(timerMs),
      },
    });
  }
}

function recordOf(info: StateVariableInfo): RecordedStateVariable {
  return {
    stateName: info.stateName,
    stateVariableType: info.stateVariableType,
    ttlEnabled: info.ttlEnabled,
    storeValueSchema: info.storeValueSchema.json(),
    valueSchema: info.valueSchema.json(),
    ...(info.userKeySchema ? { userKeySchema: info.userKeySchema.json() } : {}),
  };
}

/**
 * Remove the values of a TTL'd variable whose expiration passed; returns how many (list elements
 * count one each, and `listRows` gets the per-element row corrections: a list the cleanup shortens
 * is rows removed, not a row updated).
 */
async function removeExpired(store: StateStore, info: StateVariableInfo, nowMs: number, listRows: { updated: number; removed: number }): Promise<number> {
  const n = info.valueSchema.fields.length;
  const expired = (x: unknown): boolean => typeof x === "number" && x <= nowMs;
  const changes: [string, unknown[] | undefined][] = [];
  let removed = 0;
  for await (const chunk of store.scanChunks()) {
    for (const [k, v] of chunk) {
      if (info.stateVariableType !== "ListState") {
        if (expired(v[n])) {
          changes.push([k, undefined]);
          removed++;
        }
        continue;
      }
      const elements = v[0] as Record<string, unknown>[];
      const live = elements.filter((e) => !expired(e.__expirationMs));
      if (live.length === elements.length) continue;
      const dropped = elements.length - live.length;
      removed += dropped;
      // The store counts one removed row (whole list) or one updated row (shortened list).
      listRows.removed += live.length === 0 ? dropped - 1 : dropped;
      if (live.length > 0) listRows.updated--;
      changes.push([k, live.length === 0 ? undefined : [live]]);
    }
  }
  for (const [k, v] of changes) {
    if (v === undefined) store.remove(k);
    else store.put(k, v);
  }
  return removed;
}

function userError(fn: string, key: string | undefined, e: unknown): SluiceError {
  if (e instanceof SluiceError && (e.code.startsWith("STATEFUL_PROCESSOR_") || e.code.startsWith("STATE_STORE_") || e.code.startsWith("ILLEGAL_STATE_STORE_VALUE") || e.code === "TRANSFORM_WITH_STATE_USER_FUNCTION_ERROR")) {
    return key === undefined || e.context.key !== undefined ? e : new SluiceError(e.kind, e.code, `${e.message} (in ${fn}, key ${key})`, { ...e.context, key }, { cause: e });
  }
  const reason = e instanceof Error ? e.message : String(e);
  return new SluiceError(
    "execution",
    "TRANSFORM_WITH_STATE_USER_FUNCTION_ERROR",
    `[TRANSFORM_WITH_STATE_USER_FUNCTION_ERROR] An error occurred in the user-defined function ${fn} of the StatefulProcessor${key === undefined ? "" : ` for key ${key}`}. Reason: ${reason}.`,
    key === undefined ? { function: fn } : { function: fn, key },
    { cause: e },
  );
}
