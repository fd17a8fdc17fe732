/**
 * groupBy(...).agg(...) and global aggregates → RAggregate. Steps:
 *   1. a sliding `window(ts, dur, slide)` key is rewritten into RGenerate(explode) over the scalar
 *      `__sliding_windows(ts, dur, slide, start)` (array<struct<start,end>>), then grouped on;
 *   2. group keys are resolved against the input (aggregates there are GROUP_BY_AGGREGATE);
 *   3. each result item is resolved over the buffer [keys..., aggregates...]: aggregate calls are
 *      lifted into RAggCall (identical calls shared), sub-expressions equal to a key become refs
 *      to it, and any other column is MISSING_AGGREGATION;
 *   4. rollup/cube become grouping sets.
 */
import { checkGroupKeyNotVariant } from "./variant-checks.js";
import { analysisError } from "../../common/errors.js";
import type { CallExpr, Expr } from "../../expr/expr.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import { StringType, sameType, sqlTypeName } from "../../types/data-type.js";
import { type Attribute, type RAggCall, type ResolvedPlan, isStreamingPlan } from "../resolved-plan.js";
import { type AnalyzeContext, type ProjectItem, exprKey, unalias, walkExpr } from "./context.js";
import { parseIntervalMs } from "../../common/duration.js";
import { outputAttribute, watermarkOf } from "./project.js";
import { ExprResolver, argInfo, implicitCast, nullableOf } from "./resolve-expr.js";
import { refIndices, rexprKey } from "./rexpr-utils.js";
import { isSessionWindow, sessionWindowItems, sessionWindowKeys, sessionWindowPlan, withSessionWatermark } from "./session-window.js";
import { findColumn, newAttribute, quoteParts } from "./scope.js";

export type Grouping = "groupBy" | "rollup" | "cube";

export function resolveAggregate(
  ctx: AnalyzeContext,
  input: ResolvedPlan,
  groupBy: readonly Expr[],
  items: readonly ProjectItem[],
  grouping: Grouping,
): ResolvedPlan {
  const env = ctx.env;
  // 0. session windows: merge sessions first, then group on the session_window column
  const session = groupBy.findIndex((g) => isSessionWindow(unalias(g)[0]));
  if (session >= 0) {
    let merged = ctx.analyze(sessionWindowPlan(input, groupBy, session));
    const streaming = isStreamingPlan(input);
    if (streaming) {
      const ts = new ExprResolver(env, input.output, "groupBy").resolve((unalias(groupBy[session]!)[0] as CallExpr).args[0]!);
      merged = withSessionWatermark(merged, watermarkOf(ts, input.output));
    }
    const agg = resolveAggregate(ctx, merged, sessionWindowKeys(groupBy, session), sessionWindowItems(items, groupBy, session), grouping);
    return streaming && agg.kind === "aggregate" ? { ...agg, sessionWindowKey: session } : agg;
  }
  // 1. sliding windows
  const sliding = groupBy.findIndex((g) => isSlidingWindow(unalias(g)[0]));
  let child = input;
  // Spark drops rows whose event time is null before a tumbling window() groups them.
  const tumbling = groupBy.find((g, i) => i !== sliding && unalias(g)[0].kind === "call" && (unalias(g)[0] as CallExpr).name === "window" && (unalias(g)[0] as CallExpr).args.length > 0);
  if (tumbling !== undefined) {
    const r = new ExprResolver(env, input.output, "groupBy");
    const ts = r.resolve((unalias(tumbling)[0] as CallExpr).args[0]!);
    if (nullableOf(ts)) child = { kind: "filter", input, condition: r.callFunction("isnotnull", [ts]), output: input.output };
  }
  let slidingKeyRef: RExpr | undefined;
  if (sliding >= 0) {
    const gen = slidingWindowGenerate(new ExprResolver(env, input.output, "groupBy"), unalias(groupBy[sliding]!)[0] as CallExpr, input);
    child = gen;
    slidingKeyRef = new ExprResolver(env, gen.output).ref(gen.output.length - 1);
  }
  const plain = new ExprResolver(env, child.output, "groupBy");

  // 2. keys
  const keyExprs = groupBy.map((g, i) => (i === sliding ? slidingKeyRef! : plain.resolve(g)));
  keyExprs.forEach((k, i) => checkGroupKeyNotVariant(k.type, plain.name(groupBy[i]!)));
  const rolled = grouping !== "groupBy";
  const keyAttrs: Attribute[] = groupBy.map((g, i) => {
    const a = i === sliding ? child.output[child.output.length - 1]! : outputAttribute(g, keyExprs[i]!, plain);
    return rolled ? { ...a, nullable: true } : a;
  });
  const keyIndexByExpr = new Map<string, number>();
  groupBy.forEach((g, i) => keyIndexByExpr.set(exprKey(unalias(g)[0]), i));
  const keyIndexByR = new Map<string, number>();
  keyExprs.forEach((k, i) => keyIndexByR.has(rexprKey(k)) || keyIndexByR.set(rexprKey(k), i));

  // 3. result expressions over the buffer
  const buffer: Attribute[] = [...keyAttrs];
  const aggs: RAggCall[] = [];
  const aggIndex = new Map<string, number>();
  const argResolver = plain.with("aggregateArg");
  const keyRef = (i: number): RExpr => ({ kind: "ref", index: i, type: keyAttrs[i]!.type, nullable: keyAttrs[i]!.nullable, name: keyAttrs[i]!.name });
  const missing = (shown: string): Error =>
    analysisError(
      "MISSING_AGGREGATION",
      `The non-aggregating expression "${shown}" is based on columns which are not participating in the GROUP BY clause. ` +
        `Add the columns or the expression to the GROUP BY, aggregate the expression, or use "any_value(${shown})" if you do not care which of the values within a group is returned.`,
      { expression: shown },
    );
  const lift = (e: CallExpr): RExpr => {
    const fn = env.functions.aggregate(e.name)!;
    const args = argResolver.resolveArgs(e.args);
    const infos = args.map((a) => argInfo(a, env.eval));
    const sig = fn.resolve(infos, env.eval, e.distinct === true);
    const cast = args.map((a, i) => (sig.argTypes[i] === undefined || sameType(a.type, sig.argTypes[i]!) ? a : implicitCast(a, sig.argTypes[i]!)));
    const filter = e.filter ? plain.with("where").resolve(e.filter) : undefined;
    if (filter && filter.type.kind !== "boolean") {
      throw analysisError("DATATYPE_MISMATCH", `FILTER expression of ${plain.name(e)} must be BOOLEAN, got "${sqlTypeName(filter.type)}".`);
    }
    const key = `${e.name}|${e.distinct === true}|${e.ignoreNulls === true}|${cast.map(rexprKey).join(",")}|${filter ? rexprKey(filter) : ""}`;
    let j = aggIndex.get(key);
    if (j === undefined) {
      j = aggs.length;
      aggIndex.set(key, j);
      const name = plain.name(e);
      aggs.push({
        fn,
        args: cast,
        distinct: e.distinct === true,
        ignoreNulls: e.ignoreNulls === true,
        ...(filter ? { filter } : {}),
        type: sig.returnType,
        stateTypes: sig.stateTypes,
        literals: infos.map((i) => i.literal?.value),
        name,
      });
      buffer.push(newAttribute(name, sig.returnType, sig.nullable ?? true));
    }
    const a = buffer[keyAttrs.length + j]!;
    return { kind: "ref", index: keyAttrs.length + j, type: a.type, nullable: a.nullable, name: a.name };
  };
  const containsAggregate = (e: Expr): boolean => {
    let found = false;
    walkExpr(e, (x) => {
      if (x.kind === "call" && plain.isAggregate(x.name)) found = true;
      return !found && x.kind !== "window";
    });
    return found;
  };
  const intercept = (e: Expr, r: ExprResolver): RExpr | undefined => {
    if (e.kind === "call" && r.isAggregate(e.name)) return lift(e);
    if (e.kind === "window") {
      throw analysisError("UNSUPPORTED_EXPR_FOR_OPERATOR", `Window functions over aggregates (${plain.name(e)}) are not supported; aggregate first, then apply the window in a following select().`);
    }
    const byExpr = keyIndexByExpr.get(exprKey(e));
    if (byExpr !== undefined) return keyRef(byExpr);
    if (e.kind === "column") {
      const m = findColumn(child.output, e.nameParts, env.caseSensitive, e.exprId);
      if (!m) return plain.resolve(e); // throws UNRESOLVED_COLUMN with suggestions
      const k = keyIndexByR.get(rexprKey(plain.ref(m.index)));
      if (k === undefined) {
        const whole = keyIndexByR.get(rexprKey(plain.resolve(e)));
        if (whole !== undefined) return keyRef(whole);
        throw missing(plain.name(e));
      }
      const over = new ExprResolver(env, buffer);
      return m.nestedFields.reduce<RExpr>((acc, f) => over.getField(acc, f), keyRef(k));
    }
    if (containsAggregate(e)) return undefined;
    const rr = plain.resolve(e);
    const k = keyIndexByR.get(rexprKey(rr));
    if (k !== undefined) return keyRef(k);
    return refIndices(rr).size === 0 ? rr : undefined;
  };
  const result = new ExprResolver(env, buffer, "select", intercept);
  const resultExprs: RExpr[] = [];
  const output: Attribute[] = [];
  const addColumn = (index: number): void => {
    const k = keyIndexByR.get(rexprKey(plain.ref(index)));
    if (k === undefined) throw missing(child.output[index]!.name);
    resultExprs.push(keyRef(k));
    output.push(keyAttrs[k]!);
  };
  for (const it of items) {
    if (typeof it === "number") {
      addColumn(it);
      continue;
    }
    if (it.kind === "star") {
      for (const x of plain.expandStar(it)) {
        if (x.r.kind !== "ref") throw missing(x.name);
        addColumn(x.r.index);
      }
      continue;
    }
    const [inner, alias] = unalias(it);
    const r = result.resolve(inner);
    resultExprs.push(r);
    const keyIdx = r.kind === "ref" && r.index < keyAttrs.length ? r.index : -1;
    if (alias === undefined && keyIdx >= 0 && keyIndexByExpr.get(exprKey(inner)) === keyIdx) output.push(keyAttrs[keyIdx]!);
    else {
      const delay = watermarkOf(r, buffer);
      output.push(newAttribute(alias ?? result.name(inner), r.type, nullableOf(r), delay !== undefined ? { watermarkDelayMs: delay } : {}));
    }
  }
  const groupingSets = grouping === "rollup" ? rollupSets(keyExprs.length) : grouping === "cube" ? cubeSets(keyExprs.length) : undefined;
  return {
    kind: "aggregate",
    input: child,
    groupBy: keyExprs,
    aggs,
    resultExprs,
    output,
    ...(groupingSets ? { groupingSets } : {}),
  };
}

/** rollup(a, b): (a, b), (a), () */
export const rollupSets = (n: number): number[][] => Array.from({ length: n + 1 }, (_, i) => Array.from({ length: n - i }, (_, j) => j));

/** cube(a, b): (a, b), (a), (b), () — Spark's order. */
export function cubeSets(n: number): number[][] {
  const sets: number[][] = [];
  for (let mask = (1 << n) - 1; mask >= 0; mask--) {
    const set: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << (n - 1 - i))) set.push(i);
    sets.push(set);
  }
  return sets;
}

const literalString = (e: Expr | undefined): string | undefined => (e?.kind === "literal" && typeof e.value === "string" ? e.value : undefined);

function isSlidingWindow(e: Expr): boolean {
  if (e.kind !== "call" || e.name !== "window" || e.args.length < 3) return false;
  const dur = literalString(e.args[1]);
  const slide = literalString(e.args[2]);
  if (dur === undefined || slide === undefined) return false;
  return parseIntervalMs(dur) !== parseIntervalMs(slide);
}

/** RGenerate(explode(__sliding_windows(ts, dur, slide, start))) with the window column last. */
function slidingWindowGenerate(resolver: ExprResolver, e: CallExpr, input: ResolvedPlan): ResolvedPlan {
  const dur = literalString(e.args[1])!;
  const slide = literalString(e.args[2])!;
  const start = literalString(e.args[3]) ?? "0 seconds";
  const durMs = parseIntervalMs(dur);
  const slideMs = parseIntervalMs(slide);
  parseIntervalMs(start);
  if (durMs <= 0 || slideMs <= 0 || slideMs > durMs) {
    throw analysisError(
      "DATATYPE_MISMATCH",
      `Cannot resolve "${resolver.name(e)}": the window duration (${dur}) and slide duration (${slide}) must be positive, and the slide must be less than or equal to the window duration.`,
    );
  }
  const ts = resolver.eventTime(resolver.resolve(e.args[0]!));
  if (ts.type.kind !== "timestamp" && ts.type.kind !== "timestamp_ntz") {
    throw analysisError(
      "DATATYPE_MISMATCH",
      `Cannot resolve "${resolver.name(e)}" due to data type mismatch: the first parameter requires the "TIMESTAMP" type, however ${quoteParts([resolver.name(e.args[0]!)])} has the type "${sqlTypeName(ts.type)}".`,
    );
  }
  const lit = (v: string): RExpr => ({ kind: "literal", value: v, type: StringType });
  const arg = resolver.callFunction("__sliding_windows", [ts, lit(dur), lit(slide), lit(start)]);
  const windowType = arg.type.kind === "array" ? arg.type.elementType : arg.type;
  const delay = watermarkOf(ts, input.output);
  const attr = newAttribute("window", windowType, false, delay !== undefined ? { watermarkDelayMs: delay } : {});
  return { kind: "generate", input, generator: "explode", outer: false, arg, output: [...input.output, attr] };
}
