/**
 * The StatefulProcessorHandle of transformWithState and its state variables, over one state store
 * per variable (Spark keeps them as column families of one RocksDB store; Sluice gives each its
 * own store, named after the variable, under `state/<operatorId>/<partition>/<stateName>/`).
 *   - `init` declares variables (handle state CREATED); the operator then opens their stores.
 *   - Every read or write acts on the current grouping key (Spark's implicit key), which the
 *     operator sets around each handler call; outside one the handle refuses, in Spark's words.
 *   - Layouts (key → value arrays of engine values):
 *       ValueState  key → [...fields, expirationMs?]
 *       ListState   key → [[element, …]] where an element is {...fields, __expirationMs?}
 *       MapState    key + NUL + userKey → [...fields, expirationMs?]
 *       timers      key + NUL + expiry (zero-padded) → [expiryMs]   (store `$procTimers` / `$eventTimers`)
 *   - TTL (ProcessingTime mode only): an update sets expiration = batch time + TTL; expired values
 *     read as absent and are removed at the end of the batch (numValuesRemovedDueToTTLExpiry).
 *     A TTL'd list keeps its expired elements when appended to (Spark appends without reading),
 *     so the cleanup removes and counts them; and, as Spark's store keeps such a list's elements
 *     one by one, each element written counts one updated row and each element the cleanup drops
 *     one removed row (HandleMetrics.listElementRows, added to the stores' counts).
 */
import { parseIntervalMs } from "../../common/duration.js";
import { SluiceError } from "../../common/errors.js";
import { encodeGroupKey, rowToStateValue, stateValueToRow } from "../../physical/operators/group-state.js";
import type { Row } from "../../plan/groups-with-state.js";
import type { ListState, MapState, StateSchemaLike, StateVariableOptions, StatefulProcessorHandle, TimeMode, ValueState } from "../../plan/transform-with-state.js";
import { StructType } from "../../types/struct-type.js";
import type { StateStore, StateValue } from "../state/state-store.js";

export type HandleState = "CREATED" | "INITIALIZED" | "DATA_PROCESSED" | "TIMER_PROCESSED" | "CLOSED";
export type StateVariableType = "ValueState" | "ListState" | "MapState";

/** A declared state variable: what its store holds, as recorded in the operator's metadata. */
export interface StateVariableInfo {
  readonly stateName: string;
  readonly stateVariableType: StateVariableType;
  readonly ttlEnabled: boolean;
  readonly ttlDurationMs: number | undefined;
  readonly valueSchema: StructType;
  readonly userKeySchema?: StructType;
  /** The store's value layout (see the file comment). */
  readonly storeValueSchema: StructType;
}

export const KEY_SEP = "\u0000";
export const TIMER_STORE = { ProcessingTime: "$procTimers", EventTime: "$eventTimers" } as const;
const EXPIRATION: { name: string; type: { kind: "double" }; nullable: boolean } = { name: "__expirationMs", type: { kind: "double" }, nullable: true };

const fail = (code: string, message: string, cause?: unknown): SluiceError => new SluiceError("execution", code, `[${code}] ${message}`, {}, cause === undefined ? undefined : { cause });

export const timerKey = (groupKey: string, expiryMs: number): string => `${groupKey}${KEY_SEP}${String(expiryMs).padStart(16, "0")}`;

function schemaOf(s: StateSchemaLike, what: string): StructType {
  if (s instanceof StructType) return s;
  if (typeof s === "string") return StructType.fromDDL(s);
  throw fail("INVALID_STATE_SCHEMA", `${what} must be a DDL string or a StructType`);
}

/** Per-batch counters, reported as the operator's custom metrics. */
export interface HandleMetrics {
  numRegisteredTimers: number;
  numDeletedTimers: number;
  numDeletedStateVars: number;
  numValuesRemovedDueToTTLExpiry: number;
  /** Corrections to the stores' row counts for TTL'd lists, counted per element (see the file comment). */
  listElementRows: { updated: number; removed: number };
}

export class StatefulProcessorHandleImpl implements StatefulProcessorHandle {
  state: HandleState = "CREATED";
  /** The encoded grouping key the handlers run for (Spark's implicit key). */
  currentKey: string | undefined;
  readonly declared = new Map<string, StateVariableInfo>();
  readonly deleted = new Set<string>();
  readonly #stores = new Map<string, StateStore>();
  #timers: KeyIndexedStore | undefined;
  readonly metrics: HandleMetrics = { numRegisteredTimers: 0, numDeletedTimers: 0, numDeletedStateVars: 0, numValuesRemovedDueToTTLExpiry: 0, listElementRows: { updated: 0, removed: 0 } };

  constructor(
    readonly timeMode: TimeMode,
    /** The batch timestamp (ms): TTL expirations are computed from it. */
    readonly batchTimestampMs: number,
  ) {}

  /** The operator hands over the opened stores (variables, then timers) after init. */
  attach(stores: ReadonlyMap<string, StateStore>, timers: KeyIndexedStore | undefined): void {
    for (const [k, v] of stores) this.#stores.set(k, v);
    this.#timers = timers;
  }

  getValueState<V extends Row = Row>(stateName: string, schema: StateSchemaLike, options?: StateVariableOptions): ValueState<V> {
    const info = this.declare(stateName, "ValueState", "getValueState", schemaOf(schema, `getValueState(${stateName})'s schema`), undefined, options);
    return new ValueStateImpl<V>(this, info);
  }
  getListState<V extends Row = Row>(stateName: string, schema: StateSchemaLike, options?: StateVariableOptions): ListState<V> {
    const info = this.declare(stateName, "ListState", "getListState", schemaOf(schema, `getListState(${stateName})'s schema`), undefined, options);
    return new ListStateImpl<V>(this, info);
  }
  getMapState<K extends Row = Row, V extends Row = Row>(stateName: string, userKeySchema: StateSchemaLike, valueSchema: StateSchemaLike, options?: StateVariableOptions): MapState<K, V> {
    const keySchema = schemaOf(userKeySchema, `getMapState(${stateName})'s userKeySchema`);
    const info = this.declare(stateName, "MapState", "getMapState", schemaOf(valueSchema, `getMapState(${stateName})'s valueSchema`), keySchema, options);
    return new MapStateImpl<K, V>(this, info);
  }

  registerTimer(expiryTimestampMs: number): void {
    const store = this.timerStore("registerTimer");
    if (!Number.isFinite(expiryTimestampMs)) throw fail("STATEFUL_PROCESSOR_INVALID_TIMER", `registerTimer needs a timestamp in milliseconds, got ${expiryTimestampMs}`);
    const k = timerKey(this.key("registerTimer"), Math.trunc(expiryTimestampMs));
    if (store.get(k) !== undefined) return; // Spark logs and keeps the one timer
    store.put(k, [Math.trunc(expiryTimestampMs)]);
    this.metrics.numRegisteredTimers++;
  }
  deleteTimer(expiryTimestampMs: number): void {
    const store = this.timerStore("deleteTimer");
    const k = timerKey(this.key("deleteTimer"), Math.trunc(expiryTimestampMs));
    if (store.get(k) === undefined) return;
    store.remove(k);
    this.metrics.numDeletedTimers++;
  }
  *listTimers(): IterableIterator<number> {
    const store = this.timerStore("listTimers");
    yield* store.entriesOf(this.key("listTimers")).map(([, v]) => v[0] as number).sort((a, b) => a - b);
  }
  deleteIfExists(stateName: string): void {
    if (this.state !== "CREATED") throw this.invalidHandle("deleteIfExists");
    this.deleted.add(stateName);
  }

  /** The current grouping key, or Spark's refusal outside a handler. */
  key(op: string): string {
    if (this.currentKey === undefined) throw this.invalidHandle(op);
    return this.currentKey;
  }
  store(info: StateVariableInfo, op: string): StateStore {
    this.key(op);
    const s = this.#stores.get(info.stateName);
    if (!s) throw this.invalidHandle(op);
    return s;
  }
  /** The expiration to store with a value written now, or null without TTL. */
  expiration(info: StateVariableInfo): number | null {
    return info.ttlDurationMs === undefined ? null : this.batchTimestampMs + info.ttlDurationMs;
  }
  expired(expirationMs: unknown): boolean {
    return typeof expirationMs === "number" && expirationMs <= this.batchTimestampMs;
  }

  invalidHandle(op: string): SluiceError {
    return fail("STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_HANDLE_STATE", `Failed to perform stateful processor operation=${op} with invalid handle state=${this.state}.`);
  }

  private timerStore(op: string): KeyIndexedStore {
    if (this.timeMode === "None") {
      throw fail("STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_TIME_MODE", `Failed to perform stateful processor operation=${op} with invalid timeMode=NoTime. Pass timeMode "ProcessingTime" or "EventTime" to transformWithState.`);
    }
    this.key(op);
    if (!this.#timers) throw this.invalidHandle(op);
    return this.#timers;
  }

  private declare(stateName: string, type: StateVariableType, op: string, valueSchema: StructType, userKeySchema: StructType | undefined, options: StateVariableOptions | undefined): StateVariableInfo {
    if (this.state !== "CREATED") throw this.invalidHandle(op);
    if (typeof stateName !== "string" || stateName.length === 0) throw fail("STATEFUL_PROCESSOR_INVALID_STATE_NAME", `${op} needs a non-empty state name`);
    if (stateName.startsWith("$") || stateName.includes("/") || stateName.includes("\\")) {
      throw fail("STATE_STORE_CANNOT_CREATE_COLUMN_FAMILY_WITH_RESERVED_CHARS", `Failed to create column family with unsupported starting character and name=${stateName}. State names must not start with '$' or contain '/'.`);
    }
    if (this.declared.has(stateName)) throw fail("STATEFUL_PROCESSOR_DUPLICATE_STATE_VARIABLE_DEFINED", `State variable with name ${stateName} has already been defined in the StatefulProcessor.`);
    const unknown = Object.keys(options ?? {}).filter((k) => k !== "ttlDurationMs");
    if (unknown.length > 0) throw fail("UNKNOWN_OPTION", `${op}(${stateName}) does not know the option(s) ${unknown.join(", ")}; it takes ttlDurationMs`);
    let ttlDurationMs: number | undefined;
    if (options?.ttlDurationMs !== undefined) {
      const t = options.ttlDurationMs;
      ttlDurationMs = typeof t === "number" ? t : parseIntervalMs(t);
      if (!(ttlDurationMs > 0)) throw fail("STATEFUL_PROCESSOR_TTL_DURATION_MUST_BE_POSITIVE", `TTL duration must be greater than zero for State store operation=${op} on state=${stateName}.`);
      if (this.timeMode !== "ProcessingTime") {
        throw fail("STATEFUL_PROCESSOR_INCORRECT_TIME_MODE_TO_ASSIGN_TTL", `Cannot use TTL for state=${stateName} in timeMode=${this.timeMode === "None" ? "NoTime" : this.timeMode}, use TimeMode.ProcessingTime() instead.`);
      }
    }
    const fields = valueSchema.fields.map((f) => ({ ...f, nullable: true }));
    const ttlEnabled = ttlDurationMs !== undefined;
    const storeValueSchema =
      type === "ListState"
        ? new StructType([{ name: "__elements", type: { kind: "array", elementType: new StructType(ttlEnabled ? [...fields, EXPIRATION] : fields), containsNull: false }, nullable: false }])
        : new StructType(ttlEnabled ? [...fields, EXPIRATION] : fields);
    const info: StateVariableInfo = { stateName, stateVariableType: type, ttlEnabled, ttlDurationMs, valueSchema, ...(userKeySchema ? { userKeySchema } : {}), storeValueSchema };
    this.declared.set(stateName, info);
    return info;
  }
}

const nullValue = (stateName: string): SluiceError =>
  fail("ILLEGAL_STATE_STORE_VALUE.NULL_VALUE", `Illegal value provided to the State Store. Cannot write null value to state variable ${stateName}. Call clear() to drop the value.`);

class ValueStateImpl<V extends Row> implements ValueState<V> {
  constructor(
    private readonly h: StatefulProcessorHandleImpl,
    private readonly info: StateVariableInfo,
  ) {}
  private stored(op: string): StateValue | undefined {
    const v = this.h.store(this.info, op).get(this.h.key(op));
    if (v === undefined || (this.info.ttlEnabled && this.h.expired(v[this.info.valueSchema.fields.length]))) return undefined;
    return v;
  }
  exists(): boolean {
    return this.stored("exists") !== undefined;
  }
  get(): V | undefined {
    const v = this.stored("get");
    return v === undefined ? undefined : (stateValueToRow(this.info.valueSchema, v) as V);
  }
  update(value: V): void {
    if (value === null || value === undefined) throw nullValue(this.info.stateName);
    const values = rowToStateValue(this.info.valueSchema, value, `The value of state ${this.info.stateName}`);
    this.h.store(this.info, "update").put(this.h.key("update"), this.info.ttlEnabled ? [...values, this.h.expiration(this.info)] : values);
  }
  clear(): void {
    this.h.store(this.info, "clear").remove(this.h.key("clear"));
  }
}

type Element = Record<string, unknown>;

class ListStateImpl<V extends Row> implements ListState<V> {
  constructor(
    private readonly h: StatefulProcessorHandleImpl,
    private readonly info: StateVariableInfo,
  ) {}
  /** Every stored element, expired ones included. */
  private stored(op: string): Element[] {
    const v = this.h.store(this.info, op).get(this.h.key(op));
    return (v?.[0] as Element[] | undefined) ?? [];
  }
  private elements(op: string): Element[] {
    const all = this.stored(op);
    return this.info.ttlEnabled ? all.filter((e) => !this.h.expired(e.__expirationMs)) : all;
  }
  private encode(values: readonly V[], op: string): Element[] {
    if (!Array.isArray(values)) throw new TypeError(`${op} of state ${this.info.stateName} needs an array of values`);
    const fields = this.info.valueSchema.fields;
    return values.map((value) => {
      if (value === null || value === undefined) throw nullValue(this.info.stateName);
      const engine = rowToStateValue(this.info.valueSchema, value, `A value of state ${this.info.stateName}`);
      const e: Element = Object.fromEntries(fields.map((f, i) => [f.name, engine[i]]));
      if (this.info.ttlEnabled) e.__expirationMs = this.h.expiration(this.info);
      return e;
    });
  }
  /** Store `elements`, of which `written` are new (a TTL'd list counts one updated row per new element). */
  private write(elements: Element[], written: number, op: string): void {
    const store = this.h.store(this.info, op);
    if (elements.length === 0) store.remove(this.h.key(op));
    else {
      store.put(this.h.key(op), [elements]);
      if (this.info.ttlEnabled) this.h.metrics.listElementRows.updated += written - 1;
    }
  }
  exists(): boolean {
    return this.elements("exists").length > 0;
  }
  *get(): IterableIterator<V> {
    const fields = this.info.valueSchema.fields;
    for (const e of this.elements("get")) yield stateValueToRow(this.info.valueSchema, fields.map((f) => e[f.name])) as V;
  }
  put(values: readonly V[]): void {
    const elements = this.encode(values, "put");
    this.write(elements, elements.length, "put");
  }
  appendValue(value: V): void {
    this.write([...this.stored("appendValue"), ...this.encode([value], "appendValue")], 1, "appendValue");
  }
  appendList(values: readonly V[]): void {
    const added = this.encode(values, "appendList");
    this.write([...this.stored("appendList"), ...added], added.length, "appendList");
  }
  clear(): void {
    this.h.store(this.info, "clear").remove(this.h.key("clear"));
  }
}

class MapStateImpl<K extends Row, V extends Row> implements MapState<K, V> {
  constructor(
    private readonly h: StatefulProcessorHandleImpl,
    private readonly info: StateVariableInfo,
  ) {}
  private entryKey(key: K, op: string): string {
    if (key === null || key === undefined) throw fail("ILLEGAL_STATE_STORE_VALUE.NULL_VALUE", `Illegal value provided to the State Store. Cannot use a null key in map state ${this.info.stateName}.`);
    return this.h.key(op) + KEY_SEP + encodeGroupKey(rowToStateValue(this.info.userKeySchema!, key, `A key of map state ${this.info.stateName}`));
  }
  private live(op: string): [string, StateValue][] {
    const n = this.info.valueSchema.fields.length;
    return indexed(this.h.store(this.info, op)).entriesOf(this.h.key(op)).filter(([, v]) => !(this.info.ttlEnabled && this.h.expired(v[n])));
  }
  private userKey(entryKey: string): K {
    const text = entryKey.slice(entryKey.indexOf(KEY_SEP) + 1);
    return stateValueToRow(this.info.userKeySchema!, JSON.parse(text, reviveEngineValue) as unknown[]) as K;
  }
  exists(): boolean {
    return this.live("exists").length > 0;
  }
  getValue(key: K): V | undefined {
    const v = this.h.store(this.info, "getValue").get(this.entryKey(key, "getValue"));
    if (v === undefined || (this.info.ttlEnabled && this.h.expired(v[this.info.valueSchema.fields.length]))) return undefined;
    return stateValueToRow(this.info.valueSchema, v) as V;
  }
  containsKey(key: K): boolean {
    return this.getValue(key) !== undefined;
  }
  updateValue(key: K, value: V): void {
    if (value === null || value === undefined) throw nullValue(this.info.stateName);
    const values = rowToStateValue(this.info.valueSchema, value, `A value of map state ${this.info.stateName}`);
    this.h.store(this.info, "updateValue").put(this.entryKey(key, "updateValue"), this.info.ttlEnabled ? [...values, this.h.expiration(this.info)] : values);
  }
  *iterator(): IterableIterator<[K, V]> {
    for (const [k, v] of this.live("iterator")) yield [this.userKey(k), stateValueToRow(this.info.valueSchema, v) as V];
  }
  *keys(): IterableIterator<K> {
    for (const [k] of this.iterator()) yield k;
  }
  *values(): IterableIterator<V> {
    for (const [, v] of this.iterator()) yield v;
  }
  removeKey(key: K): void {
    this.h.store(this.info, "removeKey").remove(this.entryKey(key, "removeKey"));
  }
  clear(): void {
    const store = indexed(this.h.store(this.info, "clear"));
    for (const [k] of store.entriesOf(this.h.key("clear"))) store.remove(k);
  }
}

const indexed = (s: StateStore): KeyIndexedStore => {
  if (!(s instanceof KeyIndexedStore)) throw new Error("a map state's store must be opened with KeyIndexedStore.open");
  return s;
};

/**
 * A store whose keys are `groupKey NUL rest` (map state, timers), read once per batch into an
 * index by grouping key, so a handler lists its key's entries without a scan; writes go to both.
 */
export class KeyIndexedStore implements StateStore {
  readonly #byGroup = new Map<string, Map<string, StateValue>>();
  private constructor(readonly inner: StateStore) {}

  static async open(inner: StateStore): Promise<KeyIndexedStore> {
    const s = new KeyIndexedStore(inner);
    for await (const chunk of inner.scanChunks()) for (const [k, v] of chunk) s.index(k, v);
    return s;
  }
  private index(k: string, v: StateValue | undefined): void {
    const g = k.slice(0, k.indexOf(KEY_SEP));
    let m = this.#byGroup.get(g);
    if (v === undefined) {
      m?.delete(k);
      if (m?.size === 0) this.#byGroup.delete(g);
      return;
    }
    if (!m) this.#byGroup.set(g, (m = new Map()));
    m.set(k, v);
  }
  /** The entries of one grouping key. */
  entriesOf(groupKey: string): [string, StateValue][] {
    return [...(this.#byGroup.get(groupKey) ?? [])];
  }
  /** Every entry, grouped by key (a copy: callers may write while they walk it). */
  allEntries(): [string, StateValue][] {
    return [...this.#byGroup.values()].flatMap((m) => [...m]);
  }
  get version(): number {
    return this.inner.version;
  }
  get(key: string): StateValue | undefined {
    return this.inner.get(key);
  }
  put(key: string, value: StateValue): void {
    this.inner.put(key, value);
    this.index(key, value);
  }
  remove(key: string): void {
    this.inner.remove(key);
    this.index(key, undefined);
  }
  iterator(): AsyncIterableIterator<[string, StateValue]> {
    return this.inner.iterator();
  }
  prefixScan(prefix: string): AsyncIterableIterator<[string, StateValue]> {
    return this.inner.prefixScan(prefix);
  }
  scanChunks(prefix?: string): AsyncIterable<readonly (readonly [string, StateValue])[]> {
    return this.inner.scanChunks(prefix);
  }
  commit(): Promise<number> {
    return this.inner.commit();
  }
  abort(): void {
    this.inner.abort();
  }
  metrics(): ReturnType<StateStore["metrics"]> {
    return this.inner.metrics();
  }
}

/** The reviver of encodeGroupKey's text (bigint, non-finite numbers, dates). */
function reviveEngineValue(_k: string, v: unknown): unknown {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === "$bigint") return BigInt(o.$bigint as string);
    if (keys.length === 1 && keys[0] === "$number") return Number(o.$number);
    if (keys.length === 1 && keys[0] === "$date") return new Date(o.$date as number);
  }
  return v;
}
