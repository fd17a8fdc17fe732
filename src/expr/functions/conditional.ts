/**
 * Conditional functions: coalesce, nvl/ifnull, nvl2, nullif, if, greatest, least, nanvl.
 * `if` and `coalesce` are lazy like CASE: a later argument is evaluated only for the rows that
 * need it, so `coalesce(x, 1/0)` does not fail where x is not null.
 */
import { makeVector, type Vector } from "../../columnar/vector.js";
import { BooleanType, type DataType } from "../../types/data-type.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { compareValues } from "./compare-values.js";
import { allocOut, checkArity, define, evalOnRows, finishOut, mapRows, scatter, typeMismatch } from "./kernel.js";
import { commonTypeOf } from "./numeric-types.js";

function common(name: string, args: readonly ArgInfo[], from = 0): DataType {
  const t = commonTypeOf(args.slice(from).map((a) => a.type));
  if (!t) typeMismatch(name, from + 1, args[from + 1]?.type ?? args[from]!.type, "arguments of one common type");
  return t!;
}

function resolveCoalesce(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, name === "coalesce" ? 1 : 2, name === "coalesce" ? Infinity : 2);
  const t = common(name, args);
  return { argTypes: args.map(() => t), returnType: t, nullable: args.every((a) => a.nullable) };
}

/** coalesce: first non-null, evaluating each argument only on rows still null. */
function compileCoalesce(args: readonly CompiledExpr[], _e: readonly RExpr[], rt: DataType): CompiledExpr {
  return (batch) => {
    const first = args[0]!(batch);
    if (first.validity === null || args.length === 1) return retype(first, rt);
    const n = batch.numRows;
    const out = allocOut(rt, n);
    scatter(first, null, out.values, out.validity);
    for (let k = 1; k < args.length; k++) {
      let missing = 0;
      for (let i = 0; i < n; i++) if (out.validity[i] === 0) missing++;
      if (missing === 0) break;
      const rows = new Int32Array(missing);
      let j = 0;
      for (let i = 0; i < n; i++) if (out.validity[i] === 0) rows[j++] = i;
      scatter(evalOnRows(args[k]!, batch, rows), rows, out.values, out.validity);
    }
    return finishOut(rt, out);
  };
}

const retype = (v: Vector, t: DataType): Vector => (v.type === t ? v : makeVector(t, v.values, v.validity));

function resolveIf(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 3);
  if (args[0]!.type.kind !== "boolean" && args[0]!.type.kind !== "null") typeMismatch(name, 0, args[0]!.type, "BOOLEAN");
  const t = common(name, args, 1);
  return { argTypes: [BooleanType, t, t], returnType: t };
}

function compileIf(args: readonly CompiledExpr[], _e: readonly RExpr[], rt: DataType): CompiledExpr {
  const [fc, ft, ff] = [args[0]!, args[1]!, args[2]!];
  return (batch) => {
    const c = fc(batch);
    const n = batch.numRows;
    const cv = c.values as Uint8Array;
    let t = 0;
    for (let i = 0; i < n; i++) if (cv[i] === 1 && (c.validity === null || c.validity[i] === 1)) t++;
    if (t === n) return retype(ft(batch), rt);
    if (t === 0) return retype(ff(batch), rt);
    const yes = new Int32Array(t);
    const no = new Int32Array(n - t);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (cv[i] === 1 && (c.validity === null || c.validity[i] === 1)) yes[a++] = i;
      else no[b++] = i;
    }
    const out = allocOut(rt, n);
    scatter(evalOnRows(ft, batch, yes), yes, out.values, out.validity);
    scatter(evalOnRows(ff, batch, no), no, out.values, out.validity);
    return finishOut(rt, out);
  };
}

function resolveNullif(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  const t = common(name, args);
  return { argTypes: [t, t], returnType: t };
}

function resolveNvl2(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 3);
  const t = common(name, args, 1);
  return { argTypes: [args[0]!.type, t, t], returnType: t };
}

function resolveExtreme(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2, Infinity);
  const t = common(name, args);
  return { argTypes: args.map(() => t), returnType: t, nullable: args.every((a) => a.nullable) };
}

function compileExtreme(args: readonly CompiledExpr[], _e: readonly RExpr[], rt: DataType, _ctx: EvalContext, name: string): CompiledExpr {
  const sign = name === "greatest" ? 1 : -1;
  return mapRows(
    args,
    rt,
    (vals) => {
      let best: unknown = null;
      for (const v of vals) if (v !== null && (best === null || sign * compareValues(rt, v, best) > 0)) best = v;
      return best;
    },
    false,
  );
}

function resolveNanvl(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  const t: DataType = args.every((a) => a.type.kind === "float" || a.type.kind === "null") ? { kind: "float" } : { kind: "double" };
  args.forEach((a, i) => {
    if (!["double", "float", "int", "bigint", "decimal", "null"].includes(a.type.kind)) typeMismatch(name, i, a.type, "DOUBLE or FLOAT");
  });
  return { argTypes: [t, t], returnType: t };
}

export const conditionalFunctions: ScalarFunction[] = [
  ...define(["coalesce", "nvl", "ifnull"], resolveCoalesce, compileCoalesce),
  ...define("if", resolveIf, compileIf),
  ...define("nullif", resolveNullif, (args, _e, rt) =>
    mapRows(args, rt, ([a, b]) => (a === null ? null : b !== null && compareValues(rt, a, b) === 0 ? null : a), false),
  ),
  ...define("nvl2", resolveNvl2, (args, _e, rt) => mapRows(args, rt, ([a, b, c]) => (a !== null ? b : c), false)),
  ...define(["greatest", "least"], resolveExtreme, compileExtreme),
  ...define("nanvl", resolveNanvl, (args, _e, rt) => mapRows(args, rt, ([a, b]) => (a === null ? null : Number.isNaN(a) ? b : a), false)),
];
