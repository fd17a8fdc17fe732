/**
 * ParallelScanExec: a query's result that is a filter/project chain over a splittable scan, run
 * per scan piece in the local[N] worker threads (Spark's tasks of a scan stage).
 *   1. The scan is cut into pieces (scan-pieces.ts) of sluice.execution.parallelScan.pieceBytes;
 *      an input below parallelScan.minBytes, a single piece, or local[1] runs the chain on this
 *      thread instead (the same rows, no thread hand-offs).
 *   2. Each worker reads its pieces and runs the chain (parallel/scan-fragment.ts); a piece's
 *      batches come back as transferred buffers, not re-serialised per row.
 *   3. Pieces are yielded in piece order (parallel/piece-dispatch.ts), so the rows come in the
 *      order one thread gives them. A piece that fails fails the query with its error.
 */
import { type ColumnBatch, makeBatch } from "../../columnar/column-batch.js";
import { type PieceRequest, parallelSplit, pieceResultsInOrder } from "../../parallel/piece-dispatch.js";
import type { PieceRowsWire, WireSortOrder, WireStep } from "../../parallel/scan-fragment.js";
import { fromWire } from "../../parallel/vector-wire.js";
import type { StructType } from "../../types/struct-type.js";
import type { ExecutionPlan, TaskContext } from "../execution-plan.js";
import type { ScanPiece, ScanSplit, SplittableScan } from "../scan-pieces.js";

/** Each piece's rows as the workers answer `request` (a PieceRowsWire: after the chain, maybe sorted or joined), as batches of `schema`, piece after piece; the split's malformed records reported at the end. */
export async function* pieceRows(split: ScanSplit, threads: number, schema: StructType, ctx: TaskContext, request: (piece: ScanPiece) => PieceRequest): AsyncGenerator<ColumnBatch[]> {
  const types = schema.fields.map((f) => f.type);
  const counts = { malformed: 0, dropped: 0 };
  for await (const r of pieceResultsInOrder<PieceRowsWire>(split.pieces, threads, ctx, request)) {
    counts.malformed += r.malformed;
    counts.dropped += r.dropped;
    yield r.batches.map((b) => makeBatch(schema, fromWire(b.columns, types), b.numRows));
  }
  split.finish(counts);
}

/** The `scan.rows` request of a piece: the chain `steps`, then a stable sort by `order` when given. */
export const rowsRequest =
  (steps: readonly WireStep[], order: readonly WireSortOrder[] | null, ctx: TaskContext) =>
  (piece: ScanPiece): PieceRequest => ({ t: "scan.rows", piece, steps, order, eval: ctx.eval, batchSize: ctx.batchSize });

export class ParallelScanExec implements ExecutionPlan {
  readonly name = "ParallelScanExec";
  readonly children: readonly ExecutionPlan[];

  constructor(
    /** The chain on one thread (its top node). */
    readonly single: ExecutionPlan,
    readonly scan: SplittableScan,
    readonly steps: readonly WireStep[],
    /** local[N] when planned (explain); execution follows ctx.workerThreads. */
    readonly threads: number,
  ) {
    this.children = [single];
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
    for await (const batches of pieceRows(parallel.split, parallel.threads, this.schema, ctx, rowsRequest(this.steps, null, ctx))) yield* batches;
  }

  describe(): string {
    return `${this.name}: the plan below per scan piece in local[${this.threads}] workers, rows in piece order`;
  }
}
