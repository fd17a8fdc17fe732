/**
 * Arithmetic operators: add, subtract, multiply, divide, div, mod, pmod, negative (and positive).
 * Result types as Spark: the wider numeric type; `divide` is DOUBLE unless a decimal is involved;
 * `div` is BIGINT; decimals follow Spark's precision/scale rules (numeric-types.ts).
 * ANSI: integer/long overflow → ARITHMETIC_OVERFLOW, x / 0, x div 0, x % 0 → DIVIDE_BY_ZERO,
 * decimal overflow → NUMERIC_VALUE_OUT_OF_RANGE; legacy mode wraps or yields null. Decimals are
 * exact (decimal-arith.ts).
 * Kernels are loops over typed arrays; validity is merged separately and errors are raised only for
 * valid rows.
 */
import { executionError } from "../../common/errors.js";
import { allocValues, makeVector, type Vector } from "../../columnar/vector.js";
import { type DataType, DateType, DoubleType, integralBits, isAnsiInterval, isIntegral, isSmallIntegral, LongType } from "../../types/data-type.js";
import { compileAnsiIntervalArith, compileIntervalNegate, compileIntervalScale, resolveAnsiIntervalArith, resolveIntervalScale } from "./ansi-interval-arith.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { compileIntervalArith, resolveIntervalArith } from "./interval-arith.js";
import { decimalIntegralDivide, decimalKernel, divideByZero } from "./decimal-arith.js";
import { checkArity, define, mergeValidity, typeMismatch } from "./kernel.js";
import { asDecimal, decimalResult, isNumericType, widerNumeric } from "./numeric-types.js";

export const overflow = (kind: string, fn: string) =>
  executionError(
    "ARITHMETIC_OVERFLOW",
    `${kind} overflow in ${fn}. Use 'try_${fn}' to tolerate overflow and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`,
    { function: fn },
  );
export { divideByZero };

const OPERATOR: Partial<Record<BinOp, string>> = { add: "+", subtract: "-", multiply: "*" };
/** Spark's overflow of TINYINT / SMALLINT + - *, which names both operands (as SMALLINT literals, as Spark 4.0.1 prints them). */
const binaryOverflow = (a: number, op: BinOp, b: number) =>
  executionError("BINARY_ARITHMETIC_OVERFLOW", `${a}S ${OPERATOR[op]} ${b}S caused overflow. Use \`try_${op}\` to ignore overflow problem and return NULL.`, { function: op });
/** Spark's overflow of a TINYINT / SMALLINT negation: `byte overflow`, `short overflow`. */
export const narrowOverflow = (t: DataType) =>
  executionError("ARITHMETIC_OVERFLOW", `${t.kind} overflow. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`, { type: t.kind });

type BinOp = "add" | "subtract" | "multiply" | "divide" | "mod" | "pmod" | "div";

function numericArgs(name: string, args: readonly ArgInfo[]): void {
  args.forEach((a, i) => {
    if (!isNumericType(a.type) && a.type.kind !== "null" && a.type.kind !== "string") typeMismatch(name, i, a.type, "a numeric type");
  });
}

function resolveBinary(op: BinOp) {
  return (args: readonly ArgInfo[], ctx: EvalContext, name: string): ResolvedSignature => {
    checkArity(name, args, 2);
    const [a, b] = [args[0]!, args[1]!];
    if (op === "add" || op === "subtract") {
      const iv = resolveAnsiIntervalArith(op, a, b) ?? resolveIntervalArith(op, a, b);
      if (iv) return iv;
    }
    if (op === "multiply" || op === "divide") {
      const iv = resolveIntervalScale(op, a, b);
      if (iv) return iv;
    }
    // DATE ± TINYINT/SMALLINT/INT days (the days widen to INT)
    if ((op === "add" || op === "subtract") && a.type.kind === "date" && (isSmallIntegral(b.type) || b.type.kind === "null")) {
      return { argTypes: [DateType, { kind: "int" }], returnType: DateType };
    }
    if (op === "add" && b.type.kind === "date" && isSmallIntegral(a.type)) return { argTypes: [{ kind: "int" }, DateType], returnType: DateType };
    numericArgs(name, args);
    const ta = a.type.kind === "string" ? DoubleType : a.type;
    const tb = b.type.kind === "string" ? DoubleType : b.type;
    const wide = widerNumeric(ta, tb);
    if (op === "div" && wide.kind !== "decimal") return { argTypes: [LongType, LongType], returnType: LongType };
    if (wide.kind === "decimal") {
      const da = asDecimal({ ...a, type: ta })!;
      const db = asDecimal({ ...b, type: tb })!;
      // Spark's IntegralDivide of decimals: the exact quotient truncated toward zero, as a BIGINT
      if (op === "div") return { argTypes: [da, db], returnType: LongType };
      return { argTypes: [da, db], returnType: decimalResult(op === "pmod" ? "mod" : op, da, db, ctx.decimalAllowPrecisionLoss ?? true) };
    }
    if (op === "divide") return { argTypes: [DoubleType, DoubleType], returnType: DoubleType };
    // ANSI coercion widens FLOAT with an integral operand (even a TINYINT) to DOUBLE, as PySpark 4.0.1 shows.
    if (wide.kind === "float" && ctx.ansi && (isIntegral(ta) || isIntegral(tb))) {
      return { argTypes: [DoubleType, DoubleType], returnType: DoubleType };
    }
    return { argTypes: [wide, wide], returnType: wide };
  };
}

/** Integer-typed binary loop with ANSI checks; `tryMode` turns overflow into null (try_add, ...). */
function intKernel(op: BinOp, type: DataType, ansi: boolean, tryMode = false): (x: ArrayLike<number>, y: ArrayLike<number>, out: Int8Array | Int16Array | Int32Array | Float64Array | Float32Array, valid: Uint8Array | null, n: number) => Uint8Array | null {
  // TINYINT, SMALLINT and INT overflow past their width: an error under ANSI, else Java's wrap-around
  const isInt = isSmallIntegral(type);
  const shift = 32 - integralBits(type);
  const [min, max] = [-(2 ** (31 - shift)), 2 ** (31 - shift) - 1];
  const fl = type.kind === "float";
  return (x, y, out, valid, n) => {
    let extraNull: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const a = x[i]!;
      const b = y[i]!;
      let r: number;
      switch (op) {
        case "add":
          r = a + b;
          break;
        case "subtract":
          r = a - b;
          break;
        case "multiply":
          r = isInt && shift === 0 && !ansi && !tryMode ? Math.imul(a, b) : a * b;
          break;
        case "divide":
        case "div":
        case "mod":
        case "pmod": {
          if (b === 0) {
            if (valid !== null && valid[i] === 0) {
              r = 0;
              break;
            }
            if (ansi) throw divideByZero();
            extraNull ??= valid ? valid.slice() : new Uint8Array(n).fill(1);
            extraNull[i] = 0;
            r = 0;
            break;
          }
          if (op === "divide") r = a / b;
          else if (op === "div") r = Math.trunc(a / b);
          else {
            r = a % b;
            if (op === "pmod" && r < 0) r = (r + b) % b;
          }
          break;
        }
      }
      if (isInt) {
        if (r > max || r < min) {
          if (tryMode) {
            extraNull ??= valid ? valid.slice() : new Uint8Array(n).fill(1);
            extraNull[i] = 0;
            r = 0;
          } else {
            if (ansi && (valid === null || valid[i] === 1)) throw shift === 0 ? overflow("integer", op) : binaryOverflow(a, op, b);
            r = ((r | 0) << shift) >> shift;
          }
        }
      }
      out[i] = fl ? Math.fround(r) : r;
    }
    return extraNull;
  };
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * BIGINT binary loop, exact in bigint arithmetic: a result outside int64 is ARITHMETIC_OVERFLOW
 * under ANSI, null for try_*, and wraps as Java's long otherwise (Spark's Add/Multiply/... on
 * LongType); `div` and `%` by zero as in intKernel.
 */
function longKernel(op: BinOp, ansi: boolean, tryMode: boolean): (x: BigInt64Array, y: BigInt64Array, out: BigInt64Array, valid: Uint8Array | null, n: number) => Uint8Array | null {
  return (x, y, out, valid, n) => {
    let extraNull: Uint8Array | null = null;
    const setNull = (i: number) => {
      extraNull ??= valid ? valid.slice() : new Uint8Array(n).fill(1);
      extraNull[i] = 0;
    };
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const a = x[i]!;
      const b = y[i]!;
      let r: bigint;
      switch (op) {
        case "add":
          r = a + b;
          break;
        case "subtract":
          r = a - b;
          break;
        case "multiply":
          r = a * b;
          break;
        default: {
          if (b === 0n) {
            if (ansi) throw divideByZero();
            setNull(i);
            continue;
          }
          if (op === "mod" || op === "pmod") {
            r = a % b;
            if (op === "pmod" && r < 0n) r = (r + b) % b;
          } else r = a / b; // div: truncates toward zero, as Java's long division
          break;
        }
      }
      if (r > LONG_MAX || r < LONG_MIN) {
        if (tryMode) {
          setNull(i);
          continue;
        }
        if (ansi) throw overflow("long", op);
        r = BigInt.asIntN(64, r);
      }
      out[i] = r;
    }
    return extraNull;
  };
}

function compileBinary(op: BinOp, tryMode = false) {
  return (args: readonly CompiledExpr[], argExprs: readonly RExpr[], returnType: DataType, ctx: EvalContext): CompiledExpr => {
    const [fa, fb] = [args[0]!, args[1]!];
    if (isAnsiInterval(returnType) || argExprs.some((e) => isAnsiInterval(e.type))) {
      if (op === "add" || op === "subtract") return compileAnsiIntervalArith(op, args, argExprs, returnType, ctx);
      if (op === "multiply" || op === "divide") return compileIntervalScale(op, args, argExprs, returnType);
    }
    if ((op === "add" || op === "subtract") && argExprs.some((e) => e.type.kind === "string") && (returnType.kind === "timestamp" || returnType.kind === "date")) {
      return compileIntervalArith(op, args, argExprs, returnType, ctx);
    }
    if (returnType.kind === "decimal" && op !== "div") return decimalKernel(op, fa, fb, returnType, ctx.ansi && !tryMode);
    if (op === "div" && argExprs.some((e) => e.type.kind === "decimal")) return decimalIntegralDivide(fa, fb, ctx.ansi && !tryMode);
    if (returnType.kind === "date") {
      const sign = op === "subtract" ? -1 : 1;
      return (batch) => {
        const a = fa(batch);
        const b = fb(batch);
        const n = batch.numRows;
        const out = new Int32Array(n);
        const [d, k] = a.type.kind === "date" ? [a.values as Int32Array, b.values as Int32Array] : [b.values as Int32Array, a.values as Int32Array];
        for (let i = 0; i < n; i++) out[i] = d[i]! + sign * k[i]!;
        return makeVector(DateType, out, mergeValidity([a, b], n));
      };
    }
    if (returnType.kind === "bigint") {
      const lk = longKernel(op, ctx.ansi && !tryMode, tryMode);
      return (batch) => {
        const a = fa(batch);
        const b = fb(batch);
        const n = batch.numRows;
        const out = new BigInt64Array(n);
        const valid = mergeValidity([a, b], n);
        const extra = lk(a.values as BigInt64Array, b.values as BigInt64Array, out, valid, n);
        return makeVector(returnType, out, extra ?? valid);
      };
    }
    const k = intKernel(op, returnType, ctx.ansi && !tryMode, tryMode);
    return (batch) => {
      const a = fa(batch);
      const b = fb(batch);
      const n = batch.numRows;
      const out = allocValues(returnType, n) as Int32Array | Float32Array | Float64Array;
      const valid = mergeValidity([a, b], n);
      const extra = k(a.values as Float64Array, b.values as Float64Array, out, valid, n);
      return makeVector(returnType, out, extra ?? valid);
    };
  };
}

function resolveUnary(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1);
  if (isAnsiInterval(args[0]!.type)) return { argTypes: [args[0]!.type], returnType: args[0]!.type };
  numericArgs(name, args);
  const t = args[0]!.type.kind === "null" || args[0]!.type.kind === "string" ? DoubleType : args[0]!.type;
  return { argTypes: [t], returnType: t };
}

function compileNegative(args: readonly CompiledExpr[], _e: unknown, rt: DataType, ctx: EvalContext, name: string): CompiledExpr {
  const f = args[0]!;
  if (name === "positive") return f;
  if (isAnsiInterval(rt)) return compileIntervalNegate(f, rt);
  if (rt.kind === "decimal")
    return (batch) => {
      const v = f(batch);
      const x = v.values as ArrayLike<bigint>;
      const out = allocValues(rt, batch.numRows) as bigint[];
      for (let i = 0; i < out.length; i++) out[i] = -x[i]!; // DECIMAL(p) is symmetric: never overflows
      return makeVector(rt, out, v.validity);
    };
  if (rt.kind === "bigint")
    return (batch) => {
      const v = f(batch);
      const x = v.values as BigInt64Array;
      const out = new BigInt64Array(batch.numRows);
      for (let i = 0; i < out.length; i++) {
        if (x[i] === LONG_MIN && ctx.ansi && (v.validity === null || v.validity[i] === 1)) throw overflow("long", "negative");
        out[i] = BigInt.asIntN(64, -x[i]!);
      }
      return makeVector(rt, out, v.validity);
    };
  return (batch) => {
    const v = f(batch);
    const n = batch.numRows;
    const x = v.values as Float64Array;
    const out = allocValues(rt, n) as Int32Array | Float32Array | Float64Array;
    const min = isSmallIntegral(rt) ? -(2 ** (integralBits(rt) - 1)) : NaN;
    for (let i = 0; i < n; i++) {
      const r = -x[i]!;
      if (r === -min) {
        if (ctx.ansi && (v.validity === null || v.validity[i] === 1)) throw rt.kind === "int" ? overflow("integer", "negative") : narrowOverflow(rt);
        out[i] = min;
      } else out[i] = r === 0 && rt.kind !== "double" && rt.kind !== "float" ? 0 : r;
    }
    return makeVector(rt, out, v.validity);
  };
}

export const arithmeticFunctions: ScalarFunction[] = [
  ...(["add", "subtract", "multiply", "divide", "mod", "pmod", "div"] as const).flatMap((op) => define(op, resolveBinary(op), compileBinary(op))),
  ...define("try_divide", resolveBinary("divide"), (args, e, rt, ctx) => compileBinary("divide")(args, e, rt, { ...ctx, ansi: false })),
  ...(["add", "subtract", "multiply", "mod"] as const).flatMap((op) => define(`try_${op}`, resolveBinary(op), compileBinary(op, true))),
  ...define(["negative", "positive"], resolveUnary, compileNegative),
];

export type { Vector };
