/**
 * The physical planner: one Exec per resolved node, expressions compiled once per plan.
 * Handlers are a Record over every ResolvedPlan kind, so a new node kind does not compile until
 * it is planned here.
 *
 * Joins: equi keys from the analyzer (`=` and null-safe `<=>`) go to HashJoinExec; joins without
 * keys go to NestedLoopJoinExec. Under local[N], an inner/left/semi/anti equi-join whose left
 * side is a chain over a splittable scan is a BroadcastHashJoinExec (the right side broadcast
 * to the workers when small enough, the left side's pieces probed there).
 */
import { internalError } from "../common/errors.js";
import { compileExpr } from "../expr/compile.js";
import type { EvalContext } from "../expr/function-types.js";
import type { RJoin, RScan, RWindow, ResolvedPlan } from "../plan/resolved-plan.js";
import { outputSchema } from "../plan/resolved-plan.js";
import { planAggregate } from "./aggregate-planning.js";
import { planParallelResult, planSort, scanChain } from "./scan-planning.js";
import { broadcastJoinToWire } from "../parallel/join-fragment.js";
import { NotPortable } from "../parallel/expr-wire.js";
import { scanFragmentToWire } from "../parallel/scan-fragment.js";
import { BroadcastHashJoinExec } from "./operators/broadcast-hash-join-exec.js";
import { windowFragmentToWire } from "../parallel/window-fragment.js";
import { exprsToString } from "./operators/describe.js";
import { ParallelWindowExec, POSITION_FIELD } from "./operators/parallel-window-exec.js";
import { StructType } from "../types/struct-type.js";
import type { ExecutionPlan } from "./execution-plan.js";
import type { Compiler } from "./operators/describe.js";
import { CollectMetricsExec } from "./operators/collect-metrics-exec.js";
import { DropDuplicatesExec } from "./operators/drop-duplicates-exec.js";
import { FilterExec } from "./operators/filter-exec.js";
import { GenerateExec } from "./operators/generate-exec.js";
import { GroupsWithStateExec } from "./operators/groups-with-state-exec.js";
import { HashJoinExec } from "./operators/hash-join-exec.js";
import { InMemoryRelationExec } from "./operators/in-memory-relation-exec.js";
import { LimitExec } from "./operators/limit-exec.js";
import { LocalRelationExec } from "./operators/local-relation-exec.js";
import { NestedLoopJoinExec } from "./operators/nested-loop-join-exec.js";
import { ProjectExec } from "./operators/project-exec.js";
import { RangeExec } from "./operators/range-exec.js";
import { SampleExec } from "./operators/sample-exec.js";
import { UnionExec } from "./operators/union-exec.js";
import { WatermarkExec } from "./operators/watermark-exec.js";
import { WindowExec } from "./operators/window-exec.js";

export interface PlannerEnv {
  /** The Exec reading a scan node (file formats, custom and streaming sources). */
  scan(node: RScan): ExecutionPlan;
  readonly eval: EvalContext;
  /**
   * Lets a caller (IncrementalExecution) substitute a node's Exec, e.g. stateful streaming
   * operators; `planChild` plans a child normally (still applying the override below it).
   * Returning undefined plans the node as usual.
   */
  readonly override?: (node: ResolvedPlan, planChild: (child: ResolvedPlan) => ExecutionPlan) => ExecutionPlan | undefined;
  /** Compiles expressions; defaults to expr/compile.ts's compileExpr with `eval`. */
  readonly compile?: Compiler;
  /**
   * local[N]: with N > 1 a batch aggregate over a splittable scan runs partial per piece in N
   * workers (aggregate-planning.ts), and so does a sort over such a scan (scan-planning.ts).
   */
  readonly workerThreads?: number;
  /**
   * The threads of a broadcast hash join or a partitioned window, whose every row crosses between
   * threads (session/runtime-config.ts exchangeThreads); defaults to `workerThreads`.
   */
  readonly exchangeThreads?: number;
  /**
   * The result is collected whole (collect, toArrow, explain of it), so a result that is a chain
   * over a splittable scan may run per piece in the workers too. Not for results that stream out
   * (writes, iterators): the pieces' rows wait in piece order, which would unbound their memory.
   */
  readonly parallelResult?: boolean;
}

type Planner = (node: ResolvedPlan, env: PlannerEnv, compile: Compiler, plan: (p: ResolvedPlan) => ExecutionPlan) => ExecutionPlan;
type Handlers = { [K in ResolvedPlan["kind"]]: (node: Extract<ResolvedPlan, { kind: K }>, env: PlannerEnv, compile: Compiler, plan: (p: ResolvedPlan) => ExecutionPlan) => ExecutionPlan };

const handlers: Handlers = {
  localRelation: (n) => new LocalRelationExec(outputSchema(n), n.batches),
  scan: (n, env) => env.scan(n),
  range: (n) => new RangeExec(outputSchema(n), n.start, n.end, n.step),
  project: (n, _env, compile, plan) => new ProjectExec(plan(n.input), n.exprs, outputSchema(n), compile),
  filter: (n, _env, compile, plan) => new FilterExec(plan(n.input), n.condition, compile),
  aggregate: (n, env, compile, plan) => planAggregate(n, env.workerThreads ?? 1, compile, plan),
  window: (n, env, compile, plan) => planWindow(n, env.exchangeThreads ?? env.workerThreads ?? 1, compile, plan),
  generate: (n, _env, compile, plan) => new GenerateExec(plan(n.input), n.generator, n.outer, n.arg, outputSchema(n), compile),
  join: (n, env, compile, plan) => planJoin(n, env.exchangeThreads ?? env.workerThreads ?? 1, compile, plan),
  sort: (n, env, compile, plan) => planSort(n, env.workerThreads ?? 1, compile, plan),
  limit: (n, _env, _compile, plan) => new LimitExec(plan(n.input), n.limit, n.offset),
  union: (n, _env, _compile, plan) => new UnionExec(n.inputs.map(plan), outputSchema(n)),
  dropDuplicates: (n, _env, _compile, plan) => new DropDuplicatesExec(plan(n.input), n.keys),
  watermark: (n, _env, _compile, plan) => new WatermarkExec(plan(n.input), n.eventTimeIndex, n.delayMs),
  sample: (n, _env, _compile, plan) => new SampleExec(plan(n.input), n.fraction, n.withReplacement, n.seed),
  cached: (n, _env, _compile, plan) => new InMemoryRelationExec(plan(n.input), n.slot),
  collectMetrics: (n, _env, compile, plan) => new CollectMetricsExec(plan(n.input), n.name, n.metrics, compile, n.observation),
  flatMapGroupsWithState: (n, _env, _compile, plan) => new GroupsWithStateExec(plan(n.input), n.spec),
  // Refused on batch DataFrames at the call (key-value-grouped-dataset.ts); a stream plans it in IncrementalExecution.
  transformWithState: () => {
    throw internalError("transformWithState reached the batch planner");
  },
};

/** Plans a resolved plan into an executable operator tree. */
export function createPhysicalPlan(plan: ResolvedPlan, env: PlannerEnv): ExecutionPlan {
  const compile: Compiler = env.compile ?? ((e) => compileExpr(e, env.eval));
  const planNode = (p: ResolvedPlan): ExecutionPlan => {
    const substituted = env.override?.(p, planNode);
    if (substituted !== undefined) return substituted;
    return (handlers[p.kind] as Planner)(p, env, compile, planNode);
  };
  return env.parallelResult ? planParallelResult(plan, planNode(plan), env.workerThreads ?? 1) : planNode(plan);
}

/** Join types whose build (right) side a broadcast may hold: those that never emit unmatched build rows. */
const BROADCAST_BUILD_RIGHT: ReadonlySet<string> = new Set(["inner", "left", "left_semi", "left_anti"]);

function planJoin(n: RJoin, threads: number, compile: Compiler, plan: (p: ResolvedPlan) => ExecutionPlan): ExecutionPlan {
  const left = plan(n.left);
  const right = plan(n.right);
  const schema = outputSchema(n);
  if (n.leftKeys.length === 0) return new NestedLoopJoinExec(left, right, n.joinType, n.condition, schema, compile);
  const single = new HashJoinExec(left, right, n.joinType, { left: n.leftKeys, right: n.rightKeys, nullSafe: n.nullSafe }, n.condition, schema, compile);
  if (threads <= 1 || !BROADCAST_BUILD_RIGHT.has(n.joinType)) return single;
  const chain = scanChain(n.left, left);
  if (typeof chain === "string") return single;
  const steps = scanFragmentToWire(chain.steps, null);
  const spec = broadcastJoinToWire(single);
  if (steps instanceof NotPortable || spec instanceof NotPortable) return single;
  return new BroadcastHashJoinExec(single, chain.scan, steps.steps, spec, threads);
}

/**
 * A window under local[N] whose calls all partition by the same non-empty keys: evaluated per
 * partition in the workers. Without PARTITION BY, Spark moves every row to one partition, so it
 * stays on this thread; calls partitioned differently would need one exchange each.
 */
function planWindow(n: RWindow, threads: number, compile: Compiler, plan: (p: ResolvedPlan) => ExecutionPlan): ExecutionPlan {
  const single = new WindowExec(plan(n.input), n.calls, outputSchema(n), compile);
  const keys = exprsToString(n.calls[0]!.partitionBy);
  if (threads <= 1 || n.calls[0]!.partitionBy.length === 0 || n.calls.some((c) => exprsToString(c.partitionBy) !== keys)) return single;
  const input = single.child.schema;
  const fragment = windowFragmentToWire(n.calls, new StructType([...input.fields, POSITION_FIELD]), new StructType([...input.fields, POSITION_FIELD, ...single.schema.fields.slice(input.length)]));
  if (fragment instanceof NotPortable) return single;
  return new ParallelWindowExec(single, fragment, threads, compile);
}
