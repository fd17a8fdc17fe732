/**
 * Scan column pruning: which output columns of each scan the rest of the plan actually reads, so a
 * Parquet scan decodes only those columns (the others are filled with nulls nobody reads).
 * Computed top-down: the root needs all its columns; each node maps the columns required of it
 * to the columns it requires of its inputs. Scans are identified by object, so streaming (which
 * maps scans to sources by identity) keeps working.
 */
import type { RExpr } from "../expr/resolved-expr.js";
import type { RScan, ResolvedPlan } from "../plan/resolved-plan.js";

type Need = Set<number>;

function exprRefs(e: RExpr, out: Need, offset = 0): void {
  switch (e.kind) {
    case "ref":
      out.add(e.index - offset);
      return;
    case "call":
      for (const a of e.args) exprRefs(a, out, offset);
      return;
    case "cast":
      exprRefs(e.child, out, offset);
      return;
    case "case":
      for (const [c, v] of e.branches) {
        exprRefs(c, out, offset);
        exprRefs(v, out, offset);
      }
      if (e.otherwise) exprRefs(e.otherwise, out, offset);
      return;
    case "lambda":
      exprRefs(e.body, out, offset);
      return;
    case "literal":
    case "lambdaVar":
      return;
  }
}

const all = (n: number): Need => new Set(Array.from({ length: n }, (_, i) => i));
const refsOf = (exprs: readonly RExpr[], into: Need = new Set()): Need => {
  for (const e of exprs) exprRefs(e, into);
  return into;
};
const below = (need: Need, n: number): Need => new Set([...need].filter((i) => i < n));

/** Required output columns of every scan in `plan` (by scan object). */
export function requiredScanColumns(plan: ResolvedPlan): Map<RScan, Set<number>> {
  const result = new Map<RScan, Set<number>>();
  const visit = (p: ResolvedPlan, need: Need): void => {
    switch (p.kind) {
      case "scan": {
        const prev = result.get(p);
        result.set(p, prev ? new Set([...prev, ...need]) : need);
        return;
      }
      case "localRelation":
      case "range":
        return;
      case "project":
        return visit(p.input, refsOf([...need].map((i) => p.exprs[i]!).filter(Boolean)));
      case "filter":
        return visit(p.input, refsOf([p.condition], new Set(need)));
      case "aggregate":
        return visit(
          p.input,
          refsOf([...p.groupBy, ...p.aggs.flatMap((a) => [...a.args, ...(a.filter ? [a.filter] : [])])]),
        );
      case "window": {
        const n = p.input.output.length;
        const s = below(need, n);
        for (const c of p.calls) refsOf([...c.args, ...c.partitionBy, ...c.orderBy.map((o) => o.expr)], s);
        return visit(p.input, s);
      }
      case "generate":
        return visit(p.input, refsOf([p.arg], below(need, p.input.output.length)));
      case "join": {
        const nl = p.left.output.length;
        const semi = p.joinType === "left_semi" || p.joinType === "left_anti";
        const cond: Need = new Set();
        if (p.condition) exprRefs(p.condition, cond);
        const left = refsOf(p.leftKeys, below(need, nl));
        const right = refsOf(p.rightKeys);
        for (const i of cond) (i < nl ? left : right).add(i < nl ? i : i - nl);
        if (!semi) for (const i of need) if (i >= nl) right.add(i - nl);
        visit(p.left, left);
        return visit(p.right, right);
      }
      case "sort":
        return visit(p.input, refsOf(p.order.map((o) => o.expr), new Set(need)));
      case "limit":
        return visit(p.input, need);
      case "union":
        for (const i of p.inputs) visit(i, need);
        return;
      case "dropDuplicates":
        return visit(p.input, new Set([...need, ...p.keys]));
      case "watermark":
        return visit(p.input, new Set([...need, p.eventTimeIndex]));
      case "sample":
        return visit(p.input, need);
      case "collectMetrics":
        return visit(p.input, refsOf(p.metrics.aggs.flatMap((a) => (a.filter ? [...a.args, a.filter] : a.args)), new Set(need)));
      case "flatMapGroupsWithState": // the JS functions may read any column
      case "transformWithState":
      case "cached": // the cached rows serve every reader: keep all their columns
        return visit(p.input, all(p.input.output.length));
    }
  };
  visit(plan, all(plan.output.length));
  return result;
}
