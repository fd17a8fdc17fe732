/**
 * One side's state of a stream–stream join, laid out as Spark's SymmetricHashJoinStateManager
 * (state format version 2) in two stores under `state/<operatorId>/0/`:
 *   - `<side>-keyToNumValues`:     join key → [count, ...key values] (Spark keeps only the count;
 *                                  the key values let eviction by key read the key's event time);
 *   - `<side>-keyWithIndexToValue`: (join key, index 0..count-1) → [...row values, matched].
 * `matched` records whether the row ever joined with a row of the other side, which decides the
 * outer null rows emitted when the row is evicted (SPARK-26154). Removing rows of a key keeps
 * its indices dense, so a key's rows are always 0..count-1.
 */
import { StructType } from "../../types/struct-type.js";
import type { StateStore, StateStoreProvider, StateValue } from "../state/state-store.js";
import type { StatefulContext } from "./stateful-context.js";

export interface StoredRow {
  readonly index: number;
  readonly row: readonly unknown[];
  matched: boolean;
}

export interface JoinStateMetrics {
  readonly numRowsTotal: number;
  readonly memoryUsedBytes: number;
  readonly commitTimeMs: number;
}

const SEP = "\u0000"; // never inside a state key (JSON text escapes control characters)

export class JoinStateManager {
  private constructor(
    private readonly providers: readonly [StateStoreProvider, StateStoreProvider],
    private readonly counts: StateStore,
    private readonly values: StateStore,
  ) {}

  /** Open both stores of `side` at this batch's version. */
  static async open(state: StatefulContext, operatorId: number, side: "left" | "right", keySchema: StructType, rowSchema: StructType): Promise<JoinStateManager> {
    const countsProvider = state.provider(
      operatorId,
      { keySchema, valueSchema: new StructType([{ name: "count", type: { kind: "int" }, nullable: false }, ...keySchema.fields]) },
      `${side}-keyToNumValues`,
    );
    const valuesProvider = state.provider(
      operatorId,
      {
        keySchema: new StructType([...keySchema.fields, { name: "index", type: { kind: "bigint" }, nullable: false }]),
        valueSchema: new StructType([...rowSchema.fields, { name: "matched", type: { kind: "boolean" }, nullable: false }]),
      },
      `${side}-keyWithIndexToValue`,
    );
    const counts = await countsProvider.getStore(state.batchId);
    const values = await valuesProvider.getStore(state.batchId);
    return new JoinStateManager([countsProvider, valuesProvider], counts, values);
  }

  /** The rows stored under `key`, in index order. */
  get(key: string): StoredRow[] {
    const n = this.count(key);
    const out: StoredRow[] = [];
    for (let i = 0; i < n; i++) {
      const v = this.values.get(key + SEP + i)!;
      out.push({ index: i, row: v.slice(0, -1), matched: v[v.length - 1] === true });
    }
    return out;
  }

  append(key: string, keyValues: readonly unknown[], row: readonly unknown[], matched: boolean): void {
    const n = this.count(key);
    this.values.put(key + SEP + n, [...row, matched]);
    this.counts.put(key, [n + 1, ...keyValues]);
  }

  /** Whether a stored row has joined, as of now (an earlier row of this batch may have matched it). */
  isMatched(key: string, r: StoredRow): boolean {
    const v = this.values.get(key + SEP + r.index);
    return v !== undefined && v[v.length - 1] === true;
  }

  /** Mark a stored row as joined (persisted only when it changes). */
  markMatched(key: string, r: StoredRow): void {
    if (r.matched && this.isMatched(key, r)) return;
    r.matched = true;
    this.values.put(key + SEP + r.index, [...r.row, true]);
  }

  /**
   * Remove the rows for which `evict(keyValues, row)` holds and return them (with their matched
   * flags). The remaining rows of a key are renumbered 0..k-1.
   */
  async removeWhere(evict: (keyValues: readonly unknown[], row: readonly unknown[]) => boolean): Promise<StoredRow[]> {
    const keys: [string, StateValue][] = [];
    for await (const chunk of this.counts.scanChunks()) for (const [k, v] of chunk) keys.push([k, v]);
    const removed: StoredRow[] = [];
    for (const [key, cv] of keys) {
      const keyValues = cv.slice(1);
      const rows = this.get(key);
      const kept = rows.filter((r) => {
        if (!evict(keyValues, r.row)) return true;
        removed.push(r);
        return false;
      });
      if (kept.length === rows.length) continue;
      kept.forEach((r, i) => {
        if (r.index !== i) this.values.put(key + SEP + i, [...r.row, r.matched]);
      });
      for (let i = kept.length; i < rows.length; i++) this.values.remove(key + SEP + i);
      if (kept.length === 0) this.counts.remove(key);
      else this.counts.put(key, [kept.length, ...keyValues]);
    }
    return removed;
  }

  async commit(): Promise<JoinStateMetrics> {
    await this.counts.commit();
    await this.values.commit();
    for (const p of this.providers) await p.doMaintenance();
    const c = this.counts.metrics();
    const v = this.values.metrics();
    // Spark counts each buffered row once: the keyWithIndexToValue entries.
    return { numRowsTotal: v.numRowsTotal, memoryUsedBytes: c.memoryUsedBytes + v.memoryUsedBytes, commitTimeMs: c.commitTimeMs + v.commitTimeMs };
  }

  private count(key: string): number {
    return (this.counts.get(key)?.[0] as number | undefined) ?? 0;
  }
}
