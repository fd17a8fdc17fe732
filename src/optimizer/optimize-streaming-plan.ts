/**
 * The rewrites a streaming query's plan gets after its checks at start(), bottom-up, in Spark's
 * order: per join, filters inferred across its keys (infer-join-filters.ts), then its one-sided
 * conditions moved into its sides (push-join-conditions.ts); every Filter then moves down through
 * Projects and watermarks (push-filters-down.ts). The answer of the query is the same either way;
 * what changes is what Spark changes: which rows enter a join's state and which rows move a
 * watermark. Streaming scans stay the same objects (a source is known by its scan).
 */
import { type ResolvedPlan, resolvedChildren, withResolvedChildren } from "../plan/resolved-plan.js";
import { inferJoinFilters } from "./infer-join-filters.js";
import { pushFilterDown } from "./push-filters-down.js";
import { pushJoinConditions } from "./push-join-conditions.js";

export function optimizeStreamingPlan(plan: ResolvedPlan): ResolvedPlan {
  const pushed = (p: ResolvedPlan): ResolvedPlan => (p.kind === "filter" ? pushFilterDown(p) : p);
  const visit = (p: ResolvedPlan): ResolvedPlan => {
    const q = withResolvedChildren(p, resolvedChildren(p).map(visit));
    if (q.kind === "join") {
      const j = pushJoinConditions(inferJoinFilters(q));
      return j === q ? q : withResolvedChildren(j, [pushed(j.left), pushed(j.right)]);
    }
    return pushed(q);
  };
  return visit(plan);
}
