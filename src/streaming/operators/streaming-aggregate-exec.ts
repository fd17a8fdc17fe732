/**
 * Streaming aggregation (Spark's StateStoreRestoreExec + StateStoreSaveExec in one operator).
 * State per group: the group key values followed by every aggregate's partial state. Per batch:
 *   1. in append and update mode, drop the rows of late groups — groups whose event-time key (a
 *      timestamp key, or a window key's end) is ≤ the previous batch's watermark — counting the
 *      groups, as Spark's StateStoreSaveExec filters its merged per-group rows with the watermark
 *      predicate on the grouping key. A row older than the watermark therefore still counts while
 *      its window is open; an aggregation without an event-time key drops nothing, and complete
 *      mode never drops (nor evicts) anything;
 *   2. group the batch's rows; a group seen for the first time in this batch first merges its
 *      stored partial state, then the batch's rows are folded in (so first/last keep order);
 *   3. write every touched group's partial state back;
 *   4. output by mode — complete: every group; update: the groups touched in this batch;
 *      append: the groups whose event-time key (a window's end, or a timestamp) is ≤ this batch's
 *      watermark, which are final — then evict groups at or below the watermark (not in complete);
 *   5. commit the stores and report state metrics.
 * A group's state lives in the shuffle partition Spark's hash of the group key columns picks.
 * Steps 2–4 are the per-partition kernel (aggregate-kernel.ts). With local[N] (N > 1) it runs in
 * the worker threads owning the partitions: this thread evaluates the group keys, the aggregate
 * arguments and FILTERs, drops late rows, and sends each worker the rows of its partitions; at
 * the batch's end each worker writes back, evicts and commits its partitions and returns its
 * group buffers, which this thread orders as one thread would (touched groups by their first
 * row, stored groups by partition) and evaluates the result expressions over.
 */
import { type ColumnBatch, concatBatches, filterBatch, getValue, makeBatch, take, takeBatch } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { compileExpr } from "../../expr/compile.js";
import type { EvalContext } from "../../expr/function-types.js";
import type { AggregateFinished } from "../../parallel/partition-protocol.js";
import type { PartitionWorkers } from "../../parallel/partition-workers.js";
import { fromWire, toWire } from "../../parallel/vector-wire.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { hashPartitionIds } from "../../physical/hash/hash-partitioning.js";
import type { RAggregate } from "../../plan/resolved-plan.js";
import type { StructType } from "../../types/struct-type.js";
import { type PartitionedStateStore, type PartitionedStateStoreProvider, sumStoreMetrics } from "../state/partitioned-state-store.js";
import type { StateStoreMetrics } from "../state/state-store.js";
import { type AggregateEnd, AggregateKernel, type AggregateLayoutWire, type EventTimeKey, aggregateLayoutToWire } from "./aggregate-kernel.js";
import { type AggregateLayout, aggregateOutputSchema, aggregateStateSchema, describeAggregate, evaluateBuffer, groupBufferSchema } from "./aggregate-state.js";
import { lateMask } from "./event-time.js";
import type { StatefulContext } from "./stateful-context.js";
import { stateKey } from "./state-key.js";

export interface AggregateSpec {
  readonly operatorId: number;
  readonly node: RAggregate;
  /** Which group key carries event time: a timestamp key, or a window struct (its end counts). */
  readonly eventTimeKey: EventTimeKey | undefined;
}

export class StreamingAggregateExec implements ExecutionPlan {
  readonly name = "StreamingAggregateExec";
  readonly children: readonly ExecutionPlan[];
  readonly schema: StructType;

  constructor(
    readonly child: ExecutionPlan,
    readonly spec: AggregateSpec,
    readonly state: StatefulContext,
  ) {
    this.children = [child];
    this.schema = aggregateOutputSchema(spec.node);
  }

  describe(): string {
    return describeAggregate("StreamingAggregateExec", this.spec.node, this.state.outputMode);
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const { spec, state } = this;
    const node = spec.node;
    const groupExprs = node.groupBy.map((e) => compileExpr(e, ctx.eval));
    const argExprs = node.aggs.map((a) => a.args.map((e) => compileExpr(e, ctx.eval)));
    const filters = node.aggs.map((a) => (a.filter ? compileExpr(a.filter, ctx.eval) : null));
    const result = node.resultExprs.map((e) => compileExpr(e, ctx.eval));
    const wire = state.parallel && state.numPartitions > 1 ? aggregateLayoutToWire(node) : null;
    const partitions: AggregatePartitions = wire !== null ? await WorkerAggregatePartitions.open(state, spec.operatorId, node, wire, ctx.eval) : await LocalAggregatePartitions.open(state, spec.operatorId, node, ctx);
    const lateGroups = new Set<string>();
    const dropsLate = state.hasWatermark && spec.eventTimeKey !== undefined && state.outputMode !== "complete";
    const t0 = performance.now();
    let inFlight: Promise<void> | null = null;
    for await (const input of this.child.execute(ctx)) {
      let batch = input;
      let keyVecs = groupExprs.map((g) => g(batch));
      if (dropsLate) {
        const late = lateMask(keyVecs[spec.eventTimeKey!.index]!, batch.numRows, state.lateEventsWatermarkMs);
        if (late.count > 0) {
          for (let i = 0; i < batch.numRows; i++) if (late.mask[i] === 1) lateGroups.add(stateKey(keyVecs.map((v) => getValue(v, i))));
          state.lateRows?.(spec.operatorId, filterBatch(batch, late.mask));
          batch = filterBatch(batch, late.mask.map((x) => 1 - x));
          keyVecs = groupExprs.map((g) => g(batch));
        }
      }
      if (batch.numRows === 0) continue;
      const args = argExprs.map((fs) => fs.map((f) => f(batch)));
      const masks = filters.map((f) => (f ? maskFrom(f(batch)) : null));
      // One batch in flight: the partitions fold batch i in while batch i+1 is read and routed.
      const done = partitions.process(keyVecs, args, masks, batch.numRows);
      done.catch(() => undefined); // awaited below; a failure must not surface as unhandled meanwhile
      await inFlight;
      inFlight = done;
    }
    await inFlight;
    const updateMs = performance.now() - t0;

    const t1 = performance.now();
    const mode = state.outputMode;
    const end: AggregateEnd = { mode, evictAtOrBelowMs: state.hasWatermark && spec.eventTimeKey && mode !== "complete" ? state.evictionWatermarkMs : null, eventTimeKey: spec.eventTimeKey };
    const out = await partitions.finish(end);
    if (out.touched && out.touched.numRows > 0) yield evaluateBuffer(this.schema, out.touched, result);
    if (out.stored && (mode === "complete" || out.stored.numRows > 0)) yield evaluateBuffer(this.schema, out.stored, result);
    const removalMs = performance.now() - t1;
    const m = out.metrics;
    state.report(spec.operatorId, {
      operatorName: "stateStoreSave",
      numRowsTotal: m.numRowsTotal,
      numRowsUpdated: out.numGroups,
      numRowsRemoved: m.numRowsRemoved,
      allUpdatesTimeMs: Math.round(updateMs),
      allRemovalsTimeMs: Math.round(removalMs),
      commitTimeMs: Math.round(m.commitTimeMs),
      memoryUsedBytes: m.memoryUsedBytes,
      numRowsDroppedByWatermark: lateGroups.size,
      numShufflePartitions: state.numPartitions,
      numStateStoreInstances: state.numPartitions,
      customMetrics: {},
    });
  }
}

/** A batch's end over every partition: group buffers to output (stored groups in partition order), and the committed stores' metrics. */
interface AggregateFinish {
  readonly touched: ColumnBatch | null;
  readonly stored: ColumnBatch | null;
  /** The groups this batch touched (Spark's numRowsUpdated for the operator). */
  readonly numGroups: number;
  readonly metrics: StateStoreMetrics;
}

/** One batch's aggregation state over every partition: in this thread, or in the partition workers. */
interface AggregatePartitions {
  process(keyVecs: readonly Vector[], args: readonly (readonly Vector[])[], masks: readonly (Uint8Array | null)[], numRows: number): Promise<void>;
  /** Write back, output and evict as `end` says, and commit every partition. */
  finish(end: AggregateEnd): Promise<AggregateFinish>;
}

class LocalAggregatePartitions implements AggregatePartitions {
  private constructor(
    private readonly provider: PartitionedStateStoreProvider,
    private readonly store: PartitionedStateStore,
    private readonly kernel: AggregateKernel,
    private readonly layout: AggregateLayout,
  ) {}

  static async open(state: StatefulContext, operatorId: number, node: RAggregate, ctx: TaskContext): Promise<LocalAggregatePartitions> {
    const provider = state.provider(operatorId, aggregateStateSchema(node), "default", null);
    const store = await provider.getStore(state.batchId);
    return new LocalAggregatePartitions(provider, store, new AggregateKernel(node, store.numPartitions, (p) => store.partition(p), ctx, state.stateKeyFormat), node);
  }

  async process(keyVecs: readonly Vector[], args: readonly (readonly Vector[])[], masks: readonly (Uint8Array | null)[], numRows: number): Promise<void> {
    this.kernel.process(keyVecs, args, masks, numRows);
  }

  async finish(end: AggregateEnd): Promise<AggregateFinish> {
    const out = await this.kernel.finish(this.store.partitions, end);
    await this.store.commit();
    await this.provider.doMaintenance();
    const stored = end.mode === "complete" || out.stored.length > 0 ? concatBatches(groupBufferSchema(this.layout), out.stored) : null;
    return { touched: out.touched, stored, numGroups: this.kernel.numGroups, metrics: this.store.metrics() };
  }
}

/**
 * The partitions in the workers that own them (parallel/partition-workers.ts): each input batch
 * is split by the rows' partitions and each worker gets its rows' key, argument and FILTER
 * columns (transferred), all workers at once; the batch's end commits every worker's partitions,
 * and any worker failing fails the batch.
 */
class WorkerAggregatePartitions implements AggregatePartitions {
  #rowsBefore = 0;

  private constructor(
    private readonly workers: PartitionWorkers,
    private readonly task: string,
    private readonly numPartitions: number,
    private readonly layout: AggregateLayout,
  ) {}

  static async open(state: StatefulContext, operatorId: number, node: RAggregate, layout: AggregateLayoutWire, evalCtx: EvalContext): Promise<WorkerAggregatePartitions> {
    const { workers, storeSpec } = state.parallel!;
    const base = storeSpec(operatorId, aggregateStateSchema(node));
    const task = `${base.run}/${operatorId}/${state.batchId}`;
    const plainEval: EvalContext = {
      timeZone: evalCtx.timeZone,
      ansi: evalCtx.ansi,
      currentTimestampUs: evalCtx.currentTimestampUs,
      ...(evalCtx.decimalAllowPrecisionLoss === undefined ? {} : { decimalAllowPrecisionLoss: evalCtx.decimalAllowPrecisionLoss }),
    };
    await Promise.all(
      Array.from({ length: workers.threads }, (_, w) =>
        workers.request(w, { t: "agg.open", task, store: { ...base, partitions: workers.partitionsOf(w, state.numPartitions) }, layout, eval: plainEval }),
      ),
    );
    return new WorkerAggregatePartitions(workers, task, state.numPartitions, node);
  }

  async process(keyVecs: readonly Vector[], args: readonly (readonly Vector[])[], masks: readonly (Uint8Array | null)[], numRows: number): Promise<void> {
    const { workers } = this;
    const parts = hashPartitionIds(keyVecs, numRows, this.numPartitions);
    const rows: number[][] = Array.from({ length: workers.threads }, () => []);
    for (let i = 0; i < numRows; i++) rows[workers.ownerOf(parts[i]!)]!.push(i);
    const base = this.#rowsBefore;
    this.#rowsBefore += numRows;
    await Promise.all(
      rows.map(async (ix, w) => {
        if (ix.length === 0) return;
        const indices = Int32Array.from(ix);
        const keys = toWire(keyVecs.map((c) => take(c, indices)));
        const transfer = keys.transfer;
        const argCols = args.map((cols) => {
          const a = toWire(cols.map((c) => take(c, indices)));
          transfer.push(...a.transfer);
          return a.columns;
        });
        const subMasks = masks.map((m) => {
          if (m === null) return null;
          const s = new Uint8Array(indices.length);
          for (let j = 0; j < indices.length; j++) s[j] = m[indices[j]!]!;
          transfer.push(s.buffer as ArrayBuffer);
          return s;
        });
        const ordinals = new Float64Array(indices.length);
        for (let j = 0; j < indices.length; j++) ordinals[j] = base + indices[j]!;
        transfer.push(ordinals.buffer as ArrayBuffer);
        await workers.request(w, { t: "agg.process", task: this.task, numRows: indices.length, keys: keys.columns, args: argCols, masks: subMasks, ordinals }, [...new Set(transfer)]);
      }),
    );
  }

  async finish(end: AggregateEnd): Promise<AggregateFinish> {
    const done = await Promise.all(Array.from({ length: this.workers.threads }, (_, w) => this.workers.request<AggregateFinished>(w, { t: "agg.finish", task: this.task, end })));
    const schema = groupBufferSchema(this.layout);
    const types = schema.fields.map((f) => f.type);
    const buffer = (columns: Parameters<typeof fromWire>[0], numRows: number): ColumnBatch => makeBatch(schema, fromWire(columns, types), numRows);
    let touched: ColumnBatch | null = null;
    if (end.mode === "update") {
      // The touched groups in the order of their first row, as one thread lists them.
      const all = concatBatches(schema, done.map((d) => buffer(d.touched!.columns, d.touched!.numRows)));
      const firsts = done.flatMap((d) => [...d.touched!.firstOrdinals]);
      touched = takeBatch(all, firsts.map((_, i) => i).sort((a, b) => firsts[a]! - firsts[b]!));
    }
    const stored = done.flatMap((d) => d.stored).sort((a, b) => a.partition - b.partition);
    return {
      touched,
      stored: end.mode === "complete" || stored.length > 0 ? concatBatches(schema, stored.map((s) => buffer(s.columns, s.numRows))) : null,
      numGroups: done.reduce((a, d) => a + d.numGroups, 0),
      metrics: sumStoreMetrics(done.map((d) => d.metrics)),
    };
  }
}

function maskFrom(v: Vector): Uint8Array {
  const m = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) m[i] = v.values[i] === 1 && (v.validity === null || v.validity[i] === 1) ? 1 : 0;
  return m;
}
