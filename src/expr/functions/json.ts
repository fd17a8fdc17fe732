/**
 * JSON functions: from_json (from-json.ts), to_json (Spark's format: no spaces, null fields omitted, timestamps
 * `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in the session zone), and get_json_object with `$.a.b[0]`,
 * `$['a b']` and `[*]` paths.
 */
import { type DataType, StringType } from "../../types/data-type.js";
import { compilePattern, formatPattern } from "../datetime/pattern.js";
import { formatDateDays } from "../datetime/timestamp-text.js";
import { getTimeZone, type TimeZone } from "../datetime/time-zone.js";
import type { ScalarFunction } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { compileFromJson, resolveFromJson } from "./from-json.js";
import { checkArity, define, literalOf, mapRows, typeMismatch } from "./kernel.js";
import { formatDecimal, formatDouble, formatFloat, formatLong } from "./value-text.js";
import type { VariantVal } from "../../types/variant-val.js";
import { variantToJson } from "./variant-to-json.js";

function optionsOf(e: RExpr | undefined): Map<string, string> {
  const v = e === undefined ? undefined : literalOf(e);
  const out = new Map<string, string>();
  if (v instanceof Map) for (const [k, x] of v) out.set(String(k).toLowerCase(), String(x));
  return out;
}

/** Spark's JSON text of an engine value. */
/** Spark's default timestampNTZFormat for JSON (yyyy-MM-dd'T'HH:mm:ss[.SSS]): the wall clock with milliseconds, no zone. */
const NTZ_PATTERN = compilePattern("yyyy-MM-dd'T'HH:mm:ss.SSS"); // Spark's [.SSS] always prints for a date-time
const UTC = getTimeZone("UTC");

export function toJsonText(t: DataType, v: unknown, zone: TimeZone, tsPattern: ReturnType<typeof compilePattern>): string {
  if (v === null || v === undefined) return "null";
  switch (t.kind) {
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return v ? "true" : "false";
    case "byte":
    case "short":
    case "int":
      return String(v);
    case "bigint":
      return formatLong(v as bigint);
    case "float":
    case "double": {
      const x = v as number;
      if (!Number.isFinite(x)) return JSON.stringify(formatDouble(x));
      return t.kind === "float" ? formatFloat(x) : formatDouble(x);
    }
    case "decimal":
      return formatDecimal(v as number, t.scale);
    case "date":
      return JSON.stringify(formatDateDays(v as number));
    case "timestamp": {
      const us = v as number;
      const off = zone.offsetMs(Math.floor(us / 1000));
      return JSON.stringify(formatPattern(tsPattern, us + off * 1000, off, zone));
    }
    case "timestamp_ntz":
      return JSON.stringify(formatPattern(NTZ_PATTERN, v as number, 0, UTC));
    case "binary":
      return JSON.stringify(Buffer.from(v as Uint8Array).toString("base64"));
    case "variant":
      return variantToJson(v as VariantVal, zone);
    case "array":
      return "[" + (v as unknown[]).map((e) => toJsonText(t.elementType, e, zone, tsPattern)).join(",") + "]";
    case "map": {
      const parts: string[] = [];
      for (const [k, x] of v as Map<unknown, unknown>) parts.push(JSON.stringify(String(k)) + ":" + toJsonText(t.valueType, x, zone, tsPattern));
      return "{" + parts.join(",") + "}";
    }
    case "struct": {
      const o = v as Record<string, unknown>;
      const parts: string[] = [];
      for (const f of t.fields) {
        const x = o[f.name];
        if (x === null || x === undefined) continue;
        parts.push(JSON.stringify(f.name) + ":" + toJsonText(f.type, x, zone, tsPattern));
      }
      return "{" + parts.join(",") + "}";
    }
    default:
      return "null";
  }
}

/** A JSONPath of `$`, `.name`, `['name']`, `[n]`, `[*]` steps. */
type Step = { name: string } | { index: number } | { wildcard: true };

function parsePath(path: string): Step[] | null {
  if (!path.startsWith("$")) return null;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!m) return null;
      steps.push(m[0] === "*" ? { wildcard: true } : { name: m[0] });
      i += 1 + m[0].length;
    } else if (c === "[") {
      const m = /^\[(?:(\d+)|\*|'([^']*)'|"([^"]*)")\]/.exec(path.slice(i));
      if (!m) return null;
      steps.push(m[1] !== undefined ? { index: Number(m[1]) } : m[2] !== undefined || m[3] !== undefined ? { name: (m[2] ?? m[3])! } : { wildcard: true });
      i += m[0].length;
    } else return null;
  }
  return steps;
}

function walk(j: unknown, steps: readonly Step[], k: number, out: unknown[], wild: { seen: boolean }): void {
  if (k === steps.length) {
    if (j !== undefined) out.push(j);
    return;
  }
  const s = steps[k]!;
  if (j === null || j === undefined || typeof j !== "object") return;
  if ("wildcard" in s) {
    wild.seen = true;
    if (Array.isArray(j)) for (const e of j) walk(e, steps, k + 1, out, wild);
    return;
  }
  if ("index" in s) {
    if (Array.isArray(j)) walk(j[s.index], steps, k + 1, out, wild);
    return;
  }
  if (!Array.isArray(j)) walk((j as Record<string, unknown>)[s.name], steps, k + 1, out, wild);
}

function getJsonObject(text: string, steps: readonly Step[]): string | null {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return null;
  }
  const out: unknown[] = [];
  const wild = { seen: false };
  walk(j, steps, 0, out, wild);
  if (out.length === 0) return null;
  const v = wild.seen && out.length > 1 ? out : out[0];
  if (v === null) return null;
  return typeof v === "string" ? v : JSON.stringify(v);
}

export const jsonFunctions: ScalarFunction[] = [
  ...define("from_json", resolveFromJson, compileFromJson),
  ...define("to_json", (args, _c, name) => {
    checkArity(name, args, 1, 2);
    if (!["struct", "array", "map", "null", "variant"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "a STRUCT, ARRAY, MAP or VARIANT");
    return { argTypes: args.map((a) => a.type), returnType: StringType };
  }, (args, argExprs, _rt, ctx) => {
    const opts = optionsOf(argExprs[1]);
    const zone = getTimeZone(opts.get("timezone") ?? ctx.timeZone);
    const pattern = compilePattern(opts.get("timestampformat") ?? "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    const t = argExprs[0]!.type;
    return mapRows([args[0]!], StringType, ([v]) => toJsonText(t, v, zone, pattern));
  }),
  ...define("get_json_object", (args, _c, name) => {
    checkArity(name, args, 2);
    return { argTypes: [StringType, StringType], returnType: StringType };
  }, (args, argExprs) => {
    const lit = literalOf(argExprs[1]);
    const fixed = typeof lit === "string" ? parsePath(lit) : undefined;
    return mapRows(args, StringType, ([s, p]) => {
      const steps = fixed !== undefined ? fixed : parsePath(p as string);
      return steps === null ? null : getJsonObject(s as string, steps);
    });
  }),
];
