/**
 * Trigonometric and other DOUBLE math (sin … tanh, degrees, radians, pi, e, hypot, cot) and
 * factorial (bit shifts and bit_count: bitwise.ts). Results follow Java's Math: out-of-domain
 * inputs give NaN (asin(2)), factorial outside 0..20 gives null.
 */
import { makeVector } from "../../columnar/vector.js";
import { DoubleType, IntegerType, LongType } from "../../types/data-type.js";
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
];
