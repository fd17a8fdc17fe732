/**
 * `groupBy(..., session_window(ts, gap))`. Each row first gets its own session [t, end]:
 *   0. t = __session_time(ts): the event time (a window struct — the `window` column of an
 *      earlier window aggregation — stands for window_time(window), as in Spark ≥ 3.4);
 *      end = __session_end(t, gap): t + gap, the gap a STRING interval, a literal ('5 minutes')
 *      or computed per row (Spark's dynamic gap, e.g. CASE WHEN ... THEN '5 seconds' ...);
 *      rows whose end is null — null event time, null or unparsable gap, end not after t (a zero
 *      or negative gap) — are dropped, as Spark drops them. A gap of another type is rejected.
 * Batch: sessions are merged per group (the other keys) with window functions, then grouped on as
 * an ordinary struct column named `session_window`:
 *   1. __sw_prev = max(end) over (partition by keys order by t rows unbounded preceding..1 preceding)
 *   2. __sw_id = running count of rows that start a session (no earlier row, or t > __sw_prev);
 *      an event exactly at the previous session's end joins it, as in Spark;
 *   3. session_window = struct(min(t), max(end)) over (partition by keys, __sw_id), so a session
 *      ends at the latest end among its rows (with a per-row gap it need not be the last row's);
 *   4. the aggregate groups on the `session_window` column instead of the call.
 * On a streaming input only the per-row session struct(t, end) is added (carrying the event
 * time's watermark); the aggregate marks that key (`sessionWindowKey`) and the streaming
 * operator merges sessions across batches with its state (keeping the max end).
 */
import { analysisError } from "../../common/errors.js";
import type { CallExpr, Expr, WindowFrame } from "../../expr/expr.js";
import { literalExpr } from "../../expr/literal.js";
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
  const [timeArg, gap] = [call.args[0]!, call.args[1]!];
  const keys = groupBy.filter((_, i) => i !== index).map((g) => unalias(g)[0]);
  const ts = col("__sw_ts");
  const end = col("__sw_row_end");
  const order = [{ kind: "sortOrder" as const, child: ts, ascending: true, nullsFirst: true }];
  const over = (f: Expr, frame: WindowFrame, partitionBy: readonly Expr[] = keys, orderBy = order): Expr => ({
    kind: "window",
    fn: f,
    spec: { partitionBy, orderBy, frame },
  });
  const leaf = node({ kind: "resolvedLeaf", plan: input });
  const withTs = node({ kind: "withColumns", input: leaf, names: ["__sw_ts"], exprs: [fn("__session_time", timeArg)] });
  const withEnd = node({ kind: "withColumns", input: withTs, names: ["__sw_row_end"], exprs: [fn("__session_end", ts, gap)] });
  const filtered = node({ kind: "filter", input: withEnd, condition: fn("isnotnull", end) });
  if (isStreamingPlan(input)) {
    // Streaming: each row is its own session (t, end); the stateful operator merges them.
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
