/**
 * What a DataFrame needs from an engine. The embedded engine (session/embedded-executor.ts)
 * implements it in-process; a Spark Connect client can implement the same interface later, which
 * is why DataFrame code never imports the analyzer, planner or connectors directly.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import type { LogicalPlan } from "../plan/logical-plan.js";
import type { ResolvedPlan } from "../plan/resolved-plan.js";

export type ExplainMode = "simple" | "extended" | "formatted";

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
