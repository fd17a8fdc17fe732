/**
 * Conjuncts of a join condition that read one side only move into a Filter on that side, where
 * the join type allows it (Spark's PushPredicateThroughJoin, join-condition part): inner, cross
 * and left semi joins push both sides' conjuncts; a left outer or left anti join pushes the
 * right side's, a right outer join the left side's; a full outer join pushes none. The preserved
 * side's conjuncts stay in the condition, where they decide matches, not rows. Only deterministic
 * conjuncts move, and one that reads no column counts as the left side's, as Spark splits them.
 *
 * In a streaming query this decides what reaches the watermark: a pushed Filter moves on below
 * the side's watermark (push-filters-down.ts), so rows it rejects never move that watermark.
 */
import type { RExpr } from "../expr/resolved-expr.js";
import { mapRefs, refIndices } from "../plan/analyzer/rexpr-utils.js";
import type { RJoin } from "../plan/resolved-plan.js";
import { conjuncts } from "../plan/stream-join-watermark.js";
import { FILTERABLE_SIDES, andAll, filterOf, isDeterministic } from "./predicates.js";

export function pushJoinConditions(j: RJoin): RJoin {
  if (!j.condition) return j;
  const nLeft = j.left.output.length;
  const pushes = FILTERABLE_SIDES[j.joinType];
  const toLeft: RExpr[] = [];
  const toRight: RExpr[] = [];
  const kept: RExpr[] = [];
  for (const c of conjuncts(j.condition)) {
    const refs = [...refIndices(c)];
    const side = refs.every((i) => i < nLeft) ? "left" : refs.every((i) => i >= nLeft) ? "right" : "both";
    if (side === "left" && pushes.left && isDeterministic(c)) toLeft.push(c);
    else if (side === "right" && pushes.right && isDeterministic(c)) toRight.push(mapRefs(c, (i) => i - nLeft));
    else kept.push(c);
  }
  if (toLeft.length === 0 && toRight.length === 0) return j;
  const { condition: _old, ...rest } = j;
  return { ...rest, left: filterOf(j.left, toLeft), right: filterOf(j.right, toRight), ...(kept.length > 0 ? { condition: andAll(kept) } : {}) };
}
