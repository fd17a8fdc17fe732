/**
 * State store contract (DESIGN.md §3): one store per (operator, partition, store name), versioned
 * by batch id. A batch opens version N-1, reads and writes through the store, and `commit()`
 * makes version N durable; `abort()` drops the batch's changes. Keys are strings built by the
 * operator's key encoder; values are arrays of engine values in the store's value schema.
 * Commit cost follows the number of changed keys, not the size of the state.
 */
import type { StructType } from "../../types/struct-type.js";

export type StateValue = readonly unknown[];

export interface StateStoreId {
  /** `<checkpoint>/state` */
  readonly checkpointRoot: string;
  readonly operatorId: number;
  readonly partitionId: number;
  /** Spark's default store name is "default". */
  readonly storeName: string;
}

export interface StateStoreMetrics {
  readonly numRowsTotal: number;
  readonly numRowsUpdated: number;
  readonly numRowsRemoved: number;
  readonly memoryUsedBytes: number;
  readonly commitTimeMs: number;
  readonly numDeltaFilesSinceSnapshot: number;
}

export interface StateStore {
  /** The version this store was opened at (its changes commit as version + 1). */
  readonly version: number;
  get(key: string): StateValue | undefined;
  put(key: string, value: StateValue): void;
  remove(key: string): void;
  /** Every (key, value), pending changes included. Mutating the store while iterating is not allowed. */
  iterator(): AsyncIterableIterator<[string, StateValue]>;
  /** Entries whose key starts with `prefix` (keys are built so that prefixes are meaningful). */
  prefixScan(prefix: string): AsyncIterableIterator<[string, StateValue]>;
  /**
   * The entries of iterator() / prefixScan() in chunks: one await per chunk instead of one per
   * entry, for scans over the whole state (eviction, complete-mode output).
   */
  scanChunks(prefix?: string): AsyncIterable<readonly (readonly [string, StateValue])[]>;
  /** Persist the changes as version + 1 and return it. */
  commit(): Promise<number>;
  abort(): void;
  metrics(): StateStoreMetrics;
}

/** The entries of `scanChunks` one by one (a store's iterator() and prefixScan()). */
export async function* entriesOf(chunks: AsyncIterable<readonly (readonly [string, StateValue])[]>): AsyncIterableIterator<[string, StateValue]> {
  for await (const chunk of chunks) for (const [k, v] of chunk) yield [k, v];
}

export interface StateSchema {
  readonly keySchema: StructType;
  readonly valueSchema: StructType;
}

export interface StateStoreProvider {
  /** Open the store at `version` (0 = empty; N = state after batch N-1 committed). */
  getStore(version: number): Promise<StateStore>;
  /** Snapshot and cleanup of old versions; cheap when there is nothing to do. */
  doMaintenance(): Promise<void>;
  close(): Promise<void>;
}

/** How aggregation and deduplication encode their state keys (operators/state-key.ts). */
export type StateKeyFormat = "json" | "binary";

/** How delta and snapshot files are written (state-files.ts); either is read. */
export type StateCompressionCodec = "none" | "gzip";

export interface StateStoreConf {
  /** spark.sql.streaming.stateStore.minDeltasForSnapshot (10). */
  readonly minDeltasForSnapshot: number;
  /** spark.sql.streaming.minBatchesToRetain (100). */
  readonly minVersionsToRetain: number;
  /** sluice.streaming.stateStore.keyFormat, pinned in the checkpoint; absent: "json" (before binary keys). */
  readonly keyFormat?: StateKeyFormat;
  /** spark.sql.streaming.stateStore.compression.codec, pinned in the checkpoint; absent: "none" (before compression). */
  readonly compressionCodec?: StateCompressionCodec;
}
