/**
 * Resolved logical plans: every node knows its output attributes, and every expression is an
 * RExpr bound to the node's input by column index. The physical planner (physical/planner.ts)
 * turns these into ExecutionPlans; streaming's IncrementalExecution does the same per batch.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import type { RExpr } from "../expr/resolved-expr.js";
import type { AggregateFunction, WindowFunction } from "../expr/function-types.js";
import type { DataType } from "../types/data-type.js";
import { StructType } from "../types/struct-type.js";
import type { CacheSlot, DataSourceSpec, JoinType, ObservationSink } from "./logical-plan.js";
import type { WindowFrame } from "../expr/expr.js";

/** One output column: name, type, and a unique id that survives pass-through operators. */
export interface Attribute {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  /** Like Spark's ExprId: equal ids mean the same column. */
  readonly exprId: number;
  /** Relation aliases this column can be qualified with (`t.a`). */
  readonly qualifiers: readonly string[];
  /** Set on an event-time column by withWatermark: the delay in ms. */
  readonly watermarkDelayMs?: number;
}

export interface RSortOrder {
  readonly expr: RExpr;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/** An aggregate call lifted out of expressions; its result is one column of the Aggregate's buffer. */
export interface RAggCall {
  readonly fn: AggregateFunction;
  readonly args: readonly RExpr[];
  readonly distinct: boolean;
  readonly ignoreNulls: boolean;
  readonly filter?: RExpr;
  readonly type: DataType;
  readonly stateTypes: readonly DataType[];
  /** Literal argument values by position (undefined where not literal). */
  readonly literals: readonly (unknown | undefined)[];
  /** Spark's auto-generated name, e.g. `count(1)`, `sum(x)`. */
  readonly name: string;
}

export interface RWindowCall {
  /** A ranking/offset function, or an aggregate evaluated over the frame. */
  readonly fn: { readonly kind: "window"; readonly impl: WindowFunction } | { readonly kind: "aggregate"; readonly impl: AggregateFunction };
  readonly args: readonly RExpr[];
  readonly literals: readonly (unknown | undefined)[];
  readonly ignoreNulls: boolean;
  readonly partitionBy: readonly RExpr[];
  readonly orderBy: readonly RSortOrder[];
  /** Always explicit after analysis (Spark's defaults applied). */
  readonly frame: WindowFrame;
  readonly type: DataType;
  readonly stateTypes: readonly DataType[];
}

export type ResolvedPlan =
  | RLocalRelation
  | RScan
  | RRange
  | RProject
  | RFilter
  | RAggregate
  | RWindow
  | RGenerate
  | RJoin
  | RSort
  | RLimit
  | RUnion
  | RDropDuplicates
  | RWatermark
  | RSample
  | RCached
  | RCollectMetrics
  | RFlatMapGroupsWithState
  | RTransformWithState;

interface RNode {
  readonly output: readonly Attribute[];
}

export interface RLocalRelation extends RNode {
  readonly kind: "localRelation";
  readonly batches: readonly ColumnBatch[];
  readonly streamSourceId?: string;
}
export interface RScan extends RNode {
  readonly kind: "scan";
  readonly source: DataSourceSpec;
  readonly streaming: boolean;
  /** The full data schema (output may be a projection of it in later optimizations). */
  readonly dataSchema: StructType;
}
export interface RRange extends RNode {
  readonly kind: "range";
  readonly start: number;
  readonly end: number;
  readonly step: number;
}
export interface RProject extends RNode {
  readonly kind: "project";
  readonly input: ResolvedPlan;
  readonly exprs: readonly RExpr[];
}
export interface RFilter extends RNode {
  readonly kind: "filter";
  readonly input: ResolvedPlan;
  readonly condition: RExpr;
}
/**
 * Output = resultExprs evaluated over the buffer [group keys..., aggregate results...].
 * groupingSets (rollup/cube): each set lists which group keys are kept; the others become null
 * and a spark_grouping_id is not exposed.
 */
export interface RAggregate extends RNode {
  readonly kind: "aggregate";
  readonly input: ResolvedPlan;
  readonly groupBy: readonly RExpr[];
  readonly aggs: readonly RAggCall[];
  readonly resultExprs: readonly RExpr[];
  readonly groupingSets?: readonly (readonly number[])[];
  /**
   * Streaming session_window(ts, gap): the groupBy index whose key is the per-row session
   * struct<start, end> = (ts, ts + gap); the streaming operator merges overlapping sessions.
   */
  readonly sessionWindowKey?: number;
}
/** Output = input columns followed by one column per window call. */
export interface RWindow extends RNode {
  readonly kind: "window";
  readonly input: ResolvedPlan;
  readonly calls: readonly RWindowCall[];
}
/** explode / posexplode (outer variants): output = input columns followed by generated ones. */
export interface RGenerate extends RNode {
  readonly kind: "generate";
  readonly input: ResolvedPlan;
  readonly generator: "explode" | "posexplode" | "inline";
  readonly outer: boolean;
  readonly arg: RExpr;
}
/**
 * Output = left columns then right columns (semi/anti: left only; `using` joins project after).
 * Equi keys are split out for hashing; `condition` is the residual over [left..., right...].
 * `nullSafe[i]` marks a `<=>` key: a null there matches a null (with `=`, a null key matches nothing).
 */
export interface RJoin extends RNode {
  readonly kind: "join";
  readonly left: ResolvedPlan;
  readonly right: ResolvedPlan;
  readonly joinType: JoinType;
  readonly leftKeys: readonly RExpr[];
  readonly rightKeys: readonly RExpr[];
  readonly nullSafe: readonly boolean[];
  readonly condition?: RExpr;
}
export interface RSort extends RNode {
  readonly kind: "sort";
  readonly input: ResolvedPlan;
  readonly order: readonly RSortOrder[];
}
export interface RLimit extends RNode {
  readonly kind: "limit";
  readonly input: ResolvedPlan;
  readonly limit: number;
  readonly offset: number;
}
/** Inputs are already projected to the same column order and types. */
export interface RUnion extends RNode {
  readonly kind: "union";
  readonly inputs: readonly ResolvedPlan[];
}
/** Keep the first row per key (distinct = all columns). */
export interface RDropDuplicates extends RNode {
  readonly kind: "dropDuplicates";
  readonly input: ResolvedPlan;
  readonly keys: readonly number[];
  readonly withinWatermark: boolean;
}
export interface RWatermark extends RNode {
  readonly kind: "watermark";
  readonly input: ResolvedPlan;
  readonly eventTimeIndex: number;
  readonly delayMs: number;
}

/** See logical-plan.ts Sample. */
export interface RSample extends RNode {
  readonly kind: "sample";
  readonly input: ResolvedPlan;
  readonly fraction: number;
  readonly withReplacement: boolean;
  readonly seed: number;
}
/** See logical-plan.ts CachedRelation; output = the input's columns. */
export interface RCached extends RNode {
  readonly kind: "cached";
  readonly input: ResolvedPlan;
  readonly slot: CacheSlot;
}
/**
 * See logical-plan.ts CollectMetrics; output = the input's columns. `metrics` is the global
 * aggregate over the same input whose one output row is the named metrics row.
 */
export interface RCollectMetrics extends RNode {
  readonly kind: "collectMetrics";
  readonly input: ResolvedPlan;
  readonly name: string;
  readonly metrics: RAggregate;
  readonly observation?: ObservationSink;
}

/**
 * groupByKey(fn).flatMapGroupsWithState / mapGroupsWithState: output = the declared output
 * schema's columns (fresh attributes); the key function and the per-key function run in JS.
 */
export interface RFlatMapGroupsWithState extends RNode {
  readonly kind: "flatMapGroupsWithState";
  readonly input: ResolvedPlan;
  readonly spec: import("./groups-with-state.js").GroupsWithStateSpec;
}

/** groupByKey(fn).transformWithState / groupBy(cols).transformWithState: output = the declared output schema's columns. */
export interface RTransformWithState extends RNode {
  readonly kind: "transformWithState";
  readonly input: ResolvedPlan;
  readonly spec: import("./transform-with-state.js").TransformWithStateSpec;
}

export function outputSchema(p: ResolvedPlan): StructType {
  return new StructType(p.output.map((a) => ({ name: a.name, type: a.type, nullable: a.nullable })));
}

export function resolvedChildren(p: ResolvedPlan): ResolvedPlan[] {
  switch (p.kind) {
    case "localRelation":
    case "scan":
    case "range":
      return [];
    case "join":
      return [p.left, p.right];
    case "union":
      return [...p.inputs];
    default:
      return [p.input];
  }
}

/** `p` over new children (in resolvedChildren's order); `p` itself when they are the same objects. */
export function withResolvedChildren(p: ResolvedPlan, children: readonly ResolvedPlan[]): ResolvedPlan {
  const old = resolvedChildren(p);
  if (old.length === children.length && old.every((c, i) => c === children[i])) return p;
  switch (p.kind) {
    case "localRelation":
    case "scan":
    case "range":
      return p;
    case "join":
      return { ...p, left: children[0]!, right: children[1]! };
    case "union":
      return { ...p, inputs: children };
    default:
      return { ...p, input: children[0]! };
  }
}

export function isStreamingPlan(p: ResolvedPlan): boolean {
  if (p.kind === "scan") return p.streaming;
  if (p.kind === "localRelation") return p.streamSourceId !== undefined;
  return resolvedChildren(p).some(isStreamingPlan);
}
