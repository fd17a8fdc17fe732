/**
 * Scan pieces sent to the local[N] partition workers, their results taken back in piece order.
 * `parallelSplit` decides whether a plan runs in the workers at all: not under local[1], for an
 * input below sluice.execution.parallelScan.minBytes, or for a scan that makes a single piece
 * (sending it costs more than it saves).
 * A piece goes to the worker with the fewest in flight, at most 2 per worker ahead of the piece
 * being consumed, so buffered results stay bounded. A piece that fails fails the whole iteration
 * with its error (a worker that dies: PARTITION_WORKER_FAILED); the results still in flight are
 * dropped.
 */
import { type TaskContext, throwIfAborted } from "../physical/execution-plan.js";
import type { ScanPiece, ScanSplit, SplittableScan } from "../physical/scan-pieces.js";
import type { ToWorker } from "./partition-protocol.js";
import { partitionWorkers } from "./partition-workers.js";

/** Input below which a splittable plan runs on one thread, and the size of its pieces (sluice.execution.parallelScan.*). */
export const DEFAULT_PARALLEL_SCAN = { minBytes: 8 * 1024 * 1024, pieceBytes: 16 * 1024 * 1024 };

/** The pieces of `scan` for the workers, or null when the plan should run on one thread (local[1], an input below minBytes, one piece). */
export async function parallelSplit(scan: SplittableScan, ctx: TaskContext): Promise<{ split: ScanSplit; threads: number } | null> {
  const threads = Math.floor(ctx.workerThreads ?? 1);
  const conf = ctx.parallelScan ?? DEFAULT_PARALLEL_SCAN;
  if (threads <= 1 || (await scan.split(ctx, conf.pieceBytes, true)).sizeBytes < conf.minBytes) return null;
  const split = await scan.split(ctx, conf.pieceBytes, false);
  return split.pieces.length < 2 ? null : { split, threads };
}

/** A request about one scan piece, without its id. */
export type PieceRequest = Extract<ToWorker, { readonly piece: ScanPiece }> extends infer M ? (M extends { id: number } ? Omit<M, "id"> : never) : never;

export async function* pieceResultsInOrder<T>(pieces: readonly ScanPiece[], threads: number, ctx: TaskContext, request: (piece: ScanPiece) => PieceRequest): AsyncGenerator<T> {
  const pool = partitionWorkers(threads);
  const inFlight = new Array<number>(threads).fill(0);
  const results: Promise<T>[] = [];
  const ahead = 2 * threads;
  const dispatch = (upTo: number): void => {
    while (results.length < pieces.length && results.length < upTo) {
      const piece = pieces[results.length]!;
      let w = 0;
      for (let k = 1; k < threads; k++) if (inFlight[k]! < inFlight[w]!) w = k;
      inFlight[w]!++;
      const transfer = piece.kind === "rows" ? [...piece.transfer] : [];
      const r = pool.request<T>(w, request(piece), transfer);
      const worker = w;
      void r.then(
        () => inFlight[worker]!--,
        () => inFlight[worker]!--,
      );
      results.push(r);
    }
  };
  // Every request has a rejection handler (the in-flight count above), so when one piece fails
  // the results and errors still to come are dropped, unreported.
  for (let i = 0; i < pieces.length; i++) {
    throwIfAborted(ctx);
    dispatch(i + ahead);
    yield await results[i]!;
  }
}
