/**
 * What a continuous query may hold, checked at start() (Spark's
 * UnsupportedOperationChecker.checkForContinuous and DataStreamWriter's sink check):
 *   - only projections and filters over one streaming source, visited bottom-up as Spark does, so
 *     the first unsupported node is the one named ("Continuous processing does not support
 *     Aggregate operations.");
 *   - no current_timestamp / current_date / localtimestamp;
 *   - sinks kafka, memory, console and foreach.
 * Spark's file sources are v1 relations ("does not support StreamingRelation operations"); of the
 * continuous sources (kafka, rate) Sluice reads kafka only.
 */
import { analysisError } from "../../common/errors.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import { type ResolvedPlan, resolvedChildren } from "../../plan/resolved-plan.js";

const CONTINUOUS_SINKS = new Set(["kafka", "memory", "console", "foreach"]);
const FILE_SOURCES = new Set(["json", "csv", "parquet", "text", "orc", "avro", "delta"]);
const CURRENT_TIME = new Set(["current_timestamp", "now", "localtimestamp", "current_date", "curdate"]);

/** Spark's logical node names, for the message. */
const NODE_NAMES: Partial<Record<ResolvedPlan["kind"], string>> = {
  localRelation: "LocalRelation",
  range: "Range",
  aggregate: "Aggregate",
  window: "Window",
  generate: "Generate",
  join: "Join",
  sort: "Sort",
  limit: "LocalLimit",
  union: "Union",
  watermark: "EventTimeWatermark",
  sample: "Sample",
  cached: "InMemoryRelation",
  collectMetrics: "CollectMetrics",
  flatMapGroupsWithState: "FlatMapGroupsWithState",
  transformWithState: "TransformWithState",
};

export function checkContinuous(plan: ResolvedPlan, sinkFormat: string): void {
  if (!CONTINUOUS_SINKS.has(sinkFormat)) {
    throw analysisError("CONTINUOUS_UNSUPPORTED", `'${sinkFormat}' is not supported with continuous trigger (continuous sinks: ${[...CONTINUOUS_SINKS].join(", ")})`, { format: sinkFormat });
  }
  const fail = (what: string): never => {
    throw analysisError("CONTINUOUS_UNSUPPORTED", `Continuous processing does not support ${what} operations.`);
  };
  const walk = (p: ResolvedPlan): void => {
    for (const c of resolvedChildren(p)) walk(c);
    if (p.kind === "scan") {
      if (!p.streaming) fail("LogicalRelation");
      const format = p.source.format;
      if (FILE_SOURCES.has(format)) fail("StreamingRelation");
      if (format !== "kafka") throw analysisError("CONTINUOUS_UNSUPPORTED", `Data source ${format} does not support continuous processing (in Sluice only kafka does).`, { format });
    } else if (p.kind === "dropDuplicates") fail(p.withinWatermark ? "DeduplicateWithinWatermark" : "Deduplicate");
    else if (p.kind !== "project" && p.kind !== "filter") fail(NODE_NAMES[p.kind] ?? p.kind);
    const exprs = p.kind === "project" ? p.exprs : p.kind === "filter" ? [p.condition] : [];
    if (exprs.some(readsCurrentTime)) fail("current time");
  };
  walk(plan);
}

function readsCurrentTime(e: RExpr): boolean {
  switch (e.kind) {
    case "call":
      return CURRENT_TIME.has(e.fn.name) || e.args.some(readsCurrentTime);
    case "cast":
      return readsCurrentTime(e.child);
    case "case":
      return e.branches.some(([w, t]) => readsCurrentTime(w) || readsCurrentTime(t)) || (e.otherwise !== null && readsCurrentTime(e.otherwise));
    case "lambda":
      return readsCurrentTime(e.body);
    default:
      return false;
  }
}
