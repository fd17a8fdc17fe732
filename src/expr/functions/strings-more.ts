/**
 * More string functions: substring_index, btrim, levenshtein (with optional threshold), soundex,
 * elt, find_in_set, regexp_count, regexp_substr, overlay, and dayname/monthname. Positions count
 * characters as Spark does; regexes are Java syntax (regex.ts).
 */
import { executionError } from "../../common/errors.js";
import { type DataType, IntegerType, StringType } from "../../types/data-type.js";
import { civilFromDays, isoDayOfWeek } from "../datetime/calendar.js";
import type { ArgInfo, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import { checkArity, define, mapRows, typeMismatch } from "./kernel.js";
import { javaRegex } from "./regex.js";

const COMPLEX = ["array", "map", "struct", "binary"];
const str = (name: string, a: ArgInfo, i: number): DataType => (COMPLEX.includes(a.type.kind) ? typeMismatch(name, i, a.type, "STRING") : StringType);
const int = (name: string, a: ArgInfo, i: number): DataType =>
  ["int", "bigint", "null", "decimal", "double", "float", "string"].includes(a.type.kind) ? IntegerType : typeMismatch(name, i, a.type, "INT");

/** Resolver from a kinds string ("s" string, "i" int) with min/max arity. */
function sig(kinds: string, ret: DataType, min: number, max = min) {
  return (args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature => {
    checkArity(name, args, min, max);
    return { argTypes: args.map((a, i) => (kinds[Math.min(i, kinds.length - 1)] === "i" ? int(name, a, i) : str(name, a, i))), returnType: ret };
  };
}

/** substring_index(s, delim, count): before the count-th delimiter (from the end when negative). */
export function substringIndex(s: string, delim: string, count: number): string {
  if (count === 0 || delim === "") return "";
  const parts = s.split(delim);
  if (Math.abs(count) >= parts.length) return s;
  return count > 0 ? parts.slice(0, count).join(delim) : parts.slice(parts.length + count).join(delim);
}

export function levenshtein(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

const SOUNDEX_CODES = "01230120022455012623010202"; // A..Z

/** American Soundex as Spark computes it; a string not starting with a letter is returned as is. */
export function soundex(s: string): string {
  if (s === "") return "";
  const first = s[0]!.toUpperCase();
  if (first < "A" || first > "Z") return s;
  let out = first;
  let last = SOUNDEX_CODES[first.charCodeAt(0) - 65]!;
  for (let i = 1; i < s.length && out.length < 4; i++) {
    const c = s[i]!.toUpperCase();
    if (c < "A" || c > "Z") {
      last = "0";
      continue;
    }
    const code = SOUNDEX_CODES[c.charCodeAt(0) - 65]!;
    if (c === "H" || c === "W") continue;
    if (code !== "0" && code !== last) out += code;
    last = code;
  }
  return out.padEnd(4, "0");
}

const DAY_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTH_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export const moreStringFunctions: ScalarFunction[] = [
  ...define("substring_index", sig("ssi", StringType, 3), (args) => mapRows(args, StringType, ([s, d, c]) => substringIndex(s as string, d as string, c as number))),
  ...define("btrim", sig("ss", StringType, 1, 2), (args) =>
    mapRows(args, StringType, ([s, set]) => {
      const chars = new Set(Array.from(set === undefined ? " " : (set as string)));
      const cs = Array.from(s as string);
      let a = 0;
      let b = cs.length;
      while (a < b && chars.has(cs[a]!)) a++;
      while (b > a && chars.has(cs[b - 1]!)) b--;
      return cs.slice(a, b).join("");
    }),
  ),
  ...define("levenshtein", sig("ssi", IntegerType, 2, 3), (args) =>
    mapRows(args, IntegerType, ([a, b, t]) => {
      const dist = levenshtein(a as string, b as string);
      return t !== undefined && dist > (t as number) ? -1 : dist;
    }),
  ),
  ...define("soundex", sig("s", StringType, 1), (args) => mapRows(args, StringType, ([s]) => soundex(s as string))),
  ...define("elt", (args, _c, name) => {
    checkArity(name, args, 2, Infinity);
    return { argTypes: args.map((a, i) => (i === 0 ? int(name, a, 0) : str(name, a, i))), returnType: StringType };
  }, (args, _e, _rt, ctx) =>
    mapRows(
      args,
      StringType,
      ([n, ...rest]) => {
        if (n === null) return null;
        const k = n as number;
        if (k < 1 || k > rest.length) {
          if (!ctx.ansi) return null;
          throw executionError(
            "INVALID_ARRAY_INDEX",
            `The index ${k} is out of bounds. The array has ${rest.length} elements. Use \`try_element_at\` or set "spark.sql.ansi.enabled" to "false" to return NULL instead.`,
            { index: k, size: rest.length },
          );
        }
        return rest[k - 1];
      },
      false,
    ),
  ),
  ...define("find_in_set", sig("ss", IntegerType, 2), (args) =>
    mapRows(args, IntegerType, ([x, list]) => ((x as string).includes(",") ? 0 : (list as string).split(",").indexOf(x as string) + 1)),
  ),
  ...define("regexp_count", sig("ss", IntegerType, 2), (args) =>
    mapRows(args, IntegerType, ([s, p]) => {
      const re = javaRegex(p as string);
      const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
      return Array.from((s as string).matchAll(g)).length;
    }),
  ),
  ...define("regexp_substr", sig("ss", StringType, 2), (args) =>
    mapRows(args, StringType, ([s, p]) => {
      const m = javaRegex(p as string).exec(s as string);
      return m === null ? null : m[0];
    }),
  ),
  ...define("overlay", sig("ssii", StringType, 3, 4), (args) =>
    mapRows(args, StringType, ([s, rep, pos, len]) => {
      const cs = Array.from(s as string);
      const r = Array.from(rep as string);
      const start = Math.max(0, (pos as number) - 1);
      const l = len === undefined || (len as number) < 0 ? r.length : (len as number);
      return [...cs.slice(0, start), ...r, ...cs.slice(start + l)].join("");
    }),
    { display: (n) => `overlay(${[...n, ...(n.length === 3 ? ["-1"] : [])].join(", ")})` },
  ),
  ...define(["dayname", "monthname"], (args, _c, name) => {
    checkArity(name, args, 1);
    if (!["date", "timestamp", "string", "null"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "DATE");
    return { argTypes: [{ kind: "date" }], returnType: StringType };
  }, (args, _e, _rt, _ctx, name) =>
    mapRows(args, StringType, ([d]) => (name === "dayname" ? DAY_SHORT[isoDayOfWeek(d as number) - 1]! : MONTH_SHORT[civilFromDays(d as number).month - 1]!)),
  ),
];
