/**
 * Messages between the main thread (partition-workers.ts) and a partition worker
 * (partition-worker.ts). Only plain data crosses: types as their JSON form, columns as
 * WireVectors (typed buffers transferred), errors as name/message plus the SluiceError fields.
 *
 * A stateful task is one operator's work for one batch in one worker, named by `task`
 * (`<run>/<operator>/<batch>`): `*.open` opens the stores of the partitions the worker owns at
 * the batch's version, `*.process` runs input rows through them, `*.finish` evicts, commits each
 * store (version batch + 1) and returns their metrics. `release` drops a query run's stores.
 *
 * A batch query's `scan.partialAggregate` runs the scan → filter/project → partial aggregate
 * fragment over one scan piece and returns the partial group buffers (aggregate-fragment.ts);
 * `scan.rows` runs the scan → filter/project chain over one piece and returns its rows, sorted
 * when asked (scan-fragment.ts). A broadcast hash join sends its build side once per worker
 * (`join.broadcast`), then `scan.join` per probe piece, then `join.release` (join-fragment.ts).
 * `window.partitions` runs a window over the rows of the partitions a worker was given
 * (window-fragment.ts).
 */
import type { WireError } from "../common/worker-thread.js";
import type { EvalContext } from "../expr/function-types.js";
import type { AggregateEnd, AggregateLayoutWire } from "../streaming/operators/aggregate-kernel.js";
import type { StateStoreConf, StateStoreMetrics } from "../streaming/state/state-store.js";
import type { ScanPiece } from "../physical/scan-pieces.js";
import type { AggregateFragmentWire } from "./aggregate-fragment.js";
import type { BroadcastJoinWire } from "./join-fragment.js";
import type { WindowFragmentWire } from "./window-fragment.js";
import type { WireSortOrder, WireStep } from "./scan-fragment.js";
import type { BatchWire, WireVector } from "./vector-wire.js";

export interface StoreSpec {
  /** The query run the stores belong to (they stay open in the worker between its batches). */
  readonly run: string;
  readonly checkpointRoot: string;
  readonly operatorId: number;
  readonly numPartitions: number;
  /** The partitions this worker owns. */
  readonly partitions: readonly number[];
  readonly keySchema: unknown;
  readonly valueSchema: unknown;
  readonly providerKind: "memory" | "leveldb";
  readonly conf: StateStoreConf;
  readonly batchId: number;
}

/** Every request also carries the sender's Hadoop keys (file-system settings of a checkpoint on an object store), which the worker adopts before handling it. */
export interface WithHadoopConf {
  readonly hadoopConf: readonly (readonly [string, string])[];
}

export type ToWorker =
  | { readonly t: "dedup.open"; readonly id: number; readonly task: string; readonly store: StoreSpec; readonly keyTypes: readonly unknown[]; readonly expiryDelayUs: number }
  | {
      readonly t: "dedup.process";
      readonly id: number;
      readonly task: string;
      readonly numRows: number;
      readonly keys: readonly WireVector[];
      /** Event time (µs) per row, NaN for none; null when the operator has no event time. */
      readonly eventTimeUs: Float64Array | null;
    }
  | { readonly t: "dedup.finish"; readonly id: number; readonly task: string; readonly evictAtOrBelowMs: number | null }
  | { readonly t: "agg.open"; readonly id: number; readonly task: string; readonly store: StoreSpec; readonly layout: AggregateLayoutWire; readonly eval: EvalContext }
  | {
      readonly t: "agg.process";
      readonly id: number;
      readonly task: string;
      readonly numRows: number;
      readonly keys: readonly WireVector[];
      /** Each aggregate's argument columns, and its FILTER mask (null: every row). */
      readonly args: readonly (readonly WireVector[])[];
      readonly masks: readonly (Uint8Array | null)[];
      /** Each row's position in the operator's input this batch: orders the touched groups as one thread would. */
      readonly ordinals: Float64Array;
    }
  | { readonly t: "agg.finish"; readonly id: number; readonly task: string; readonly end: AggregateEnd }
  | { readonly t: "release"; readonly id: number; readonly run: string }
  | { readonly t: "scan.partialAggregate"; readonly id: number; readonly piece: ScanPiece; readonly fragment: AggregateFragmentWire; readonly eval: EvalContext; readonly batchSize: number }
  | {
      readonly t: "scan.rows";
      readonly id: number;
      readonly piece: ScanPiece;
      readonly steps: readonly WireStep[];
      /** Sort the piece's rows (stably) by these keys; null: as read. */
      readonly order: readonly WireSortOrder[] | null;
      readonly eval: EvalContext;
      readonly batchSize: number;
    }
  | { readonly t: "join.broadcast"; readonly id: number; readonly key: string; readonly spec: BroadcastJoinWire; readonly build: BatchWire; readonly eval: EvalContext }
  | { readonly t: "scan.join"; readonly id: number; readonly piece: ScanPiece; readonly steps: readonly WireStep[]; readonly broadcast: string; readonly eval: EvalContext; readonly batchSize: number }
  | { readonly t: "join.release"; readonly id: number; readonly key: string }
  | { readonly t: "window.partitions"; readonly id: number; readonly fragment: WindowFragmentWire; readonly rows: BatchWire; readonly eval: EvalContext; readonly batchSize: number };

export interface DedupProcessed {
  readonly keep: Uint8Array;
}

export interface TaskFinished {
  readonly duplicates: number;
  readonly metrics: StateStoreMetrics;
}

/** A worker's group buffers (aggregate-kernel.ts) as columns: touched groups with the ordinal of their first row, stored groups per partition. */
export interface AggregateFinished {
  readonly touched: { readonly columns: readonly WireVector[]; readonly numRows: number; readonly firstOrdinals: Float64Array } | null;
  readonly stored: readonly { readonly partition: number; readonly columns: readonly WireVector[]; readonly numRows: number }[];
  readonly numGroups: number;
  readonly metrics: StateStoreMetrics;
}

export type FromWorker = { readonly t: "ok"; readonly id: number; readonly result: unknown } | { readonly t: "error"; readonly id: number; readonly error: WireError };
