/**
 * Filters right above each scan, for sources that can evaluate predicates themselves (JDBC's
 * pushDownPredicate). Only a Filter directly over a Scan (or a chain of Filters) counts: there,
 * the condition's column refs are the scan's columns. Pushing is an optimization only: the
 * Filter stays in the plan and still decides which rows pass.
 */
import type { RExpr } from "../expr/resolved-expr.js";
import { type RScan, type ResolvedPlan, resolvedChildren } from "../plan/resolved-plan.js";

/** The conditions of the Filters directly above each scan in `plan` (by scan object). */
export function scanFilters(plan: ResolvedPlan): Map<RScan, RExpr[]> {
  const out = new Map<RScan, RExpr[]>();
  const visit = (p: ResolvedPlan): void => {
    if (p.kind === "filter") {
      const conditions: RExpr[] = [];
      let q: ResolvedPlan = p;
      while (q.kind === "filter") {
        conditions.push(q.condition);
        q = q.input;
      }
      if (q.kind === "scan") {
        out.set(q, [...(out.get(q) ?? []), ...conditions]);
        return;
      }
    }
    for (const c of resolvedChildren(p)) visit(c);
  };
  visit(plan);
  return out;
}
