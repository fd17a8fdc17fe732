/**
 * join → RJoin. Output is left then right columns (semi/anti: left only); outer joins make the
 * other side's columns nullable. The condition's AND-ed conjuncts of the form `l = r` or
 * `l <=> r` (one side reading only left columns, the other only right) become equi keys —
 * leftKeys over the left input, rightKeys over the right input, `nullSafe` marking the `<=>`
 * ones, whose null keys match each other (Spark's ExtractEquiJoinKeys) — and the rest is the
 * residual `condition` over [left..., right...]. `using` columns are equi keys shown once, first, as Spark does (a full
 * outer join shows coalesce(l.k, r.k)).
 */
import { analysisError } from "../../common/errors.js";
import type { Expr } from "../../expr/expr.js";
import type { RCall, RExpr } from "../../expr/resolved-expr.js";
import { commonType } from "../../types/coercion.js";
import { sameType, sqlTypeName } from "../../types/data-type.js";
import type { Join } from "../logical-plan.js";
import type { Attribute, ResolvedPlan } from "../resolved-plan.js";
import type { AnalyzeContext } from "./context.js";
import { ExprResolver, implicitCast, nullableOf } from "./resolve-expr.js";
import { mapRefs, refIndices } from "./rexpr-utils.js";
import { findColumn, newAttribute, quoteParts } from "./scope.js";

const JOIN_NAMES: Record<Join["joinType"], string> = {
  inner: "Inner",
  left: "LeftOuter",
  right: "RightOuter",
  full: "FullOuter",
  left_semi: "LeftSemi",
  left_anti: "LeftAnti",
  cross: "Cross",
};
export const joinTypeName = (t: Join["joinType"]): string => JOIN_NAMES[t];

function joinOutput(left: ResolvedPlan, right: ResolvedPlan, type: Join["joinType"]): Attribute[] {
  const nullable = (attrs: readonly Attribute[], on: boolean): Attribute[] => (on ? attrs.map((a) => ({ ...a, nullable: true })) : [...attrs]);
  if (type === "left_semi" || type === "left_anti") return [...left.output];
  return [...nullable(left.output, type === "right" || type === "full"), ...nullable(right.output, type === "left" || type === "full")];
}

export function resolveJoin(ctx: AnalyzeContext, p: Join): ResolvedPlan {
  const left = ctx.analyze(p.left);
  const right = ctx.analyze(p.right);
  const env = ctx.env;
  const nLeft = left.output.length;
  if (p.using && p.using.length > 0) return resolveUsingJoin(ctx, p, left, right);
  const output = joinOutput(left, right, p.joinType);
  if (!p.condition) return { kind: "join", left, right, joinType: p.joinType, leftKeys: [], rightKeys: [], nullSafe: [], output };

  const both = [...left.output, ...right.output];
  const resolver = new ExprResolver(env, both, "join", (e, r) => selfJoinEquality(e, r, left, right));
  const cond = resolver.resolve(p.condition);
  if (cond.type.kind !== "boolean") {
    throw analysisError("DATATYPE_MISMATCH", `Join condition "${resolver.name(p.condition)}" must be BOOLEAN, but it is "${sqlTypeName(cond.type)}".`);
  }
  const leftKeys: RExpr[] = [];
  const rightKeys: RExpr[] = [];
  const nullSafe: boolean[] = [];
  const residual: RExpr[] = [];
  for (const c of conjuncts(cond)) {
    if (c.kind === "call" && (c.fn.name === "eq" || c.fn.name === "eq_null_safe") && c.args.length === 2) {
      const [a, b] = c.args as [RExpr, RExpr];
      const side = (x: RExpr): "l" | "r" | "both" | "none" => {
        const ix = [...refIndices(x)];
        if (ix.length === 0) return "none";
        if (ix.every((i) => i < nLeft)) return "l";
        if (ix.every((i) => i >= nLeft)) return "r";
        return "both";
      };
      const sa = side(a);
      const sb = side(b);
      const shift = (x: RExpr): RExpr => mapRefs(x, (i) => i - nLeft);
      if ((sa === "l" && sb === "r") || (sa === "r" && sb === "l")) {
        leftKeys.push(sa === "l" ? a : b);
        rightKeys.push(shift(sa === "l" ? b : a));
        nullSafe.push(c.fn.name === "eq_null_safe");
        continue;
      }
    }
    residual.push(c);
  }
  const condition = residual.length === 0 ? undefined : residual.reduce((acc, c) => andOf(cond, acc, c));
  return { kind: "join", left, right, joinType: p.joinType, leftKeys, rightKeys, nullSafe, ...(condition ? { condition } : {}), output };
}

function conjuncts(r: RExpr): RExpr[] {
  return r.kind === "call" && r.fn.name === "and" && r.args.length === 2 ? [...conjuncts(r.args[0]!), ...conjuncts(r.args[1]!)] : [r];
}

/** Rebuild `a AND b` with the `and` function found in the original condition. */
function andOf(original: RExpr, a: RExpr, b: RExpr): RExpr {
  const fn = findAnd(original);
  if (!fn) return a;
  return { kind: "call", fn: fn.fn, args: [a, b], type: fn.type, nullable: nullableOf(a) || nullableOf(b) };
}
function findAnd(r: RExpr): RCall | undefined {
  if (r.kind === "call" && r.fn.name === "and") return r;
  return undefined;
}

/**
 * `df.col("id") === df2.col("id")` where df2 derives from df: both refs carry the same exprId,
 * present on both sides. Resolve the left operand on the left and the right one on the right
 * (Spark's self-join disambiguation for trivially-true conditions).
 */
function selfJoinEquality(e: Expr, r: ExprResolver, left: ResolvedPlan, right: ResolvedPlan): RExpr | undefined {
  if (e.kind !== "call" || (e.name !== "eq" && e.name !== "eq_null_safe") || e.args.length !== 2) return undefined;
  const [a, b] = e.args as [Expr, Expr];
  if (a.kind !== "column" || b.kind !== "column" || a.exprId === undefined || a.exprId !== b.exprId) return undefined;
  const onLeft = left.output.some((x) => x.exprId === a.exprId);
  const onRight = right.output.some((x) => x.exprId === a.exprId);
  if (!onLeft || !onRight) return undefined;
  const l = new ExprResolver(r.env, left.output).resolve(a);
  const rr = mapRefs(new ExprResolver(r.env, right.output).resolve(b), (i) => i + left.output.length);
  return r.callFunction(e.name, [l, rr]);
}

function resolveUsingJoin(ctx: AnalyzeContext, p: Join, left: ResolvedPlan, right: ResolvedPlan): ResolvedPlan {
  const env = ctx.env;
  const lr = new ExprResolver(env, left.output);
  const rr = new ExprResolver(env, right.output);
  const leftKeys: RExpr[] = [];
  const rightKeys: RExpr[] = [];
  const li: number[] = [];
  const ri: number[] = [];
  for (const name of p.using!) {
    const find = (plan: ResolvedPlan, sideName: string): number => {
      const m = findColumn(plan.output, [name], env.caseSensitive);
      if (!m) {
        throw analysisError(
          "UNRESOLVED_USING_COLUMN_FOR_JOIN",
          `USING column ${quoteParts([name])} cannot be resolved on the ${sideName} side of the join. The ${sideName}-side columns: [${plan.output.map((a) => quoteParts([a.name])).join(", ")}].`,
          { column: name },
        );
      }
      return m.index;
    };
    const l = find(left, "left");
    const r = find(right, "right");
    let lk = lr.ref(l);
    let rk = rr.ref(r);
    if (!sameType(lk.type, rk.type)) {
      const t = commonType([lk.type, rk.type]);
      if (!t) {
        throw analysisError(
          "DATATYPE_MISMATCH",
          `USING column ${quoteParts([name])} has incompatible types "${sqlTypeName(lk.type)}" (left) and "${sqlTypeName(rk.type)}" (right).`,
          { column: name },
        );
      }
      lk = sameType(lk.type, t) ? lk : implicitCast(lk, t);
      rk = sameType(rk.type, t) ? rk : implicitCast(rk, t);
    }
    leftKeys.push(lk);
    rightKeys.push(rk);
    li.push(l);
    ri.push(r);
  }
  const raw = joinOutput(left, right, p.joinType);
  const join: ResolvedPlan = { kind: "join", left, right, joinType: p.joinType, leftKeys, rightKeys, nullSafe: leftKeys.map(() => false), output: raw };
  const over = new ExprResolver(env, raw);
  const nLeft = left.output.length;
  const exprs: RExpr[] = [];
  const output: Attribute[] = [];
  const semi = p.joinType === "left_semi" || p.joinType === "left_anti";
  li.forEach((l, k) => {
    const r = ri[k]!;
    const qualifiers = [...raw[l]!.qualifiers, ...(semi ? [] : raw[nLeft + r]!.qualifiers)];
    if (p.joinType === "full") {
      const c = over.callFunction("coalesce", [over.ref(l), over.ref(nLeft + r)]);
      exprs.push(c);
      output.push(newAttribute(raw[l]!.name, c.type, raw[l]!.nullable && raw[nLeft + r]!.nullable, { qualifiers }));
    } else {
      const idx = p.joinType === "right" ? nLeft + r : l;
      exprs.push(over.ref(idx));
      output.push({ ...raw[idx]!, qualifiers });
    }
  });
  for (let i = 0; i < nLeft; i++) {
    if (li.includes(i)) continue;
    exprs.push(over.ref(i));
    output.push(raw[i]!);
  }
  if (!semi) {
    for (let i = 0; i < right.output.length; i++) {
      if (ri.includes(i)) continue;
      exprs.push(over.ref(nLeft + i));
      output.push(raw[nLeft + i]!);
    }
  }
  return { kind: "project", input: join, exprs, output };
}
