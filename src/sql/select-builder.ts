/**
 * One SELECT block → a LogicalPlan, in the order Spark evaluates its clauses:
 *   1. named WINDOW specs are substituted into `OVER w`;
 *   2. FROM, then WHERE → filter;
 *   3. with GROUP BY, HAVING or an aggregate in the list → aggregate (its aggs = the select list,
 *      its groupBy = the GROUP BY exprs with ordinals, aliases and ALL resolved); aggregates and
 *      grouping exprs in HAVING / ORDER BY that are not selected become hidden columns
 *      (`__sluice_hidden_N`), dropped again at the end;
 *      otherwise → project, with ORDER BY below it (alias references substituted) so it may use
 *      any input column, or above it when the list has DISTINCT, window functions or generators;
 *   4. HAVING → filter · DISTINCT → distinct · ORDER BY → sort.
 * LIMIT / OFFSET are applied by the caller (they also apply to set operations).
 */
import { SluiceError } from "../common/errors.js";
import type { Expr, SortOrderExpr, WindowSpecDef } from "../expr/expr.js";
import { type LogicalPlan, node } from "../plan/logical-plan.js";
import { type SubqueryRewriter, containsSubquery, unsupportedSubquery } from "./subqueries.js";
import { containsAggregate, containsWindow, isAggregateName, outputName, rewriteExpr, sameExpr } from "./expr-utils.js";

export interface GroupByClause {
  readonly exprs: readonly Expr[];
  readonly all: boolean;
  readonly grouping: "groupBy" | "rollup" | "cube";
}

export interface SelectBlock {
  readonly distinct: boolean;
  readonly items: readonly Expr[];
  readonly from: LogicalPlan;
  readonly where?: Expr;
  readonly groupBy?: GroupByClause;
  readonly having?: Expr;
  /** Named windows by lower-cased name. */
  readonly windows: ReadonlyMap<string, WindowSpecDef>;
  readonly orderBy?: readonly SortOrderExpr[];
  /** Turns subquery placeholders in WHERE and the select list into joins (subqueries.ts). */
  readonly subqueries?: SubqueryRewriter;
}

export const HIDDEN_PREFIX = "__sluice_hidden_";
const GENERATORS = new Set(["explode", "explode_outer", "posexplode", "posexplode_outer", "inline", "inline_outer", "stack"]);

const unalias = (e: Expr): Expr => (e.kind === "alias" ? e.child : e);
const isOrdinal = (e: Expr): e is Expr & { kind: "literal"; value: number } => e.kind === "literal" && e.type.kind === "int" && typeof e.value === "number";

function err(code: string, message: string): SluiceError {
  return new SluiceError("analysis", code, `[${code}] ${message}`);
}

/** Replace `OVER w` with the WINDOW clause's spec `w`. */
export function substituteWindows(e: Expr, windows: ReadonlyMap<string, WindowSpecDef>): Expr {
  return rewriteExpr(e, (x) => {
    if (x.kind !== "window" || x.spec.name === undefined) return undefined;
    const spec = windows.get(x.spec.name.toLowerCase());
    if (spec === undefined) {
      throw err("MISSING_WINDOW_SPECIFICATION", `Window specification ${x.spec.name} is not defined in the WINDOW clause; add WINDOW ${x.spec.name} AS (...).`);
    }
    return { kind: "window", fn: substituteWindows(x.fn, windows), spec };
  });
}

function aliasTarget(e: Expr, items: readonly Expr[]): Expr | undefined {
  if (e.kind !== "column" || e.nameParts.length !== 1) return undefined;
  const name = e.nameParts[0]!.toLowerCase();
  const item = items.find((i) => i.kind === "alias" && i.name.toLowerCase() === name);
  return item === undefined ? undefined : unalias(item);
}

function ordinalItem(e: Expr, items: readonly Expr[], clause: string): Expr | undefined {
  if (!isOrdinal(e)) return undefined;
  const item = items[e.value - 1];
  if (item === undefined) {
    throw err(`${clause}_POS_OUT_OF_RANGE`, `${clause.replace("_", " ")} position ${e.value} is not in select list (valid range is [1, ${items.length}]).`);
  }
  if (item.kind === "star") throw err("UNSUPPORTED_FEATURE", `${clause.replace("_", " ")} position ${e.value} refers to a '*'; name the columns instead.`);
  return item;
}

export function buildSelect(b: SelectBlock): LogicalPlan {
  const w = (e: Expr): Expr => substituteWindows(e, b.windows);
  let items = b.items.map(w);
  const having = b.having === undefined ? undefined : w(b.having);
  const orderBy = b.orderBy?.map((o) => w(o) as SortOrderExpr);
  let plan = b.from;
  let where = b.where;
  if (b.subqueries !== undefined) {
    if ([having, ...(orderBy ?? []), ...(b.groupBy?.exprs ?? [])].some((e) => e !== undefined && containsSubquery(e))) {
      throw unsupportedSubquery("in GROUP BY, HAVING or ORDER BY");
    }
    if ((where !== undefined && containsSubquery(where)) || items.some(containsSubquery)) {
      const r = b.subqueries.rewrite(plan, where, items);
      plan = r.from;
      where = r.where;
      items = r.items;
    }
  }
  if (where !== undefined) plan = node({ kind: "filter", input: plan, condition: where });
  const isAgg = b.groupBy !== undefined || having !== undefined || items.some(containsAggregate);
  if (isAgg) return buildAggregate(plan, items, b, having, orderBy);

  const sortAbove = b.distinct || items.some(containsWindow) || items.some((i) => containsGenerator(unalias(i)));
  if (orderBy !== undefined && !sortAbove) {
    const order = orderBy.map((o): SortOrderExpr => {
      const item = ordinalItem(o.child, items, "ORDER_BY");
      return { ...o, child: item !== undefined ? unalias(item) : (aliasTarget(o.child, items) ?? o.child) };
    });
    plan = node({ kind: "sort", input: plan, order });
  }
  plan = node({ kind: "project", input: plan, exprs: items });
  if (b.distinct) plan = node({ kind: "distinct", input: plan });
  if (orderBy !== undefined && sortAbove) {
    const order = orderBy.map((o): SortOrderExpr => {
      const item = ordinalItem(o.child, items, "ORDER_BY");
      if (item === undefined) return o;
      const name = outputName(item);
      return { ...o, child: name === undefined ? item : { kind: "column", nameParts: [name] } };
    });
    plan = node({ kind: "sort", input: plan, order });
  }
  return plan;
}

function containsGenerator(e: Expr): boolean {
  let found = false;
  rewriteExpr(e, (x) => {
    if (x.kind === "call" && GENERATORS.has(x.name)) found = true;
    return found ? x : undefined;
  });
  return found;
}

function buildAggregate(
  input: LogicalPlan,
  items: readonly Expr[],
  b: SelectBlock,
  having: Expr | undefined,
  orderBy: readonly SortOrderExpr[] | undefined,
): LogicalPlan {
  let groupBy: Expr[] = [];
  if (b.groupBy?.all) groupBy = items.filter((i) => !containsAggregate(i) && i.kind !== "star").map(unalias);
  else if (b.groupBy !== undefined) {
    groupBy = b.groupBy.exprs.map((g) => {
      const item = ordinalItem(g, items, "GROUP_BY");
      if (item !== undefined) {
        if (containsAggregate(item)) throw err("GROUP_BY_POS_AGGREGATE", `GROUP BY position ${(g as { value: number }).value} refers to an aggregate expression; group by a column or expression instead.`);
        return unalias(item);
      }
      return aliasTarget(g, items) ?? g;
    });
  }
  // `GROUP BY window(ts, ...)`: the select list reads it as a column `window` (`window.start`).
  for (const g of groupBy) {
    if (g.kind !== "call" || (g.name !== "window" && g.name !== "session_window")) continue;
    const asColumn = (e: Expr): Expr =>
      rewriteExpr(e, (x) => {
        if (x.kind !== "column" || x.nameParts[0]!.toLowerCase() !== g.name) return undefined;
        if (x.nameParts.length === 1) return g;
        return x.nameParts.slice(1).reduce<Expr>((acc, f) => ({ kind: "extract", child: acc, key: { kind: "literal", value: f, type: { kind: "string" } } }), g);
      });
    items = items.map((i) => (i.kind === "column" && i.nameParts.length === 1 && i.nameParts[0]!.toLowerCase() === g.name ? { kind: "alias", child: g, name: g.name } : asColumn(i)));
    if (having !== undefined) having = asColumn(having);
    if (orderBy !== undefined) orderBy = orderBy.map((o) => ({ ...o, child: asColumn(o.child) }));
  }
  const hidden: Expr[] = [];
  // Point HAVING / ORDER BY at output columns, hiding aggregates and grouping exprs not selected.
  const toOutput = (e: Expr): Expr =>
    rewriteExpr(
      e,
      (x) => {
        if (x.kind === "lambda") return x;
        if (x.kind === "column" && x.nameParts.length === 1 && items.some((i) => outputName(i)?.toLowerCase() === x.nameParts[0]!.toLowerCase())) return x;
        const selected = items.find((i) => sameExpr(unalias(i), x));
        const named = selected === undefined ? undefined : outputName(selected);
        if (named !== undefined) return { kind: "column", nameParts: [named] };
        if ((x.kind === "call" && isAggregateName(x.name)) || groupBy.some((g) => sameExpr(g, x))) {
          const name = `${HIDDEN_PREFIX}${hidden.length}`;
          hidden.push({ kind: "alias", child: x, name });
          return { kind: "column", nameParts: [name] };
        }
        return undefined;
      },
      false,
    );
  const havingOut = having === undefined ? undefined : toOutput(having);
  const havingHidden = hidden.length;
  let order: SortOrderExpr[] | undefined;
  if (orderBy !== undefined) {
    order = orderBy.map((o): SortOrderExpr => {
      const item = ordinalItem(o.child, items, "ORDER_BY");
      if (item === undefined) return { ...o, child: b.distinct ? o.child : toOutput(o.child) };
      const name = outputName(item);
      return { ...o, child: name !== undefined ? { kind: "column", nameParts: [name] } : b.distinct ? unalias(item) : toOutput(unalias(item)) };
    });
  }
  let plan: LogicalPlan = node({
    kind: "aggregate",
    input,
    groupBy,
    aggs: [...items, ...hidden],
    ...(b.groupBy && b.groupBy.grouping !== "groupBy" ? { grouping: b.groupBy.grouping } : {}),
  });
  if (havingOut !== undefined) plan = node({ kind: "filter", input: plan, condition: havingOut });
  const drop = (names: number): LogicalPlan =>
    node({ kind: "drop", input: plan, columns: Array.from({ length: names }, (_, i) => `${HIDDEN_PREFIX}${i}`) });
  if (b.distinct) {
    if (havingHidden > 0) plan = drop(havingHidden);
    plan = node({ kind: "distinct", input: plan });
    if (order !== undefined) plan = node({ kind: "sort", input: plan, order });
    return plan;
  }
  if (order !== undefined) plan = node({ kind: "sort", input: plan, order });
  if (hidden.length > 0) plan = drop(hidden.length);
  return plan;
}
