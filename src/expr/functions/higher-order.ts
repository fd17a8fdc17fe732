/**
 * Higher-order array functions: transform, filter, exists, forall, aggregate. The lambda body is
 * compiled once; each call evaluates it column-at-a-time over an expanded batch holding one row per
 * array element (outer columns repeated via `take`), with the lambda's parameters bound by name in
 * `lambdaBindings` (compile.ts reads them for `lambdaVar`). `aggregate` folds element k of every
 * row in step k, so it stays columnar across rows.
 */
import { analysisError } from "../../common/errors.js";
import { getValue, vectorFromValues } from "../../columnar/column-batch.js";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { ArrayType, BooleanType, type DataType, IntegerType } from "../../types/data-type.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import type { RExpr, RLambda } from "../resolved-expr.js";
import { checkArity, define, lambdaBindings, mapRows, subBatch, typeMismatch, valueAt } from "./kernel.js";

function lambdaOf(name: string, e: RExpr | undefined): RLambda {
  if (e?.kind !== "lambda") throw analysisError("DATATYPE_MISMATCH", `\`${name}\` expects a lambda function such as x -> x + 1 as its last argument.`, { function: name });
  return e;
}

/** Evaluate `body` once per element of the arrays in `arrays` (rows of `batch`). */
function evalPerElement(
  batch: ColumnBatch,
  arrays: Vector,
  lambda: RLambda,
  body: CompiledExpr,
): { parent: Int32Array; offsets: Int32Array; result: Vector } {
  const n = batch.numRows;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const a = valueAt(arrays, i) as unknown[] | null;
    offsets[i + 1] = offsets[i]! + (a ? a.length : 0);
  }
  const total = offsets[n]!;
  const parent = new Int32Array(total);
  const elems: unknown[] = new Array(total);
  const idx: number[] = new Array(total);
  for (let i = 0; i < n; i++) {
    const a = valueAt(arrays, i) as unknown[] | null;
    if (!a) continue;
    for (let j = 0; j < a.length; j++) {
      const k = offsets[i]! + j;
      parent[k] = i;
      elems[k] = a[j] ?? null;
      idx[k] = j;
    }
  }
  const expanded = subBatch(batch, parent);
  const vars = new Map(lambdaBindings.get(expanded) ?? []);
  vars.set(lambda.params[0]!.name, vectorFromValues(lambda.params[0]!.type, elems));
  if (lambda.params[1]) vars.set(lambda.params[1].name, vectorFromValues(IntegerType, idx));
  lambdaBindings.set(expanded, vars);
  return { parent, offsets, result: body(expanded) };
}

function resolveHof(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2, name === "aggregate" || name === "reduce" ? 4 : 2);
  if (args[0]!.type.kind !== "array" && args[0]!.type.kind !== "null") typeMismatch(name, 0, args[0]!.type, "an ARRAY");
  const argTypes = args.map((a) => a.type);
  switch (name) {
    case "transform":
      return { argTypes, returnType: ArrayType(args[1]!.type) };
    case "filter":
      return { argTypes, returnType: args[0]!.type };
    case "exists":
    case "forall":
      return { argTypes, returnType: BooleanType };
    default:
      return { argTypes, returnType: args.length === 4 ? args[3]!.type : args[1]!.type };
  }
}

function compileHof(args: readonly CompiledExpr[], argExprs: readonly RExpr[], rt: DataType, _ctx: EvalContext, name: string): CompiledExpr {
  if (name === "aggregate" || name === "reduce") return compileAggregate(args, argExprs, rt, name);
  const lambda = lambdaOf(name, argExprs[1]);
  const [arr, body] = [args[0]!, args[1]!];
  return (batch) => {
    const arrays = arr(batch);
    const { offsets, result } = evalPerElement(batch, arrays, lambda, body);
    const n = batch.numRows;
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      if (valueAt(arrays, i) === null) {
        out[i] = null;
        continue;
      }
      const from = offsets[i]!;
      const to = offsets[i + 1]!;
      if (name === "transform") {
        const r: unknown[] = new Array(to - from);
        for (let k = from; k < to; k++) r[k - from] = getValue(result, k);
        out[i] = r;
      } else if (name === "filter") {
        const a = valueAt(arrays, i) as unknown[];
        const r: unknown[] = [];
        for (let k = from; k < to; k++) if (getValue(result, k) === true) r.push(a[k - from]);
        out[i] = r;
      } else {
        const want = name === "exists";
        let sawNull = false;
        let hit = false;
        for (let k = from; k < to && !hit; k++) {
          const v = getValue(result, k);
          if (v === null) sawNull = true;
          else if (v === want) hit = true;
        }
        out[i] = hit ? want : sawNull ? null : !want;
      }
    }
    return vectorFromValues(rt, out);
  };
}

function compileAggregate(args: readonly CompiledExpr[], argExprs: readonly RExpr[], rt: DataType, name: string): CompiledExpr {
  const merge = lambdaOf(name, argExprs[2]);
  const finish = argExprs[3] ? lambdaOf(name, argExprs[3]) : null;
  const [arr, zero, mergeBody, finishBody] = args;
  const accType = argExprs[1]!.type;
  return (batch) => {
    const arrays = arr!(batch);
    const n = batch.numRows;
    const z = zero!(batch);
    let acc: unknown[] = Array.from({ length: n }, (_, i) => getValue(z, i));
    let maxLen = 0;
    for (let i = 0; i < n; i++) maxLen = Math.max(maxLen, ((valueAt(arrays, i) as unknown[] | null) ?? []).length);
    for (let k = 0; k < maxLen; k++) {
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (((valueAt(arrays, i) as unknown[] | null) ?? []).length > k) rows.push(i);
      const sub = subBatch(batch, Int32Array.from(rows));
      const vars = new Map(lambdaBindings.get(sub) ?? []);
      vars.set(merge.params[0]!.name, vectorFromValues(merge.params[0]!.type, rows.map((i) => acc[i])));
      vars.set(merge.params[1]!.name, vectorFromValues(merge.params[1]!.type, rows.map((i) => (valueAt(arrays, i) as unknown[])[k] ?? null)));
      lambdaBindings.set(sub, vars);
      const r = mergeBody!(sub);
      acc = [...acc];
      rows.forEach((i, j) => (acc[i] = getValue(r, j)));
    }
    let result: unknown[] = acc;
    if (finish && finishBody) {
      const all = subBatch(batch, Int32Array.from({ length: n }, (_, i) => i));
      const vars = new Map(lambdaBindings.get(all) ?? []);
      vars.set(finish.params[0]!.name, vectorFromValues(accType, acc));
      lambdaBindings.set(all, vars);
      const r = finishBody(all);
      result = Array.from({ length: n }, (_, i) => getValue(r, i));
    }
    for (let i = 0; i < n; i++) if (valueAt(arrays, i) === null) result[i] = null;
    return vectorFromValues(rt, result);
  };
}

export const higherOrderFunctions: ScalarFunction[] = [
  ...define(["transform", "filter", "exists", "forall", "aggregate", "reduce"], resolveHof, compileHof),
];

export { mapRows };
