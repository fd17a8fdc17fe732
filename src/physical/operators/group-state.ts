/**
 * GroupState for one call of a flatMapGroupsWithState / mapGroupsWithState function, with
 * Spark's GroupStateImpl rules and messages, plus what the batch and streaming operators share:
 * grouping keys as text and calling the user function.
 *   - update(null) and get() without state throw; remove() drops the state.
 *   - setTimeoutDuration needs ProcessingTimeTimeout (timeout at batch time + duration, > 0);
 *     setTimeoutTimestamp needs EventTimeTimeout and must not be earlier than the watermark.
 *   - A timeout must be set again on every call: one that is not set is cleared (as in Spark).
 */
import { parseIntervalMs } from "../../common/duration.js";
import { SluiceError } from "../../common/errors.js";
import type { GroupState, GroupStateTimeout, GroupsWithStateSpec, Row } from "../../plan/groups-with-state.js";

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
    if (result !== null && typeof result === "object" && Symbol.asyncIterator in result) {
      for await (const r of result as AsyncIterable<Row>) out.push(r);
    } else if (result !== null && typeof result === "object" && Symbol.iterator in result) {
      for (const r of result as Iterable<Row>) out.push(r);
    } else {
      throw new TypeError(`flatMapGroupsWithState's function must return an iterable of rows (an array or a generator), got ${result === null ? "null" : typeof result}`);
    }
  } catch (e) {
    if (e instanceof SluiceError && e.code.startsWith("GROUP_STATE_")) {
      throw new SluiceError("execution", e.code, `${e.message} (in ${op}, key ${encodeGroupKey(key)})`, { key: encodeGroupKey(key) }, { cause: e });
    }
    const message = e instanceof Error ? e.message : String(e);
    throw new SluiceError("execution", "GROUPS_WITH_STATE_FUNCTION_FAILED", `The function of ${op} failed for key ${encodeGroupKey(key)}: ${message}`, { key: encodeGroupKey(key) }, { cause: e });
  }
}
