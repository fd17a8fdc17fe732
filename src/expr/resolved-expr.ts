/**
 * Resolved, typed expressions, produced by the analyzer and compiled by expr/compile.ts into
 * column-at-a-time closures. `ref` points at a column of the operator's input batch by index.
 * Aggregates and window functions never appear here: the analyzer lifts them into the Aggregate
 * and Window plan nodes, whose result expressions refer to them by `ref`.
 */
import type { DataType } from "../types/data-type.js";
import type { ScalarFunction } from "./function-types.js";

export type RExpr = RRef | RLiteral | RCall | RCast | RCase | RLambda | RLambdaVar;

export interface RRef {
  readonly kind: "ref";
  readonly index: number;
  readonly type: DataType;
  readonly nullable: boolean;
  /** The input column's name, for explain and auto-generated output names. */
  readonly name: string;
}
export interface RLiteral {
  readonly kind: "literal";
  readonly value: unknown;
  readonly type: DataType;
}
export interface RCall {
  readonly kind: "call";
  readonly fn: ScalarFunction;
  readonly args: readonly RExpr[];
  readonly type: DataType;
  readonly nullable: boolean;
}
export interface RCast {
  readonly kind: "cast";
  readonly child: RExpr;
  readonly type: DataType;
  readonly mode: "cast" | "try";
}
export interface RCase {
  readonly kind: "case";
  readonly branches: readonly (readonly [RExpr, RExpr])[];
  readonly otherwise: RExpr | null;
  readonly type: DataType;
}
/** A lambda bound to its parameters' types; variables are `lambdaVar` with the parameter's slot. */
export interface RLambda {
  readonly kind: "lambda";
  readonly params: readonly { readonly name: string; readonly type: DataType }[];
  readonly body: RExpr;
  readonly type: DataType;
}
export interface RLambdaVar {
  readonly kind: "lambdaVar";
  readonly slot: number;
  readonly name: string;
  readonly type: DataType;
}

export const rexprType = (e: RExpr): DataType => e.type;

export function rexprNullable(e: RExpr): boolean {
  switch (e.kind) {
    case "ref":
    case "call":
      return e.nullable;
    case "literal":
      return e.value === null;
    default:
      return true;
  }
}
