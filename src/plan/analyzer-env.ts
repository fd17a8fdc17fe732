/**
 * What the analyzer needs from its surroundings: the function catalog, session settings, the
 * catalog of named relations and a way to learn a data source's schema. Supplied by the session
 * (session/embedded-executor.ts) and by tests.
 */
import type { EvalContext, FunctionCatalog } from "../expr/function-types.js";
import type { StructType } from "../types/struct-type.js";
import type { DataSourceSpec, LogicalPlan } from "./logical-plan.js";
import type { ResolvedPlan } from "./resolved-plan.js";

export interface AnalyzerEnv {
  readonly functions: FunctionCatalog;
  readonly eval: EvalContext;
  /** spark.sql.caseSensitive (false by default): how column names and struct fields are matched. */
  readonly caseSensitive: boolean;
  /** A temp view or table by name; undefined when unknown (the analyzer then reports TABLE_OR_VIEW_NOT_FOUND). */
  lookupRelation(nameParts: readonly string[]): LogicalPlan | ResolvedPlan | undefined;
  /** The schema of a `read` relation; called synchronously and may throw (e.g. a missing path). */
  resolveSource(spec: DataSourceSpec, streaming: boolean): StructType;
}
