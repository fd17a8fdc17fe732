/**
 * JSON functions: from_json (schema as DDL text; modes PERMISSIVE — the default, bad input gives an
 * all-null struct with the raw text in `columnNameOfCorruptRecord` (default `_corrupt_record`) when
 * the schema has that field —, DROPMALFORMED treated as PERMISSIVE as Spark does in from_json, and
 * FAILFAST; nesting deeper than Spark's 1000 levels is malformed, json-depth.ts), to_json (Spark's format: no spaces, null fields omitted, timestamps
 * `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in the session zone), and get_json_object with `$.a.b[0]`,
 * `$['a b']` and `[*]` paths.
 */
import { analysisError, executionError } from "../../common/errors.js";
import { type DataType, StringType, type StructField } from "../../types/data-type.js";
import { parseDataType, parseDDLSchema } from "../../types/ddl.js";
import { compilePattern, formatPattern } from "../datetime/pattern.js";
import { formatDateDays, parseDateText, parseTimestampText } from "../datetime/timestamp-text.js";
import { getTimeZone, type TimeZone } from "../datetime/time-zone.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature, ScalarFunction } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { tooDeepJson } from "./json-depth.js";
import { checkArity, define, literalOf, mapRows, typeMismatch } from "./kernel.js";
import { formatDecimal, formatDouble, formatFloat, formatLong } from "./value-text.js";

function schemaOf(text: unknown): DataType {
  if (typeof text !== "string") throw analysisError("INVALID_SCHEMA", "from_json needs its schema as a literal DDL string such as 'a INT, b STRING'.");
  try {
    return { kind: "struct", fields: parseDDLSchema(text) };
  } catch (e) {
    try {
      return parseDataType(text);
    } catch {
      throw e;
    }
  }
}

function optionsOf(e: RExpr | ArgInfo | undefined): Map<string, string> {
  const v = e === undefined ? undefined : literalOf(e);
  const out = new Map<string, string>();
  if (v instanceof Map) for (const [k, x] of v) out.set(String(k).toLowerCase(), String(x));
  return out;
}

const BAD = Symbol("bad");

/** A parsed JSON value → engine value of `t`; BAD when it does not fit. */
function convert(t: DataType, j: unknown, zone: TimeZone): unknown {
  if (j === null || j === undefined) return null;
  switch (t.kind) {
    case "string":
      return typeof j === "string" ? j : JSON.stringify(j);
    case "boolean":
      return typeof j === "boolean" ? j : BAD;
    case "int":
    case "bigint": {
      if (typeof j !== "number" || !Number.isInteger(j)) return BAD;
      const lim = t.kind === "int" ? 2147483648 : 9223372036854775808;
      if (j < -lim || j >= lim) return BAD;
      return t.kind === "int" ? j : BigInt(j);
    }
    case "float":
    case "double":
      if (typeof j === "number") return t.kind === "float" ? Math.fround(j) : j;
      if (j === "NaN") return NaN;
      if (j === "Infinity" || j === "+INF" || j === "+Infinity") return Infinity;
      if (j === "-Infinity" || j === "-INF") return -Infinity;
      return BAD;
    case "decimal": {
      if (typeof j !== "number" && typeof j !== "string") return BAD;
      const x = Number(j);
      if (!Number.isFinite(x)) return BAD;
      const u = Math.round(x * 10 ** t.scale);
      return Math.abs(u) < 10 ** t.precision ? u : BAD;
    }
    case "timestamp":
      if (typeof j !== "string") return BAD;
      return parseTimestampText(j, zone) ?? BAD;
    case "date":
      if (typeof j !== "string") return BAD;
      return parseDateText(j) ?? BAD;
    case "array": {
      if (!Array.isArray(j)) return BAD;
      const out = j.map((e) => convert(t.elementType, e, zone));
      return out.includes(BAD) ? BAD : out;
    }
    case "map": {
      if (typeof j !== "object" || Array.isArray(j)) return BAD;
      const m = new Map<unknown, unknown>();
      for (const [k, v] of Object.entries(j as object)) {
        const c = convert(t.valueType, v, zone);
        if (c === BAD) return BAD;
        m.set(k, c);
      }
      return m;
    }
    case "struct": {
      if (typeof j !== "object" || Array.isArray(j)) return BAD;
      return structOf(t.fields, j as Record<string, unknown>, zone, null);
    }
    default:
      return BAD;
  }
}

function structOf(fields: readonly StructField[], o: Record<string, unknown>, zone: TimeZone, corrupt: string | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.name === corrupt) {
      out[f.name] = null;
      continue;
    }
    const c = convert(f.type, o[f.name], zone);
    out[f.name] = c === BAD ? null : c;
  }
  return out;
}

function resolveFromJson(args: readonly ArgInfo[], _ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2, 3);
  if (!["string", "null", "binary"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "STRING");
  const mode = (optionsOf(args[2]).get("mode") ?? "PERMISSIVE").toUpperCase();
  if (!["PERMISSIVE", "FAILFAST", "DROPMALFORMED"].includes(mode)) {
    throw analysisError("INVALID_OPTION", `from_json: mode '${mode}' is not one of PERMISSIVE, DROPMALFORMED, FAILFAST.`, { option: "mode" });
  }
  return { argTypes: [StringType, ...args.slice(1).map((a) => a.type)], returnType: schemaOf(literalOf(args[1])) };
}

function compileFromJson(args: readonly CompiledExpr[], argExprs: readonly RExpr[], rt: DataType, ctx: EvalContext): CompiledExpr {
  const opts = optionsOf(argExprs[2]);
  const failFast = (opts.get("mode") ?? "").toUpperCase() === "FAILFAST";
  const corruptName = opts.get("columnnameofcorruptrecord") ?? "_corrupt_record";
  const zone = getTimeZone(opts.get("timezone") ?? ctx.timeZone);
  const fields = rt.kind === "struct" ? rt.fields : null;
  const corrupt = fields?.some((f) => f.name === corruptName && f.type.kind === "string") ? corruptName : null;
  const malformed = (text: string): Record<string, unknown> | null => {
    if (failFast) {
      throw executionError(
        "MALFORMED_RECORD_IN_PARSING",
        `Malformed records are detected in record parsing: ${JSON.stringify(text.length > 200 ? text.slice(0, 200) + "…" : text)}. Parse Mode: FAILFAST. To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'.`,
        { record: text.slice(0, 200) },
      );
    }
    if (!fields) return null;
    const out: Record<string, unknown> = {};
    for (const f of fields) out[f.name] = f.name === corrupt ? text : null;
    return out;
  };
  return mapRows([args[0]!], rt, ([s]) => {
    const text = s as string;
    if (text.trim() === "") return null;
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch {
      return malformed(text);
    }
    if (typeof j === "object" && tooDeepJson(text)) return malformed(text);
    if (fields) {
      if (typeof j !== "object" || j === null) return malformed(text);
      if (Array.isArray(j)) return j.length > 0 && typeof j[0] === "object" && j[0] !== null ? structOf(fields, j[0] as Record<string, unknown>, zone, corrupt) : malformed(text);
      return structOf(fields, j as Record<string, unknown>, zone, corrupt);
    }
    const c = convert(rt, j, zone);
    return c === BAD ? malformed(text) : c;
  });
}

/** Spark's JSON text of an engine value. */
export function toJsonText(t: DataType, v: unknown, zone: TimeZone, tsPattern: ReturnType<typeof compilePattern>): string {
  if (v === null || v === undefined) return "null";
  switch (t.kind) {
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return v ? "true" : "false";
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
    case "binary":
      return JSON.stringify(Buffer.from(v as Uint8Array).toString("base64"));
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
    if (!["struct", "array", "map", "null"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "a STRUCT, ARRAY or MAP");
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
