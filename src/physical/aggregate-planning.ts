/**
 * How a batch aggregate is planned under local[N]: a GROUP BY whose input is a splittable scan
 * (in-memory rows, files) under filters and projections only, with every expression able to
 * cross to a worker (parallel/expr-wire.ts), becomes a ParallelAggregateExec (partial per piece
 * in the workers, final on the main thread); any other stays a HashAggregateExec, and with
 * N > 1 its explain line says why it runs on one thread.
 */
import type { RAggregate, ResolvedPlan } from "../plan/resolved-plan.js";
import { outputSchema } from "../plan/resolved-plan.js";
import { aggregateFragmentToWire } from "../parallel/aggregate-fragment.js";
import { NotPortable } from "../parallel/expr-wire.js";
import type { ExecutionPlan } from "./execution-plan.js";
import type { Compiler } from "./operators/describe.js";
import { HashAggregateExec } from "./operators/hash-aggregate-exec.js";
import { ParallelAggregateExec } from "./operators/parallel-aggregate-exec.js";
import { scanChain } from "./scan-planning.js";

export function planAggregate(n: RAggregate, threads: number, compile: Compiler, plan: (p: ResolvedPlan) => ExecutionPlan): ExecutionPlan {
  const single = new HashAggregateExec(plan(n.input), n.groupBy, n.aggs, n.resultExprs, outputSchema(n), compile, n.groupingSets);
  if (threads <= 1) return single;
  const oneThread = (reason: string): ExecutionPlan => {
    single.oneThreadReason = reason;
    return single;
  };
  const chain = scanChain(n.input, single.child);
  if (typeof chain === "string") return oneThread(chain);
  const fragment = aggregateFragmentToWire(chain.steps, n.groupBy, n.aggs, n.groupingSets);
  if (fragment instanceof NotPortable) return oneThread(fragment.reason);
  return new ParallelAggregateExec(single, chain.scan, fragment, threads);
}
