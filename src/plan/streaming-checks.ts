/**
 * Spark's UnsupportedOperationChecker for streaming plans, run at `start()`: every rule names
 * the operation and says what to change. Stateful operators (aggregation, deduplication,
 * stream-stream joins) are checked against the output mode here too. Several stateful operators
 * may be chained, with Spark ≥ 3.4's rules (see checkGlobalWatermarkLimit).
 */
import { SluiceError } from "../common/errors.js";
import type { RExpr } from "../expr/resolved-expr.js";
import { watermarkOf } from "./analyzer/project.js";
import { joinKeyWatermarkOrdinal, joinStatePredicate, stateValueWatermarkMs } from "./stream-join-watermark.js";
import { type ResolvedPlan, isStreamingPlan, resolvedChildren } from "./resolved-plan.js";

export type OutputMode = "append" | "update" | "complete";

const fail = (code: string, message: string): never => {
  throw new SluiceError("analysis", code, message);
};

export interface StreamingCheckOptions {
  /** spark.sql.streaming.statefulOperator.checkCorrectness.enabled (default true). */
  readonly checkCorrectness?: boolean;
  /** Where a disabled correctness check reports instead of failing. */
  readonly warn?: (message: string) => void;
}

/** Throws the first violated rule. */
export function checkStreamingPlan(plan: ResolvedPlan, outputMode: OutputMode, opts: StreamingCheckOptions = {}): void {
  const aggregates: ResolvedPlan[] = [];
  const walk = (p: ResolvedPlan): void => {
    const streaming = isStreamingPlan(p);
    if (streaming) {
      switch (p.kind) {
        case "aggregate":
          aggregates.push(p);
          break;
        case "sort":
          if (!(outputMode === "complete" && hasAggregateBelow(p))) {
            fail("STREAMING_SORT_NOT_SUPPORTED", "Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode. Remove orderBy(), or sort in foreachBatch.");
          }
          break;
        case "limit":
          // Spark 4: a limit runs in append mode (stateful across batches) and complete mode.
          if (p.offset > 0) fail("STREAMING_OFFSET_NOT_SUPPORTED", "Offset is not supported on streaming DataFrames/Datasets. Remove offset(), or apply it per batch in foreachBatch.");
          if (outputMode === "update") fail("STREAMING_LIMIT_NOT_SUPPORTED", "Limits are not supported on streaming DataFrames/Datasets in Update output mode. Use append or complete mode, or apply the limit per batch in foreachBatch.");
          break;
        case "sample":
          fail("STREAMING_SAMPLE_NOT_SUPPORTED", "Sampling is not supported on streaming DataFrames/Datasets. Remove sample(), or sample each micro-batch in foreachBatch.");
          break;
        case "project":
          if (p.exprs.some(usesRowId)) {
            fail("STREAMING_ROW_ID_NOT_SUPPORTED", "Expression(s): monotonically_increasing_id() is not supported with streaming DataFrames/Datasets. Number the rows of each micro-batch in foreachBatch instead.");
          }
          break;
        case "window":
          fail("NON_TIME_WINDOW_NOT_SUPPORTED_IN_STREAMING", "Non-time-based windows are not supported on streaming DataFrames/Datasets. Use window() on an event-time column in groupBy instead of OVER (...).");
          break;
        case "join":
          checkJoin(p, outputMode);
          break;
        case "union":
          if (p.inputs.some((c) => !isStreamingPlan(c))) fail("STREAMING_UNION_WITH_BATCH", "Union between streaming and batch DataFrames/Datasets is not supported. Join the stream with the static DataFrame instead, or read both as streams.");
          break;
        case "watermark":
          // Spark ≥ 3.4 (statefulOperator.allowMultiple=true): one watermark definition per input.
          if (hasWatermarkBelow(p)) {
            fail("STREAMING_REDEFINE_WATERMARK", "Redefining watermark is disallowed. You can set the config 'spark.sql.streaming.statefulOperator.allowMultiple' to 'false' to restore the previous behavior in Spark, which Sluice does not support; call withWatermark() once per input, before any union.");
          }
          break;
        case "dropDuplicates":
          checkSingleEventTime(p.input.output.filter((_, i) => !isWindowTimeOfSibling(p.input, i)));
          if (p.withinWatermark && !p.input.output.some((a) => a.watermarkDelayMs !== undefined)) {
            fail("DEDUPLICATE_WITHIN_WATERMARK_WITHOUT_WATERMARK", "dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark. Call withWatermark() on the event-time column before it.");
          }
          break;
      }
    }
    for (const c of resolvedChildren(p)) walk(c);
  };
  walk(plan);

  if (outputMode === "complete" && aggregates.length === 0) {
    fail("STREAMING_OUTPUT_MODE_INVALID", "Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets. Use append or update.");
  }
  checkGroupsWithState(plan, outputMode, aggregates.length > 0);
  checkGlobalWatermarkLimit(plan, outputMode, opts);
  for (const agg of aggregates) {
    if (agg.kind !== "aggregate") continue;
    if (agg.aggs.some((a) => a.distinct)) {
      fail("STREAMING_DISTINCT_AGGREGATION", "Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using approx_count_distinct() instead.");
    }
    if (outputMode === "update" && agg.sessionWindowKey !== undefined) {
      // Spark 4: STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION for session windows in update mode.
      fail(
        "STREAMING_OUTPUT_MODE_INVALID",
        "Update output mode is not supported for session window streaming aggregations (as in Spark). Use append mode with withWatermark() on the event-time column, or complete mode.",
      );
    }
    if (outputMode === "append" && eventTimeGroupKey(agg) === undefined) {
      fail(
        "STREAMING_OUTPUT_MODE_INVALID",
        "Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark. Add withWatermark() on the event-time column and group by it (or by window() over it), or use update/complete mode.",
      );
    }
  }
}

/** Whether an expression calls monotonically_increasing_id() (Spark refuses it on streams). */
function usesRowId(e: RExpr): boolean {
  switch (e.kind) {
    case "call":
      return e.fn.name === "monotonically_increasing_id" || e.args.some(usesRowId);
    case "cast":
      return usesRowId(e.child);
    case "case":
      return e.branches.some(([w, t]) => usesRowId(w) || usesRowId(t)) || (e.otherwise !== null && usesRowId(e.otherwise));
    case "lambda":
      return usesRowId(e.body);
    default:
      return false;
  }
}

/** Spark's checkForBatch: what a batch query (no streaming source) must not contain. */
export function checkBatchPlan(plan: ResolvedPlan): void {
  if (plan.kind === "dropDuplicates" && plan.withinWatermark) {
    fail("DEDUPLICATE_WITHIN_WATERMARK_ON_BATCH", "dropDuplicatesWithinWatermark is not supported with batch DataFrames/DataSets. Use dropDuplicates() on a batch DataFrame.");
  }
  for (const c of resolvedChildren(plan)) checkBatchPlan(c);
}

/**
 * The grouping key that carries event time, if any: a watermarked column itself, or window() /
 * session_window() over it. Its index in `groupBy` and whether it is a window struct.
 */
export function eventTimeGroupKey(agg: Extract<ResolvedPlan, { kind: "aggregate" }>): { index: number; kind: "timestamp" | "window" } | undefined {
  const watermarked = (e: RExpr): boolean => e.kind === "ref" && agg.input.output[e.index]?.watermarkDelayMs !== undefined;
  for (let i = 0; i < agg.groupBy.length; i++) {
    let e = agg.groupBy[i]!;
    while (e.kind === "cast") e = e.child;
    // A watermarked struct key is a window (sliding windows arrive as an exploded window column).
    if (watermarked(e)) return { index: i, kind: e.type.kind === "struct" ? "window" : "timestamp" };
    if (e.kind === "call" && (e.fn.name === "window" || e.fn.name === "session_window") && watermarkOf(e, agg.input.output) !== undefined) return { index: i, kind: "window" };
  }
  return undefined;
}

/**
 * Spark's global-watermark correctness rule for chained stateful operators: a stateful operator
 * (an aggregation; a stream–stream join; a deduplication whose keys carry event time, or within
 * the watermark) must not sit downstream of an operator that can emit rows older than the
 * watermark — in Spark 4, an aggregation in update or complete mode — because the downstream
 * operator would drop them as late. Append-mode chains are fine (PySpark 4.0.1 also accepts a
 * time-interval stream–stream join followed by an aggregation).
 */
function checkGlobalWatermarkLimit(plan: ResolvedPlan, outputMode: OutputMode, opts: StreamingCheckOptions): void {
  const streamJoin = (p: ResolvedPlan): p is Extract<ResolvedPlan, { kind: "join" }> => p.kind === "join" && isStreamingPlan(p.left) && isStreamingPlan(p.right);
  const emitsLateRows = (p: ResolvedPlan): boolean => p.kind === "aggregate" && isStreamingPlan(p) && outputMode !== "append";
  const stateful = (p: ResolvedPlan): boolean => {
    if (!isStreamingPlan(p)) return false;
    if (p.kind === "aggregate" || streamJoin(p) || p.kind === "flatMapGroupsWithState" || p.kind === "transformWithState") return true;
    return p.kind === "dropDuplicates" && (p.withinWatermark || dedupKeysCarryEventTime(p));
  };
  const below = (p: ResolvedPlan): boolean => resolvedChildren(p).some((c) => emitsLateRows(c) || below(c));
  const visit = (p: ResolvedPlan): void => {
    if (stateful(p) && below(p)) {
      const message =
        `A stateful operator runs downstream of a streaming aggregation in ${outputMode} mode, which can emit rows older than the watermark; the downstream operator would drop them as late (Spark's global watermark correctness check). ` +
          "Use append output mode (each aggregation then needs withWatermark() on its event-time key), or set spark.sql.streaming.statefulOperator.checkCorrectness.enabled=false to run it anyway.";
      if (opts.checkCorrectness === false) opts.warn?.(message);
      else fail("STREAMING_STATEFUL_OPERATOR_CORRECTNESS", message);
      return;
    }
    for (const c of resolvedChildren(p)) visit(c);
  };
  visit(plan);
}

/** Stateful operators whose state grows without bound (no watermark reaches their keys). */
export function unboundedStateOperators(plan: ResolvedPlan): string[] {
  const out: string[] = [];
  const walk = (p: ResolvedPlan): void => {
    if (isStreamingPlan(p)) {
      // A global aggregate keeps one state row, which is bounded.
      if (p.kind === "aggregate" && p.groupBy.length > 0 && eventTimeGroupKey(p) === undefined) {
        out.push(`aggregation by [${p.output.slice(0, p.groupBy.length).map((a) => a.name).join(", ")}]: no watermarked event-time column among the grouping keys`);
      }
      if (p.kind === "join" && isStreamingPlan(p.left) && isStreamingPlan(p.right)) {
        const open = (["left", "right"] as const).filter((side) => joinStatePredicate(p, side, 0) === undefined);
        if (open.length > 0) out.push(`stream-stream ${p.joinType} join: the ${open.join(" and ")} side's state is never evicted (add withWatermark() on both inputs and a time-range or equal-window condition)`);
      }
      if (p.kind === "dropDuplicates" && !p.withinWatermark && !dedupKeysCarryEventTime(p)) {
        out.push(`dropDuplicates(${p.keys.map((k) => p.input.output[k]?.name).join(", ")}): no watermarked event-time column among the keys (use dropDuplicatesWithinWatermark, or add the event time to the keys)`);
      }
    }
    for (const c of resolvedChildren(p)) walk(c);
  };
  walk(plan);
  return out;
}

/** Whether a dropDuplicates has a watermarked event-time column among its keys (its state is then bounded). */
function dedupKeysCarryEventTime(p: Extract<ResolvedPlan, { kind: "dropDuplicates" }>): boolean {
  return p.keys.some((k) => p.input.output[k]?.watermarkDelayMs !== undefined);
}

/**
 * Spark's rules for a join of two streams (UnsupportedOperationChecker and StreamingJoinStrategy):
 * append mode only; at most one event-time column per side; an equality predicate; no left
 * anti join; an outer or semi join needs a watermark in the join keys, or a watermark on the
 * nullable side plus a range condition that bounds its state (one side for a full outer join).
 */
function checkStreamStreamJoin(p: Extract<ResolvedPlan, { kind: "join" }>, outputMode: OutputMode): void {
  if (outputMode !== "append") {
    const mode = outputMode === "update" ? "Update" : "Complete";
    fail("STREAM_STREAM_JOIN_OUTPUT_MODE", `Join between two streaming DataFrames/Datasets is not supported in ${mode} output mode, only in Append output mode. Use outputMode("append").`);
  }
  if (p.joinType === "left_anti") {
    fail("STREAM_STREAM_JOIN_NOT_SUPPORTED", "LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported. Make the right side static, or use a left outer join and keep the rows whose right side is null.");
  }
  for (const side of [p.left, p.right]) checkSingleEventTime(side.output);
  if (p.joinType === "cross" || p.leftKeys.length === 0) {
    fail("STREAM_STREAM_JOIN_NOT_SUPPORTED", "Stream-stream join without equality predicate is not supported. Add an equality between a column of each side to the join condition.");
  }
  if (p.joinType === "inner") return;
  const bounded = (side: "left" | "right"): boolean => stateValueWatermarkMs(p, side, 1_000_000) !== undefined;
  // PySpark 4.0.1 accepts a full outer join when either side's state is bounded by a range.
  const range = p.joinType === "full" ? bounded("left") || bounded("right") : bounded(p.joinType === "right" ? "right" : "left");
  if (joinKeyWatermarkOrdinal(p) === undefined && !range) {
    const name = { left: "LeftOuter", right: "RightOuter", full: "FullOuter", left_semi: "LeftSemi" }[p.joinType as string];
    fail(
      "STREAM_STREAM_JOIN_WITHOUT_WATERMARK",
      `Stream-stream ${name} join between two streaming DataFrame/Datasets is not supported without a watermark in the join keys, or a watermark on the nullable side and an appropriate range condition. ` +
        "Call withWatermark() on both inputs and join on an equal event-time window, or add a time-range condition such as `r.time BETWEEN l.time - INTERVAL 1 HOUR AND l.time + INTERVAL 1 HOUR`.",
    );
  }
}

function hasWatermarkBelow(p: ResolvedPlan): boolean {
  return resolvedChildren(p).some((c) => c.kind === "watermark" || hasWatermarkBelow(c));
}

/**
 * Spark's rules for [flat]mapGroupsWithState on a stream: mapGroupsWithState runs in update mode
 * without aggregations; flatMapGroupsWithState's mode must equal the query's, unless an
 * aggregation follows it (then append, and never after an aggregation); EventTimeTimeout needs
 * a watermark on the input.
 */
function checkGroupsWithState(plan: ResolvedPlan, outputMode: OutputMode, hasAggregation: boolean): void {
  const mode = { append: "Append", update: "Update", complete: "Complete" }[outputMode];
  const walk = (p: ResolvedPlan): void => {
    if (p.kind === "flatMapGroupsWithState" && isStreamingPlan(p)) {
      const { spec } = p;
      if (spec.isMap) {
        if (hasAggregation) fail("STREAMING_GROUPS_WITH_STATE_NOT_SUPPORTED", "mapGroupsWithState is not supported with aggregation on a streaming DataFrame/Dataset. Aggregate in the function instead, or in a separate query.");
        if (outputMode !== "update") fail("STREAMING_GROUPS_WITH_STATE_NOT_SUPPORTED", `mapGroupsWithState is not supported with ${mode} output mode on a streaming DataFrame/Dataset. Use outputMode("update").`);
      } else if (!hasAggregation) {
        if (spec.outputMode !== outputMode) {
          fail(
            "STREAMING_GROUPS_WITH_STATE_NOT_SUPPORTED",
            `flatMapGroupsWithState in ${spec.outputMode} mode is not supported with ${mode} output mode on a streaming DataFrame/Dataset. Give flatMapGroupsWithState and writeStream the same output mode.`,
          );
        }
      } else if (spec.outputMode === "update") {
        fail("STREAMING_GROUPS_WITH_STATE_NOT_SUPPORTED", "flatMapGroupsWithState in update mode is not supported with aggregation on a streaming DataFrame/Dataset. Use outputMode \"append\" in flatMapGroupsWithState.");
      } else if (hasAggregateBelow(p)) {
        fail("STREAMING_GROUPS_WITH_STATE_NOT_SUPPORTED", "flatMapGroupsWithState in append mode is not supported after aggregation on a streaming DataFrame/Dataset. Move the aggregation after it, or into the function.");
      }
      if (spec.timeout === "EventTimeTimeout" && !p.input.output.some((a) => a.watermarkDelayMs !== undefined)) {
        fail(
          "STREAMING_GROUPS_WITH_STATE_NOT_SUPPORTED",
          "Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()' for using event-time timeout in a [map|flatMap]GroupsWithState. Event-time timeout not supported without watermark.",
        );
      }
    }
    for (const c of resolvedChildren(p)) walk(c);
  };
  walk(plan);
}

/** Spark's WatermarkSupport.findEventTimeColumn(allowMultipleEventTimeColumns = false). */
function checkSingleEventTime(attrs: readonly { readonly name: string; readonly watermarkDelayMs?: number }[]): void {
  const ts = attrs.filter((a) => a.watermarkDelayMs !== undefined);
  if (ts.length > 1) {
    fail(
      "MULTIPLE_EVENT_TIME_COLUMNS",
      `More than one event time columns are available. Please ensure there is at most one event time column per stream. event time columns: (${ts.map((a) => a.name).join(",")}). ` +
        "Drop or select away the extra watermarked columns (a window() over the event time is one too) before the join or deduplication.",
    );
  }
}

/**
 * Whether column `i` of `p` is window_time() of a window column `p` also outputs: one event time
 * seen twice (PySpark 4.0.1 deduplicates on window_time(window) next to the window, keying its
 * eviction by the window_time; golden multi-stateful.json). Followed through the Projects above
 * the window, so `withColumn("windowTime", window_time(window))` counts.
 */
function isWindowTimeOfSibling(p: ResolvedPlan, i: number): boolean {
  // Where each output column of `p` comes from below its Projects: [plan, index] of a plain column.
  const origin = (plan: ResolvedPlan, index: number): [ResolvedPlan, number] => {
    if (plan.kind !== "project") return [plan, index];
    const e = plan.exprs[index]!;
    return e.kind === "ref" ? origin(plan.input, e.index) : [plan, index];
  };
  const [at, k] = origin(p, i);
  if (at.kind !== "project") return false;
  const e = at.exprs[k]!;
  if (e.kind !== "call" || e.fn.name !== "window_time" || e.args[0]?.kind !== "ref") return false;
  const window = origin(at.input, e.args[0].index);
  return p.output.some((_, j) => j !== i && (([a, b]) => a === window[0] && b === window[1])(origin(p, j)));
}

function hasAggregateBelow(p: ResolvedPlan): boolean {
  return resolvedChildren(p).some((c) => c.kind === "aggregate" || hasAggregateBelow(c));
}

function checkJoin(p: Extract<ResolvedPlan, { kind: "join" }>, outputMode: OutputMode): void {
  const left = isStreamingPlan(p.left);
  const right = isStreamingPlan(p.right);
  if (left && right) return checkStreamStreamJoin(p, outputMode);
  const side = left ? "left" : "right";
  const ok: Record<string, readonly string[]> = {
    inner: ["left", "right"],
    cross: ["left", "right"],
    left: ["left"],
    right: ["right"],
    left_semi: ["left"],
    left_anti: ["left"],
    full: [],
  };
  if (!ok[p.joinType]!.includes(side)) {
    const other = side === "left" ? "right" : "left";
    // Spark's UnsupportedOperationChecker words (PySpark 4.0.1, test/joins/golden), then the fix.
    const spark = {
      full: `FullOuter joins with streaming DataFrames/Datasets on the ${side} and a static DataFrame/Dataset on the ${other} is not supported.`,
      left_anti: "LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported.",
      right: "RightOuter join with a streaming DataFrame/Dataset on the left and a static DataFrame/DataSet on the right not supported.",
      left: "LeftOuter join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left is not supported.",
      left_semi: "LeftSemi join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left is not supported.",
    }[p.joinType as "full" | "left_anti" | "right" | "left" | "left_semi"];
    const fix = p.joinType === "full" ? ` Use a ${side} outer join (the stream's rows are kept) or an inner join.` : ` Put the stream on the ${other} side, or use an inner join.`;
    fail("STREAM_STATIC_JOIN_NOT_SUPPORTED", spark + fix);
  }
}
