/**
 * `df.observe(name, ...metrics)` → RCollectMetrics. The metrics are resolved as a global
 * aggregate over the input (their one row is the observed row), after Spark's CheckAnalysis
 * rules for CollectMetrics (INVALID_OBSERVED_METRICS.*): every column must sit inside an
 * aggregate function, aggregates are not nested, not DISTINCT, not FILTERed, no window
 * functions, and no non-deterministic expression outside an aggregate (inside one it is allowed).
 * A name already observed below with other metrics is DUPLICATED_METRICS_NAME; the same name with
 * the same metrics (a plan read twice) is one metric, as in Spark.
 */
import { analysisError } from "../../common/errors.js";
import type { Expr } from "../../expr/expr.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import type { ObservationSink } from "../logical-plan.js";
import { type RAggregate, type RCollectMetrics, type ResolvedPlan, resolvedChildren } from "../resolved-plan.js";
import { resolveAggregate } from "./aggregate.js";
import type { AnalyzeContext } from "./context.js";
import { ExprResolver } from "./resolve-expr.js";
import { rexprKey } from "./rexpr-utils.js";

const invalid = (sub: string, message: string, expr: string): Error =>
  analysisError(`INVALID_OBSERVED_METRICS.${sub}`, `Invalid observed metrics. ${message}`, { expression: expr });

export function resolveCollectMetrics(ctx: AnalyzeContext, input: ResolvedPlan, name: string, metrics: readonly Expr[], observation?: ObservationSink): RCollectMetrics {
  if (name === "") throw invalid("MISSING_NAME", "The observed metrics should be named: give observe() a non-empty name.", "");
  const r = new ExprResolver(ctx.env, input.output, "select");
  for (const m of metrics) checkMetric(m, r, r.name(m), false);
  const agg = resolveAggregate(ctx, input, [], metrics, "groupBy");
  if (agg.kind !== "aggregate") throw invalid("WINDOW_EXPRESSIONS_UNSUPPORTED", "observe() takes plain aggregate expressions.", metrics.map((m) => r.name(m)).join(", "));
  agg.resultExprs.forEach((e, i) => {
    if (!deterministic(e)) {
      const shown = r.name(metrics[i]!);
      throw invalid("NON_AGGREGATE_FUNC_ARG_IS_NON_DETERMINISTIC", `Non-deterministic expression "${shown}" can only be used as an argument to an aggregate function.`, shown);
    }
  });
  const key = metricsKey(agg);
  const clash = findObserved(input, name);
  if (clash !== undefined && metricsKey(clash.metrics) !== key) {
    throw analysisError("DUPLICATED_METRICS_NAME", `The metric name is not unique: ${name}. The same name cannot be used for metrics with different results.`, { metricName: name });
  }
  return { kind: "collectMetrics", input, name, metrics: agg, output: input.output, ...(observation ? { observation } : {}) };
}

const metricsKey = (a: RAggregate): string =>
  JSON.stringify([a.aggs.map((c) => [c.fn.name, c.distinct, c.args.map(rexprKey)]), a.resultExprs.map(rexprKey), a.output.map((o) => o.name)]);

function findObserved(p: ResolvedPlan, name: string): RCollectMetrics | undefined {
  if (p.kind === "collectMetrics" && p.name === name) return p;
  for (const c of resolvedChildren(p)) {
    const found = findObserved(c, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

function checkMetric(e: Expr, r: ExprResolver, shown: string, inAggregate: boolean): void {
  switch (e.kind) {
    case "column":
      if (!inAggregate) throw invalid("NON_AGGREGATE_FUNC_ARG_IS_ATTRIBUTE", `Attribute "${shown}" can only be used as an argument to an aggregate function.`, shown);
      return;
    case "window":
      throw invalid("WINDOW_EXPRESSIONS_UNSUPPORTED", `Window expressions are not allowed in observed metrics, but found: "${shown}".`, shown);
    case "call": {
      const isAgg = r.isAggregate(e.name);
      if (isAgg && inAggregate) throw invalid("NESTED_AGGREGATES_UNSUPPORTED", `Nested aggregates are not allowed in observed metrics, but found: "${shown}".`, shown);
      if (isAgg && e.distinct === true) throw invalid("AGGREGATE_EXPRESSION_WITH_DISTINCT_UNSUPPORTED", `Aggregate expressions with DISTINCT are not allowed in observed metrics, but found: "${shown}".`, shown);
      if (isAgg && e.filter !== undefined) throw invalid("AGGREGATE_EXPRESSION_WITH_FILTER_UNSUPPORTED", `Aggregate expression with FILTER predicate are not allowed in observed metrics, but found: "${shown}".`, shown);
      for (const a of e.args) checkMetric(a, r, shown, inAggregate || isAgg);
      return;
    }
    case "alias":
    case "cast":
      checkMetric(e.child, r, shown, inAggregate);
      return;
    case "case":
      for (const [c, v] of e.branches) (checkMetric(c, r, shown, inAggregate), checkMetric(v, r, shown, inAggregate));
      if (e.otherwise) checkMetric(e.otherwise, r, shown, inAggregate);
      return;
    case "extract":
      checkMetric(e.child, r, shown, inAggregate);
      return;
    default:
      return;
  }
}

function deterministic(e: RExpr): boolean {
  switch (e.kind) {
    case "call":
      return e.fn.deterministic !== false && e.args.every(deterministic);
    case "cast":
      return deterministic(e.child);
    case "case":
      return e.branches.every(([c, v]) => deterministic(c) && deterministic(v)) && (e.otherwise === null || deterministic(e.otherwise));
    default:
      return true;
  }
}
