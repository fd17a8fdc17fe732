/**
 * Filters inferred across an equi-join (Spark's InferFiltersFromConstraints, the part about
 * join keys): a predicate known to hold for one side's key column — a Filter below it, or a
 * conjunct of the join condition — also holds for the other side's key column it equals, and a
 * `=` key is never null where it matches. So, with `l.id = r.id`, a side reading `r.id % 2 = 0`
 * gives the left side `l.id % 2 = 0`, and each nullable key gets `isnotnull`. The new Filters go
 * on the sides Spark adds them to: both for inner, cross and left semi joins, the right side of
 * a left outer or left anti join, the left side of a right outer join, none for full outer.
 *
 * Kept small on purpose: a side's known predicates are those of Filters reached through
 * Projects (columns passed through or renamed), Filters and watermarks; only predicates over a
 * single key column move, only across `=` keys that are plain columns on both sides (Spark
 * infers from `=`, not `<=>`), and one the side already has is not added again.
 *
 * In a stream, the inferred Filter keeps rows that can never match out of the join's state and,
 * pushed below the side's watermark, out of its event times — Spark's state counts show both.
 */
import type { RExpr } from "../expr/resolved-expr.js";
import { mapRefs, refIndices, rexprKey } from "../plan/analyzer/rexpr-utils.js";
import type { RJoin, ResolvedPlan } from "../plan/resolved-plan.js";
import { conjuncts } from "../plan/stream-join-watermark.js";
import { FILTERABLE_SIDES, filterOf, isDeterministic, isNotNull } from "./predicates.js";

export function inferJoinFilters(j: RJoin): RJoin {
  const infers = FILTERABLE_SIDES[j.joinType];
  if (!infers.left && !infers.right) return j;
  const nLeft = j.left.output.length;
  // Equal key columns: left column index ↔ right column index.
  const pairs: [number, number][] = [];
  j.leftKeys.forEach((l, i) => {
    const r = j.rightKeys[i]!;
    if (!j.nullSafe[i] && l.kind === "ref" && r.kind === "ref") pairs.push([l.index, r.index]);
  });
  if (pairs.length === 0) return j;
  const own = (side: "left" | "right"): RExpr[] => {
    const fromCondition = (j.condition ? conjuncts(j.condition) : []).filter((c) => {
      const refs = [...refIndices(c)];
      return refs.length > 0 && (side === "left" ? refs.every((i) => i < nLeft) : refs.every((i) => i >= nLeft));
    });
    return [...knownPredicates(side === "left" ? j.left : j.right), ...fromCondition.map((c) => (side === "left" ? c : mapRefs(c, (i) => i - nLeft)))];
  };
  const known = { left: own("left"), right: own("right") };
  const inferred = (side: "left" | "right"): RExpr[] => {
    const other = side === "left" ? "right" : "left";
    const mine = (p: [number, number]) => (side === "left" ? p[0] : p[1]);
    const theirs = (p: [number, number]) => (side === "left" ? p[1] : p[0]);
    const have = new Set(known[side].map(rexprKey));
    const out: RExpr[] = [];
    const add = (c: RExpr): void => {
      const k = rexprKey(c);
      if (have.has(k)) return;
      have.add(k);
      out.push(c);
    };
    for (const p of pairs) {
      const ref = (side === "left" ? j.leftKeys : j.rightKeys).find((k) => k.kind === "ref" && k.index === mine(p))!;
      if (ref.kind === "ref" && ref.nullable) add(isNotNull(ref));
      for (const c of known[other]) {
        const refs = refIndices(c);
        if (refs.size === 1 && refs.has(theirs(p)) && isDeterministic(c)) add(mapRefs(c, () => mine(p)));
      }
    }
    return out;
  };
  const left = infers.left ? filterOf(j.left, inferred("left")) : j.left;
  const right = infers.right ? filterOf(j.right, inferred("right")) : j.right;
  return left === j.left && right === j.right ? j : { ...j, left, right };
}

/** Predicates known to hold for every row of `p`'s output (see the file comment for which). */
function knownPredicates(p: ResolvedPlan): RExpr[] {
  switch (p.kind) {
    case "filter":
      return [...conjuncts(p.condition).filter(isDeterministic), ...knownPredicates(p.input)];
    case "watermark":
      return knownPredicates(p.input);
    case "project": {
      // Input column → the first output position passing it through.
      const at = new Map<number, number>();
      p.exprs.forEach((e, i) => {
        if (e.kind === "ref" && !at.has(e.index)) at.set(e.index, i);
      });
      return knownPredicates(p.input)
        .filter((c) => [...refIndices(c)].every((i) => at.has(i)))
        .map((c) => mapRefs(c, (i) => at.get(i)!));
    }
    default:
      return [];
  }
}
