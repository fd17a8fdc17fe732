/**
 * The physical plan `explain()` shows for a streaming query: the plan of a micro-batch, with the
 * stateful streaming operators IncrementalExecution puts in (StreamingSymmetricHashJoinExec,
 * TransformWithStateExec, …) instead of their batch counterparts, as Spark's explain of a
 * streaming Dataset shows them. Planning opens no state store and reads no checkpoint: the
 * operators only open theirs when a batch executes.
 */
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import type { ResolvedPlan } from "../../plan/resolved-plan.js";
import { IncrementalExecution } from "./incremental-execution.js";

type Override = (node: ResolvedPlan, planChild: (child: ResolvedPlan) => ExecutionPlan) => ExecutionPlan | undefined;

/** `planWith` plans with the session's scans (as a batch explain does) and IncrementalExecution's override. */
export function streamingExplainPlan(plan: ResolvedPlan, planWith: (plan: ResolvedPlan, override: Override) => ExecutionPlan): ExecutionPlan {
  const incremental = new IncrementalExecution(plan, "", "memory", { minDeltasForSnapshot: 10, minVersionsToRetain: 100 });
  const scan = (): never => {
    throw new Error("streamingExplainPlan: planWith plans the scans");
  };
  return incremental.planBatch(0, 0, "append", { lateEventsMs: 0, evictionMs: 0 }, (p, _scan, override) => planWith(p, override), scan).exec;
}
