/**
 * What the filter rules share: the sides of a join a Filter may be added to, joining conjuncts
 * back into one condition, which conjuncts may move (deterministic ones, as Spark moves only those), and rewriting
 * a predicate's column refs into the expressions they stand for.
 */
import { internalError } from "../common/errors.js";
import { lookupScalarFunction } from "../expr/functions/registry.js";
import type { RExpr } from "../expr/resolved-expr.js";
import { BooleanType } from "../types/data-type.js";
import { nullableOf } from "../plan/analyzer/resolve-expr.js";
import type { RJoin, ResolvedPlan } from "../plan/resolved-plan.js";

/** `a AND b AND …` of the parts (the caller passes at least one). */
export function andAll(parts: readonly RExpr[]): RExpr {
  const and = lookupScalarFunction("and");
  if (!and || parts.length === 0) throw internalError("andAll needs the `and` function and at least one part");
  return parts.reduce((a, b) => ({ kind: "call", fn: and, args: [a, b], type: BooleanType, nullable: nullableOf(a) || nullableOf(b) }));
}

/** `isnotnull(e)`. */
export function isNotNull(e: RExpr): RExpr {
  const fn = lookupScalarFunction("isnotnull");
  if (!fn) throw internalError("no isnotnull function");
  return { kind: "call", fn, args: [e], type: BooleanType, nullable: false };
}

/** Whether evaluating `e` twice, or on fewer rows, gives the same answers (no rand(), uuid(), current_timestamp() …). */
export function isDeterministic(e: RExpr): boolean {
  switch (e.kind) {
    case "call":
      return e.fn.deterministic !== false && e.args.every(isDeterministic);
    case "cast":
      return isDeterministic(e.child);
    case "case":
      return e.branches.every(([c, v]) => isDeterministic(c) && isDeterministic(v)) && (e.otherwise === null || isDeterministic(e.otherwise));
    case "lambda":
      return isDeterministic(e.body);
    default:
      return true;
  }
}

/** Replace every ref by `f(ref)`. */
export function replaceRefs(e: RExpr, f: (ref: Extract<RExpr, { kind: "ref" }>) => RExpr): RExpr {
  switch (e.kind) {
    case "ref":
      return f(e);
    case "call":
      return { ...e, args: e.args.map((a) => replaceRefs(a, f)) };
    case "cast":
      return { ...e, child: replaceRefs(e.child, f) };
    case "case":
      return { ...e, branches: e.branches.map(([c, v]) => [replaceRefs(c, f), replaceRefs(v, f)] as const), otherwise: e.otherwise === null ? null : replaceRefs(e.otherwise, f) };
    case "lambda":
      return { ...e, body: replaceRefs(e.body, f) };
    default:
      return e;
  }
}

/** A Filter of `conditions` over `input` (`input` itself when there are none). */
export function filterOf(input: ResolvedPlan, conditions: readonly RExpr[]): ResolvedPlan {
  return conditions.length === 0 ? input : { kind: "filter", input, condition: andAll(conditions), output: input.output };
}

/**
 * The sides of a join that take a Filter without changing the join's answer: those whose
 * unmatched rows it never outputs (Spark's PushPredicateThroughJoin and
 * InferFiltersFromConstraints add filters to the same sides).
 */
export const FILTERABLE_SIDES: Record<RJoin["joinType"], { readonly left: boolean; readonly right: boolean }> = {
  inner: { left: true, right: true },
  cross: { left: true, right: true },
  left_semi: { left: true, right: true },
  left: { left: false, right: true },
  left_anti: { left: false, right: true },
  right: { left: true, right: false },
  full: { left: false, right: false },
};
