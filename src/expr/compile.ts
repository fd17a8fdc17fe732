/**
 * Compiles resolved expressions (RExpr) once per plan into column-at-a-time closures
 * (ColumnBatch → Vector). Literals become constant vectors (cached per batch size), refs return
 * the batch's column, casts go through cast.ts, calls through their ScalarFunction's kernel.
 *
 * CASE WHEN evaluates lazily, as Spark does: each condition only sees the rows no earlier branch
 * took, and each value only the rows that take its branch, so an error in a branch (division by
 * zero under ANSI) fires only for rows that reach it.
 *
 * Lambdas: a lambda compiles to its body's closure. Higher-order functions evaluate it over an
 * "expanded" batch (outer columns repeated per element) whose lambda variables are bound by name
 * in `lambdaBindings`; a `lambdaVar` reads its vector from there, so nesting and shadowing follow
 * SQL scoping.
 */
import { internalError } from "../common/errors.js";
import type { ColumnBatch } from "../columnar/column-batch.js";
import { constantVector, type Vector } from "../columnar/vector.js";
import { castVector } from "./cast.js";
import type { CompiledExpr, EvalContext } from "./function-types.js";
import { allocOut, evalOnRows, finishOut, lambdaBindings, scatter } from "./functions/kernel.js";
import type { RCase, RExpr } from "./resolved-expr.js";

type Compilers = { [K in RExpr["kind"]]: (e: Extract<RExpr, { kind: K }>, ctx: EvalContext) => CompiledExpr };

const compilers: Compilers = {
  ref: (e) => {
    const index = e.index;
    return (batch) => {
      const c = batch.columns[index];
      if (c === undefined) throw internalError(`Column #${index} (${e.name}) is not in the batch`);
      return c;
    };
  },
  literal: (e) => {
    let cached: Vector | null = null;
    return (batch) => {
      const n = batch.numRows;
      if (cached === null || cached.length !== n) cached = constantVector(e.type, e.value, n);
      return cached;
    };
  },
  call: (e, ctx) => e.fn.compile(e.args.map((a) => compileExpr(a, ctx)), e.args, e.type, ctx),
  cast: (e, ctx) => {
    const child = compileExpr(e.child, ctx);
    const to = e.type;
    const mode = e.mode;
    return (batch) => castVector(child(batch), to, mode, ctx);
  },
  case: (e, ctx) => compileCase(e, ctx),
  lambda: (e, ctx) => compileExpr(e.body, ctx),
  lambdaVar: (e) => {
    const name = e.name;
    return (batch) => {
      const v = lambdaBindings.get(batch)?.get(name);
      if (v === undefined) throw internalError(`Lambda variable ${name} is not bound`);
      return v;
    };
  },
};

/** Compile an expression into a closure over batches; call once per plan, run per batch. */
export function compileExpr(e: RExpr, ctx: EvalContext): CompiledExpr {
  return (compilers[e.kind] as (e: RExpr, ctx: EvalContext) => CompiledExpr)(e, ctx);
}

function compileCase(e: RCase, ctx: EvalContext): CompiledExpr {
  const branches = e.branches.map(([c, v]) => [compileExpr(c, ctx), compileExpr(v, ctx)] as const);
  const otherwise = e.otherwise ? compileExpr(e.otherwise, ctx) : null;
  const type = e.type;
  return (batch: ColumnBatch) => {
    const n = batch.numRows;
    const out = allocOut(type, n);
    // `remaining` = rows (of the original batch) that no branch has taken yet; null = all rows.
    let remaining: Int32Array | null = null;
    let remainingCount = n;
    for (const [cond, value] of branches) {
      if (remainingCount === 0) break;
      const c = evalOnRows(cond, batch, remaining);
      const cv = c.values as Uint8Array;
      let taken = 0;
      for (let j = 0; j < remainingCount; j++) if (cv[j] === 1 && (c.validity === null || c.validity[j] === 1)) taken++;
      if (taken === 0) continue;
      const takenRows = new Int32Array(taken);
      const rest = new Int32Array(remainingCount - taken);
      let t = 0;
      let r = 0;
      for (let j = 0; j < remainingCount; j++) {
        const row = remaining === null ? j : remaining[j]!;
        if (cv[j] === 1 && (c.validity === null || c.validity[j] === 1)) takenRows[t++] = row;
        else rest[r++] = row;
      }
      const allRows = remaining === null && taken === n;
      const v = evalOnRows(value, batch, allRows ? null : takenRows);
      if (allRows) return v.type === type ? v : { ...v, type };
      scatter(v, takenRows, out.values, out.validity);
      remaining = rest;
      remainingCount = rest.length;
    }
    if (otherwise && remainingCount > 0) {
      if (remaining === null) {
        const v = otherwise(batch);
        return v.type === type ? v : { ...v, type };
      }
      scatter(evalOnRows(otherwise, batch, remaining), remaining, out.values, out.validity);
    }
    return finishOut(type, out);
  };
}
