/** Shared types for the per-operator analyzer files. */
import type { Expr } from "../../expr/expr.js";
import type { AnalyzerEnv } from "../analyzer-env.js";
import type { LogicalPlan } from "../logical-plan.js";
import type { ResolvedPlan } from "../resolved-plan.js";

export interface AnalyzeContext {
  readonly env: AnalyzerEnv;
  /** Analyze a child plan (memoised per node object). */
  analyze(p: LogicalPlan): ResolvedPlan;
}

/** A select item: an expression, or the input column at this index passed through unchanged. */
export type ProjectItem = Expr | number;

/** Walk an expression tree; `visit` returns false to skip a node's children. */
export function walkExpr(e: Expr, visit: (x: Expr) => boolean | void): void {
  if (visit(e) === false) return;
  switch (e.kind) {
    case "alias":
    case "cast":
    case "sortOrder":
      walkExpr(e.child, visit);
      break;
    case "call":
      e.args.forEach((a) => walkExpr(a, visit));
      if (e.filter) walkExpr(e.filter, visit);
      break;
    case "case":
      e.branches.forEach(([c, v]) => (walkExpr(c, visit), walkExpr(v, visit)));
      if (e.otherwise) walkExpr(e.otherwise, visit);
      break;
    case "window":
      walkExpr(e.fn, visit);
      e.spec.partitionBy.forEach((p) => walkExpr(p, visit));
      e.spec.orderBy.forEach((o) => walkExpr(o, visit));
      break;
    case "extract":
      walkExpr(e.child, visit);
      walkExpr(e.key, visit);
      break;
    case "lambda":
      walkExpr(e.body, visit);
      break;
    default:
      break;
  }
}

/** Strip a top-level alias: [inner expression, alias name or undefined]. */
export const unalias = (e: Expr): [Expr, string | undefined] => (e.kind === "alias" ? [e.child, e.name] : [e, undefined]);

/** A structural key for an unresolved expression (dedupe, group-key matching). */
export const exprKey = (e: Expr): string =>
  JSON.stringify(e, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v instanceof Map ? [...v] : v instanceof Uint8Array ? [...v] : v));
