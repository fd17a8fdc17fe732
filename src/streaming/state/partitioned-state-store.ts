/**
 * One stateful operator's state over `spark.sql.shuffle.partitions` partitions: one store per
 * partition, each with its own provider and folder `state/<operatorId>/<partitionId>[/<store>]/`
 * as Spark lays them out. A batch opens every partition at the same version and commits them all;
 * the batch commits (commits/N) only after every partition did, so a failure in any of them
 * leaves the batch to be re-run from the last committed version of each.
 *
 * Operators that know their keys' partitions (aggregation, deduplication: Spark's hash of the
 * typed key columns, physical/hash/hash-partitioning.ts) address `partition(p)` directly; the
 * StateStore methods of the whole route each key string with `route`, for the others.
 */
import { internalError } from "../../common/errors.js";
import { type StateStore, type StateStoreMetrics, type StateStoreProvider, type StateValue, entriesOf } from "./state-store.js";

/** The partition of a state key, or null when the operator addresses partitions itself. */
export type KeyRouting = ((key: string, numPartitions: number) => number) | null;

export class PartitionedStateStoreProvider implements StateStoreProvider {
  readonly partitions: readonly StateStoreProvider[];

  constructor(
    readonly numPartitions: number,
    open: (partitionId: number) => StateStoreProvider,
    readonly routing: KeyRouting,
  ) {
    this.partitions = Array.from({ length: numPartitions }, (_, p) => open(p));
  }

  async getStore(version: number): Promise<PartitionedStateStore> {
    const stores = await settled(this.partitions.map((p) => p.getStore(version)));
    return new PartitionedStateStore(version, stores, this.routing);
  }

  async doMaintenance(): Promise<void> {
    for (const p of this.partitions) await p.doMaintenance();
  }

  async close(): Promise<void> {
    for (const p of this.partitions) await p.close();
  }
}

export class PartitionedStateStore implements StateStore {
  constructor(
    readonly version: number,
    readonly partitions: readonly StateStore[],
    private readonly routing: KeyRouting,
  ) {}

  get numPartitions(): number {
    return this.partitions.length;
  }

  partition(p: number): StateStore {
    return this.partitions[p]!;
  }

  private route(key: string): StateStore {
    if (this.routing === null) throw internalError("This operator's state is addressed by partition; a key alone does not name one");
    return this.partitions[this.routing(key, this.partitions.length)]!;
  }

  get(key: string): StateValue | undefined {
    return this.route(key).get(key);
  }
  put(key: string, value: StateValue): void {
    this.route(key).put(key, value);
  }
  remove(key: string): void {
    this.route(key).remove(key);
  }
  iterator(): AsyncIterableIterator<[string, StateValue]> {
    return entriesOf(this.scanChunks());
  }
  prefixScan(prefix: string): AsyncIterableIterator<[string, StateValue]> {
    return entriesOf(this.scanChunks(prefix));
  }
  /** Partition 0's entries, then partition 1's, … */
  async *scanChunks(prefix?: string): AsyncIterable<readonly (readonly [string, StateValue])[]> {
    for (const s of this.partitions) yield* s.scanChunks(prefix);
  }
  /** Commit every partition (version + 1 each); the batch may commit only when this resolved. */
  async commit(): Promise<number> {
    const versions = await settled(this.partitions.map((s) => s.commit()));
    return versions[0]!;
  }
  abort(): void {
    for (const s of this.partitions) s.abort();
  }
  metrics(): StateStoreMetrics {
    return sumStoreMetrics(this.partitions.map((s) => s.metrics()));
  }
}

/** Metrics of several partitions' stores: summed (their commits run one after another); delta files: the most behind. */
export function sumStoreMetrics(ms: readonly StateStoreMetrics[]): StateStoreMetrics {
  const sum = (f: (m: StateStoreMetrics) => number): number => ms.reduce((a, m) => a + f(m), 0);
  return {
    numRowsTotal: sum((m) => m.numRowsTotal),
    numRowsUpdated: sum((m) => m.numRowsUpdated),
    numRowsRemoved: sum((m) => m.numRowsRemoved),
    memoryUsedBytes: sum((m) => m.memoryUsedBytes),
    commitTimeMs: sum((m) => m.commitTimeMs),
    numDeltaFilesSinceSnapshot: Math.max(0, ...ms.map((m) => m.numDeltaFilesSinceSnapshot)),
  };
}

/**
 * Promise.all that waits for every partition before failing with the first error: a partition
 * still opening (a LevelDB database, say) when another fails must have finished, so that close()
 * releases it — otherwise its lock outlives the query and the restart cannot open it.
 */
async function settled<T>(work: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
