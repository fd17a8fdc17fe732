/**
 * Physical operators (`*Exec`, DataFusion's naming). A plan is built once per query (or per
 * micro-batch by IncrementalExecution) and executed as an async stream of ColumnBatches.
 * Operators must not mutate input batches; an operator that needs all input (sort, aggregate)
 * drains its child before yielding.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import type { EvalContext } from "../expr/function-types.js";
import type { StructType } from "../types/struct-type.js";
import { SluiceError } from "../common/errors.js";

/** What an operator may use while running. */
export interface TaskContext {
  readonly eval: EvalContext;
  /** Target rows per output batch for operators that build batches (scans, joins, generate). */
  readonly batchSize: number;
  /** Cancellation: operators call `throwIfAborted(ctx)` between batches. */
  readonly signal?: AbortSignal;
  /** sluice.files.parallelRead.*: worker threads decoding JSON/CSV files, and the listed bytes below which a scan reads in-process. */
  readonly parallelRead?: { readonly threads: number; readonly minBytes: number; readonly pieceBytes?: number };
  /** local[N] (spark.master): the worker threads a batch query's pieces may run in (1: the main thread only). */
  readonly workerThreads?: number;
  /** sluice.execution.parallelScan.*: the input size below which a splittable plan runs on one thread, and the size of its pieces. */
  readonly parallelScan?: { readonly minBytes: number; readonly pieceBytes: number };
  /** spark.sql.autoBroadcastJoinThreshold in bytes (negative: no broadcast joins). */
  readonly autoBroadcastJoinThreshold?: number;
  /**
   * Where file scans count the malformed records they met (kept as corrupt rows in PERMISSIVE,
   * `dropped` by DROPMALFORMED). A scan that reports them sets its own counter for its readers.
   */
  readonly malformedRecords?: { malformed: number; dropped: number };
}

export interface ExecutionPlan {
  /** `ProjectExec`, `HashAggregateExec`, ... */
  readonly name: string;
  readonly schema: StructType;
  readonly children: readonly ExecutionPlan[];
  execute(ctx: TaskContext): AsyncIterable<ColumnBatch>;
  /** One line for explain: name plus its arguments, e.g. `FilterExec: (amount > 10)`. */
  describe(): string;
}

/**
 * Operators call this between batches. An aborted task must end with this error, never by
 * returning early: a parent would take the cut-short stream for the whole input (a stateful
 * operator would commit partial state, a sink would commit a partial batch).
 */
export function throwIfAborted(ctx: TaskContext): void {
  if (ctx.signal?.aborted) throw new SluiceError("execution", "TASK_INTERRUPTED", "The task was interrupted because its query is stopping; its output is incomplete and was discarded");
}

/** Whether `e` is the error of an interrupted task (see throwIfAborted). */
export const isTaskInterrupted = (e: unknown): boolean => e instanceof SluiceError && e.code === "TASK_INTERRUPTED";

/** Indented tree of `describe()` lines, as `explain()` prints the physical plan. */
export function formatPhysicalPlan(plan: ExecutionPlan): string {
  const lines: string[] = [];
  const walk = (p: ExecutionPlan, depth: number): void => {
    lines.push(`${depth === 0 ? "" : "   ".repeat(depth - 1) + "+- "}${p.describe()}`);
    for (const c of p.children) walk(c, depth + 1);
  };
  walk(plan, 0);
  return lines.join("\n");
}

/** Drain a plan into an array of batches. */
export async function collectBatches(plan: ExecutionPlan, ctx: TaskContext): Promise<ColumnBatch[]> {
  const out: ColumnBatch[] = [];
  for await (const b of plan.execute(ctx)) if (b.numRows > 0) out.push(b);
  return out;
}
