/**
 * Which watermark bounds which state in a stream–stream join (facts from Spark's
 * StreamingSymmetricHashJoinHelper.getStateWatermarkPredicates and
 * StreamingJoinHelper.getStateValueWatermark):
 *   1. If a join key carries event time (a watermarked column, or window() over one, on either
 *      side), both sides' state is evicted by key: a key whose event time (a window's end) is
 *      ≤ the watermark is dropped on each side.
 *   2. Otherwise a side with a watermarked column is evicted by value when the condition bounds
 *      that side's time from below by the other side's watermarked time: each `<`, `<=`, `>`,
 *      `>=` conjunct is rewritten as `a - b < 0`, split into ± terms (columns; intervals and
 *      numbers as µs), and when exactly one term is this side's column, negated, the rest — with
 *      the other side's watermarked column replaced by the watermark — sums to the state
 *      watermark (ms, minus 1 for the inclusive forms); the smallest over all conjuncts wins.
 *      Rows whose watermarked column is ≤ the state watermark are dropped.
 *   3. Otherwise that side's state is never evicted.
 * The watermark used is the query's eviction watermark of the batch (min across inputs by
 * default); plan/streaming-checks.ts asks the same questions to accept or refuse outer joins.
 */
import { parseIntervalMs } from "../common/duration.js";
import type { RExpr } from "../expr/resolved-expr.js";
import { watermarkOf } from "./analyzer/project.js";
import type { Attribute, RJoin } from "./resolved-plan.js";

export type JoinSide = "left" | "right";

export type StateWatermarkPredicate =
  /** Evict every row of a key whose event-time key part (`keyIndex` of the equi keys) is ≤ the watermark. */
  | { readonly kind: "key"; readonly keyIndex: number; readonly watermarkMs: number }
  /** Evict rows whose watermarked column (`column` of this side's output) is ≤ `watermarkMs`. */
  | { readonly kind: "value"; readonly column: number; readonly watermarkMs: number };

/** The first equi-key position whose key carries event time on either side (Spark's findJoinKeyOrdinalForWatermark). */
export function joinKeyWatermarkOrdinal(j: RJoin): number | undefined {
  for (const [keys, input] of [[j.leftKeys, j.left.output], [j.rightKeys, j.right.output]] as const) {
    const i = keys.findIndex((k) => watermarkOf(k, input) !== undefined);
    if (i >= 0) return i;
  }
  return undefined;
}

/** The state eviction rule for one side at eviction watermark `watermarkMs`, if any. */
export function joinStatePredicate(j: RJoin, side: JoinSide, watermarkMs: number): StateWatermarkPredicate | undefined {
  const keyIndex = joinKeyWatermarkOrdinal(j);
  if (keyIndex !== undefined) return { kind: "key", keyIndex, watermarkMs };
  const own = side === "left" ? j.left.output : j.right.output;
  const column = own.findIndex((a) => a.watermarkDelayMs !== undefined);
  if (column < 0) return undefined;
  const stateWm = stateValueWatermarkMs(j, side, watermarkMs);
  return stateWm === undefined ? undefined : { kind: "value", column, watermarkMs: stateWm };
}

/** Spark's getStateValueWatermark for `side`'s state given the other side's watermark (ms). */
export function stateValueWatermarkMs(j: RJoin, side: JoinSide, watermarkMs: number): number | undefined {
  if (!j.condition) return undefined;
  const nLeft = j.left.output.length;
  const all: readonly Attribute[] = [...j.left.output, ...j.right.output];
  const isState = (i: number): boolean => (side === "left" ? i < nLeft : i >= nLeft);
  let best: number | undefined;
  for (const c of conjuncts(j.condition)) {
    if (c.kind !== "call" || c.args.length !== 2) continue;
    const [a, b] = c.args as [RExpr, RExpr];
    const name = c.fn.name;
    const solved =
      name === "lt" ? solveLessThan(a, b) : name === "lte" ? minusOne(solveLessThan(a, b)) : name === "gt" ? solveLessThan(b, a) : name === "gte" ? minusOne(solveLessThan(b, a)) : undefined;
    if (solved !== undefined) best = best === undefined ? solved : Math.min(best, solved);
  }
  return best;

  /** `lo < hi`: solve for the state side's time as `watermark + c < stateTime`. */
  function solveLessThan(lo: RExpr, hi: RExpr): number | undefined {
    const refs = [...new Set([...refsOf(lo), ...refsOf(hi)])];
    if (refs.filter(isState).length > 1 || refs.filter((i) => !isState(i)).length > 1) return undefined;
    const terms = collectTerms(lo, hi);
    if (terms === undefined) return undefined;
    const constraint = terms.filter((t) => t.ref !== undefined && isState(t.ref));
    if (constraint.length !== 1 || !constraint[0]!.negated) return undefined;
    let sumUs = 0;
    for (const t of terms) {
      if (t === constraint[0]) continue;
      let v: number;
      if (t.ref === undefined) v = t.valueUs!;
      else if (all[t.ref]!.watermarkDelayMs !== undefined) v = watermarkMs * 1000;
      else return undefined; // a column without a watermark cannot be evaluated (Spark's eval fails)
      sumUs += t.negated ? -v : v;
    }
    return Math.trunc(sumUs / 1000);
  }
}

const minusOne = (x: number | undefined): number | undefined => (x === undefined ? undefined : x - 1);

interface Term {
  /** A column of [left..., right...], or a constant in µs. */
  readonly ref?: number;
  readonly valueUs?: number;
  readonly negated: boolean;
}

/** The ± terms of `lo - hi`, deduplicated as Spark's ExpressionSet does; undefined when a part is not a sum of columns and constants. */
function collectTerms(lo: RExpr, hi: RExpr): Term[] | undefined {
  const out = new Map<string, Term>();
  let invalid = false;
  const collect = (e: RExpr, negated: boolean): void => {
    if (e.kind === "call" && e.args.length === 2 && (e.fn.name === "add" || e.fn.name === "subtract")) {
      collect(e.args[0]!, negated);
      collect(e.args[1]!, e.fn.name === "subtract" ? !negated : negated);
    } else if (e.kind === "call" && e.fn.name === "negative" && e.args.length === 1) collect(e.args[0]!, !negated);
    else if (e.kind === "cast") {
      if (["timestamp", "int", "bigint", "float", "double", "decimal"].includes(e.type.kind)) collect(e.child, negated);
      else invalid = true;
    } else if (e.kind === "ref") out.set(`r${e.index}${negated}`, { ref: e.index, negated });
    else if (e.kind === "literal") {
      const us = literalUs(e);
      if (us === undefined) invalid = true;
      else out.set(`l${us}${negated}`, { valueUs: us, negated });
    } else invalid = true;
  };
  collect(lo, false);
  collect(hi, true);
  return invalid ? undefined : [...out.values()];
}

/** Intervals (DAY-TIME literals, interval text) in µs, refusing months and years as Spark does; numbers as seconds. */
function literalUs(e: Extract<RExpr, { kind: "literal" }>): number | undefined {
  if (e.type.kind === "day_time_interval") return Number(e.value as bigint);
  if (typeof e.value === "number") return e.value * 1_000_000;
  if (typeof e.value === "bigint") return Number(e.value) * 1_000_000;
  if (typeof e.value === "string") {
    if (/month|year/i.test(e.value)) return undefined;
    try {
      return Math.round(parseIntervalMs(e.value) * 1000);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function refsOf(e: RExpr): number[] {
  if (e.kind === "ref") return [e.index];
  if (e.kind === "call") return e.args.flatMap(refsOf);
  if (e.kind === "cast") return refsOf(e.child);
  if (e.kind === "case") return [...e.branches.flatMap(([w, t]) => [...refsOf(w), ...refsOf(t)]), ...(e.otherwise ? refsOf(e.otherwise) : [])];
  return [];
}

export function conjuncts(e: RExpr): RExpr[] {
  return e.kind === "call" && e.fn.name === "and" && e.args.length === 2 ? [...conjuncts(e.args[0]!), ...conjuncts(e.args[1]!)] : [e];
}
