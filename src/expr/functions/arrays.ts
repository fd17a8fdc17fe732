/**
 * Array functions beyond the basics in collections.ts: array_position, array_remove, array_join,
 * flatten, slice, array_min/max, array_union/intersect/except, arrays_overlap, sequence (integral),
 * array_repeat, array_compact, array_append/prepend, array_size. Set operations keep first-seen
 * order and drop duplicates, as Spark does; element equality is Spark's (NaN equals NaN).
 */
import { executionError } from "../../common/errors.js";
import { ArrayType, BooleanType, ByteType, type DataType, IntegerType, LongType, ShortType, StringType } from "../../types/data-type.js";
import type { ArgInfo, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import { compareNullable, valuesEqual } from "./compare-values.js";
import { checkArity, define, mapRows, typeMismatch } from "./kernel.js";
import { commonTypeOf } from "./numeric-types.js";

type ArrayT = Extract<DataType, { kind: "array" }>;

function arrayArg(name: string, a: ArgInfo, i = 0): ArrayT {
  if (a.type.kind === "array") return a.type;
  if (a.type.kind === "null") return ArrayType({ kind: "null" }) as ArrayT;
  return typeMismatch(name, i, a.type, "an ARRAY");
}

/** array(...) with an element argument: the element is cast to the array's element type. */
function arrayAndElement(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  const t = arrayArg(name, args[0]!);
  const et = commonTypeOf([t.elementType, args[1]!.type]);
  if (!et) typeMismatch(name, 1, args[1]!.type, `a value of the array's element type ${t.elementType.kind.toUpperCase()}`);
  const at = ArrayType(et!, true) as ArrayT;
  const rt = name === "array_position" ? LongType : at;
  return { argTypes: [at, et!], returnType: rt, nullable: name === "array_position" ? undefined : args[0]!.nullable };
}

/** Two arrays of one common element type (set operations). */
function twoArrays(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2);
  const a = arrayArg(name, args[0]!, 0);
  const b = arrayArg(name, args[1]!, 1);
  const et = a.elementType.kind === "null" ? b.elementType : b.elementType.kind === "null" ? a.elementType : a.elementType.kind === b.elementType.kind ? commonTypeOf([a.elementType, b.elementType]) : undefined;
  if (!et) typeMismatch(name, 1, args[1]!.type, `an ARRAY with the same element type as the first (${a.elementType.kind.toUpperCase()})`);
  const t = ArrayType(et!, a.containsNull || b.containsNull) as ArrayT;
  return { argTypes: [t, t], returnType: name === "arrays_overlap" ? BooleanType : t };
}

function distinctPush(et: DataType, out: unknown[], x: unknown): void {
  if (!out.some((y) => (x === null ? y === null : y !== null && valuesEqual(et, x, y)))) out.push(x);
}
const has = (et: DataType, xs: readonly unknown[], x: unknown): boolean => xs.some((y) => (x === null ? y === null : y !== null && valuesEqual(et, x, y)));

function sequence(start: number, stop: number, step: number | undefined): number[] {
  const s = step ?? (start <= stop ? 1 : -1);
  if (s === 0 || (s > 0 && start > stop) || (s < 0 && start < stop)) {
    throw executionError(
      "INVALID_SEQUENCE_BOUNDARIES",
      `Illegal sequence boundaries: ${start} to ${stop} by ${s}. The step must be non-zero and move from start toward stop.`,
      { start, stop, step: s },
    );
  }
  const out: number[] = [];
  for (let v = start; s > 0 ? v <= stop : v >= stop; v += s) out.push(v);
  return out;
}

const SEQUENCE_TYPES = [ByteType, ShortType, IntegerType, LongType];

export const arrayFunctions: ScalarFunction[] = [
  ...define("array_position", arrayAndElement, (args, argExprs) => {
    const et = (argExprs[0]!.type as ArrayT).elementType;
    return mapRows(args, LongType, ([a, x]) => (a as unknown[]).findIndex((y) => y !== null && valuesEqual(et, x, y)) + 1);
  }),
  ...define("array_remove", arrayAndElement, (args, argExprs, rt) => {
    const et = (argExprs[0]!.type as ArrayT).elementType;
    return mapRows(args, rt, ([a, x]) => (a as unknown[]).filter((y) => y === null || !valuesEqual(et, x, y)));
  }),
  ...define(["array_append", "array_prepend"], (args, ctx, name) => {
    const sig = arrayAndElement(args, ctx, name);
    return { ...sig, returnType: ArrayType((sig.returnType as ArrayT).elementType, true) };
  }, (args, _e, rt, _ctx, name) =>
    mapRows(args, rt, ([a, x]) => (a === null ? null : name === "array_append" ? [...(a as unknown[]), x] : [x, ...(a as unknown[])]), false),
  ),
  ...define("array_join", (args, _c, name) => {
    checkArity(name, args, 2, 3);
    arrayArg(name, args[0]!);
    return { argTypes: [ArrayType(StringType), StringType, StringType].slice(0, args.length), returnType: StringType };
  }, (args) =>
    mapRows(args, StringType, ([a, sep, rep]) =>
      (a as (string | null)[]).flatMap((x) => (x === null ? (rep === undefined ? [] : [rep as string]) : [x])).join(sep as string),
    ),
  ),
  ...define("flatten", (args, _c, name) => {
    checkArity(name, args, 1);
    const t = arrayArg(name, args[0]!);
    if (t.elementType.kind !== "array") typeMismatch(name, 0, t, "an ARRAY of ARRAYs");
    return { argTypes: [t], returnType: t.elementType };
  }, (args, _e, rt) => mapRows(args, rt, ([a]) => ((a as (unknown[] | null)[]).some((x) => x === null) ? null : (a as unknown[][]).flat(1)))),
  ...define("slice", (args, _c, name) => {
    checkArity(name, args, 3);
    const t = arrayArg(name, args[0]!);
    return { argTypes: [t, IntegerType, IntegerType], returnType: t };
  }, (args, _e, rt) =>
    mapRows(args, rt, ([a, s, l]) => {
      const arr = a as unknown[];
      const start = s as number;
      const len = l as number;
      if (start === 0) throw executionError("INVALID_PARAMETER_VALUE.START", "The value of parameter(s) `start` in `slice` is invalid: Expects a positive or a negative value for `start`, but got 0.");
      if (len < 0) throw executionError("INVALID_PARAMETER_VALUE.LENGTH", `The value of parameter(s) \`length\` in \`slice\` is invalid: Expects \`length\` greater than or equal to 0, but got ${len}.`);
      const from = start > 0 ? start - 1 : arr.length + start;
      return from < 0 ? [] : arr.slice(from, from + len);
    }),
  ),
  ...define(["array_min", "array_max"], (args, _c, name) => {
    checkArity(name, args, 1);
    const t = arrayArg(name, args[0]!);
    return { argTypes: [t], returnType: t.elementType };
  }, (args, argExprs, rt, _ctx, name) => {
    const et = (argExprs[0]!.type as ArrayT).elementType;
    const dir = name === "array_min" ? 1 : -1;
    return mapRows(args, rt, ([a]) => {
      let best: unknown = null;
      for (const x of a as unknown[]) if (x !== null && (best === null || dir * compareNullable(et, x, best) < 0)) best = x;
      return best;
    });
  }),
  ...define(["array_union", "array_intersect", "array_except"], twoArrays, (args, argExprs, rt, _ctx, name) => {
    const et = (argExprs[0]!.type as ArrayT).elementType;
    return mapRows(args, rt, ([a, b]) => {
      const xs = a as unknown[];
      const ys = b as unknown[];
      const out: unknown[] = [];
      if (name === "array_union") for (const x of [...xs, ...ys]) distinctPush(et, out, x);
      else for (const x of xs) if (has(et, ys, x) === (name === "array_intersect")) distinctPush(et, out, x);
      return out;
    });
  }),
  ...define("arrays_overlap", twoArrays, (args, argExprs) => {
    const et = (argExprs[0]!.type as ArrayT).elementType;
    return mapRows(args, BooleanType, ([a, b]) => {
      const xs = a as unknown[];
      const ys = b as unknown[];
      if (xs.some((x) => x !== null && ys.some((y) => y !== null && valuesEqual(et, x, y)))) return true;
      return xs.length > 0 && ys.length > 0 && (xs.includes(null) || ys.includes(null)) ? null : false;
    });
  }),
  ...define("sequence", (args, _c, name) => {
    checkArity(name, args, 2, 3);
    args.forEach((a, i) => ["byte", "short", "int", "bigint", "null"].includes(a.type.kind) || typeMismatch(name, i, a.type, "an integral type (dates and timestamps are not supported by Sluice)"));
    // the widest argument's type, as Spark: sequence(TINYINT, TINYINT) is ARRAY<TINYINT>, (TINYINT, INT) ARRAY<INT>
    const widest = Math.max(...args.map((a) => SEQUENCE_TYPES.findIndex((t) => t.kind === a.type.kind)));
    const t = widest < 0 ? IntegerType : SEQUENCE_TYPES[widest]!;
    return { argTypes: args.map(() => t), returnType: ArrayType(t, false) };
  }, (args, _e, rt) => mapRows(args, rt, ([a, b, s]) => sequence(a as number, b as number, s as number | undefined))),
  ...define("array_repeat", (args, _c, name) => {
    checkArity(name, args, 2);
    if (!["int", "null"].includes(args[1]!.type.kind)) typeMismatch(name, 1, args[1]!.type, "INT");
    return { argTypes: [args[0]!.type, IntegerType], returnType: ArrayType(args[0]!.type, args[0]!.nullable), nullable: args[1]!.nullable };
  }, (args, _e, rt) => mapRows(args, rt, ([x, n]) => (n === null ? null : new Array<unknown>(Math.max(0, n as number)).fill(x)), false)),
  ...define("array_compact", (args, _c, name) => {
    checkArity(name, args, 1);
    const t = arrayArg(name, args[0]!);
    return { argTypes: [t], returnType: ArrayType(t.elementType, false) };
  }, (args, _e, rt) => mapRows(args, rt, ([a]) => (a as unknown[]).filter((x) => x !== null))),
  ...define("array_size", (args, _c, name) => {
    checkArity(name, args, 1);
    return { argTypes: [arrayArg(name, args[0]!)], returnType: IntegerType };
  }, (args) => mapRows(args, IntegerType, ([a]) => (a as unknown[]).length)),
];
