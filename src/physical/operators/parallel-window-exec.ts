/**
 * ParallelWindowExec: window functions whose calls share one non-empty PARTITION BY, evaluated
 * per partition in the local[N] workers, as Spark plans Window over Exchange hashpartitioning:
 *   1. The input runs here and is collected (a WindowExec needs all of it anyway).
 *   2. Each row goes to worker pmod(murmur3(partition keys), N) (Spark's HashPartitioning), with
 *      its input position as an extra column; every partition lies whole in one worker.
 *   3. Each worker runs the WindowExec over its rows (parallel/window-fragment.ts) and answers
 *      each output row's position and call values; the input columns are taken here.
 *   4. One thread's WindowExec emits the partitions in the order their first rows come, each in
 *      its sorted order. The workers' rows are put in that order: stably by the partition's id
 *      in first-appearance order (a worker keeps each partition's rows in its sorted order,
 *      since it got them in input order), so the result is local[1]'s, row for row.
 * Under local[1], or an input below sluice.execution.parallelScan.minBytes, the window runs here.
 */
import { type ColumnBatch, concatBatches, makeBatch, sliceBatch, take, takeBatch } from "../../columnar/column-batch.js";
import { makeVector } from "../../columnar/vector.js";
import { DEFAULT_PARALLEL_SCAN } from "../../parallel/piece-dispatch.js";
import { partitionWorkers } from "../../parallel/partition-workers.js";
import type { WindowFragmentWire } from "../../parallel/window-fragment.js";
import { type BatchWire, batchFromWire, batchesToWire } from "../../parallel/vector-wire.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import { IntegerType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { GroupKeyEncoder } from "../hash/group-key-encoder.js";
import { hashPartitionIds } from "../hash/hash-partitioning.js";
import { batchBytes } from "./broadcast-hash-join-exec.js";
import { type Compiler, exprsToString } from "./describe.js";
import { ExchangeExec } from "./exchange-exec.js";
import { LocalRelationExec } from "./local-relation-exec.js";
import { WindowExec } from "./window-exec.js";

/** The extra column carrying a row's input position to the workers and back. */
export const POSITION_FIELD = { name: "__sluice_window_position", type: IntegerType, nullable: false };

export class ParallelWindowExec implements ExecutionPlan {
  readonly name = "ParallelWindowExec";
  readonly children: readonly ExecutionPlan[];
  private readonly partitionBy: readonly CompiledExpr[];

  constructor(
    /** The same window on one thread. */
    readonly single: WindowExec,
    readonly fragment: WindowFragmentWire,
    /** local[N] when planned (explain); execution follows ctx.workerThreads. */
    readonly threads: number,
    private readonly compile: Compiler,
  ) {
    this.children = [new ExchangeExec("ShuffleExchangeExec", single.child, `Exchange hashpartitioning(${exprsToString(single.calls[0]!.partitionBy)}, ${threads}), each partition to one worker`)];
    this.partitionBy = single.calls[0]!.partitionBy.map(compile);
  }

  get schema(): StructType {
    return this.single.schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const threads = Math.floor(ctx.workerThreads ?? 1);
    if (threads <= 1) {
      yield* this.single.execute(ctx);
      return;
    }
    const parts: ColumnBatch[] = [];
    for await (const b of this.single.child.execute(ctx)) if (b.numRows > 0) parts.push(b);
    throwIfAborted(ctx);
    if (parts.length === 0) return;
    const all = concatBatches(this.single.child.schema, parts);
    if (batchBytes(all) < (ctx.parallelScan ?? DEFAULT_PARALLEL_SCAN).minBytes) {
      yield* new WindowExec(new LocalRelationExec(all.schema, [all]), this.single.calls, this.schema, this.compile).execute(ctx);
      return;
    }
    const n = all.numRows;
    const keys = this.partitionBy.map((k) => k(all));
    const owner = hashPartitionIds(keys, n, threads);
    const pids = new GroupKeyEncoder(
      keys.map((v) => v.type),
      { keepKeys: false },
    ).encode(keys, n);
    const pool = partitionWorkers(threads);
    const inputSchema = new StructType([...all.schema.fields, POSITION_FIELD]);
    const callFields = this.schema.fields.slice(all.schema.length);
    const replies = Array.from({ length: threads }, (_, w) => {
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (owner[i] === w) rows.push(i);
      if (rows.length === 0) return Promise.resolve([] as BatchWire[]);
      const positions = Int32Array.from(rows);
      const mine = takeBatch(all, positions);
      const wire = batchesToWire([makeBatch(inputSchema, [...mine.columns, makeVector(IntegerType, positions)], rows.length)]);
      return pool.request<BatchWire[]>(w, { t: "window.partitions", fragment: this.fragment, rows: wire.batches[0]!, eval: ctx.eval, batchSize: ctx.batchSize }, wire.transfer);
    });
    // Each worker answers, per output row, its input position and the calls' values.
    const returned = new StructType([POSITION_FIELD, ...callFields]);
    const merged = concatBatches(returned, (await Promise.all(replies)).flat().map((b) => batchFromWire(b, returned)));
    throwIfAborted(ctx);
    const position = merged.columns[0]!.values as Int32Array;
    // A stable counting sort of the output rows by their partition's first-appearance id.
    const numPartitions = pids.reduce((m, p) => Math.max(m, p + 1), 0);
    const starts = new Int32Array(numPartitions + 1);
    for (let r = 0; r < n; r++) starts[pids[position[r]!]! + 1]!++;
    for (let p = 0; p < numPartitions; p++) starts[p + 1]! += starts[p]!;
    const order = new Int32Array(n);
    for (let r = 0; r < n; r++) order[starts[pids[position[r]!]!]!++] = r;
    const inputRows = order.map((r) => position[r]!);
    const result = makeBatch(this.schema, [...all.columns.map((c) => take(c, inputRows)), ...merged.columns.slice(1).map((c) => take(c, order))], n);
    const size = Math.max(1, ctx.batchSize);
    for (let off = 0; off < n; off += size) yield sliceBatch(result, off, off + size);
  }

  describe(): string {
    return `${this.single.describe().replace(/^WindowExec/, this.name)}, each partition in local[${this.threads}] workers`;
  }
}
