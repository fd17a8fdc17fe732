/**
 * Resolved expressions as plain data, for a worker thread to compile its own copy: a call names
 * its built-in scalar function (looked up again on the other side), types travel in their JSON
 * form, literals as structured-clone values. An expression that cannot cross — a function that is
 * not the built-in of its name (a UDF holds a JS closure), a literal that is not plain data —
 * gives the reason instead, which the planner shows in explain() when it keeps the work on the
 * main thread.
 */
import type { RExpr } from "../expr/resolved-expr.js";
import { lookupScalarFunction } from "../expr/functions/registry.js";
import type { DataType } from "../types/data-type.js";
import { dataTypeFromJson, dataTypeToJson } from "../types/json-schema.js";
import { internalError } from "../common/errors.js";

export type WireExpr =
  | { readonly kind: "ref"; readonly index: number; readonly type: unknown; readonly nullable: boolean; readonly name: string }
  | { readonly kind: "literal"; readonly value: unknown; readonly type: unknown }
  | { readonly kind: "call"; readonly fn: string; readonly args: readonly WireExpr[]; readonly type: unknown; readonly nullable: boolean }
  | { readonly kind: "cast"; readonly child: WireExpr; readonly type: unknown; readonly mode: "cast" | "try" }
  | { readonly kind: "case"; readonly branches: readonly (readonly [WireExpr, WireExpr])[]; readonly otherwise: WireExpr | null; readonly type: unknown }
  | { readonly kind: "lambda"; readonly params: readonly { readonly name: string; readonly type: unknown }[]; readonly body: WireExpr; readonly type: unknown }
  | { readonly kind: "lambdaVar"; readonly slot: number; readonly name: string; readonly type: unknown };

/** Why `e` cannot run in a worker. */
export class NotPortable {
  constructor(readonly reason: string) {}
}

/** Values structured clone carries unchanged: primitives, plain arrays and objects of them, byte arrays. */
export function isPlainValue(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  const t = typeof v;
  if (t === "string" || t === "number" || t === "bigint" || t === "boolean") return true;
  if (v instanceof Uint8Array) return true;
  if (Array.isArray(v)) return v.every(isPlainValue);
  if (t === "object" && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(isPlainValue);
  return false;
}

/** The wire form of `e`, or NotPortable naming the first part that cannot cross. */
export function exprToWire(e: RExpr): WireExpr | NotPortable {
  try {
    return toWire(e);
  } catch (x) {
    if (x instanceof NotPortable) return x;
    throw x;
  }
}

function toWire(e: RExpr): WireExpr {
  const type = dataTypeToJson(e.type);
  switch (e.kind) {
    case "ref":
      return { kind: "ref", index: e.index, type, nullable: e.nullable, name: e.name };
    case "literal":
      if (!isPlainValue(e.value)) throw new NotPortable(`the literal of type ${e.type.kind} is not plain data`);
      return { kind: "literal", value: e.value, type };
    case "call":
      if (lookupScalarFunction(e.fn.name) !== e.fn) throw new NotPortable(`${e.fn.name} is not a function of the built-in registry`);
      if (e.fn.deterministic === false) throw new NotPortable(`${e.fn.name} is nondeterministic (its values follow the row's position in one stream)`);
      return { kind: "call", fn: e.fn.name, args: e.args.map(toWire), type, nullable: e.nullable };
    case "cast":
      return { kind: "cast", child: toWire(e.child), type, mode: e.mode };
    case "case":
      return { kind: "case", branches: e.branches.map(([w, t]) => [toWire(w), toWire(t)] as const), otherwise: e.otherwise === null ? null : toWire(e.otherwise), type };
    case "lambda":
      return { kind: "lambda", params: e.params.map((p) => ({ name: p.name, type: dataTypeToJson(p.type) })), body: toWire(e.body), type };
    case "lambdaVar":
      return { kind: "lambdaVar", slot: e.slot, name: e.name, type };
  }
}

/** The resolved expression a wire form describes (in the worker). */
export function exprFromWire(w: WireExpr): RExpr {
  const type = dataTypeFromJson(w.type) as DataType;
  switch (w.kind) {
    case "ref":
      return { kind: "ref", index: w.index, type, nullable: w.nullable, name: w.name };
    case "literal":
      return { kind: "literal", value: w.value, type };
    case "call": {
      const fn = lookupScalarFunction(w.fn);
      if (!fn) throw internalError(`the worker has no built-in function ${w.fn}`);
      return { kind: "call", fn, args: w.args.map(exprFromWire), type, nullable: w.nullable };
    }
    case "cast":
      return { kind: "cast", child: exprFromWire(w.child), type, mode: w.mode };
    case "case":
      return { kind: "case", branches: w.branches.map(([a, b]) => [exprFromWire(a), exprFromWire(b)] as const), otherwise: w.otherwise === null ? null : exprFromWire(w.otherwise), type };
    case "lambda":
      return { kind: "lambda", params: w.params.map((p) => ({ name: p.name, type: dataTypeFromJson(p.type) as DataType })), body: exprFromWire(w.body), type };
    case "lambdaVar":
      return { kind: "lambdaVar", slot: w.slot, name: w.name, type };
  }
}
