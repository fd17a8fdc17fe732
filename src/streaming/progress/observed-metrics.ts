/**
 * A micro-batch's `observedMetrics` (Spark's ProgressReporter.extractObservedMetrics): the row of
 * every `df.observe(name, ...)` in the executed plan, by name. Each row remembers its column types
 * and time zone here, so the progress JSON writes it as Spark's Row.jsonValue does (doubles as
 * `3.0`, timestamps as `yyyy-MM-dd HH:mm:ss` in the session zone).
 */
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import { CollectMetricsExec, type ObservedRow } from "../../physical/operators/collect-metrics-exec.js";

type Row = Readonly<Record<string, unknown>>;

const typed = new WeakMap<Row, ObservedRow>();

/** The observed rows of a plan that ran to its end, by name. */
export function observedMetrics(plan: ExecutionPlan): Record<string, Row> {
  const out: Record<string, Row> = {};
  const walk = (p: ExecutionPlan): void => {
    if (p instanceof CollectMetricsExec && p.observed !== null) {
      typed.set(p.observed.row, p.observed);
      out[p.metricsName] = p.observed.row;
    }
    p.children.forEach(walk);
  };
  walk(plan);
  return out;
}

/** The types and engine values behind a row from observedMetrics (undefined for another object). */
export const observedRowTypes = (row: Row): ObservedRow | undefined => typed.get(row);
