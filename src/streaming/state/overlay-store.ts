/**
 * A StateStore over a committed base (a Map or an on-disk store) plus this batch's pending
 * changes. Reads see pending changes first; commit hands the pending map to the provider.
 */
import { SluiceError } from "../../common/errors.js";
import { type Pending, TOMBSTONE } from "./state-files.js";
import { type StateStore, type StateStoreMetrics, type StateValue, entriesOf } from "./state-store.js";

export interface StoreBase {
  get(key: string): StateValue | undefined;
  has(key: string): boolean;
  size(): number;
  /** Committed entries (with keys starting with `prefix`), in chunks. */
  entries(prefix?: string): AsyncIterable<readonly (readonly [string, StateValue])[]>;
  /** Persist `pending` as the next version. The base may keep the map itself (it is not used again). */
  commit(pending: Map<string, Pending>): Promise<number>;
  metrics(): { commitTimeMs: number; numDeltaFilesSinceSnapshot: number };
}

export class OverlayStore implements StateStore {
  readonly #pending = new Map<string, Pending>();
  #updated = 0;
  #removed = 0;
  #done = false;
  /** numRowsTotal as of commit (the pending map belongs to the provider afterwards). */
  #committedTotal: number | undefined;

  constructor(
    readonly version: number,
    private readonly base: StoreBase,
  ) {}

  get(key: string): StateValue | undefined {
    const p = this.#pending.get(key);
    if (p === TOMBSTONE) return undefined;
    return p ?? this.base.get(key);
  }
  put(key: string, value: StateValue): void {
    this.#pending.set(key, value);
    this.#updated++;
  }
  remove(key: string): void {
    if (this.get(key) === undefined) return;
    this.#pending.set(key, TOMBSTONE);
    this.#removed++;
  }
  iterator(): AsyncIterableIterator<[string, StateValue]> {
    return entriesOf(this.scanChunks());
  }
  prefixScan(prefix: string): AsyncIterableIterator<[string, StateValue]> {
    return entriesOf(this.scanChunks(prefix));
  }
  async *scanChunks(prefix?: string): AsyncIterable<readonly (readonly [string, StateValue])[]> {
    const pending = this.#pending;
    for await (const chunk of this.base.entries(prefix)) {
      const out: (readonly [string, StateValue])[] = [];
      for (const e of chunk) {
        const p = pending.get(e[0]);
        if (p === undefined) out.push(e);
        else if (p !== TOMBSTONE) out.push([e[0], p]);
      }
      if (out.length > 0) yield out;
    }
    const added: (readonly [string, StateValue])[] = [];
    for (const [k, p] of pending) if (p !== TOMBSTONE && !this.base.has(k) && (prefix === undefined || k.startsWith(prefix))) added.push([k, p]);
    if (added.length > 0) yield added;
  }
  async commit(): Promise<number> {
    if (this.#done) throw new SluiceError("internal", "STATE_STORE_CLOSED", `State store version ${this.version} was already committed or aborted`);
    this.#done = true;
    this.#committedTotal = this.total();
    return this.base.commit(this.#pending);
  }
  abort(): void {
    this.#pending.clear();
    this.#done = true;
  }
  /** Rows in the store with this batch's changes applied. */
  private total(): number {
    let total = this.base.size();
    for (const [k, p] of this.#pending) {
      const inBase = this.base.has(k);
      if (p === TOMBSTONE && inBase) total--;
      else if (p !== TOMBSTONE && !inBase) total++;
    }
    return total;
  }
  metrics(): StateStoreMetrics {
    const total = this.#committedTotal ?? this.total();
    return {
      numRowsTotal: total,
      numRowsUpdated: this.#updated,
      numRowsRemoved: this.#removed,
      // An estimate: key and value references, array header and map slot per entry.
      memoryUsedBytes: total * 96,
      ...this.base.metrics(),
    };
  }
}
