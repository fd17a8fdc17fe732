/**
 * One side's state of a stream–stream join, laid out as Spark's SymmetricHashJoinStateManager
 * (state format version 2) in two stores per partition, `state/<operatorId>/<p>/`:
 *   - `<side>-keyToNumValues`:     join key → [count, ...key values] (Spark keeps only the count;
 *                                  the key values let eviction by key read the key's event time);
 *   - `<side>-keyWithIndexToValue`: (join key, index 0..count-1) → [...row values, matched].
 * `matched` records whether the row ever joined with a row of the other side, which decides the
 * outer null rows emitted when the row is evicted (SPARK-26154). Removing rows of a key keeps
 * its indices dense, so a key's rows are always 0..count-1.
 *
 * Keys and partitions follow the checkpoint's pinned key format (state-key.ts):
 *   - `binary`: the join key's binary form, and for a row that plus the index as a BIGINT key
 *     column (so the state data source decodes it with the store's key schema); partition
 *     pmod(murmur3(join key columns), n), Spark's HashPartitioning of the join keys, which both
 *     sides share because the analyzer gives each key pair one type;
 *   - `json` (checkpoints from before): the key's JSON text, for a row that, NUL and the index;
 *     partition: Murmur3 of the key text (stringPartitionOf), as those checkpoints placed them.
 * Every access names its partition, so a key is found where it was put across restarts.
 */
import type { Vector } from "../../columnar/vector.js";
import { getValue } from "../../columnar/column-batch.js";
import { hashPartitionIds, stringPartitionOf } from "../../physical/hash/hash-partitioning.js";
import { StructType } from "../../types/struct-type.js";
import type { PartitionedStateStore, PartitionedStateStoreProvider } from "../state/partitioned-state-store.js";
import type { StateKeyFormat, StateStore, StateValue } from "../state/state-store.js";
import type { StatefulContext } from "./stateful-context.js";
import { binaryIndexPiece, stateKey, stateKeysOf } from "./state-key.js";

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

const SEP = "\u0000"; // never inside a json state key (JSON text escapes control characters)

/** The state keys and partitions of a batch's rows, from their join key columns. */
export interface JoinRowKeys {
  key(i: number): string;
  readonly partitions: Int32Array;
}

/** Join keys of `numRows` rows in `format` over `numPartitions` partitions (the same for both sides). */
export function joinRowKeys(format: StateKeyFormat, keyVecs: readonly Vector[], numRows: number, numPartitions: number): JoinRowKeys {
  if (format === "binary") return { key: stateKeysOf("binary", keyVecs), partitions: hashPartitionIds(keyVecs, numRows, numPartitions) };
  const keys = Array.from({ length: numRows }, (_, i) => stateKey(keyVecs.map((v) => getValue(v, i))));
  return { key: (i) => keys[i]!, partitions: Int32Array.from(keys, (k) => stringPartitionOf(k, numPartitions)) };
}

export class JoinStateManager {
  private readonly valueKey: (key: string, index: number) => string;

  private constructor(
    private readonly providers: readonly [PartitionedStateStoreProvider, PartitionedStateStoreProvider],
    private readonly counts: PartitionedStateStore,
    private readonly values: PartitionedStateStore,
    format: StateKeyFormat,
  ) {
    this.valueKey = format === "binary" ? (key, i) => key + binaryIndexPiece(i) : (key, i) => key + SEP + i;
  }

  /** Open both stores of `side` at this batch's version. */
  static async open(state: StatefulContext, operatorId: number, side: "left" | "right", keySchema: StructType, rowSchema: StructType): Promise<JoinStateManager> {
    const countsProvider = state.provider(
      operatorId,
      { keySchema, valueSchema: new StructType([{ name: "count", type: { kind: "int" }, nullable: false }, ...keySchema.fields]) },
      `${side}-keyToNumValues`,
      null,
    );
    const valuesProvider = state.provider(
      operatorId,
      {
        keySchema: new StructType([...keySchema.fields, { name: "index", type: { kind: "bigint" }, nullable: false }]),
        valueSchema: new StructType([...rowSchema.fields, { name: "matched", type: { kind: "boolean" }, nullable: false }]),
      },
      `${side}-keyWithIndexToValue`,
      null,
    );
    const counts = await countsProvider.getStore(state.batchId);
    const values = await valuesProvider.getStore(state.batchId);
    return new JoinStateManager([countsProvider, valuesProvider], counts, values, state.stateKeyFormat);
  }

  /** The rows stored under `key` (in partition `p`), in index order. */
  get(p: number, key: string): StoredRow[] {
    return this.rowsOf(this.counts.partition(p), this.values.partition(p), key);
  }

  append(p: number, key: string, keyValues: readonly unknown[], row: readonly unknown[], matched: boolean): void {
    const counts = this.counts.partition(p);
    const n = count(counts, key);
    this.values.partition(p).put(this.valueKey(key, n), [...row, matched]);
    counts.put(key, [n + 1, ...keyValues]);
  }

  /** Whether a stored row has joined, as of now (an earlier row of this batch may have matched it). */
  isMatched(p: number, key: string, r: StoredRow): boolean {
    const v = this.values.partition(p).get(this.valueKey(key, r.index));
    return v !== undefined && v[v.length - 1] === true;
  }

  /** Mark a stored row as joined (persisted only when it changes). */
  markMatched(p: number, key: string, r: StoredRow): void {
    if (r.matched && this.isMatched(p, key, r)) return;
    r.matched = true;
    this.values.partition(p).put(this.valueKey(key, r.index), [...r.row, true]);
  }

  /**
   * Remove the rows for which `evict(keyValues, row)` holds and return them (with their matched
   * flags). The remaining rows of a key are renumbered 0..k-1.
   */
  async removeWhere(evict: (keyValues: readonly unknown[], row: readonly unknown[]) => boolean): Promise<StoredRow[]> {
    const removed: StoredRow[] = [];
    for (let p = 0; p < this.counts.numPartitions; p++) {
      const counts = this.counts.partition(p);
      const values = this.values.partition(p);
      const keys: [string, StateValue][] = [];
      for await (const chunk of counts.scanChunks()) for (const [k, v] of chunk) keys.push([k, v]);
      for (const [key, cv] of keys) {
        const keyValues = cv.slice(1);
        const rows = this.rowsOf(counts, values, key);
        const kept = rows.filter((r) => {
          if (!evict(keyValues, r.row)) return true;
          removed.push(r);
          return false;
        });
        if (kept.length === rows.length) continue;
        kept.forEach((r, i) => {
          if (r.index !== i) values.put(this.valueKey(key, i), [...r.row, r.matched]);
        });
        for (let i = kept.length; i < rows.length; i++) values.remove(this.valueKey(key, i));
        if (kept.length === 0) counts.remove(key);
        else counts.put(key, [kept.length, ...keyValues]);
      }
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

  private rowsOf(counts: StateStore, values: StateStore, key: string): StoredRow[] {
    const n = count(counts, key);
    const out: StoredRow[] = [];
    for (let i = 0; i < n; i++) {
      const v = values.get(this.valueKey(key, i))!;
      out.push({ index: i, row: v.slice(0, -1), matched: v[v.length - 1] === true });
    }
    return out;
  }
}

const count = (counts: StateStore, key: string): number => (counts.get(key)?.[0] as number | undefined) ?? 0;
