/**
 * Readable one-line forms of resolved expressions for `describe()` lines (explain output), and the
 * `Compiler` type every Exec takes so that tests can compile with a small shim.
 */
import type { CompiledExpr } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import { simpleString } from "../../types/data-type.js";
import type { RSortOrder } from "../../plan/resolved-plan.js";

/** Compiles a resolved expression once per plan (expr/compile.ts's compileExpr bound to a context). */
export type Compiler = (e: RExpr) => CompiledExpr;

const INFIX: Readonly<Record<string, string>> = {
  add: "+",
  subtract: "-",
  multiply: "*",
  divide: "/",
  mod: "%",
  div: "div",
  eq: "=",
  eq_null_safe: "<=>",
  neq: "!=",
  lt: "<",
  lte: "<=",
  gt: ">",
  gte: ">=",
  and: "AND",
  or: "OR",
};

export function exprToString(e: RExpr): string {
  switch (e.kind) {
    case "ref":
      return `${e.name}#${e.index}`;
    case "literal":
      return e.value === null ? "null" : typeof e.value === "string" ? JSON.stringify(e.value) : String(e.value);
    case "call": {
      const op = INFIX[e.fn.name];
      const args = e.args.map(exprToString);
      if (op !== undefined && args.length === 2) return `(${args[0]} ${op} ${args[1]})`;
      if (e.fn.name === "not" && args.length === 1) return `NOT ${args[0]}`;
      if (e.fn.name === "negative" && args.length === 1) return `-${args[0]}`;
      if (e.fn.name === "isnull" || e.fn.name === "isnotnull") return `${e.fn.name}(${args[0]})`;
      return `${e.fn.name}(${args.join(", ")})`;
    }
    case "cast":
      return `${e.mode === "try" ? "try_cast" : "cast"}(${exprToString(e.child)} as ${simpleString(e.type)})`;
    case "case":
      return `CASE ${e.branches.map(([w, t]) => `WHEN ${exprToString(w)} THEN ${exprToString(t)}`).join(" ")}${e.otherwise ? ` ELSE ${exprToString(e.otherwise)}` : ""} END`;
    case "lambda":
      return `lambda(${e.params.map((p) => p.name).join(", ")}) -> ${exprToString(e.body)}`;
    case "lambdaVar":
      return e.name;
  }
}

export const exprsToString = (es: readonly RExpr[]): string => es.map(exprToString).join(", ");

export const sortOrderToString = (o: RSortOrder): string =>
  `${exprToString(o.expr)} ${o.ascending ? "ASC" : "DESC"} NULLS ${o.nullsFirst ? "FIRST" : "LAST"}`;
