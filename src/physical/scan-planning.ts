/**
 * Which batch plans run over scan pieces in the local[N] workers, besides aggregates
 * (aggregate-planning.ts): the filter/project chain over a splittable scan (in-memory rows,
 * files) that a query's result is (collect, a write), and the same chain under a sort.
 *   - The whole result: a ParallelScanExec; the workers run the chain per piece and the rows come
 *     back in piece order, the order one thread gives.
 *   - A sort: a ParallelSortExec; each worker also sorts its piece, the main thread merges.
 * Any other plan, a chain over another input, or a chain whose expressions cannot cross to a
 * worker (expr-wire.ts) stays as planned.
 */
import type { RSort, ResolvedPlan } from "../plan/resolved-plan.js";
import { outputSchema } from "../plan/resolved-plan.js";
import { NotPortable } from "../parallel/expr-wire.js";
import { type FragmentStep, scanFragmentToWire } from "../parallel/scan-fragment.js";
import type { ExecutionPlan } from "./execution-plan.js";
import type { Compiler } from "./operators/describe.js";
import { ParallelScanExec } from "./operators/parallel-scan-exec.js";
import { ParallelSortExec } from "./operators/parallel-sort-exec.js";
import { SortExec } from "./operators/sort-exec.js";
import { type SplittableScan, isSplittable } from "./scan-pieces.js";

export interface ScanChain {
  /** The filters and projections, scan side first. */
  readonly steps: readonly FragmentStep[];
  readonly scan: SplittableScan;
}

/** The filter/project chain from `node` (planned as `exec`) down to a splittable batch scan, or why there is none. */
export function scanChain(node: ResolvedPlan, exec: ExecutionPlan): ScanChain | string {
  const steps: FragmentStep[] = [];
  while (node.kind === "filter" || node.kind === "project") {
    steps.unshift(node.kind === "filter" ? { kind: "filter", condition: node.condition } : { kind: "project", exprs: node.exprs, schema: outputSchema(node) });
    node = node.input;
    exec = exec.children[0]!;
  }
  if ((node.kind !== "scan" && node.kind !== "localRelation") || (node.kind === "scan" && node.streaming)) return `its input is not a scan under filters and projections (${node.kind})`;
  if (!isSplittable(exec)) return `the ${node.kind === "scan" ? `${node.source.format} ` : ""}scan cannot be split into pieces`;
  return { steps, scan: exec };
}

/** A query's result `exec` (of `node`) as a ParallelScanExec when it is a chain over a splittable scan. */
export function planParallelResult(node: ResolvedPlan, exec: ExecutionPlan, threads: number): ExecutionPlan {
  if (threads <= 1 || (node.kind !== "filter" && node.kind !== "project" && node.kind !== "scan" && node.kind !== "localRelation")) return exec;
  const chain = scanChain(node, exec);
  if (typeof chain === "string") return exec;
  const wire = scanFragmentToWire(chain.steps, null);
  if (wire instanceof NotPortable) return exec;
  return new ParallelScanExec(exec, chain.scan, wire.steps, threads);
}

/** A sort: over a chain on a splittable scan under local[N], sorted per piece in the workers and merged here. */
export function planSort(n: RSort, threads: number, compile: Compiler, plan: (p: ResolvedPlan) => ExecutionPlan): ExecutionPlan {
  const single = new SortExec(plan(n.input), n.order, compile);
  if (threads <= 1) return single;
  const chain = scanChain(n.input, single.child);
  if (typeof chain === "string") return single;
  const wire = scanFragmentToWire(chain.steps, n.order);
  if (wire instanceof NotPortable) return single;
  return new ParallelSortExec(single, chain.scan, wire.steps, wire.order!, threads);
}
