/**
 * ParallelAggregateExec: a batch GROUP BY over a scan → filter/project chain, run as Spark runs
 * it: a partial aggregate per input piece in the local[N] worker threads, the final aggregate on
 * the main thread.
 *   1. The scan is cut into pieces (scan-pieces.ts) of sluice.execution.parallelScan.pieceBytes;
 *      an input below parallelScan.minBytes, a single piece, or local[1] runs the one-thread
 *      HashAggregateExec instead (the same rows, no thread hand-offs).
 *   2. Pieces go to the workers (parallel/piece-dispatch.ts); each worker reads its piece, runs
 *      the chain and folds the rows into a partial group table (parallel/aggregate-fragment.ts),
 *      whose buffers come back transferred.
 *   3. Partials are merged in piece order (grouped-aggregation.ts), so groups come out in the
 *      order one thread meets them and first/last/collect_list keep the input order.
 *   4. A piece that fails fails the query with its error (a worker that dies: PARTITION_WORKER_FAILED);
 *      the partials still in flight are dropped.
 *   5. The result expressions run here over the merged buffers (HashAggregateExec.output).
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { type PartialAggregateWire, type AggregateFragmentWire, fragmentAggregateSpecs, partialFromWire } from "../../parallel/aggregate-fragment.js";
import { parallelSplit, pieceResultsInOrder } from "../../parallel/piece-dispatch.js";
import type { ExecutionPlan, TaskContext } from "../execution-plan.js";
import type { SplittableScan } from "../scan-pieces.js";
import { GroupedAggregation } from "./grouped-aggregation.js";
import type { HashAggregateExec } from "./hash-aggregate-exec.js";

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
    const parallel = await parallelSplit(this.scan, ctx);
    if (!parallel) {
      yield* this.single.execute(ctx);
      return;
    }
    const { split, threads } = parallel;
    const specs = fragmentAggregateSpecs(this.fragment);
    const table = new GroupedAggregation(this.single.groupBy.map((k) => k.type), specs, ctx.eval, this.single.groupingSets, "complete");
    const counts = { malformed: 0, dropped: 0 };
    const partials = pieceResultsInOrder<PartialAggregateWire>(split.pieces, threads, ctx, (piece) => ({ t: "scan.partialAggregate", piece, fragment: this.fragment, eval: ctx.eval, batchSize: ctx.batchSize }));
    for await (const partial of partials) {
      table.merge(partialFromWire(partial, this.fragment, specs));
      counts.malformed += partial.malformed;
      counts.dropped += partial.dropped;
    }
    split.finish(counts);
    yield* this.single.output(table, ctx);
  }

  describe(): string {
    return `${this.single.describe().replace(/^HashAggregateExec/, this.name)}, partial per scan piece in local[${this.threads}] workers, final here`;
  }
}
