/**
 * String functions. Positions and lengths count characters (code points) as Spark does, not UTF-16
 * units; `trim` family removes spaces only (Spark's default); regexes are Java syntax (regex.ts).
 */
import { executionError } from "../../common/errors.js";
import { makeVector } from "../../columnar/vector.js";
import { ArrayType, type DataType, IntegerType, StringType } from "../../types/data-type.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { checkArity, define, isLiteral, literalOf, mapRows, typeMismatch } from "./kernel.js";
import { formatString } from "./format-string.js";
import { javaRegex, javaReplacement } from "./regex.js";

const HAS_SURROGATE = /[\uD800-\uDFFF]/;
const chars = (s: string): string[] => (HAS_SURROGATE.test(s) ? Array.from(s) : (s.split("") as string[]));
export const charLength = (s: string): number => (HAS_SURROGATE.test(s) ? Array.from(s).length : s.length);

/** Resolver: `kinds` gives each argument's target ("s" string, "i" int), the last one repeating. */
function sig(kinds: string, ret: DataType, min: number, max = min) {
  return (args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature => {
    checkArity(name, args, min, max);
    const argTypes = args.map((a, i) => {
      const k = kinds[Math.min(i, kinds.length - 1)]!;
      if (a.type.kind === "array" || a.type.kind === "map" || a.type.kind === "struct") typeMismatch(name, i, a.type, k === "i" ? "INT" : "STRING");
      if (k === "i" && !["byte", "short", "int", "bigint", "null", "decimal", "double", "float", "string"].includes(a.type.kind)) typeMismatch(name, i, a.type, "INT");
      return k === "i" ? IntegerType : StringType;
    });
    return { argTypes, returnType: ret };
  };
}

/** Spark's substring with 1-based (or negative, from the end) positions. */
export function substringSQL(s: string, pos: number, len: number): string {
  const cs = HAS_SURROGATE.test(s) ? Array.from(s) : null;
  const n = cs ? cs.length : s.length;
  let start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;
  const end = Math.min(start + len, n);
  start = Math.max(start, 0);
  if (start >= end) return "";
  return cs ? cs.slice(start, end).join("") : s.slice(start, end);
}

function trimSpaces(s: string, left: boolean, right: boolean, set = " "): string {
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a]!)) a++;
  if (right) while (b > a && set.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function pad(s: string, len: number, p: string, left: boolean): string {
  if (len <= 0) return "";
  const cs = chars(s);
  if (cs.length >= len) return cs.slice(0, len).join("");
  if (p.length === 0) return s;
  const pc = chars(p);
  const need = len - cs.length;
  let fill = "";
  for (let i = 0; i < need; i++) fill += pc[i % pc.length];
  return left ? fill + s : s + fill;
}

function regexGroupCheck(re: RegExp, idx: number, pattern: string): void {
  const groups = new RegExp(re.source + "|").exec("")!.length - 1;
  if (idx < 0 || idx > groups) {
    throw executionError(
      "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX",
      `The value of parameter \`idx\` in \`regexp_extract\` is invalid: the regex '${pattern}' has ${groups} groups, but the index is ${idx}. Use an index between 0 and ${groups}.`,
      { pattern, index: idx },
    );
  }
}

/** Java String.split(regex, limit) as Spark calls it (limit <= 0: no limit, trailing empties kept). */
export function splitJava(s: string, re: RegExp, limit: number): string[] {
  const out: string[] = [];
  const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
  let last = 0;
  let m: RegExpExecArray | null;
  while ((limit <= 0 || out.length < limit - 1) && (m = g.exec(s)) !== null) {
    if (m[0].length === 0) {
      if (m.index >= s.length) break;
      if (m.index === 0) {
        g.lastIndex++;
        continue;
      }
      out.push(s.slice(last, m.index));
      last = m.index;
      g.lastIndex++;
      continue;
    }
    out.push(s.slice(last, m.index));
    last = m.index + m[0].length;
  }
  out.push(s.slice(last));
  return out;
}

/** Use a literal pattern once, or compile per row (cached) when it is a column. */
function regexArg(argExprs: readonly RExpr[], i: number): ((row: unknown) => RegExp) | RegExp {
  const l = isLiteral(argExprs[i]) ? literalOf(argExprs[i]) : undefined;
  if (typeof l === "string") return javaRegex(l);
  return (p) => javaRegex(p as string);
}
const getRe = (r: ((row: unknown) => RegExp) | RegExp, p: unknown): RegExp => (r instanceof RegExp ? r : r(p));

function compileUnary(f: (s: string) => string | number, ret: DataType): (args: readonly CompiledExpr[]) => CompiledExpr {
  return (args) => {
    const fa = args[0]!;
    return (batch) => {
      const v = fa(batch);
      const n = batch.numRows;
      const x = v.values as string[];
      const out = ret.kind === "int" ? new Int32Array(n) : new Array<string>(n);
      for (let i = 0; i < n; i++) if (v.validity === null || v.validity[i] === 1) (out as unknown[])[i] = f(x[i]!);
      else if (ret.kind !== "int") (out as string[])[i] = "";
      return makeVector(ret, out, v.validity);
    };
  };
}

function resolveConcat(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  if (args.length > 0 && args.every((a) => a.type.kind === "array" || a.type.kind === "null")) {
    const t = args.find((a) => a.type.kind === "array")?.type ?? ArrayType(StringType);
    return { argTypes: args.map(() => t), returnType: t };
  }
  return sig("s", StringType, 0, Infinity)(args, _ctx, name);
}

function resolveConcatWs(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 1, Infinity);
  return {
    argTypes: args.map((a, i) => (i > 0 && a.type.kind === "array" ? ArrayType(StringType) : StringType)),
    returnType: StringType,
    nullable: args[0]!.nullable,
  };
}

export const stringFunctions: ScalarFunction[] = [
  ...define("concat", resolveConcat, (args, _e, rt) =>
    mapRows(args, rt, (v) => (rt.kind === "array" ? (v as unknown[][]).flat(1) : (v as string[]).join(""))),
  ),
  ...define("concat_ws", resolveConcatWs, (args) =>
    mapRows(
      args,
      StringType,
      ([sep, ...rest]) => (sep === null ? null : rest.flatMap((x) => (x === null ? [] : Array.isArray(x) ? x.filter((e) => e !== null) : [x])).join(sep as string)),
      false,
    ),
  ),
  ...define(["lower", "lcase"], sig("s", StringType, 1), compileUnary((s) => s.toLowerCase(), StringType)),
  ...define(["upper", "ucase"], sig("s", StringType, 1), compileUnary((s) => s.toUpperCase(), StringType)),
  ...define(["trim", "ltrim", "rtrim"], sig("s", StringType, 1, 2), (args, _e, _rt, _ctx, name) => {
    const l = name !== "rtrim";
    const r = name !== "ltrim";
    if (args.length === 1) return compileUnary((s) => trimSpaces(s, l, r), StringType)(args);
    // Spark SQL's two-argument form is trim(trimStr, str): TRIM(BOTH 'x' FROM s) → trim('x', s).
    return mapRows(args, StringType, ([set, s]) => trimSpaces(s as string, l, r, set as string));
  }),
  ...define(["length", "char_length", "character_length", "len"], (args, ctx, name) =>
    args.length === 1 && args[0]!.type.kind === "binary" ? { argTypes: [args[0]!.type], returnType: IntegerType } : sig("s", IntegerType, 1)(args, ctx, name),
  (args, argExprs) =>
    argExprs[0]!.type.kind === "binary" ? mapRows(args, IntegerType, ([b]) => (b as Uint8Array).length) : compileUnary(charLength, IntegerType)(args),
  ),
  ...define(["substring", "substr"], sig("sii", StringType, 2, 3), (args) =>
    mapRows(args, StringType, ([s, p, l]) => substringSQL(s as string, p as number, l === undefined ? 2147483647 : (l as number))),
  ),
  ...define("split", sig("ssi", ArrayType(StringType, false), 2, 3), (args, argExprs) => {
    const re = regexArg(argExprs, 1);
    return mapRows(args, ArrayType(StringType, false), ([s, p, l]) => splitJava(s as string, getRe(re, p), l === undefined ? -1 : (l as number)));
  }),
  ...define("regexp_extract", sig("ssi", StringType, 2, 3), (args, argExprs) => {
    const re = regexArg(argExprs, 1);
    return mapRows(args, StringType, ([s, p, idx]) => {
      const r = getRe(re, p);
      const k = idx === undefined ? 1 : (idx as number);
      regexGroupCheck(r, k, p as string);
      r.lastIndex = 0;
      const m = r.exec(s as string);
      return m ? (m[k] ?? "") : "";
    });
  }),
  ...define("regexp_replace", sig("sssi", StringType, 3, 4), (args, argExprs) => {
    const re = regexArg(argExprs, 1);
    return mapRows(args, StringType, ([s, p, rep, pos]) => {
      const r = getRe(re, p);
      const g = new RegExp(r.source, r.flags.includes("g") ? r.flags : r.flags + "g");
      const start = pos === undefined ? 0 : Math.max(0, (pos as number) - 1);
      const str = s as string;
      return str.slice(0, start) + str.slice(start).replace(g, javaReplacement(rep as string));
    });
  }),
  ...define(["lpad", "rpad"], sig("sis", StringType, 2, 3), (args, _e, _rt, _ctx, name) =>
    mapRows(args, StringType, ([s, l, p]) => pad(s as string, l as number, p === undefined ? " " : (p as string), name === "lpad")),
  ),
  ...define("instr", sig("ss", IntegerType, 2), (args) => mapRows(args, IntegerType, ([s, sub]) => codePointIndex(s as string, (s as string).indexOf(sub as string)) + 1)),
  ...define("locate", sig("ssi", IntegerType, 2, 3), (args) =>
    mapRows(
      args,
      IntegerType,
      ([sub, s, pos]) => {
        const p = pos === undefined ? 1 : (pos as number | null);
        if (p === null) return 0;
        if (sub === null || s === null) return null;
        if (p < 1) return 0;
        const str = s as string;
        const from = HAS_SURROGATE.test(str) ? Array.from(str).slice(0, p - 1).join("").length : p - 1;
        return codePointIndex(str, str.indexOf(sub as string, from)) + 1;
      },
      false,
    ),
  ),
  ...define(["format_string", "printf"], (args, ctx, name) => {
    checkArity(name, args, 1, Infinity);
    return { argTypes: [StringType, ...args.slice(1).map((a) => a.type)], returnType: StringType, nullable: args[0]!.nullable };
  }, (args, argExprs, _rt, ctx) => {
    const types = argExprs.map((e) => e.type);
    return mapRows(args, StringType, ([fmt, ...rest]) => (fmt === null ? null : formatString(fmt as string, rest, types.slice(1), ctx)), false);
  }),
  ...define("initcap", sig("s", StringType, 1), compileUnary((s) => s.toLowerCase().replace(/(^|\s)(\S)/g, (_m, a: string, c: string) => a + c.toUpperCase()), StringType)),
  ...define("reverse", resolveReverse, (args, _e, rt) => mapRows(args, rt, ([s]) => (Array.isArray(s) ? [...s].reverse() : chars(s as string).reverse().join("")))),
  ...define("repeat", sig("si", StringType, 2), (args) => mapRows(args, StringType, ([s, k]) => (s as string).repeat(Math.max(0, k as number)))),
  ...define("replace", sig("sss", StringType, 2, 3), (args) =>
    mapRows(args, StringType, ([s, a, b]) => ((a as string) === "" ? s : (s as string).split(a as string).join(b === undefined ? "" : (b as string)))),
  ),
  ...define("translate", sig("sss", StringType, 3), (args) =>
    mapRows(args, StringType, ([s, from, to]) => {
      const f = chars(from as string);
      const t = chars(to as string);
      const map = new Map<string, string>();
      f.forEach((c, i) => {
        if (!map.has(c)) map.set(c, t[i] ?? "");
      });
      return chars(s as string)
        .map((c) => map.get(c) ?? c)
        .join("");
    }),
  ),
];

function resolveReverse(args: readonly ArgInfo[], ctx: EvalContext, name: string): ResolvedSignature {
  if (args.length === 1 && args[0]!.type.kind === "array") return { argTypes: [args[0]!.type], returnType: args[0]!.type };
  return sig("s", StringType, 1)(args, ctx, name);
}

function codePointIndex(s: string, unitIndex: number): number {
  if (unitIndex <= 0 || !HAS_SURROGATE.test(s)) return unitIndex;
  return Array.from(s.slice(0, unitIndex)).length;
}
