/**
 * orderBy/sort → RSort. As in Spark, a sort key may use a column the select list below dropped,
 * when the select's input has it: the column is carried through the projection as a hidden
 * column, sorted on, and projected away again.
 */
import type { SortOrderExpr } from "../../expr/expr.js";
import { SluiceError } from "../../common/errors.js";
import type { Attribute, RSortOrder, ResolvedPlan } from "../resolved-plan.js";
import type { AnalyzeContext } from "./context.js";
import { ExprResolver } from "./resolve-expr.js";
import { checkOrderableNotVariant } from "./variant-checks.js";

function orders(resolver: ExprResolver, order: readonly SortOrderExpr[]): RSortOrder[] {
  return order.map((o) => {
    const child = o.kind === "sortOrder" ? o.child : o;
    const expr = resolver.resolve(child);
    checkOrderableNotVariant(expr.type, resolver.name(child), "sortorder");
    return { expr, ascending: o.ascending ?? true, nullsFirst: o.nullsFirst ?? true };
  });
}

export function resolveSort(ctx: AnalyzeContext, input: ResolvedPlan, order: readonly SortOrderExpr[]): ResolvedPlan {
  try {
    return { kind: "sort", input, order: orders(new ExprResolver(ctx.env, input.output, "sort"), order), output: input.output };
  } catch (err) {
    if (!(err instanceof SluiceError) || err.code !== "UNRESOLVED_COLUMN" || input.kind !== "project") throw err;
    // Carry the project input's other columns through as hidden columns, then drop them.
    const below = input.input.output;
    const kept = new Set(input.output.map((a) => a.exprId));
    const hidden = below.map((a, i) => [a, i] as const).filter(([a]) => !kept.has(a.exprId));
    if (hidden.length === 0) throw err;
    const inner = new ExprResolver(ctx.env, below);
    const extended: ResolvedPlan = {
      ...input,
      exprs: [...input.exprs, ...hidden.map(([, i]) => inner.ref(i))],
      output: [...input.output, ...hidden.map(([a]) => a)],
    };
    let sorted: RSortOrder[];
    try {
      sorted = orders(new ExprResolver(ctx.env, extended.output, "sort"), order);
    } catch {
      throw err;
    }
    const sort: ResolvedPlan = { kind: "sort", input: extended, order: sorted, output: extended.output };
    const top = new ExprResolver(ctx.env, sort.output);
    const output: Attribute[] = [...input.output];
    return { kind: "project", input: sort, exprs: output.map((_, i) => top.ref(i)), output };
  }
}
