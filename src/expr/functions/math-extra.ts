/**
 * Trigonometric and other DOUBLE math (sin … tanh, degrees, radians, pi, e, hypot, cot), factorial,
 * bit shifts and bit_count. Results follow Java's Math: out-of-domain inputs give NaN (asin(2)),
 * factorial outside 0..20 gives null, shifts take the shift count modulo the operand width.
 */
import { makeVector } from "../../columnar/vector.js";
import { type DataType, DoubleType, IntegerType, LongType } from "../../types/data-type.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import { checkArity, define, mapRows, typeMismatch } from "./kernel.js";

const NUMERIC = ["byte", "short", "int", "bigint", "double", "float", "decimal", "null", "string"];

function doubles(n: number) {
  return (args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature => {
    checkArity(name, args, n);
    return { argTypes: args.map((a, i) => (NUMERIC.includes(a.type.kind) ? DoubleType : typeMismatch(name, i, a.type, "a numeric type"))), returnType: DoubleType };
  };
}

function unary(f: (x: number) => number) {
  return (args: readonly CompiledExpr[]): CompiledExpr => {
    const a = args[0]!;
    return (batch) => {
      const v = a(batch);
      const x = v.values as Float64Array;
      const out = new Float64Array(batch.numRows);
      for (let i = 0; i < out.length; i++) out[i] = f(x[i]!);
      return makeVector(DoubleType, out, v.validity);
    };
  };
}

const upper = (name: string) => ({ display: (n: readonly string[]) => `${name}(${n.join(", ")})` });
const constant = (value: number) => (_a: readonly CompiledExpr[]): CompiledExpr => (batch) => makeVector(DoubleType, new Float64Array(batch.numRows).fill(value), null);

const FACTORIALS: number[] = [1];
for (let i = 1; i <= 20; i++) FACTORIALS.push(FACTORIALS[i - 1]! * i);

function resolveShift(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  const k = args[0]!.type.kind;
  const t: DataType = k === "bigint" ? LongType : k === "int" || k === "null" ? IntegerType : typeMismatch(name, 0, args[0]!.type, "INT or BIGINT");
  if (!["int", "null"].includes(args[1]!.type.kind)) typeMismatch(name, 1, args[1]!.type, "INT");
  return { argTypes: [t, IntegerType], returnType: t };
}

function shift(x: number, n: number, long: boolean, name: string): number {
  if (!long) {
    if (name === "shiftleft") return x << n;
    return name === "shiftright" ? x >> n : (x >>> n) | 0;
  }
  const b = BigInt(x);
  const k = BigInt(n & 63);
  if (name === "shiftleft") return Number(BigInt.asIntN(64, b << k));
  if (name === "shiftright") return Number(b >> k);
  return Number(BigInt.asIntN(64, BigInt.asUintN(64, b) >> k));
}

export const mathExtraFunctions: ScalarFunction[] = [
  ...define("sin", doubles(1), unary(Math.sin), upper("SIN")),
  ...define("cos", doubles(1), unary(Math.cos), upper("COS")),
  ...define("tan", doubles(1), unary(Math.tan), upper("TAN")),
  ...define("asin", doubles(1), unary(Math.asin), upper("ASIN")),
  ...define("acos", doubles(1), unary(Math.acos), upper("ACOS")),
  ...define("atan", doubles(1), unary(Math.atan), upper("ATAN")),
  ...define("sinh", doubles(1), unary(Math.sinh), upper("SINH")),
  ...define("cosh", doubles(1), unary(Math.cosh), upper("COSH")),
  ...define("tanh", doubles(1), unary(Math.tanh), upper("TANH")),
  ...define("cot", doubles(1), unary((x) => 1 / Math.tan(x)), upper("COT")),
  ...define("degrees", doubles(1), unary((x) => (x * 180) / Math.PI), upper("DEGREES")),
  ...define("radians", doubles(1), unary((x) => (x / 180) * Math.PI), upper("RADIANS")),
  ...define("atan2", doubles(2), (args) => mapRows(args, DoubleType, ([y, x]) => Math.atan2(y as number, x as number)), upper("ATAN2")),
  ...define("hypot", doubles(2), (args) => mapRows(args, DoubleType, ([a, b]) => Math.hypot(a as number, b as number)), upper("HYPOT")),
  ...define("pi", doubles(0), constant(Math.PI), upper("PI")),
  ...define("e", doubles(0), constant(Math.E), upper("E")),
  ...define("factorial", (args, _c, name) => {
    checkArity(name, args, 1);
    if (!NUMERIC.includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "INT");
    return { argTypes: [IntegerType], returnType: LongType };
  }, (args) => mapRows(args, LongType, ([n]) => ((n as number) < 0 || (n as number) > 20 ? null : FACTORIALS[n as number]!))),
  ...define(["shiftleft", "shiftright", "shiftrightunsigned"], resolveShift, (args, argExprs, rt, _ctx, name) => {
    const long = argExprs[0]!.type.kind === "bigint";
    return mapRows(args, rt, ([x, n]) => shift(x as number, n as number, long, name));
  }),
  ...define("bit_count", (args, _c, name) => {
    checkArity(name, args, 1);
    const k = args[0]!.type.kind;
    if (!["int", "bigint", "null", "boolean"].includes(k)) typeMismatch(name, 0, args[0]!.type, "INT, BIGINT or BOOLEAN");
    return { argTypes: [k === "bigint" ? LongType : k === "boolean" ? args[0]!.type : IntegerType], returnType: IntegerType };
  }, (args, argExprs) => {
    const k = argExprs[0]!.type.kind;
    return mapRows(args, IntegerType, ([x]) => {
      if (typeof x === "boolean") return x ? 1 : 0;
      let b = BigInt.asUintN(k === "bigint" ? 64 : 32, BigInt(x as number));
      let c = 0;
      while (b > 0n) {
        c += Number(b & 1n);
        b >>= 1n;
      }
      return c;
    });
  }),
];
