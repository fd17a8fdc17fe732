/**
 * What a stateful operator gets for one micro-batch (Spark's StatefulOperatorStateInfo plus the
 * batch's watermarks). Since Spark 3.4 each batch has two watermarks: late input rows are judged
 * against the previous batch's watermark, state is evicted against the current one — so that
 * chained stateful operators see the rows the one before them emitted.
 */
import type { OutputMode } from "../../connectors/api/sink.js";
import type { StateOperatorProgress } from "../progress/progress.js";
import type { KeyRouting, PartitionedStateStore, PartitionedStateStoreProvider } from "../state/partitioned-state-store.js";
import type { StateKeyFormat, StateSchema } from "../state/state-store.js";
import type { PartitionWorkers } from "../../parallel/partition-workers.js";
import type { StoreSpec } from "../../parallel/partition-protocol.js";

export interface StatefulContext {
  readonly batchId: number;
  readonly outputMode: OutputMode;
  /** Watermark of the previous batch (ms): input rows with event time ≤ it are late. */
  readonly lateEventsWatermarkMs: number;
  /** Watermark of this batch (ms): state with event time ≤ it is evicted (and emitted in append). */
  readonly evictionWatermarkMs: number;
  /** spark.sql.shuffle.partitions as pinned in the checkpoint: the partitions of every keyed state. */
  readonly numPartitions: number;
  /** How aggregation and deduplication key their state (pinned in the checkpoint). */
  readonly stateKeyFormat: StateKeyFormat;
  /**
   * local[N] with N > 1: the partition workers, and what they need to open this query's stores
   * (a partition's store is then opened in the worker owning it, never on the main thread).
   */
  readonly parallel?: {
    readonly workers: PartitionWorkers;
    storeSpec(operatorId: number, schema: StateSchema): Omit<StoreSpec, "partitions">;
  };
  /** Whether a watermark is defined at all (no watermark: nothing is late or evicted). */
  readonly hasWatermark: boolean;
  /**
   * The provider for one of this operator's stores, over the query's shuffle partitions (kept
   * open by the query across batches); `storeName` defaults to "default". `routing` places a key
   * string in a partition (default: stringPartitionOf); null when the operator addresses
   * partitions itself (by hashPartitionIds of its key columns).
   */
  provider(operatorId: number, schema: StateSchema, storeName?: string, routing?: KeyRouting): PartitionedStateStoreProvider;
  report(operatorId: number, progress: StateOperatorProgress): void;
  /** [flat]mapGroupsWithState: the earliest timeout (ms) its state holds after this batch, if any. */
  nextTimeout?(operatorId: number, ms: number | undefined): void;
  /** Rows dropped as late go here when the query routes them to a side output. */
  lateRows?(operatorId: number, rows: import("../../columnar/column-batch.js").ColumnBatch): void;
}

/**
 * The end of every stateful operator's batch: commit the store (version N+1), let the provider
 * snapshot/clean up, and report Spark's StateOperatorProgress for it.
 */
export async function commitAndReport(
  state: StatefulContext,
  operatorId: number,
  provider: PartitionedStateStoreProvider,
  store: PartitionedStateStore,
  r: {
    readonly operatorName: string;
    /** Spark's count for the operator (touched groups); the store's put count when absent. */
    readonly numRowsUpdated?: number;
    /** Spark's count of removals; the store's remove count when absent. */
    readonly numRowsRemoved?: number;
    readonly updateMs: number;
    readonly removalMs: number;
    readonly droppedByWatermark: number;
    readonly customMetrics?: Readonly<Record<string, number>>;
  },
): Promise<void> {
  await store.commit();
  await provider.doMaintenance();
  const m = store.metrics();
  state.report(operatorId, {
    operatorName: r.operatorName,
    numRowsTotal: m.numRowsTotal,
    numRowsUpdated: r.numRowsUpdated ?? m.numRowsUpdated,
    numRowsRemoved: r.numRowsRemoved ?? m.numRowsRemoved,
    allUpdatesTimeMs: Math.round(r.updateMs),
    allRemovalsTimeMs: Math.round(r.removalMs),
    commitTimeMs: Math.round(m.commitTimeMs),
    memoryUsedBytes: m.memoryUsedBytes,
    numRowsDroppedByWatermark: r.droppedByWatermark,
    numShufflePartitions: store.numPartitions,
    numStateStoreInstances: store.numPartitions,
    customMetrics: r.customMetrics ?? {},
  });
}
