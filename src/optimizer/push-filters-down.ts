/**
 * A Filter moves below the Projects, Filters and event-time watermarks under it (Spark's
 * PushPredicateThroughNonJoin for those three nodes): through a Project whose expressions are
 * deterministic, with the Project's expressions in place of its columns; into a Filter below,
 * as one condition; below a watermark, the deterministic conjuncts that do not read the
 * event-time column (those stay above). Other nodes stop it.
 *
 * Below the watermark is what matters in a stream: the watermark follows the largest event time
 * of the rows that reach it, so a row a pushed-down filter rejects moves no watermark, as in
 * Spark, and a stateful operator above keeps its state as long as Spark's does.
 */
import type { RExpr } from "../expr/resolved-expr.js";
import { refIndices } from "../plan/analyzer/rexpr-utils.js";
import type { RFilter, ResolvedPlan } from "../plan/resolved-plan.js";
import { conjuncts } from "../plan/stream-join-watermark.js";
import { andAll, filterOf, isDeterministic, replaceRefs } from "./predicates.js";

export function pushFilterDown(f: RFilter): ResolvedPlan {
  const below = f.input;
  switch (below.kind) {
    case "filter":
      return pushFilterDown({ ...below, condition: andAll([below.condition, f.condition]) });
    case "project": {
      if (!below.exprs.every(isDeterministic)) return f;
      const condition = replaceRefs(f.condition, (r) => below.exprs[r.index]!);
      return { ...below, input: pushFilterDown({ kind: "filter", input: below.input, condition, output: below.input.output }) };
    }
    case "watermark": {
      const down: RExpr[] = [];
      const up: RExpr[] = [];
      for (const c of conjuncts(f.condition)) (isDeterministic(c) && !refIndices(c).has(below.eventTimeIndex) ? down : up).push(c);
      if (down.length === 0) return f;
      const pushed = pushFilterDown({ kind: "filter", input: below.input, condition: andAll(down), output: below.input.output });
      return filterOf({ ...below, input: pushed }, up);
    }
    default:
      return f;
  }
}
