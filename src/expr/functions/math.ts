/**
 * Math functions: abs, round (HALF_UP), bround (HALF_EVEN), floor, ceil, sqrt, exp, ln/log, log10,
 * log2, power/pow, signum, rand. Rounding of doubles works on their shortest decimal text, as
 * Spark's BigDecimal-based rounding does (round(1.005D, 2) = 1.01). Logs of x <= 0 are null.
 */
import { executionError } from "../../common/errors.js";
import { makeVector } from "../../columnar/vector.js";
import { BooleanType, type DataType, DecimalType, DoubleType, IntegerType, integralBits, isIntegral, isNumeric, LongType } from "../../types/data-type.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import { narrowOverflow, overflow } from "./arithmetic.js";
import { checkArity, define, literalOf, mapRows, typeMismatch } from "./kernel.js";
import { xorShiftRandom } from "./rand.js";
import { floorUnscaled, roundUnscaled } from "../../types/decimal-value.js";

const numeric = (t: DataType) => isNumeric(t) || t.kind === "null" || t.kind === "string";

function checkNumeric(name: string, args: readonly ArgInfo[]): void {
  args.forEach((a, i) => {
    if (!numeric(a.type)) typeMismatch(name, i, a.type, "a numeric type");
  });
}

function resolveDouble(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1, name === "log" ? 2 : name === "power" || name === "pow" || name === "atan2" ? 2 : 1);
  if (name === "power" || name === "pow" || name === "atan2") checkArity(name, args, 2);
  checkNumeric(name, args);
  return { argTypes: args.map(() => DoubleType), returnType: DoubleType };
}

function unaryDouble(f: (x: number) => number | null): (args: readonly CompiledExpr[]) => CompiledExpr {
  return (args) => {
    const fa = args[0]!;
    return (batch) => {
      const v = fa(batch);
      const n = batch.numRows;
      const x = v.values as Float64Array;
      const out = new Float64Array(n);
      let validity = v.validity;
      for (let i = 0; i < n; i++) {
        const r = f(x[i]!);
        if (r === null) {
          if (validity === v.validity) validity = v.validity ? v.validity.slice() : new Uint8Array(n).fill(1);
          validity![i] = 0;
        } else out[i] = r;
      }
      return makeVector(DoubleType, out, validity);
    };
  };
}

const positiveLog = (f: (x: number) => number) => (x: number) => (x <= 0 ? null : f(x));

/** Round the decimal text of x to `d` fraction digits, HALF_UP or HALF_EVEN. */
export function roundDouble(x: number, d: number, halfEven: boolean): number {
  if (!Number.isFinite(x)) return x;
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x))!;
  const digits = m[2]! + (m[3] ?? "");
  const exp = Number(m[4] ?? 0) - (m[3] ?? "").length; // x = digits × 10^exp
  if (-exp <= d) return x;
  const drop = -exp - d; // digits to drop from the right
  const keepLen = digits.length - drop;
  const head = keepLen > 0 ? BigInt(digits.slice(0, keepLen)) : 0n;
  const rest = keepLen > 0 ? digits.slice(keepLen) : digits.padStart(drop, "0");
  const first = Number(rest[0] ?? "0");
  const tail = /[1-9]/.test(rest.slice(1));
  let up = first > 5 || (first === 5 && (tail || !halfEven || head % 2n === 1n));
  if (first < 5) up = false;
  const q = head + (up ? 1n : 0n);
  return Number(`${m[1]}${q}e${-d}`);
}

function resolveRound(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1, 2);
  checkNumeric(name, args.slice(0, 1));
  const d = args.length > 1 ? Number(literalOf(args[1]) ?? 0) : 0;
  const t = args[0]!.type;
  if (t.kind === "decimal") {
    const s = Math.max(0, Math.min(d, t.scale));
    return { argTypes: [t, IntegerType].slice(0, args.length), returnType: DecimalType(Math.min(38, t.precision - t.scale + s + 1), s) };
  }
  const rt = t.kind === "null" || t.kind === "string" ? DoubleType : t;
  return { argTypes: [rt, IntegerType].slice(0, args.length), returnType: rt };
}

function compileRound(args: readonly CompiledExpr[], argExprs: readonly import("../resolved-expr.js").RExpr[], rt: DataType, ctx: EvalContext, name: string): CompiledExpr {
  const halfEven = name === "bround";
  const inT = argExprs[0]!.type;
  return mapRows(args, rt, ([x, dd]) => {
    const d = dd === undefined ? 0 : (dd as number);
    if (rt.kind === "decimal" && inT.kind === "decimal") {
      // exact on the unscaled value; a negative scale rounds left of the point: round(1234.5678, -2) = 1200 (result scale 0)
      const u = x as bigint;
      if (d < 0) return roundUnscaled(u, inT.scale - d, halfEven) * 10n ** BigInt(-d);
      return roundUnscaled(u, inT.scale - rt.scale, halfEven);
    }
    const v = x as number;
    if (rt.kind === "double" || rt.kind === "float") return roundDouble(v, d, halfEven);
    if (d >= 0) return v;
    const r = roundDouble(v, d, halfEven);
    if (rt.kind === "int" && (r > 2147483647 || r < -2147483648)) {
      if (ctx.ansi) throw overflow("integer", name);
      return r | 0;
    }
    if (rt.kind === "byte" || rt.kind === "short") {
      // PySpark 4.0.1: round(127Y, -1) is ARITHMETIC_OVERFLOW "Overflow." under ANSI, else wraps (-126)
      const shift = 32 - integralBits(rt);
      const wrapped = ((r | 0) << shift) >> shift;
      if (wrapped !== r && ctx.ansi) throw executionError("ARITHMETIC_OVERFLOW", `Overflow. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`, { function: name });
      return wrapped;
    }
    return r;
  });
}

function resolveFloorCeil(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1);
  checkNumeric(name, args);
  const t = args[0]!.type;
  if (t.kind === "decimal") return { argTypes: [t], returnType: DecimalType(Math.min(38, t.precision - t.scale + 1), 0) };
  if (isIntegral(t)) return { argTypes: [LongType], returnType: LongType };
  return { argTypes: [DoubleType], returnType: LongType };
}

function compileFloorCeil(args: readonly CompiledExpr[], argExprs: readonly import("../resolved-expr.js").RExpr[], rt: DataType, ctx: EvalContext, name: string): CompiledExpr {
  const f = name === "floor" ? Math.floor : Math.ceil;
  const inT = argExprs[0]!.type;
  return mapRows(args, rt, ([x]) => {
    if (inT.kind === "decimal") return floorUnscaled(x as bigint, inT.scale, name !== "floor");
    let v = x as number;
    v = f(v);
    if (Number.isNaN(v)) return 0;
    if (v >= 9223372036854775807) return 9223372036854775807;
    if (v <= -9223372036854775808) return -9223372036854775808;
    void ctx;
    return v === 0 ? 0 : v;
  });
}

function resolveSame(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1);
  checkNumeric(name, args);
  const t = args[0]!.type.kind === "null" || args[0]!.type.kind === "string" ? DoubleType : args[0]!.type;
  return { argTypes: [t], returnType: t };
}

function compileAbs(args: readonly CompiledExpr[], _e: unknown, rt: DataType, ctx: EvalContext): CompiledExpr {
  return mapRows(args, rt, ([x]) => {
    if (rt.kind === "decimal") return (x as bigint) < 0n ? -(x as bigint) : x;
    if (typeof x === "bigint") {
      // a BIGINT past 2^53 (mapRows hands smaller ones in as numbers): exact; abs(MIN) overflows as in Java
      if (x !== -(2n ** 63n)) return x < 0n ? -x : x;
      if (ctx.ansi) throw overflow("long", "abs");
      return x;
    }
    const v = Math.abs(x as number);
    if (rt.kind === "int" && v === 2147483648) {
      if (ctx.ansi) throw overflow("integer", "abs");
      return -2147483648;
    }
    if ((rt.kind === "byte" && v === 128) || (rt.kind === "short" && v === 32768)) {
      if (ctx.ansi) throw narrowOverflow(rt); // PySpark 4.0.1: "byte overflow." / "short overflow."
      return -v;
    }
    if (rt.kind === "bigint" && v >= 9223372036854775808) {
      if (ctx.ansi) throw overflow("long", "abs");
      return -9223372036854775808;
    }
    return v;
  });
}

function resolveRand(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 0, 1);
  if (args[0] && !["int", "bigint", "null"].includes(args[0].type.kind)) typeMismatch(name, 0, args[0].type, "an INT or BIGINT seed literal");
  return { argTypes: args.map(() => LongType), returnType: DoubleType, nullable: false };
}

function compileRand(_args: readonly CompiledExpr[], argExprs: readonly import("../resolved-expr.js").RExpr[], _rt: DataType, _ctx: EvalContext, name: string): CompiledExpr {
  const seedArg = argExprs[0] ? literalOf(argExprs[0]) : undefined;
  const seed = typeof seedArg === "number" ? seedArg : Math.floor(Math.random() * 2 ** 52);
  const next = xorShiftRandom(seed);
  const gaussian = name === "randn";
  return (batch) => {
    const out = new Float64Array(batch.numRows);
    for (let i = 0; i < out.length; i++) out[i] = gaussian ? next.nextGaussian() : next.nextDouble();
    return makeVector(DoubleType, out, null);
  };
}

/** Spark shows some math functions upper-case in generated column names: SQRT(x), LOG10(x). */
const upper = (name: string) => ({ display: (n: readonly string[]) => `${name}(${n.join(", ")})` });
const withScale = (name: string) => ({ display: (n: readonly string[]) => `${name}(${n.length === 1 ? `${n[0]}, 0` : n.join(", ")})` });
const floorCeil = (a: readonly CompiledExpr[], e: readonly import("../resolved-expr.js").RExpr[], rt: DataType, ctx: EvalContext, name: string) =>
  compileFloorCeil(a, e, rt, ctx, name === "floor" ? "floor" : "ceil");
const logCompile = (args: readonly CompiledExpr[]) =>
  args.length === 1
    ? unaryDouble(positiveLog(Math.log))(args)
    : mapRows(args, DoubleType, ([b, x]) => ((b as number) <= 0 || (x as number) <= 0 ? null : Math.log(x as number) / Math.log(b as number)));

export const mathFunctions: ScalarFunction[] = [
  ...define("abs", resolveSame, compileAbs),
  ...define("round", resolveRound, compileRound, withScale("round")),
  ...define("bround", resolveRound, compileRound, withScale("bround")),
  ...define("floor", resolveFloorCeil, floorCeil, upper("FLOOR")),
  ...define("ceil", resolveFloorCeil, floorCeil, upper("CEIL")),
  ...define("ceiling", resolveFloorCeil, floorCeil),
  ...define("sqrt", resolveDouble, unaryDouble(Math.sqrt), upper("SQRT")),
  ...define("cbrt", resolveDouble, unaryDouble(Math.cbrt), upper("CBRT")),
  ...define("exp", resolveDouble, unaryDouble(Math.exp), upper("EXP")),
  ...define("expm1", resolveDouble, unaryDouble(Math.expm1), upper("EXPM1")),
  ...define("log1p", resolveDouble, unaryDouble((x) => (x <= -1 ? null : Math.log1p(x))), upper("LOG1P")),
  ...define("rint", resolveDouble, unaryDouble(rint)),
  ...define("ln", resolveDouble, unaryDouble(positiveLog(Math.log))),
  ...define("log10", resolveDouble, unaryDouble(positiveLog(Math.log10)), upper("LOG10")),
  ...define("log2", resolveDouble, unaryDouble(positiveLog(Math.log2)), upper("LOG2")),
  ...define("log", resolveDouble, logCompile, { display: (n) => `LOG(${n.length === 1 ? `E(), ${n[0]}` : n.join(", ")})` }),
  ...define("power", resolveDouble, (args) => mapRows(args, DoubleType, ([a, b]) => Math.pow(a as number, b as number)), upper("POWER")),
  ...define("pow", resolveDouble, (args) => mapRows(args, DoubleType, ([a, b]) => Math.pow(a as number, b as number))),
  ...define("signum", resolveDouble, unaryDouble(Math.sign), upper("SIGNUM")),
  ...define("sign", resolveDouble, unaryDouble(Math.sign)),
  ...define(["rand", "random", "randn"], resolveRand, compileRand, { deterministic: false }),
];

/** Java's Math.rint: round half to even. */
function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

export { BooleanType };
