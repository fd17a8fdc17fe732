/**
 * GroupState for one call of a flatMapGroupsWithState / mapGroupsWithState function, with
 * Spark's GroupStateImpl rules and messages, plus what the batch and streaming operators share:
 * grouping keys as text and calling the user function.
 *   - update(null) and get() without state throw; remove() drops the state.
 *   - setTimeoutDuration needs ProcessingTimeTimeout (timeout at batch time + duration, > 0);
 *     setTimeoutTimestamp needs EventTimeTimeout and must not be earlier than the watermark.
 *   - A timeout must be set again on every call: one that is not set is cleared (as in Spark).
 */
import { batchFromRows, batchToRows, getValue, makeBatch, vectorFromValues } from "../../columnar/column-batch.js";
import { parseIntervalMs } from "../../common/duration.js";
import { SluiceError } from "../../common/errors.js";
import type { GroupState, GroupStateTimeout, GroupsWithStateSpec, Row } from "../../plan/groups-with-state.js";
import type { StructType } from "../../types/struct-type.js";

export interface GroupStateContext {
  readonly timeout: GroupStateTimeout;
  readonly batchTimestampMs: number;
  /** The current watermark (ms), or undefined when the query defines none. */
  readonly watermarkMs: number | undefined;
  readonly hasTimedOut: boolean;
  readonly isMap: boolean;
}

const stateError = (code: string, message: string): SluiceError => new SluiceError("execution", code, message);

export class GroupStateImpl implements GroupState<Row> {
  #value: Row | undefined;
  #updated = false;
  #removed = false;
  #timeoutMs: number | undefined;

  constructor(
    value: Row | undefined,
    readonly ctx: GroupStateContext,
  ) {
    this.#value = value;
  }

  get exists(): boolean {
    return this.#value !== undefined;
  }
  get hasTimedOut(): boolean {
    return this.ctx.hasTimedOut;
  }
  get(): Row {
    if (this.#value === undefined) throw stateError("GROUP_STATE_NOT_DEFINED", "State is either not defined or has already been removed");
    return this.#value;
  }
  getOption(): Row | undefined {
    return this.#value;
  }
  update(value: Row): void {
    if (value === null || value === undefined) throw stateError("GROUP_STATE_NULL_VALUE", "'null' is not a valid state value; call remove() to drop the state");
    this.#value = value;
    this.#updated = true;
    this.#removed = false;
  }
  remove(): void {
    this.#value = undefined;
    this.#removed = true;
    this.#updated = false;
  }
  setTimeoutDuration(duration: number | string): void {
    if (this.ctx.timeout !== "ProcessingTimeTimeout") {
      throw stateError("GROUP_STATE_TIMEOUT_NOT_ENABLED", `Cannot set timeout duration without enabling processing time timeout in ${this.opName}. Pass timeout: "ProcessingTimeTimeout".`);
    }
    const ms = durationMs(duration);
    if (!(ms > 0)) throw stateError("GROUP_STATE_INVALID_TIMEOUT", `Timeout duration must be positive, got ${JSON.stringify(duration)}`);
    this.#timeoutMs = this.ctx.batchTimestampMs + ms;
  }
  setTimeoutTimestamp(timestamp: number | Date, additionalDuration?: number | string): void {
    if (this.ctx.timeout !== "EventTimeTimeout") {
      throw stateError("GROUP_STATE_TIMEOUT_NOT_ENABLED", `Cannot set timeout timestamp without enabling event time timeout in ${this.opName}. Pass timeout: "EventTimeTimeout".`);
    }
    const t = (timestamp instanceof Date ? timestamp.getTime() : timestamp) + (additionalDuration === undefined ? 0 : durationMs(additionalDuration));
    if (!Number.isFinite(t) || t <= 0) throw stateError("GROUP_STATE_INVALID_TIMEOUT", `Timeout timestamp must be positive, got ${t}`);
    const wm = this.ctx.watermarkMs;
    if (wm !== undefined && t < wm) throw stateError("GROUP_STATE_INVALID_TIMEOUT", `Timeout timestamp (${t}) cannot be earlier than the current watermark (${wm})`);
    this.#timeoutMs = t;
  }
  getCurrentWatermarkMs(): number {
    if (this.ctx.watermarkMs === undefined) {
      throw stateError("GROUP_STATE_NO_WATERMARK", `Cannot get event time watermark timestamp without setting watermark before ${this.opName}. Call withWatermark() on the input.`);
    }
    return this.ctx.watermarkMs;
  }
  getCurrentProcessingTimeMs(): number {
    return this.ctx.batchTimestampMs;
  }

  get isUpdated(): boolean {
    return this.#updated;
  }
  get isRemoved(): boolean {
    return this.#removed;
  }
  /** The timeout set in this call (ms), if any. */
  get timeoutTimestampMs(): number | undefined {
    return this.#timeoutMs;
  }
  private get opName(): string {
    return this.ctx.isMap ? "mapGroupsWithState" : "flatMapGroupsWithState";
  }
}

function durationMs(d: number | string): number {
  if (typeof d === "number") return d;
  if (/month|year/i.test(d)) throw stateError("GROUP_STATE_INVALID_TIMEOUT", `Timeout duration '${d}' uses months or years, whose length varies; use days, hours, minutes or seconds`);
  return parseIntervalMs(d);
}

/**
 * A key as text: equal for equal keys (strings, numbers, booleans, null, bigint, Date, arrays
 * and plain objects of these), and decodable, so timeouts can call the function with the key.
 */
export function encodeGroupKey(key: unknown): string {
  const check = (v: unknown): void => {
    if (v instanceof Map || v instanceof Set || typeof v === "function" || typeof v === "symbol") {
      throw new SluiceError("execution", "GROUP_KEY_NOT_SUPPORTED", `A groupByKey key must be a string, number, boolean, null, bigint, Date, or an array or plain object of these; got ${Object.prototype.toString.call(v)}`);
    }
    if (Array.isArray(v)) v.forEach(check);
    else if (v !== null && typeof v === "object" && !(v instanceof Date)) Object.values(v).forEach(check);
  };
  check(key);
  return JSON.stringify(key === undefined ? null : key, function (this: Record<string, unknown>, k, v) {
    const raw = this[k];
    if (raw instanceof Date) return { $date: raw.getTime() };
    if (typeof raw === "bigint") return { $bigint: raw.toString() };
    if (typeof raw === "number" && !Number.isFinite(raw)) return { $number: String(raw) };
    return v;
  });
}

export function decodeGroupKey(text: string): unknown {
  return JSON.parse(text, (_k, v) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "$date") return new Date(v.$date as number);
      if (keys.length === 1 && keys[0] === "$bigint") return BigInt(v.$bigint as string);
      if (keys.length === 1 && keys[0] === "$number") return Number(v.$number);
    }
    return v;
  });
}

/**
 * Call the user function for one key and append what it returns to `out` (an array, a lazily
 * consumed iterable or async iterable, or — for mapGroupsWithState — one row; promises are
 * awaited). A failure names the operator and the key.
 */
export async function callGroupFunction(spec: GroupsWithStateSpec, key: unknown, rows: readonly Row[], state: GroupStateImpl, out: Row[]): Promise<void> {
  const op = spec.isMap ? "mapGroupsWithState" : "flatMapGroupsWithState";
  try {
    const result = await spec.fn(key, rows, state);
    if (spec.isMap) {
      if (result === null || typeof result !== "object" || Symbol.iterator in result || Symbol.asyncIterator in result) {
        throw new TypeError(`mapGroupsWithState's function must return exactly one row (an object), got ${Array.isArray(result) ? "an array" : typeof result}`);
      }
      out.push(result as Row);
      return;
    }
    await collectRows(result, out, `${op}'s function`);
  } catch (e) {
    if (e instanceof SluiceError && e.code.startsWith("GROUP_STATE_")) {
      throw new SluiceError("execution", e.code, `${e.message} (in ${op}, key ${encodeGroupKey(key)})`, { key: encodeGroupKey(key) }, { cause: e });
    }
    const message = e instanceof Error ? e.message : String(e);
    throw new SluiceError("execution", "GROUPS_WITH_STATE_FUNCTION_FAILED", `The function of ${op} failed for key ${encodeGroupKey(key)}: ${message}`, { key: encodeGroupKey(key) }, { cause: e });
  }
}

/**
 * Append what a stateful function returned to `out`: an array or other iterable (consumed
 * lazily, so state changes made while it runs are kept), an async iterable, or a promise of
 * either; anything else is a TypeError naming `what`.
 */
export async function collectRows(result: unknown, out: Row[], what: string): Promise<void> {
  const r = await result;
  if (r !== null && typeof r === "object" && Symbol.asyncIterator in r) {
    for await (const x of r as AsyncIterable<Row>) out.push(x);
  } else if (r !== null && typeof r === "object" && Symbol.iterator in r) {
    for (const x of r as Iterable<Row>) out.push(x);
  } else {
    throw new TypeError(`${what} must return an iterable of rows (an array or a generator), got ${r === null ? "null" : typeof r}`);
  }
}

/** A state object (as the user sees rows) → engine values in `schema`'s field order; `what` names it in errors. */
export function rowToStateValue(schema: StructType, value: Row, what: string): unknown[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object with the fields of its schema (${schema.simpleString()}), got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`);
  }
  const b = batchFromRows(schema, [value]);
  return b.columns.map((c) => getValue(c, 0));
}

/** Engine values in `schema`'s field order → the object the user sees. */
export function stateValueToRow(schema: StructType, values: readonly unknown[]): Row {
  return batchToRows(makeBatch(schema, schema.fields.map((f, i) => vectorFromValues(f.type, [values[i] ?? null])), 1))[0]!;
}

/**
 * The rows of an initial state by encoded key, each projected onto the state schema. Two rows
 * for one key fail, as in Spark (the state of a key must be unambiguous).
 */
export async function loadInitialState(spec: GroupsWithStateSpec): Promise<Map<string, { key: unknown; state: Row }>> {
  const out = new Map<string, { key: unknown; state: Row }>();
  const op = spec.isMap ? "mapGroupsWithState" : "flatMapGroupsWithState";
  for (const row of await spec.initialState!.rows()) {
    const key = spec.initialState!.keyFn(row);
    const k = encodeGroupKey(key);
    if (out.has(k)) {
      throw new SluiceError("execution", "GROUP_STATE_INITIAL_STATE_DUPLICATE_KEY", `The initial state of ${op} has more than one row for key ${k}; de-duplicate the initial state before passing it`, { key: k });
    }
    out.set(k, { key, state: Object.fromEntries(spec.stateSchema.fields.map((f) => [f.name, row[f.name] ?? null])) });
  }
  return out;
}
