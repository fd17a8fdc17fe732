/**
 * Batch `groupBy(..., session_window(ts, gap))`: sessions are merged per group (the other keys)
 * with window functions, then grouped on as an ordinary struct column named `session_window`.
 * Steps, over the input with null event times dropped (as Spark drops them):
 *   1. __sw_prev = max(ts + gap) over (partition by keys order by ts rows unbounded preceding..1 preceding)
 *   2. __sw_id = running count of rows that start a session (no earlier row, or ts > __sw_prev);
 *      an event exactly at the previous session's end joins it, as in Spark;
 *   3. session_window = struct(min(ts), max(ts + gap)) over (partition by keys, __sw_id);
 *   4. the aggregate groups on the `session_window` column instead of the call.
 * A gap that is not a positive interval gives no sessions (Spark returns no rows); a gap that is
 * not a literal (Spark's dynamic gap) is rejected with UNSUPPORTED_FEATURE.
 * On a streaming input only the per-row session struct(ts, ts + gap) is added (carrying the event
 * time's watermark); the aggregate marks that key (`sessionWindowKey`) and the streaming
 * operator merges sessions across batches with its state.
 */
import { analysisError } from "../../common/errors.js";
import type { CallExpr, Expr, WindowFrame } from "../../expr/expr.js";
import { literalExpr } from "../../expr/literal.js";
import { parseCalendarInterval } from "../../expr/datetime/interval.js";
import { type LogicalPlan, node } from "../logical-plan.js";
import { isStreamingPlan, type ResolvedPlan } from "../resolved-plan.js";
import { exprKey, unalias } from "./context.js";

export const SESSION_WINDOW_COLUMN = "session_window";

/** A streaming input's session column keeps the event time's watermark (its end is the event time). */
export function withSessionWatermark(merged: ResolvedPlan, delay: number | undefined): ResolvedPlan {
  if (delay === undefined) return merged;
  const last = merged.output.length - 1;
  return { ...merged, output: merged.output.map((a, i) => (i === last ? { ...a, watermarkDelayMs: delay } : a)) } as ResolvedPlan;
}

export const isSessionWindow = (e: Expr): e is CallExpr => e.kind === "call" && e.name === "session_window";

const col = (name: string): Expr => ({ kind: "column", nameParts: [name] });
const fn = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });
const ROWS_BEFORE: WindowFrame = { type: "rows", start: { kind: "unboundedPreceding" }, end: { kind: "offset", value: -1 } };
const ROWS_TO_HERE: WindowFrame = { type: "rows", start: { kind: "unboundedPreceding" }, end: { kind: "currentRow" } };
const WHOLE: WindowFrame = { type: "rows", start: { kind: "unboundedPreceding" }, end: { kind: "unboundedFollowing" } };

/**
 * The input with a `session_window` struct column appended (and helper columns), as an unresolved
 * plan over `input`; `groupBy` are the aggregate's keys, `index` the session_window key.
 */
export function sessionWindowPlan(input: ResolvedPlan, groupBy: readonly Expr[], index: number): LogicalPlan {
  const call = unalias(groupBy[index]!)[0] as CallExpr;
  if (call.args.length !== 2) {
    throw analysisError(
      "WRONG_NUM_ARGS",
      `The \`session_window\` function requires 2 parameters but ${call.args.length} were given. Use session_window(timeColumn, '5 minutes').`,
      { function: "session_window" },
    );
  }
  const [ts, gapArg] = [call.args[0]!, call.args[1]!];
  if (gapArg.kind !== "literal" || typeof gapArg.value !== "string") {
    throw analysisError(
      "UNSUPPORTED_FEATURE",
      "session_window with a gap duration computed per row is not supported by Sluice; pass a literal interval string such as '5 minutes'.",
      { function: "session_window" },
    );
  }
  const gap = parseCalendarInterval(gapArg.value);
  const valid = gap !== null && gap.months === 0 && gap.micros > 0;
  const keys = groupBy.filter((_, i) => i !== index).map((g) => unalias(g)[0]);
  // An invalid gap filters every row out below; the placeholder only keeps `end` well-typed.
  const end = fn("add", ts, literalExpr(valid ? gapArg.value : "1 second"));
  const order = [{ kind: "sortOrder" as const, child: ts, ascending: true, nullsFirst: true }];
  const over = (f: Expr, frame: WindowFrame, partitionBy: readonly Expr[] = keys, orderBy = order): Expr => ({
    kind: "window",
    fn: f,
    spec: { partitionBy, orderBy, frame },
  });
  const leaf = node({ kind: "resolvedLeaf", plan: input });
  const cond = valid ? fn("isnotnull", ts) : literalExpr(false);
  const filtered = node({ kind: "filter", input: leaf, condition: cond });
  if (isStreamingPlan(input)) {
    // Streaming: each row is its own session (ts, ts + gap); the stateful operator merges them.
    const own = fn("named_struct", literalExpr("start"), ts, literalExpr("end"), end);
    return node({ kind: "withColumns", input: filtered, names: [SESSION_WINDOW_COLUMN], exprs: [own] });
  }
  const withPrev = node({ kind: "withColumns", input: filtered, names: ["__sw_prev"], exprs: [over(fn("max", end), ROWS_BEFORE)] });
  const starts: Expr = {
    kind: "case",
    branches: [[fn("or", fn("isnull", col("__sw_prev")), fn("gt", ts, col("__sw_prev"))), literalExpr(1)]],
    otherwise: literalExpr(0),
  };
  const withId = node({ kind: "withColumns", input: withPrev, names: ["__sw_id"], exprs: [over(fn("sum", starts), ROWS_TO_HERE)] });
  const session = [...keys, col("__sw_id")];
  const withBounds = node({
    kind: "withColumns",
    input: withId,
    names: ["__sw_start", "__sw_end"],
    exprs: [over(fn("min", ts), WHOLE, session, []), over(fn("max", end), WHOLE, session, [])],
  });
  const struct = fn("named_struct", literalExpr("start"), col("__sw_start"), literalExpr("end"), col("__sw_end"));
  return node({ kind: "withColumns", input: withBounds, names: [SESSION_WINDOW_COLUMN], exprs: [struct] });
}

/** `items` with every occurrence of the session_window call replaced by the column (SELECT session_window.start ...). */
export function sessionWindowItems<T extends Expr | number>(items: readonly T[], groupBy: readonly Expr[], index: number): T[] {
  const key = exprKey(unalias(groupBy[index]!)[0]);
  const by = col(SESSION_WINDOW_COLUMN);
  const swap = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(swap);
    if (x === null || typeof x !== "object" || Object.getPrototypeOf(x) !== Object.prototype) return x;
    if ("kind" in x && exprKey(x as Expr) === key) return by;
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, swap(v)]));
  };
  return items.map((it) => (typeof it === "number" ? it : (swap(it) as T)));
}

/** The group keys with the session_window call replaced by the column (keeping a user alias). */
export function sessionWindowKeys(groupBy: readonly Expr[], index: number): Expr[] {
  return groupBy.map((g, i) => {
    if (i !== index) return g;
    return g.kind === "alias" ? { ...g, child: col(SESSION_WINDOW_COLUMN) } : col(SESSION_WINDOW_COLUMN);
  });
}
