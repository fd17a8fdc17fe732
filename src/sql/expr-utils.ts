/**
 * Small walks over unresolved expressions used while building plans from SQL: a top-down
 * rewrite, aggregate detection, and structural equality.
 */
import type { Expr, SortOrderExpr, WindowSpecDef } from "../expr/expr.js";
import { lookupAggregateFunction } from "../expr/aggregates/registry.js";

/**
 * Rewrite `e` top-down: `f` returns a replacement (not visited further) or undefined to descend
 * into the children. `intoWindows: false` leaves window expressions untouched.
 */
export function rewriteExpr(e: Expr, f: (e: Expr) => Expr | undefined, intoWindows = true): Expr {
  const r = f(e);
  if (r !== undefined) return r;
  const go = (x: Expr): Expr => rewriteExpr(x, f, intoWindows);
  switch (e.kind) {
    case "column":
    case "star":
    case "literal":
    case "lambdaVar":
      return e;
    case "alias":
      return { ...e, child: go(e.child) };
    case "cast":
      return { ...e, child: go(e.child) };
    case "call": {
      const out = { ...e, args: e.args.map(go) };
      return e.filter === undefined ? out : { ...out, filter: go(e.filter) };
    }
    case "case":
      return {
        ...e,
        branches: e.branches.map(([c, v]) => [go(c), go(v)] as const),
        otherwise: e.otherwise === null ? null : go(e.otherwise),
      };
    case "sortOrder":
      return { ...e, child: go(e.child) };
    case "window":
      if (!intoWindows) return e;
      return { ...e, fn: go(e.fn), spec: rewriteSpec(e.spec, go) };
    case "extract":
      return { ...e, child: go(e.child), key: go(e.key) };
    case "lambda":
      return { ...e, body: go(e.body) };
  }
}

function rewriteSpec(s: WindowSpecDef, go: (e: Expr) => Expr): WindowSpecDef {
  return { ...s, partitionBy: s.partitionBy.map(go), orderBy: s.orderBy.map((o) => go(o) as SortOrderExpr) };
}

/** Aggregate functions Spark knows, for deciding whether a SELECT aggregates (the registry adds more). */
const AGGREGATES = new Set([
  "count", "sum", "avg", "mean", "min", "max", "first", "last", "first_value", "last_value", "any_value",
  "collect_list", "collect_set", "array_agg", "stddev", "stddev_samp", "stddev_pop", "std", "variance",
  "var_samp", "var_pop", "percentile", "percentile_approx", "approx_percentile", "median", "mode",
  "approx_count_distinct", "count_if", "bool_and", "bool_or", "every", "some", "any", "min_by", "max_by",
  "corr", "covar_pop", "covar_samp", "skewness", "kurtosis", "bit_and", "bit_or", "bit_xor", "grouping",
  "grouping_id", "sum_distinct", "try_sum", "try_avg", "string_agg", "listagg", "count_min_sketch",
  "regr_count", "regr_avgx", "regr_avgy", "regr_slope", "regr_intercept", "regr_r2", "histogram_numeric",
]);

export const isAggregateName = (name: string): boolean =>
  AGGREGATES.has(name) || lookupAggregateFunction(name) !== undefined;

/** Does `e` contain an aggregate call outside window expressions and lambdas? */
export function containsAggregate(e: Expr): boolean {
  let found = false;
  rewriteExpr(
    e,
    (x) => {
      if (found || x.kind === "window" || x.kind === "lambda") return x;
      if (x.kind === "call" && isAggregateName(x.name)) {
        found = true;
        return x;
      }
      return undefined;
    },
    false,
  );
  return found;
}

/** Does `e` contain a window expression? */
export function containsWindow(e: Expr): boolean {
  let found = false;
  rewriteExpr(e, (x) => {
    if (x.kind === "window") found = true;
    return found ? x : undefined;
  });
  return found;
}

/** Structural equality, names compared case-insensitively (Spark's default resolution). */
export function sameExpr(a: Expr, b: Expr): boolean {
  return canonical(a) === canonical(b);
}

function canonical(e: Expr): string {
  return JSON.stringify(e, (key, v: unknown) => {
    if (key === "nameParts" && Array.isArray(v)) return v.map((p) => String(p).toLowerCase());
    if (v instanceof Uint8Array) return Array.from(v);
    return v;
  });
}

/** The output name an aliased or plain column select item is known by, if any. */
export function outputName(e: Expr): string | undefined {
  if (e.kind === "alias") return e.name;
  if (e.kind === "column") return e.nameParts[e.nameParts.length - 1];
  return undefined;
}
