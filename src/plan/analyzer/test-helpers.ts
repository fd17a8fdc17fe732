/** Plan-building shorthands for analyzer tests (no dependency on DataFrame or the SQL parser). */
import { Column, toColumnExpr } from "../../expr/column.js";
import type { Expr } from "../../expr/expr.js";
import { literalExpr } from "../../expr/literal.js";
import { StructType } from "../../types/struct-type.js";
import { type LogicalPlan, node } from "../logical-plan.js";

export const rel = (ddl: string): LogicalPlan => node({ kind: "localRelation", schema: StructType.fromDDL(ddl), batches: [] });
export const c = (name: string): Column => new Column(toColumnExpr(name));
export const lit = (v: unknown): Column => new Column(literalExpr(v));
export const call = (name: string, ...args: Column[]): Column => new Column({ kind: "call", name, args: args.map((a) => a.expr) });
export const exprs = (cols: readonly (Column | string)[]): Expr[] => cols.map((x) => (typeof x === "string" ? toColumnExpr(x) : x.expr));
export const select = (input: LogicalPlan, ...cols: (Column | string)[]): LogicalPlan => node({ kind: "project", input, exprs: exprs(cols) });
export const filter = (input: LogicalPlan, cond: Column): LogicalPlan => node({ kind: "filter", input, condition: cond.expr });
export const alias = (input: LogicalPlan, name: string): LogicalPlan => node({ kind: "subqueryAlias", input, alias: name });
export const groupBy = (input: LogicalPlan, keys: (Column | string)[], aggs: (Column | string)[], grouping?: "rollup" | "cube"): LogicalPlan =>
  node({ kind: "aggregate", input, groupBy: exprs(keys), aggs: [...exprs(keys), ...exprs(aggs)], ...(grouping ? { grouping } : {}) });
