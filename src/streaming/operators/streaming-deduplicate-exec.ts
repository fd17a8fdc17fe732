/**
 * Streaming dropDuplicates / dropDuplicatesWithinWatermark (Spark's StreamingDeduplicateExec and
 * StreamingDeduplicateWithinWatermarkExec). Per batch:
 *   1. drop late rows (event time ≤ the previous batch's watermark) and count them;
 *   2. emit a row when its key is not in state, then remember the key — with its event time
 *      (dropDuplicates: the event time is one of the keys) or its expiry = event time + delay
 *      (withinWatermark: state lives until the watermark passes the expiry), both in µs;
 *   3. evict state whose event time / expiry ≤ this batch's watermark; commit the stores, reporting
 *      the duplicates dropped as Spark's custom metric numDroppedDuplicateRows.
 * Without a watermark on a key, dedup state grows without bound (as in Spark; flagged at start).
 * A key's state lives in the shuffle partition Spark's hash of the key columns picks; with
 * local[N] (N > 1) the partitions' work runs in the worker threads owning them.
 */
import { type ColumnBatch, filterBatch, take } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import type { PartitionWorkers } from "../../parallel/partition-workers.js";
import type { DedupProcessed, TaskFinished } from "../../parallel/partition-protocol.js";
import { toWire } from "../../parallel/vector-wire.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { hashPartitionIds } from "../../physical/hash/hash-partitioning.js";
import type { DataType } from "../../types/data-type.js";
import { dataTypeToJson } from "../../types/json-schema.js";
import { StructType } from "../../types/struct-type.js";
import type { PartitionedStateStore, PartitionedStateStoreProvider } from "../state/partitioned-state-store.js";
import { sumStoreMetrics } from "../state/partitioned-state-store.js";
import type { StateSchema, StateStoreMetrics } from "../state/state-store.js";
import { DeduplicateKernel } from "./deduplicate-kernel.js";
import { eventTimeUs, lateMask } from "./event-time.js";
import type { StatefulContext } from "./stateful-context.js";

export interface DeduplicateSpec {
  readonly operatorId: number;
  readonly keys: readonly number[];
  /** Input column holding the watermarked event time (µs), if any. */
  readonly eventTimeIndex: number | undefined;
  /** Set for dropDuplicatesWithinWatermark: the watermark delay. */
  readonly withinWatermarkDelayMs: number | undefined;
}

const VALUE_SCHEMA = StructType.fromDDL("t BIGINT");

export class StreamingDeduplicateExec implements ExecutionPlan {
  readonly name = "StreamingDeduplicateExec";
  readonly children: readonly ExecutionPlan[];

  constructor(
    readonly child: ExecutionPlan,
    readonly spec: DeduplicateSpec,
    readonly state: StatefulContext,
  ) {
    this.children = [child];
  }

  get schema(): StructType {
    return this.child.schema;
  }

  describe(): string {
    const cols = this.spec.keys.map((k) => this.child.schema.fields[k]!.name).join(", ");
    return `${this.spec.withinWatermarkDelayMs === undefined ? "StreamingDeduplicateExec" : "StreamingDeduplicateWithinWatermarkExec"}: [${cols}]`;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const { spec, state } = this;
    const within = spec.withinWatermarkDelayMs !== undefined;
    const keyTypes = spec.keys.map((k) => this.child.schema.fields[k]!.type);
    const schema = { keySchema: new StructType(spec.keys.map((k) => this.child.schema.fields[k]!)), valueSchema: VALUE_SCHEMA };
    const useWatermark = state.hasWatermark && spec.eventTimeIndex !== undefined;
    // State is bounded only when the event time is a key (or for withinWatermark), as in Spark.
    const evictable = useWatermark && (within || spec.keys.includes(spec.eventTimeIndex!));
    const delayUs = within ? spec.withinWatermarkDelayMs! * 1000 : 0;
    const partitions: DedupPartitions =
      state.parallel && state.numPartitions > 1
        ? await WorkerDedupPartitions.open(state, spec.operatorId, schema, keyTypes, delayUs)
        : await LocalDedupPartitions.open(state, spec.operatorId, schema, keyTypes, delayUs);
    const t0 = performance.now();
    let dropped = 0;
    // One batch in flight: the partitions decide on batch i while batch i+1 is read and routed.
    let inFlight: { batch: ColumnBatch; keep: Promise<Uint8Array> } | null = null;
    for await (const batch of this.child.execute(ctx)) {
      const keyCols = spec.keys.map((k) => batch.columns[k]!);
      const et = spec.eventTimeIndex === undefined ? null : batch.columns[spec.eventTimeIndex]!;
      const late = useWatermark ? lateMask(et!, batch.numRows, state.lateEventsWatermarkMs) : null;
      const keep = partitions.process(keyCols, batch.numRows, et, late !== null && late.count > 0 ? late.mask : null);
      keep.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile
      if (late && late.count > 0) {
        dropped += late.count;
        state.lateRows?.(spec.operatorId, filterBatch(batch, late.mask));
      }
      if (inFlight) yield filterBatch(inFlight.batch, await inFlight.keep);
      inFlight = { batch, keep };
    }
    if (inFlight) yield filterBatch(inFlight.batch, await inFlight.keep);
    const updateMs = performance.now() - t0;
    const t1 = performance.now();
    const { duplicates, metrics } = await partitions.finish(evictable ? state.evictionWatermarkMs : null);
    const removalMs = performance.now() - t1;
    state.report(spec.operatorId, {
      operatorName: within ? "dedupeWithinWatermark" : "dedupe",
      numRowsTotal: metrics.numRowsTotal,
      numRowsUpdated: metrics.numRowsUpdated,
      numRowsRemoved: metrics.numRowsRemoved,
      allUpdatesTimeMs: Math.round(updateMs),
      allRemovalsTimeMs: Math.round(removalMs),
      commitTimeMs: Math.round(metrics.commitTimeMs),
      memoryUsedBytes: metrics.memoryUsedBytes,
      numRowsDroppedByWatermark: dropped,
      numShufflePartitions: state.numPartitions,
      numStateStoreInstances: state.numPartitions,
      customMetrics: { numDroppedDuplicateRows: duplicates },
    });
  }
}

/** One batch's dedup state over every partition: in this thread, or in the partition workers. */
interface DedupPartitions {
  /** keep[i] = 1 for the rows of the batch to emit; rows with skip[i] = 1 (late) are not looked at. */
  process(keyCols: readonly Vector[], numRows: number, eventTime: Vector | null, skip: Uint8Array | null): Promise<Uint8Array>;
  /** Evict at or below the watermark (null: no eviction), commit every partition, and sum their metrics. */
  finish(evictAtOrBelowMs: number | null): Promise<{ duplicates: number; metrics: StateStoreMetrics }>;
}

class LocalDedupPartitions implements DedupPartitions {
  private constructor(
    private readonly provider: PartitionedStateStoreProvider,
    private readonly store: PartitionedStateStore,
    private readonly kernel: DeduplicateKernel,
  ) {}

  static async open(state: StatefulContext, operatorId: number, schema: StateSchema, keyTypes: readonly DataType[], delayUs: number): Promise<LocalDedupPartitions> {
    const provider = state.provider(operatorId, schema, "default", null);
    const store = await provider.getStore(state.batchId);
    return new LocalDedupPartitions(provider, store, new DeduplicateKernel(keyTypes, store.numPartitions, (p) => store.partition(p), delayUs, state.stateKeyFormat));
  }

  async process(keyCols: readonly Vector[], numRows: number, eventTime: Vector | null, skip: Uint8Array | null): Promise<Uint8Array> {
    return this.kernel.process(keyCols, numRows, eventTime === null ? () => null : (i) => eventTimeUs(eventTime, i), skip);
  }

  async finish(evictAtOrBelowMs: number | null): Promise<{ duplicates: number; metrics: StateStoreMetrics }> {
    if (evictAtOrBelowMs !== null) await DeduplicateKernel.evict(this.store.partitions, evictAtOrBelowMs);
    await this.store.commit();
    await this.provider.doMaintenance();
    return { duplicates: this.kernel.duplicates, metrics: this.store.metrics() };
  }
}

/**
 * The partitions in the workers that own them (parallel/partition-workers.ts): each input batch
 * is split by the rows' partitions, each worker gets its rows' key columns and event times
 * (transferred) and answers which to keep, all workers at once; the batch's end commits every
 * worker's partitions, and any worker failing fails the batch.
 */
class WorkerDedupPartitions implements DedupPartitions {
  private constructor(
    private readonly workers: PartitionWorkers,
    private readonly task: string,
    private readonly numPartitions: number,
  ) {}

  static async open(state: StatefulContext, operatorId: number, schema: StateSchema, keyTypes: readonly DataType[], delayUs: number): Promise<WorkerDedupPartitions> {
    const { workers, storeSpec } = state.parallel!;
    const base = storeSpec(operatorId, schema);
    const task = `${base.run}/${operatorId}/${state.batchId}`;
    const keyJson = keyTypes.map((t) => dataTypeToJson(t));
    await Promise.all(
      Array.from({ length: workers.threads }, (_, w) =>
        workers.request(w, { t: "dedup.open", task, store: { ...base, partitions: workers.partitionsOf(w, state.numPartitions) }, keyTypes: keyJson, expiryDelayUs: delayUs }),
      ),
    );
    return new WorkerDedupPartitions(workers, task, state.numPartitions);
  }

  async process(keyCols: readonly Vector[], numRows: number, eventTime: Vector | null, skip: Uint8Array | null): Promise<Uint8Array> {
    const { workers } = this;
    const parts = hashPartitionIds(keyCols, numRows, this.numPartitions);
    const rows: number[][] = Array.from({ length: workers.threads }, () => []);
    for (let i = 0; i < numRows; i++) if (skip === null || skip[i] === 0) rows[workers.ownerOf(parts[i]!)]!.push(i);
    const keep = new Uint8Array(numRows);
    await Promise.all(
      rows.map(async (ix, w) => {
        if (ix.length === 0) return;
        const indices = Int32Array.from(ix);
        const { columns, transfer } = toWire(keyCols.map((c) => take(c, indices)));
        let et: Float64Array | null = null;
        if (eventTime !== null) {
          et = new Float64Array(indices.length);
          for (let j = 0; j < indices.length; j++) et[j] = eventTimeUs(eventTime, indices[j]!) ?? NaN;
          transfer.push(et.buffer as ArrayBuffer);
        }
        const r = await workers.request<DedupProcessed>(w, { t: "dedup.process", task: this.task, numRows: indices.length, keys: columns, eventTimeUs: et }, transfer);
        for (let j = 0; j < indices.length; j++) keep[indices[j]!] = r.keep[j]!;
      }),
    );
    return keep;
  }

  async finish(evictAtOrBelowMs: number | null): Promise<{ duplicates: number; metrics: StateStoreMetrics }> {
    const done = await Promise.all(Array.from({ length: this.workers.threads }, (_, w) => this.workers.request<TaskFinished>(w, { t: "dedup.finish", task: this.task, evictAtOrBelowMs })));
    return { duplicates: done.reduce((a, d) => a + d.duplicates, 0), metrics: sumStoreMetrics(done.map((d) => d.metrics)) };
  }
}
