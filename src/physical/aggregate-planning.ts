/**
 * How a batch aggregate is planned under local[N]: a GROUP BY whose input is a splittable scan
 * (in-memory rows, files) under filters and projections only, with every expression able to
 * cross to a worker (parallel/expr-wire.ts), becomes a ParallelAggregateExec (partial per piece
 * in the workers, final on the main thread); any other stays a HashAggregateExec, and with
 * N > 1 its explain line says why it runs on one thread.
 */
import type { RAggregate, ResolvedPlan } from "../plan/resolved-plan.js";
import { outputSchema } from "../plan/resolved-plan.js";
import { type FragmentStep, aggregateFragmentToWire } from "../parallel/aggregate-fragment.js";
import { NotPortable } from "../parallel/expr-wire.js";
import type { ExecutionPlan } from "./execution-plan.js";
import type { Compiler } from "./operators/describe.js";
import { HashAggregateExec } from "./operators/hash-aggregate-exec.js";
import { ParallelAggregateExec } from "./operators/parallel-aggregate-exec.js";
import { isSplittable } from "./scan-pieces.js";

export function planAggregate(n: RAggregate, threads: number, compile: Compiler, plan: (p: ResolvedPlan) => ExecutionPlan): ExecutionPlan {
  const single = new HashAggregateExec(plan(n.input), n.groupBy, n.aggs, n.resultExprs, outputSchema(n), compile, n.groupingSets);
  if (threads <= 1) return single;
  // The chain under the aggregate, top down, and the physical operator of each node.
  const steps: FragmentStep[] = [];
  let node = n.input;
  let exec = single.child;
  while (node.kind === "filter" || node.kind === "project") {
    steps.unshift(node.kind === "filter" ? { kind: "filter", condition: node.condition } : { kind: "project", exprs: node.exprs, schema: outputSchema(node) });
    node = node.input;
    exec = exec.children[0]!;
  }
  const oneThread = (reason: string): ExecutionPlan => {
    single.oneThreadReason = reason;
    return single;
  };
  if ((node.kind !== "scan" && node.kind !== "localRelation") || (node.kind === "scan" && node.streaming)) return oneThread(`its input is not a scan under filters and projections (${node.kind})`);
  if (!isSplittable(exec)) return oneThread(`the ${node.kind === "scan" ? `${node.source.format} ` : ""}scan cannot be split into pieces`);
  const fragment = aggregateFragmentToWire(steps, n.groupBy, n.aggs, n.groupingSets);
  if (fragment instanceof NotPortable) return oneThread(fragment.reason);
  return new ParallelAggregateExec(single, exec, fragment, threads);
}
