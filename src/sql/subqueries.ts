/**
 * Subquery expressions → joins, decided while a SELECT block is built (Spark's
 * RewritePredicateSubquery and RewriteCorrelatedScalarSubquery, in plan form):
 *   1. the parser replaces each subquery by a placeholder call naming it by id
 *      (`__sluice_subquery(id)`, `__sluice_exists(id)`, `__sluice_in(x, id)`);
 *   2. WHERE conjuncts `[NOT] EXISTS (q)` become left semi (anti) joins of FROM with q's FROM
 *      on q's WHERE condition, which may name outer columns (correlation);
 *   3. WHERE conjuncts `x [NOT] IN (q)` become semi (anti) joins with q, whose columns are renamed
 *      apart; NOT IN keeps Spark's null semantics: a row is dropped when `x = y` is true or
 *      NULL for some y (so a NULL in q drops every row, and a NULL x drops itself unless q is empty);
 *   4. scalar subqueries anywhere in WHERE or the select list: uncorrelated ones are cross joined
 *      as a one-row global aggregate (`__sluice_scalar_subquery`, which raises
 *      SCALAR_SUBQUERY_TOO_MANY_ROWS on a second row); correlated ones (`inner.k = outer.k`
 *      conjuncts, recognised by the inner FROM's relation names) are grouped by the inner keys and
 *      left joined, with the value the subquery has on no rows for outer rows without a match
 *      (count(*) gives 0, as in Spark).
 * Placeholders left anywhere else are UNSUPPORTED_FEATURE.
 */
import { SluiceError } from "../common/errors.js";
import type { Expr } from "../expr/expr.js";
import { SCALAR_SUBQUERY_AGG } from "../expr/aggregates/scalar-subquery.js";
import { type LogicalPlan, node } from "../plan/logical-plan.js";
import { rewriteExpr } from "./expr-utils.js";
import { intLiteral } from "./literals.js";

export const SCALAR = "__sluice_subquery";
export const EXISTS = "__sluice_exists";
export const IN = "__sluice_in";
const PLACEHOLDERS = new Set([SCALAR, EXISTS, IN]);

const call = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });
const col = (...nameParts: string[]): Expr => ({ kind: "column", nameParts });
const and = (es: readonly Expr[]): Expr => es.reduce((a, b) => call("and", a, b));
const FALSE: Expr = { kind: "literal", value: false, type: { kind: "boolean" } };

/** A placeholder for subquery `id` (`IN` takes the left-hand value first). */
export const placeholder = (name: string, id: number, ...args: Expr[]): Expr => call(name, ...args, intLiteral(id));

const placeholderId = (e: Expr): number => {
  const last = (e as { args: readonly Expr[] }).args.at(-1) as { value: number };
  return last.value;
};

export function containsSubquery(e: Expr): boolean {
  let found = false;
  rewriteExpr(e, (x) => {
    if (x.kind === "call" && PLACEHOLDERS.has(x.name)) found = true;
    return found ? x : undefined;
  });
  return found;
}

export function unsupportedSubquery(where: string): SluiceError {
  return new SluiceError(
    "unsupported",
    "UNSUPPORTED_FEATURE",
    `[UNSUPPORTED_FEATURE] Subquery expressions ${where} are not supported by Sluice; use them in WHERE (IN / EXISTS as top-level AND-ed conditions) or as scalar values in the SELECT list and WHERE.`,
  );
}

function conjuncts(e: Expr): Expr[] {
  return e.kind === "call" && e.name === "and" && e.args.length === 2 ? [...conjuncts(e.args[0]!), ...conjuncts(e.args[1]!)] : [e];
}

/** Names the inner FROM's relations can be qualified by (aliases and table names). */
function relationNames(p: LogicalPlan, out: Set<string>): Set<string> {
  if (p.kind === "subqueryAlias") out.add(p.alias.toLowerCase());
  else if (p.kind === "namedRelation") out.add(p.nameParts.at(-1)!.toLowerCase());
  else if (p.kind === "join") (relationNames(p.left, out), relationNames(p.right, out));
  else if (p.kind === "filter" || p.kind === "withWatermark") relationNames(p.input, out);
  return out;
}

export class SubqueryRewriter {
  /** `plans`: subquery plans by placeholder id; `nextAlias`: a counter shared by the whole statement. */
  constructor(
    private readonly plans: ReadonlyMap<number, LogicalPlan>,
    private readonly nextAlias: () => number,
  ) {}

  private plan(id: number): LogicalPlan {
    return this.plans.get(id)!;
  }
  private fresh(): string {
    return `__sluice_sq${this.nextAlias()}`;
  }

  /** Rewrite WHERE and select items of one block over `from`. */
  rewrite(from: LogicalPlan, where: Expr | undefined, items: readonly Expr[]): { from: LogicalPlan; where?: Expr; items: Expr[] } {
    let plan = from;
    const rest: Expr[] = [];
    for (const c of where === undefined ? [] : conjuncts(where)) {
      const negated = c.kind === "call" && c.name === "not" && c.args.length === 1;
      const p = negated ? (c as { args: readonly Expr[] }).args[0]! : c;
      if (p.kind === "call" && p.name === EXISTS) plan = this.exists(plan, this.plan(placeholderId(p)), negated);
      else if (p.kind === "call" && p.name === IN) plan = this.inSubquery(plan, p.args[0]!, this.plan(placeholderId(p)), negated);
      else rest.push(c);
    }
    const scalar = (e: Expr): Expr =>
      rewriteExpr(e, (x) => {
        if (x.kind !== "call" || !PLACEHOLDERS.has(x.name)) return undefined;
        if (x.name !== SCALAR) throw unsupportedSubquery("nested in OR, CASE or other expressions (IN / EXISTS)");
        const r = this.scalar(plan, this.plan(placeholderId(x)));
        plan = r.plan;
        return r.value;
      });
    const newRest = rest.map(scalar);
    const newItems = items.map((it) => (it.kind === "call" && it.name === SCALAR ? { kind: "alias" as const, child: scalar(it), name: "scalarsubquery()" } : scalar(it)));
    return { from: plan, items: newItems, ...(newRest.length > 0 ? { where: and(newRest) } : {}) };
  }

  private exists(outer: LogicalPlan, sub: LogicalPlan, negated: boolean): LogicalPlan {
    const joinType = negated ? "left_anti" : "left_semi";
    // SELECT ... FROM r WHERE cond (no aggregate): join r on cond, which may name outer columns.
    if (sub.kind === "project" && sub.input.kind === "filter") {
      return node({ kind: "join", left: outer, right: sub.input.input, joinType, condition: sub.input.condition });
    }
    return node({ kind: "join", left: outer, right: sub, joinType });
  }

  private inSubquery(outer: LogicalPlan, value: Expr, sub: LogicalPlan, negated: boolean): LogicalPlan {
    const values = value.kind === "call" && value.name === "named_struct" ? value.args.filter((_, i) => i % 2 === 1) : [value];
    const alias = this.fresh();
    const names = values.map((_, i) => `${alias}_${i}`);
    const right = node({ kind: "subqueryAlias", input: sub, alias, columnNames: names });
    const eq = and(values.map((v, i) => call("eq", v, col(alias, names[i]!))));
    const condition = negated ? call("or", eq, call("isnull", eq)) : eq;
    return node({ kind: "join", left: outer, right, joinType: negated ? "left_anti" : "left_semi", condition });
  }

  private scalar(outer: LogicalPlan, sub: LogicalPlan): { plan: LogicalPlan; value: Expr } {
    const correlated = this.correlatedParts(sub);
    const alias = this.fresh();
    if (correlated === undefined) {
      const one: LogicalPlan = node({ kind: "subqueryAlias", input: sub, alias: `${alias}_in`, columnNames: ["v"] });
      const agg: LogicalPlan = node({ kind: "aggregate", input: one, groupBy: [] as Expr[], aggs: [{ kind: "alias", child: call(SCALAR_SUBQUERY_AGG, col("v")), name: "v" }] });
      const right: LogicalPlan = node({ kind: "subqueryAlias", input: agg, alias });
      return { plan: node({ kind: "join", left: outer, right, joinType: "cross" }), value: col(alias, "v") };
    }
    // Correlated: GROUP BY the inner keys, left join on them; no match → the value on no rows.
    const { item, from, local, keys } = correlated;
    const filtered = local.length > 0 ? node({ kind: "filter", input: from, condition: and(local) }) : from;
    const aggs: Expr[] = [{ kind: "alias", child: item, name: "v" }, { kind: "alias", child: { kind: "literal", value: true, type: { kind: "boolean" } }, name: "m" }];
    keys.forEach(([inner], i) => aggs.push({ kind: "alias", child: inner, name: `k${i}` }));
    const grouped = node({ kind: "aggregate", input: filtered, groupBy: keys.map(([inner]) => inner), aggs });
    const right = node({ kind: "subqueryAlias", input: grouped, alias });
    const condition = and(keys.map(([, o], i) => call("eq", o, col(alias, `k${i}`))));
    let plan: LogicalPlan = node({ kind: "join", left: outer, right, joinType: "left", condition });
    const empty = this.scalar(plan, node({ kind: "aggregate", input: node({ kind: "filter", input: from, condition: FALSE }), groupBy: [], aggs: [item] }));
    plan = empty.plan;
    const value: Expr = { kind: "case", branches: [[call("isnull", col(alias, "m")), empty.value]], otherwise: col(alias, "v") };
    return { plan, value };
  }

  /**
   * `SELECT agg FROM r WHERE ... AND inner.k = outer.k ...` with one aggregate item and no GROUP BY:
   * the correlated equalities (one side qualified by a relation of r, the other qualified by
   * another name) and the local conjuncts. Undefined when nothing is correlated.
   */
  private correlatedParts(sub: LogicalPlan): { item: Expr; from: LogicalPlan; local: Expr[]; keys: [Expr, Expr][] } | undefined {
    if (sub.kind !== "aggregate" || sub.groupBy.length > 0 || sub.aggs.length !== 1 || sub.input.kind !== "filter") return undefined;
    const from = sub.input.input;
    const inner = relationNames(from, new Set());
    const side = (e: Expr): "in" | "out" | undefined =>
      e.kind === "column" && e.nameParts.length === 2 ? (inner.has(e.nameParts[0]!.toLowerCase()) ? "in" : "out") : undefined;
    const local: Expr[] = [];
    const keys: [Expr, Expr][] = [];
    for (const c of conjuncts(sub.input.condition)) {
      if (c.kind === "call" && c.name === "eq" && c.args.length === 2) {
        const [a, b] = c.args as [Expr, Expr];
        if (side(a) === "in" && side(b) === "out") {
          keys.push([a, b]);
          continue;
        }
        if (side(a) === "out" && side(b) === "in") {
          keys.push([b, a]);
          continue;
        }
      }
      local.push(c);
    }
    if (keys.length === 0) return undefined;
    const item = sub.aggs[0]!;
    return { item: item.kind === "alias" ? item.child : item, from, local, keys };
  }
}
