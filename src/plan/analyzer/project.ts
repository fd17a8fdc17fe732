/**
 * select(): 1. a list with aggregate calls becomes a global aggregate (Spark's rule), 2. one
 * top-level generator (explode/posexplode[_outer], inline) becomes RGenerate under the projection,
 * 3. window expressions are lifted into RWindow (output = input + one column per call),
 * 4. the remaining list becomes RProject over that. Plain column references keep their exprId.
 */
import { analysisError, unsupported } from "../../common/errors.js";
import type { CallExpr, Expr, WindowExpr } from "../../expr/expr.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import { type DataType, IntegerType, sqlTypeName } from "../../types/data-type.js";
import type { Attribute, RGenerate, RWindowCall, ResolvedPlan } from "../resolved-plan.js";
import { resolveAggregate } from "./aggregate.js";
import { type AnalyzeContext, type ProjectItem, exprKey, unalias, walkExpr } from "./context.js";
import { ExprResolver, GENERATORS, nullableOf } from "./resolve-expr.js";
import { newAttribute } from "./scope.js";
import { resolveWindowCall } from "./window.js";

/** Does the item contain an aggregate call outside any window expression? */
export function hasAggregate(items: readonly ProjectItem[], r: ExprResolver): boolean {
  let found = false;
  for (const it of items) {
    if (typeof it === "number") continue;
    walkExpr(it, (x) => {
      if (x.kind === "window") return false;
      if (x.kind === "call" && r.isAggregate(x.name)) found = true;
      return !found;
    });
  }
  return found;
}

export function resolveProject(ctx: AnalyzeContext, input: ResolvedPlan, items: readonly ProjectItem[]): ResolvedPlan {
  const base = new ExprResolver(ctx.env, input.output, "select");
  if (hasAggregate(items, base)) return resolveAggregate(ctx, input, [], items, "groupBy");

  const generatorAt = items.findIndex((it) => typeof it !== "number" && isGenerator(unalias(it)[0]));
  const windows = collectWindows(items);
  if (generatorAt >= 0 && windows.length > 0) {
    throw unsupported("UNSUPPORTED_GENERATOR", "A generator (explode) and a window function in the same select() are not supported; split them into two select() calls.");
  }
  if (generatorAt >= 0) return projectWithGenerator(ctx, input, items, generatorAt);
  if (windows.length > 0) return projectWithWindows(ctx, input, items, windows);
  return buildProject(input, items, base);
}

/** RProject of `items` over `input`, with output attributes named as Spark names them. */
export function buildProject(input: ResolvedPlan, items: readonly ProjectItem[], resolver: ExprResolver): ResolvedPlan {
  const exprs: RExpr[] = [];
  const output: Attribute[] = [];
  for (const it of items) {
    if (typeof it === "number") {
      exprs.push(resolver.ref(it));
      output.push(input.output[it]!);
      continue;
    }
    if (it.kind === "star") {
      for (const x of resolver.expandStar(it)) {
        exprs.push(x.r);
        output.push(x.attr ?? newAttribute(x.name, x.r.type, nullableOf(x.r)));
      }
      continue;
    }
    const r = resolver.resolve(it);
    exprs.push(r);
    output.push(outputAttribute(it, r, resolver));
  }
  return { kind: "project", input, exprs, output };
}

/** The output attribute for a resolved select item. */
export function outputAttribute(e: Expr, r: RExpr, resolver: ExprResolver): Attribute {
  const [inner, alias] = unalias(e);
  const input = resolver.input;
  if (alias === undefined && r.kind === "ref" && inner.kind === "column") {
    // A plain reference passes the column through (same exprId); the name is the one typed.
    const a = input[r.index]!;
    return inner.exprId !== undefined ? a : { ...a, name: inner.nameParts[inner.nameParts.length - 1]! };
  }
  const delay = watermarkOf(r, input);
  return newAttribute(alias ?? resolver.name(inner), r.type, nullableOf(r), delay !== undefined ? { watermarkDelayMs: delay } : {});
}

/** An event-time column keeps its watermark through refs and time windows over it. */
export function watermarkOf(r: RExpr, input: readonly Attribute[]): number | undefined {
  if (r.kind === "ref") return input[r.index]?.watermarkDelayMs;
  if (r.kind === "call" && ["window", "session_window", "window_time"].includes(r.fn.name) && r.args[0]) return watermarkOf(r.args[0], input);
  if (r.kind === "cast") return watermarkOf(r.child, input);
  return undefined;
}

const isGenerator = (e: Expr): e is CallExpr => e.kind === "call" && GENERATORS.has(e.name);

function collectWindows(items: readonly ProjectItem[]): WindowExpr[] {
  const seen = new Map<string, WindowExpr>();
  for (const it of items) {
    if (typeof it === "number") continue;
    walkExpr(it, (x) => {
      if (x.kind !== "window") return true;
      const k = exprKey(x);
      if (!seen.has(k)) seen.set(k, x);
      return false;
    });
  }
  return [...seen.values()];
}

function projectWithWindows(ctx: AnalyzeContext, input: ResolvedPlan, items: readonly ProjectItem[], windows: readonly WindowExpr[]): ResolvedPlan {
  const resolver = new ExprResolver(ctx.env, input.output, "window");
  const calls: RWindowCall[] = [];
  const attrs: Attribute[] = [];
  const indexByKey = new Map<string, number>();
  for (const w of windows) {
    const call = resolveWindowCall(resolver, w);
    indexByKey.set(exprKey(w), input.output.length + calls.length);
    calls.push(call);
    attrs.push(newAttribute(resolver.name(w), call.type, true));
  }
  const windowNode: ResolvedPlan = { kind: "window", input, calls, output: [...input.output, ...attrs] };
  const over = new ExprResolver(ctx.env, windowNode.output, "select", (e, r) => {
    if (e.kind !== "window") return undefined;
    return r.ref(indexByKey.get(exprKey(e))!);
  });
  return buildProject(windowNode, items, over);
}

/** The columns a generator produces for an argument type, before aliasing. */
function generatedColumns(name: string, t: DataType, outer: boolean, shown: string): { name: string; type: DataType; nullable: boolean }[] {
  const pos = name.startsWith("posexplode") ? [{ name: "pos", type: IntegerType, nullable: outer }] : [];
  if (name.startsWith("inline")) {
    if (t.kind === "array" && t.elementType.kind === "struct") {
      return t.elementType.fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable || t.containsNull || outer }));
    }
  } else if (t.kind === "array") {
    return [...pos, { name: "col", type: t.elementType, nullable: t.containsNull || outer }];
  } else if (t.kind === "map") {
    return [...pos, { name: "key", type: t.keyType, nullable: outer }, { name: "value", type: t.valueType, nullable: t.valueContainsNull || outer }];
  }
  throw analysisError(
    "DATATYPE_MISMATCH",
    `Cannot resolve "${shown}" due to data type mismatch: the first parameter requires ${name.startsWith("inline") ? '"ARRAY<STRUCT>"' : '("ARRAY" or "MAP")'} type, however it has the type "${sqlTypeName(t)}".`,
  );
}

function projectWithGenerator(ctx: AnalyzeContext, input: ResolvedPlan, items: readonly ProjectItem[], at: number): ResolvedPlan {
  const resolver = new ExprResolver(ctx.env, input.output, "select");
  const others = items.filter((it, i) => i !== at && typeof it !== "number" && isGenerator(unalias(it)[0]));
  if (others.length > 0) {
    throw analysisError(
      "UNSUPPORTED_GENERATOR",
      "The generator is not supported: only one generator allowed per select clause but found 2. Use one explode() per select() and chain them.",
    );
  }
  const item = items[at] as Expr;
  const [gen] = unalias(item) as [CallExpr, string | undefined];
  const aliases = item.kind === "alias" ? (item.names ?? [item.name]) : undefined;
  if (gen.args.length !== 1) {
    throw analysisError("WRONG_NUM_ARGS", `The \`${gen.name}\` requires 1 parameter but the actual number is ${gen.args.length}.`, { routine: gen.name });
  }
  const arg = resolver.resolve(gen.args[0]!);
  const outer = gen.name.endsWith("_outer");
  const cols = generatedColumns(gen.name, arg.type, outer, resolver.name(gen));
  if (aliases !== undefined && cols.length !== aliases.length) {
    throw analysisError(
      "UDTF_ALIAS_NUMBER_MISMATCH",
      `The number of aliases supplied in the AS clause does not match the number of columns output by the UDTF. Expected ${cols.length} aliases, but got ${aliases.join(", ")}. Give one alias per generated column, e.g. AS (pos, col).`,
    );
  }
  const genAttrs = cols.map((c, j) => newAttribute(aliases?.[j] ?? c.name, c.type, c.nullable));
  const generator: RGenerate["generator"] = gen.name.startsWith("posexplode") ? "posexplode" : gen.name.startsWith("inline") ? "inline" : "explode";
  const generate: ResolvedPlan = { kind: "generate", input, generator, outer, arg, output: [...input.output, ...genAttrs] };
  const first = input.output.length;
  // An unqualified `*` next to a generator means the input's columns only (LATERAL VIEW's shape).
  const inputCols = input.output.map((_, j) => j);
  const expanded: ProjectItem[] = items.flatMap((it, i) =>
    i === at ? genAttrs.map((_, j) => first + j) : typeof it !== "number" && it.kind === "star" && !it.target ? inputCols : [it],
  );
  return buildProject(generate, expanded, new ExprResolver(ctx.env, generate.output, "select"));
}

