/**
 * ParallelSortExec: a sort over a filter/project chain on a splittable scan, run as Spark sorts
 * a stage's partitions: each worker runs the chain over a piece and sorts the piece's rows
 * (stably, SortExec's order), and the main thread merges the sorted pieces.
 *   1. Pieces, and when to stay on one thread, as ParallelScanExec (parallelSplit).
 *   2. The merge takes the smallest head row of all pieces, and on a tie the piece that comes
 *      first in the input. Each piece is stably sorted and holds input rows after those of the
 *      pieces before it, so the result is the single-thread stable sort's order, ties included.
 *   3. A piece that fails fails the query with its error.
 */
import { type ColumnBatch, concatBatches, sliceBatch, takeBatch } from "../../columnar/column-batch.js";
import type { WireSortOrder, WireStep } from "../../parallel/scan-fragment.js";
import type { StructType } from "../../types/struct-type.js";
import type { ExecutionPlan, TaskContext } from "../execution-plan.js";
import type { SplittableScan } from "../scan-pieces.js";
import { type RowComparator, rowComparator } from "../sort-compare.js";
import { parallelSplit } from "../../parallel/piece-dispatch.js";
import { pieceRows, rowsRequest } from "./parallel-scan-exec.js";
import type { SortExec } from "./sort-exec.js";

export class ParallelSortExec implements ExecutionPlan {
  readonly name = "ParallelSortExec";
  readonly children: readonly ExecutionPlan[];

  constructor(
    /** The same sort on one thread: its child is the chain the workers run. */
    readonly single: SortExec,
    readonly scan: SplittableScan,
    readonly steps: readonly WireStep[],
    readonly order: readonly WireSortOrder[],
    /** local[N] when planned (explain); execution follows ctx.workerThreads. */
    readonly threads: number,
  ) {
    this.children = single.children;
  }

  get schema(): StructType {
    return this.single.schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const parallel = await parallelSplit(this.scan, ctx);
    if (!parallel) {
      yield* this.single.execute(ctx);
      return;
    }
    const runs: ColumnBatch[] = [];
    for await (const batches of pieceRows(parallel.split, parallel.threads, this.schema, ctx, rowsRequest(this.steps, this.order, ctx))) runs.push(...batches.filter((b) => b.numRows > 0));
    if (runs.length === 0) return;
    const all = concatBatches(this.schema, runs);
    const cmp = rowComparator(this.single.order.map((o, k) => ({ vector: this.single.keys[k]!(all), ascending: o.ascending, nullsFirst: o.nullsFirst })));
    const sorted = takeBatch(all, mergeRuns(runs.map((r) => r.numRows), cmp));
    const size = Math.max(1, ctx.batchSize);
    for (let off = 0; off < sorted.numRows; off += size) yield sliceBatch(sorted, off, off + size);
  }

  describe(): string {
    return `${this.single.describe().replace(/^SortExec/, this.name)}, each scan piece sorted in local[${this.threads}] workers, merged here`;
  }
}

/**
 * The merged order of consecutive sorted runs of `lengths` rows (`cmp` over the rows of all runs
 * in run order): a binary heap of each run's next row, ties to the earlier run.
 */
export function mergeRuns(lengths: readonly number[], cmp: RowComparator): Int32Array {
  const total = lengths.reduce((s, n) => s + n, 0);
  const pos: number[] = [];
  const end: number[] = [];
  for (let r = 0, at = 0; r < lengths.length; at += lengths[r]!, r++) {
    pos.push(at);
    end.push(at + lengths[r]!);
  }
  const less = (a: number, b: number): boolean => {
    const c = cmp(pos[a]!, pos[b]!);
    return c < 0 || (c === 0 && a < b);
  };
  const heap = lengths.map((_, r) => r).filter((r) => lengths[r]! > 0);
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const c = l + 1 < heap.length && less(heap[l + 1]!, heap[l]!) ? l + 1 : l;
      if (!less(heap[c]!, heap[i]!)) return;
      [heap[c], heap[i]] = [heap[i]!, heap[c]!];
      i = c;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const out = new Int32Array(total);
  for (let k = 0; k < total; k++) {
    const r = heap[0]!;
    out[k] = pos[r]!++;
    if (pos[r] === end[r]) {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    }
    down(0);
  }
  return out;
}
