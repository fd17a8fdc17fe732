/**
 * What a DataFrame needs from an engine. The embedded engine (session/embedded-executor.ts)
 * implements it in-process; a Spark Connect client can implement the same interface later, which
 * is why DataFrame code never imports the analyzer, planner or connectors directly.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import type { LogicalPlan } from "../plan/logical-plan.js";
import type { ResolvedPlan } from "../plan/resolved-plan.js";
import type { AvailableNowProgress, StreamingQueryProgress, StreamingQueryStatus } from "./streaming-query-types.js";

/** The modes of `df.explain(mode)`, as in PySpark. */
export type ExplainMode = "simple" | "extended" | "formatted";

/** What a batch write asks of the executor: the DataFrame, the format, save mode, partition columns and options. */
export interface WriteSpec {
  readonly format: string;
  readonly path: string;
  readonly mode: "append" | "overwrite" | "errorifexists" | "ignore";
  readonly options: Readonly<Record<string, string>>;
  readonly partitionBy: readonly string[];
}

export interface QueryExecutor {
  /** Resolve a plan; must throw analysis errors synchronously (DataFrames analyze eagerly). */
  analyze(plan: LogicalPlan): ResolvedPlan;
  /** Run a batch query to completion. */
  collect(plan: LogicalPlan): Promise<ColumnBatch[]>;
  explain(plan: LogicalPlan, mode: ExplainMode): string;
  write(plan: LogicalPlan, spec: WriteSpec): Promise<void>;
  registerTempView(name: string, plan: LogicalPlan, replace: boolean): void;
}

/**
 * A running streaming query (PySpark's StreamingQuery), exported as `StreamingQuery`: what
 * `writeStream.start()` resolves to. `id` is stable across restarts of one checkpoint; `runId` is
 * new for every start.
 */
export interface StreamingQueryHandle {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly isActive: boolean;
  /** The error that stopped the query, or null. */
  readonly exception: Error | null;
  /** The newest progress report, or null before the first batch completed. */
  readonly lastProgress: StreamingQueryProgress | null;
  /** The most recent progress reports, oldest first (`spark.sql.streaming.numRecentProgressUpdates` of them). */
  readonly recentProgress: StreamingQueryProgress[];
  readonly status: StreamingQueryStatus;
  /**
   * A Trigger.AvailableNow run: how much of its fixed target is read, once the target is known;
   * null otherwise, or when a source cannot count its offsets (Sluice's; `sluice run` draws it).
   */
  readonly availableNowProgress?: AvailableNowProgress | null;
  /** Seconds (as PySpark) or a duration string; with a timeout, resolves to whether the query ended in time. */
  awaitTermination(timeout?: number | string): Promise<boolean>;
  processAllAvailable(): Promise<void>;
  stop(): Promise<void>;
  /** Print the query's plan to stdout. */
  explain(): void;
  /** The text `explain()` prints. */
  explainString(): string;
}

/** The trigger of `writeStream.trigger(...)`: `processingTime`, `once`, `availableNow` or `continuous`, as in PySpark. */
export type TriggerSpec =
  | Record<string, never>
  | { readonly processingTime: string | number }
  | { readonly once: true }
  | { readonly availableNow: true }
  | { readonly continuous: string };

/** Everything `writeStream` collected, handed to the engine by `start()`. */
export interface StreamWriteSpec {
  readonly format: string;
  readonly outputMode: "append" | "update" | "complete";
  readonly options: Readonly<Record<string, string>>;
  readonly partitionBy: readonly string[];
  readonly queryName: string | null;
  readonly trigger: TriggerSpec;
  readonly path?: string;
  readonly foreachBatch?: (df: never, batchId: number) => unknown;
  readonly foreach?: ForeachWriter;
}

/**
 * `writeStream.foreach(writer)` (PySpark's ForeachWriter): per partition and epoch (batch id),
 * `open` (false skips the partition), `process` each row, then `close` with the error or null.
 */
export interface ForeachWriter {
  open?(partitionId: number, epochId: number): boolean | Promise<boolean>;
  process(row: Record<string, unknown>): void | Promise<void>;
  close?(error: Error | null): void | Promise<void>;
}
