/**
 * ParallelAggregateExec: a batch GROUP BY over a scan → filter/project chain, run as Spark runs
 * it: a partial aggregate per input piece in the local[N] worker threads, the final aggregate on
 * the main thread.
 *   1. The scan is cut into pieces (scan-pieces.ts) of sluice.execution.parallelScan.pieceBytes;
 *      an input below parallelScan.minBytes, a single piece, or local[1] runs the one-thread
 *      HashAggregateExec instead (the same rows, no thread hand-offs).
 *   2. Pieces go to the worker with the fewest in flight, at most 2 per worker ahead of the piece
 *      being merged, so buffered partials stay bounded; each worker reads its piece, runs the
 *      chain and folds the rows into a partial group table (parallel/aggregate-fragment.ts), whose
 *      buffers come back transferred.
 *   3. Partials are merged in piece order (grouped-aggregation.ts), so groups come out in the
 *      order one thread meets them and first/last/collect_list keep the input order.
 *   4. A piece that fails fails the query with its error (a worker that dies: PARTITION_WORKER_FAILED);
 *      the partials still in flight are dropped.
 *   5. The result expressions run here over the merged buffers (HashAggregateExec.output).
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { type PartialAggregateWire, type AggregateFragmentWire, fragmentAggregateSpecs, partialFromWire } from "../../parallel/aggregate-fragment.js";
import { partitionWorkers } from "../../parallel/partition-workers.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import type { ScanPiece, SplittableScan } from "../scan-pieces.js";
import { GroupedAggregation } from "./grouped-aggregation.js";
import type { HashAggregateExec } from "./hash-aggregate-exec.js";

/** Input below which a splittable aggregate runs on one thread, and the size of its pieces (sluice.execution.parallelScan.*). */
export const DEFAULT_PARALLEL_SCAN = { minBytes: 8 * 1024 * 1024, pieceBytes: 16 * 1024 * 1024 };

export class ParallelAggregateExec implements ExecutionPlan {
  readonly name = "ParallelAggregateExec";
  readonly children: readonly ExecutionPlan[];
  readonly schema;

  constructor(
    /** The same aggregate on one thread: its child is the chain the workers run. */
    readonly single: HashAggregateExec,
    readonly scan: SplittableScan,
    readonly fragment: AggregateFragmentWire,
    /** local[N] when planned (explain); execution follows ctx.workerThreads. */
    readonly threads: number,
  ) {
    this.children = single.children;
    this.schema = single.schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const threads = Math.floor(ctx.workerThreads ?? 1);
    const conf = ctx.parallelScan ?? DEFAULT_PARALLEL_SCAN;
    if (threads <= 1 || (await this.scan.split(ctx, conf.pieceBytes, true)).sizeBytes < conf.minBytes) {
      yield* this.single.execute(ctx);
      return;
    }
    const split = await this.scan.split(ctx, conf.pieceBytes, false);
    if (split.pieces.length < 2) {
      yield* this.single.execute(ctx);
      return;
    }
    const specs = fragmentAggregateSpecs(this.fragment);
    const table = new GroupedAggregation(this.single.groupBy.map((k) => k.type), specs, ctx.eval, this.single.groupingSets, "complete");
    const counts = { malformed: 0, dropped: 0 };
    for await (const partial of this.partials(split.pieces, threads, ctx)) {
      table.merge(partialFromWire(partial, this.fragment, specs));
      counts.malformed += partial.malformed;
      counts.dropped += partial.dropped;
    }
    split.finish(counts);
    yield* this.single.output(table, ctx);
  }

  /** Each piece's partial aggregate, in piece order (steps 2 and 4). */
  private async *partials(pieces: readonly ScanPiece[], threads: number, ctx: TaskContext): AsyncGenerator<PartialAggregateWire> {
    const pool = partitionWorkers(threads);
    const inFlight = new Array<number>(threads).fill(0);
    const results: Promise<PartialAggregateWire>[] = [];
    const ahead = 2 * threads;
    const dispatch = (upTo: number): void => {
      while (results.length < pieces.length && results.length < upTo) {
        const piece = pieces[results.length]!;
        let w = 0;
        for (let k = 1; k < threads; k++) if (inFlight[k]! < inFlight[w]!) w = k;
        inFlight[w]!++;
        const transfer = piece.kind === "rows" ? [...piece.transfer] : [];
        const r = pool.request<PartialAggregateWire>(w, { t: "scan.partialAggregate", piece, fragment: this.fragment, eval: ctx.eval, batchSize: ctx.batchSize }, transfer);
        const worker = w;
        void r.then(
          () => inFlight[worker]!--,
          () => inFlight[worker]!--,
        );
        results.push(r);
      }
    };
    // Every request has a rejection handler (the in-flight count above), so when one piece fails
    // the partials and errors still to come are dropped, unreported.
    for (let i = 0; i < pieces.length; i++) {
      throwIfAborted(ctx);
      dispatch(i + ahead);
      yield await results[i]!;
    }
  }

  describe(): string {
    return `${this.single.describe().replace(/^HashAggregateExec/, this.name)}, partial per scan piece in local[${this.threads}] workers, final here`;
  }
}
