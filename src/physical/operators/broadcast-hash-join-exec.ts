/**
 * BroadcastHashJoinExec: an equi-join whose probe (left) side is a filter/project chain over a
 * splittable scan, run as Spark runs a BroadcastHashJoin (BuildRight) under a BroadcastExchange:
 *   1. The build (right) side runs here, collected into one batch.
 *   2. When its size is within spark.sql.autoBroadcastJoinThreshold (negative: never) and the
 *      probe side's scan makes pieces for the workers (parallelSplit), the build batch goes to
 *      every worker once, its buffers transferred (a copy per worker), and each worker builds the
 *      hash table once (parallel/join-fragment.ts).
 *   3. Each probe piece runs its chain and the probe in a worker; the joined rows come back in
 *      piece order. Otherwise the join runs here, as HashJoinExec over the collected build side.
 * Only joins that never emit unmatched build rows are planned so (inner, left outer, left semi,
 * left anti: Spark broadcasts only the side a join does not preserve), so the pieces need not
 * share which build rows matched.
 */
import { type ColumnBatch, takeBatch } from "../../columnar/column-batch.js";
import type { BroadcastJoinWire } from "../../parallel/join-fragment.js";
import { parallelSplit } from "../../parallel/piece-dispatch.js";
import { partitionWorkers } from "../../parallel/partition-workers.js";
import type { WireStep } from "../../parallel/scan-fragment.js";
import { batchesToWire } from "../../parallel/vector-wire.js";
import type { StructType } from "../../types/struct-type.js";
import type { ExecutionPlan, TaskContext } from "../execution-plan.js";
import type { SplittableScan } from "../scan-pieces.js";
import { ExchangeExec } from "./exchange-exec.js";
import type { HashJoinExec } from "./hash-join-exec.js";
import { pieceRows } from "./parallel-scan-exec.js";

/** spark.sql.autoBroadcastJoinThreshold's default, 10 MiB. */
export const DEFAULT_BROADCAST_THRESHOLD = 10 * 1024 * 1024;

let broadcasts = 0;

export class BroadcastHashJoinExec implements ExecutionPlan {
  readonly name = "BroadcastHashJoinExec";
  readonly children: readonly ExecutionPlan[];

  constructor(
    /** The same join on one thread: its left child is the chain the workers run. */
    readonly single: HashJoinExec,
    readonly scan: SplittableScan,
    readonly steps: readonly WireStep[],
    readonly spec: BroadcastJoinWire,
    /** local[N] when planned (explain); execution follows ctx.workerThreads. */
    readonly threads: number,
  ) {
    this.children = [single.left, new ExchangeExec("BroadcastExchangeExec", single.right, "HashedRelationBroadcastMode, the rows below collected once and sent to each worker")];
  }

  get schema(): StructType {
    return this.single.schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const build = await this.single.collectBuild(ctx);
    const threshold = ctx.autoBroadcastJoinThreshold ?? DEFAULT_BROADCAST_THRESHOLD;
    const parallel = threshold >= 0 && batchBytes(build) <= threshold ? await parallelSplit(this.scan, ctx) : null;
    if (!parallel) {
      yield* this.single.probeWith(this.single.buildTable(build), this.single.left.execute(ctx), ctx);
      return;
    }
    const { split, threads } = parallel;
    const pool = partitionWorkers(threads);
    const key = `broadcast-${process.pid}-${broadcasts++}`;
    const workers = Array.from({ length: threads }, (_, w) => w);
    const all = Int32Array.from({ length: build.numRows }, (_, i) => i);
    try {
      await Promise.all(
        workers.map((w) => {
          // Each worker gets buffers of its own: a transfer moves them away from this thread.
          const wire = batchesToWire([takeBatch(build, all)]);
          return pool.request(w, { t: "join.broadcast", key, spec: this.spec, build: wire.batches[0]!, eval: ctx.eval }, wire.transfer);
        }),
      );
      const request = (piece: (typeof split.pieces)[number]) => ({ t: "scan.join" as const, piece, steps: this.steps, broadcast: key, eval: ctx.eval, batchSize: ctx.batchSize });
      for await (const batches of pieceRows(split, threads, this.schema, ctx, request)) yield* batches;
    } finally {
      await Promise.all(workers.map((w) => pool.request(w, { t: "join.release", key }).catch(() => undefined)));
    }
  }

  describe(): string {
    return `${this.single.describe().replace(/^HashJoinExec/, this.name)}, BuildRight, the probe side per scan piece in local[${this.threads}] workers when the build side is within spark.sql.autoBroadcastJoinThreshold`;
  }
}

/** The build batch's size as the threshold measures it: typed buffers by their bytes, a string by 2 bytes a character, any other value as 8 bytes. */
export function batchBytes(b: ColumnBatch): number {
  let bytes = 0;
  for (const c of b.columns) {
    if (ArrayBuffer.isView(c.values)) bytes += c.values.byteLength;
    else for (const v of c.values as unknown[]) bytes += typeof v === "string" ? 2 * v.length : 8;
  }
  return bytes;
}
