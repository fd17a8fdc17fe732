/**
 * Test support for the function library: resolve a call the way the analyzer does (ask the
 * function for its signature, wrap arguments in casts), compile it, and evaluate it over rows.
 * Used by the `*.test.ts` files beside each family.
 */
import { batchFromRows, getValue } from "../../columnar/column-batch.js";
import { type DataType, sameType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { compileExpr } from "../compile.js";
import type { EvalContext } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { lookupScalarFunction } from "./registry.js";

export const UTC: EvalContext = { timeZone: "UTC", ansi: true, currentTimestampUs: Date.UTC(2024, 0, 15, 10, 30) * 1000 };
export const LA: EvalContext = { ...UTC, timeZone: "America/Los_Angeles" };
export const LEGACY: EvalContext = { ...UTC, ansi: false };

export const lit = (value: unknown, type: DataType): RExpr => ({ kind: "literal", value, type });
export const ref = (index: number, type: DataType, name = `c${index}`): RExpr => ({ kind: "ref", index, type, nullable: true, name });

/** A resolved call with the analyzer's cast insertion. */
export function call(name: string, args: readonly RExpr[], ctx: EvalContext = UTC): RExpr {
  const fn = lookupScalarFunction(name);
  if (!fn) throw new Error(`no function ${name}`);
  const sig = fn.resolve(
    args.map((a) => ({
      type: a.type,
      nullable: a.kind === "literal" ? a.value === null : true,
      ...(a.kind === "literal" ? { literal: { value: a.value } } : {}),
    })),
    ctx,
  );
  const cast = args.map((a, i): RExpr => {
    const t = sig.argTypes[i]!;
    return sameType(a.type, t, true) || a.kind === "lambda" ? a : { kind: "cast", child: a, type: t, mode: "cast" };
  });
  return { kind: "call", fn, args: cast, type: sig.returnType, nullable: sig.nullable ?? true };
}

/** Evaluate `e` over rows of the given columns; returns engine values (booleans as booleans). */
export function evalRows(e: RExpr, columns: Record<string, DataType> = {}, rows: Record<string, unknown>[] = [{}], ctx: EvalContext = UTC): unknown[] {
  const schema = new StructType(Object.entries(columns).map(([name, type]) => ({ name, type, nullable: true })));
  const batch = batchFromRows(schema, rows);
  const v = compileExpr(e, ctx)(batch);
  return Array.from({ length: batch.numRows }, (_, i) => getValue(v, i));
}

/** Evaluate a call over literal arguments in one row. */
export function evalCall(name: string, args: readonly RExpr[], ctx: EvalContext = UTC): unknown {
  return evalRows(call(name, args, ctx), {}, [{}], ctx)[0];
}
