/**
 * Building blocks shared by the scalar function families: argument checks, validity merging,
 * evaluating an argument on a subset of rows (for lazy CASE / IF / COALESCE / AND / OR), and a
 * small `define` helper so each function reads as its type rule plus its kernel.
 */
import { analysisError } from "../../common/errors.js";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch, take } from "../../columnar/column-batch.js";
import { allocValues, makeVector, storageOf, toInt64, type Vector } from "../../columnar/vector.js";
import { type DataType, simpleString, sqlTypeName } from "../../types/data-type.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";

export type Kernel = (batch: ColumnBatch) => Vector;

/** Define a function from a resolver and a compiler; aliases share both. */
export function define(
  names: string | readonly string[],
  resolve: (args: readonly ArgInfo[], ctx: EvalContext, name: string) => ResolvedSignature,
  compile: (args: readonly CompiledExpr[], argExprs: readonly RExpr[], returnType: DataType, ctx: EvalContext, name: string) => CompiledExpr,
  extra: { deterministic?: boolean; display?: (argNames: readonly string[]) => string } = {},
): ScalarFunction[] {
  const list = typeof names === "string" ? [names] : names;
  return list.map((name) => ({
    name,
    resolve: (args, ctx) => resolve(args, ctx, name),
    compile: (args, argExprs, returnType, ctx) => compile(args, argExprs, returnType, ctx, name),
    ...extra,
  }));
}

/** Throw WRONG_NUM_ARGS unless min <= n <= max. */
export function checkArity(name: string, args: readonly ArgInfo[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw analysisError(
      "WRONG_NUM_ARGS",
      `The \`${name}\` function requires ${expected} parameters but ${args.length} were given. Check the call's arguments.`,
      { function: name },
    );
  }
}

/** DATATYPE_MISMATCH naming the function, the argument position and what was expected. */
export function typeMismatch(name: string, index: number, got: DataType, expected: string): never {
  throw analysisError(
    "DATATYPE_MISMATCH",
    `Cannot resolve \`${name}\` due to data type mismatch: parameter ${index + 1} requires ${expected}, but got ${sqlTypeName(got)}. Cast the argument to a supported type.`,
    { function: name, argument: index + 1, type: simpleString(got) },
  );
}

/** Literal string argument (e.g. a pattern or format), or throw a DATATYPE_MISMATCH. */
export function literalOf(e: RExpr | ArgInfo | undefined): unknown {
  if (e === undefined) return undefined;
  if ("kind" in e) {
    if (e.kind === "literal") return e.value;
    if (e.kind === "cast" && e.child.kind === "literal") return e.child.value;
    return undefined;
  }
  return e.literal ? e.literal.value : undefined;
}

export const isLiteral = (e: RExpr | ArgInfo | undefined): boolean =>
  e !== undefined && ("kind" in e ? e.kind === "literal" || (e.kind === "cast" && e.child.kind === "literal") : e.literal !== undefined);

/** Validity of the AND of several vectors (null when every row of every input is valid). */
export function mergeValidity(vs: readonly Vector[], n: number): Uint8Array | null {
  let out: Uint8Array | null = null;
  for (const v of vs) {
    if (v.validity === null) continue;
    if (out === null) out = v.validity.slice(0, n);
    else for (let i = 0; i < n; i++) out[i] = out[i]! & v.validity[i]!;
  }
  return out;
}

/** Evaluate `fn` on the rows `rows` of `batch` (all rows when null). */
export function evalOnRows(fn: CompiledExpr, batch: ColumnBatch, rows: Int32Array | null): Vector {
  if (rows === null) return fn(batch);
  return fn(subBatch(batch, rows));
}

/** The batch restricted to `rows`, keeping lambda bindings attached. */
export function subBatch(batch: ColumnBatch, rows: Int32Array): ColumnBatch {
  const sub = makeBatch(
    batch.schema,
    batch.columns.map((c) => take(c, rows)),
    rows.length,
  );
  const vars = lambdaBindings.get(batch);
  if (vars) {
    const taken = new Map<string, Vector>();
    for (const [k, v] of vars) taken.set(k, take(v, rows));
    lambdaBindings.set(sub, taken);
  }
  return sub;
}

/** Lambda variables bound to a batch (by parameter name), set by higher-order functions. */
export const lambdaBindings = new WeakMap<ColumnBatch, ReadonlyMap<string, Vector>>();

/** Write vector `src` (length rows.length) into `dst`/`validity` at positions `rows`. */
export function scatter(src: Vector, rows: Int32Array | null, dst: unknown[], validity: Uint8Array): void {
  const sv = src.values as unknown[];
  const bool = storageOf(src.type) === "bool";
  const n = rows === null ? src.length : rows.length;
  for (let j = 0; j < n; j++) {
    const i = rows === null ? j : rows[j]!;
    if (src.validity === null || src.validity[j] === 1) {
      dst[i] = bool ? sv[j] : sv[j];
      validity[i] = 1;
    }
  }
}

/** Allocate an output of `type` and `n` rows to scatter into. */
export function allocOut(type: DataType, n: number): { values: unknown[]; validity: Uint8Array } {
  return { values: allocValues(type, n) as unknown[], validity: new Uint8Array(n) };
}

export function finishOut(type: DataType, out: { values: unknown[]; validity: Uint8Array }): Vector {
  let all = true;
  for (let i = 0; i < out.validity.length; i++)
    if (out.validity[i] === 0) {
      all = false;
      break;
    }
  return makeVector(type, out.values as Vector["values"], all ? null : out.validity);
}

const SAFE = 9007199254740991n;
/** A BIGINT argument of a row-at-a-time kernel: a number while it is exact as one, else the bigint. */
const longArg = (x: bigint): number | bigint => (x >= -SAFE && x <= SAFE ? Number(x) : x);

/**
 * Generic row-at-a-time kernel for non-hot functions: f gets engine values of valid rows, except
 * that a BIGINT arrives as a number while it is a safe integer (these kernels compute in doubles;
 * a BIGINT result they return is converted back exactly). A DECIMAL arrives as its unscaled bigint.
 */
export function mapRows(
  args: readonly CompiledExpr[],
  type: DataType,
  f: (vals: unknown[], row: number) => unknown,
  nullIntolerant = true,
): CompiledExpr {
  return (batch) => {
    const vs = args.map((a) => a(batch));
    const n = batch.numRows;
    const out = allocValues(type, n) as unknown[];
    const validity = new Uint8Array(n);
    const bool = storageOf(type) === "bool";
    const long = storageOf(type) === "i64";
    const vals: unknown[] = new Array(vs.length);
    let anyNull = false;
    row: for (let i = 0; i < n; i++) {
      for (let k = 0; k < vs.length; k++) {
        const v = vs[k]!;
        if (v.validity !== null && v.validity[i] === 0) {
          if (nullIntolerant) {
            anyNull = true;
            continue row;
          }
          vals[k] = null;
        } else vals[k] = storageOf(v.type) === "bool" ? v.values[i] === 1 : v.values instanceof BigInt64Array && v.type.kind === "bigint" ? longArg(v.values[i]!) : v.values[i];
      }
      const r = f(vals, i);
      if (r === null || r === undefined) {
        anyNull = true;
        if (storageOf(type) === "obj") out[i] = null;
        continue;
      }
      out[i] = bool ? (r ? 1 : 0) : long ? toInt64(r) : r;
      validity[i] = 1;
    }
    return makeVector(type, out as Vector["values"], anyNull ? validity : null);
  };
}

/** The engine value of row i of v (booleans as JS booleans). */
export function valueAt(v: Vector, i: number): unknown {
  if (v.validity !== null && v.validity[i] === 0) return null;
  return storageOf(v.type) === "bool" ? v.values[i] === 1 : v.values[i];
}
