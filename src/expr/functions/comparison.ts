/**
 * Comparison operators: eq, neq, lt, lte, gt, gte, eq_null_safe (`<=>`). Operands are cast to a
 * common type by the analyzer (numeric widening; a string next to a number/date/timestamp takes
 * the other side's type). Numbers compare with NaN largest and NaN = NaN; strings by code point.
 * Null in → null out, except `<=>` which is never null.
 */
import { makeVector, storageOf, type Vector } from "../../columnar/vector.js";
import { BooleanType, type DataType, simpleString } from "../../types/data-type.js";
import { analysisError } from "../../common/errors.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import { compareDoubles, compareStrings, compareValues } from "./compare-values.js";
import { checkArity, define, mergeValidity } from "./kernel.js";
import { comparisonType } from "./numeric-types.js";

type Cmp = "eq" | "neq" | "lt" | "lte" | "gt" | "gte" | "eq_null_safe";

export function resolveComparison(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  const t = comparisonType(args[0]!.type, args[1]!.type);
  if (args.some((a) => a.type.kind === "variant")) {
    throw analysisError("DATATYPE_MISMATCH", `Cannot resolve \`${name}\` due to data type mismatch: VARIANT values have no ordering or equality. Compare a value extracted with variant_get(v, '$.path', 'type') instead.`, { function: name, subclass: "INVALID_ORDERING_TYPE" });
  }
  if (!t || (t.kind === "map" && name !== "eq" && name !== "eq_null_safe" && name !== "neq")) {
    throw analysisError(
      "DATATYPE_MISMATCH",
      `Cannot compare ${simpleString(args[0]!.type).toUpperCase()} with ${simpleString(args[1]!.type).toUpperCase()} in \`${name}\`: the types differ. Cast one side to the other's type.`,
      { function: name },
    );
  }
  const argType = t.kind === "null" ? BooleanType : t;
  return { argTypes: [argType, argType], returnType: BooleanType, nullable: name === "eq_null_safe" ? false : undefined };
}

const test = (op: Cmp, c: number): boolean =>
  op === "eq" || op === "eq_null_safe" ? c === 0 : op === "neq" ? c !== 0 : op === "lt" ? c < 0 : op === "lte" ? c <= 0 : op === "gt" ? c > 0 : c >= 0;

function numericLoop(op: Cmp, x: ArrayLike<number | bigint>, y: ArrayLike<number | bigint>, out: Uint8Array, n: number, fractional: boolean): void {
  if (!fractional) {
    switch (op) {
      case "eq":
      case "eq_null_safe":
        for (let i = 0; i < n; i++) out[i] = x[i] === y[i] ? 1 : 0;
        return;
      case "neq":
        for (let i = 0; i < n; i++) out[i] = x[i] !== y[i] ? 1 : 0;
        return;
      case "lt":
        for (let i = 0; i < n; i++) out[i] = x[i]! < y[i]! ? 1 : 0;
        return;
      case "lte":
        for (let i = 0; i < n; i++) out[i] = x[i]! <= y[i]! ? 1 : 0;
        return;
      case "gt":
        for (let i = 0; i < n; i++) out[i] = x[i]! > y[i]! ? 1 : 0;
        return;
      case "gte":
        for (let i = 0; i < n; i++) out[i] = x[i]! >= y[i]! ? 1 : 0;
        return;
    }
  }
  for (let i = 0; i < n; i++) out[i] = test(op, compareDoubles(x[i] as number, y[i] as number)) ? 1 : 0;
}

function compileComparison(args: readonly CompiledExpr[], _e: unknown, _rt: DataType, _ctx: EvalContext, name: string): CompiledExpr {
  const op = name as Cmp;
  const [fa, fb] = [args[0]!, args[1]!];
  return (batch) => {
    const a = fa(batch);
    const b = fb(batch);
    const n = batch.numRows;
    const out = new Uint8Array(n);
    const t = a.type;
    const st = storageOf(t);
    if (st === "i32" || st === "i16" || st === "i8" || st === "i64" || st === "f64" || st === "f32" || st === "bool") {
      numericLoop(op, a.values as Float64Array, b.values as Float64Array, out, n, t.kind === "double" || t.kind === "float");
    } else if (st === "str") {
      const x = a.values as string[];
      const y = b.values as string[];
      if (op === "eq" || op === "eq_null_safe") for (let i = 0; i < n; i++) out[i] = x[i] === y[i] ? 1 : 0;
      else if (op === "neq") for (let i = 0; i < n; i++) out[i] = x[i] !== y[i] ? 1 : 0;
      else for (let i = 0; i < n; i++) out[i] = test(op, compareStrings(x[i]!, y[i]!)) ? 1 : 0;
    } else {
      const x = a.values as unknown[];
      const y = b.values as unknown[];
      for (let i = 0; i < n; i++) {
        if (x[i] === null || y[i] === null) continue;
        out[i] = test(op, t.kind === "map" ? (mapEq(t, x[i], y[i]) ? 0 : 1) : compareValues(t, x[i], y[i])) ? 1 : 0;
      }
    }
    if (op !== "eq_null_safe") return makeVector(BooleanType, out, mergeValidity([a, b], n));
    return nullSafe(a, b, out, n);
  };
}

function mapEq(t: DataType, a: unknown, b: unknown): boolean {
  if (t.kind !== "map") return false;
  const x = a as Map<unknown, unknown>;
  const y = b as Map<unknown, unknown>;
  if (x.size !== y.size) return false;
  const ex = [...x];
  const ey = [...y];
  return ex.every(([k, v], i) => compareValues(t.keyType, k, ey[i]![0]) === 0 && (v === null ? ey[i]![1] === null : ey[i]![1] !== null && compareValues(t.valueType, v, ey[i]![1]) === 0));
}

function nullSafe(a: Vector, b: Vector, out: Uint8Array, n: number): Vector {
  if (a.validity !== null || b.validity !== null) {
    for (let i = 0; i < n; i++) {
      const va = a.validity === null || a.validity[i] === 1;
      const vb = b.validity === null || b.validity[i] === 1;
      if (!va || !vb) out[i] = va === vb ? 1 : 0;
    }
  }
  return makeVector(BooleanType, out, null);
}

export const comparisonFunctions: ScalarFunction[] = [
  ...define(["eq", "neq", "lt", "lte", "gt", "gte", "eq_null_safe"], resolveComparison, compileComparison),
  // equal_null(a, b) is `a <=> b` under a function name.
  ...define("equal_null", (a, c) => resolveComparison(a, c, "eq_null_safe"), (a, e, rt, c) => compileComparison(a, e, rt, c, "eq_null_safe")),
];
