/**
 * The per-partition work of streaming deduplication, the same on the main thread (one thread, or
 * every partition) and in a partition worker (the partitions that thread owns, parallel/):
 *   1. `process`: for each row not skipped (late), emit it when its key is neither in its
 *      partition's state nor kept earlier in this batch, and remember the key with its state value
 *      (event time, or expiry for withinWatermark, µs); typed hash tables find each distinct key of
 *      the batch, so the state is consulted once per key;
 *   2. `evict`: drop keys whose event time / expiry ≤ the batch's watermark, partition by partition.
 * A key lives in the partition Spark's hash of the key columns picks (hashPartitionOf).
 */
import type { Vector } from "../../columnar/vector.js";
import { GroupKeyEncoder } from "../../physical/hash/group-key-encoder.js";
import { hashPartitionIds } from "../../physical/hash/hash-partitioning.js";
import type { DataType } from "../../types/data-type.js";
import type { StateKeyFormat, StateStore } from "../state/state-store.js";
import { atOrBelowWatermark } from "./event-time.js";
import { stateKeysOf } from "./state-key.js";

export class DeduplicateKernel {
  /** Rows dropped because their key was in state or kept earlier in the batch. */
  duplicates = 0;
  readonly #encoder: GroupKeyEncoder;
  #decided: Uint8Array = new Uint8Array(1024);

  constructor(
    readonly keyTypes: readonly DataType[],
    readonly numPartitions: number,
    /** The store of a partition (this thread owns every partition its rows hash to). */
    private readonly partition: (p: number) => StateStore,
    /** Added to a row's event time for its state value: the withinWatermark delay (µs), else 0. */
    private readonly expiryDelayUs: number,
    /** How state keys are encoded (pinned in the checkpoint). */
    private readonly keyFormat: StateKeyFormat,
  ) {
    this.#encoder = new GroupKeyEncoder(keyTypes, { keepKeys: false });
  }

  /** keep[i] = 1 for the rows to emit; `eventTimeUs(i)` is null without an event time. */
  process(keyCols: readonly Vector[], numRows: number, eventTimeUs: (i: number) => number | null, skip: Uint8Array | null): Uint8Array {
    const keep = new Uint8Array(numRows);
    const gids = this.#encoder.encode(keyCols, numRows);
    const keyOf = stateKeysOf(this.keyFormat, keyCols);
    const parts = hashPartitionIds(keyCols, numRows, this.numPartitions);
    for (let i = 0; i < numRows; i++) {
      if (skip !== null && skip[i] === 1) continue;
      const gid = gids[i]!;
      if (gid < this.#decided.length && this.#decided[gid] === 1) {
        this.duplicates++;
        continue;
      }
      this.#decided = grow(this.#decided, gid);
      this.#decided[gid] = 1;
      const key = keyOf(i);
      const store = this.partition(parts[i]!);
      if (store.get(key) !== undefined) {
        this.duplicates++;
        continue;
      }
      store.put(key, [(eventTimeUs(i) ?? 0) + this.expiryDelayUs]);
      keep[i] = 1;
    }
    return keep;
  }

  /** Remove the keys whose state value (event time or expiry, µs) is at or below `watermarkMs`. */
  static async evict(stores: readonly StateStore[], watermarkMs: number): Promise<void> {
    for (const store of stores) {
      const expired: string[] = [];
      for await (const chunk of store.scanChunks()) for (const [k, v] of chunk) if (atOrBelowWatermark(v[0] as number, watermarkMs)) expired.push(k);
      for (const k of expired) store.remove(k);
    }
  }
}

/** Grow a per-group flag array to hold index `i`. */
function grow(a: Uint8Array, i: number): Uint8Array {
  if (i < a.length) return a;
  const b = new Uint8Array(Math.max(i + 1, a.length * 2));
  b.set(a);
  return b;
}
