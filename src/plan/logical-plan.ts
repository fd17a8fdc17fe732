/**
 * Unresolved logical plans: pure data built by DataFrame methods and the SQL parser. No batch
 * ids, offsets, state, clocks or I/O live here (DESIGN.md §2). The analyzer (plan/analyzer.ts)
 * turns a LogicalPlan into a ResolvedPlan, memoised per node object.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import type { Expr, SortOrderExpr } from "../expr/expr.js";
import type { StructType } from "../types/struct-type.js";

export type JoinType = "inner" | "left" | "right" | "full" | "left_semi" | "left_anti" | "cross";

/** Where a relation's rows come from; interpreted by the physical planner / connectors. */
export interface DataSourceSpec {
  /** json | csv | parquet | text | delta | rate | memory | ... */
  readonly format: string;
  readonly paths: readonly string[];
  /** Option keys as the user gave them (matching is case-insensitive, as in Spark). */
  readonly options: Readonly<Record<string, string>>;
  readonly userSchema?: StructType;
}

export type LogicalPlan =
  | LocalRelation
  | ReadRelation
  | RangeRelation
  | NamedRelation
  | Project
  | Filter
  | WithColumns
  | WithColumnsRenamed
  | Drop
  | Aggregate
  | Join
  | Sort
  | Limit
  | Union
  | Distinct
  | DropDuplicates
  | SubqueryAlias
  | WithWatermark
  | Sample
  | CachedRelation
  | CollectMetrics
  | ResolvedLeaf;

interface Node {
  /** Unique per node object; used in explain output and for caching. */
  readonly id: number;
}

export interface LocalRelation extends Node {
  readonly kind: "localRelation";
  readonly schema: StructType;
  readonly batches: readonly ColumnBatch[];
  /** A streaming in-memory source (spark.memoryStream); resolved through the session. */
  readonly streamSourceId?: string;
}
export interface ReadRelation extends Node {
  readonly kind: "read";
  readonly source: DataSourceSpec;
  readonly streaming: boolean;
}
export interface RangeRelation extends Node {
  readonly kind: "range";
  readonly start: number;
  readonly end: number;
  readonly step: number;
}
/** A temp view or table by name (`spark.table`, SQL FROM); the analyzer looks it up in the catalog. */
export interface NamedRelation extends Node {
  readonly kind: "namedRelation";
  readonly nameParts: readonly string[];
}
export interface Project extends Node {
  readonly kind: "project";
  readonly input: LogicalPlan;
  readonly exprs: readonly Expr[];
}
export interface Filter extends Node {
  readonly kind: "filter";
  readonly input: LogicalPlan;
  readonly condition: Expr;
}
/** withColumn(s): replace same-named columns in place, append the others (Spark's rule). */
export interface WithColumns extends Node {
  readonly kind: "withColumns";
  readonly input: LogicalPlan;
  readonly names: readonly string[];
  readonly exprs: readonly Expr[];
}
export interface WithColumnsRenamed extends Node {
  readonly kind: "withColumnsRenamed";
  readonly input: LogicalPlan;
  readonly renames: readonly (readonly [string, string])[];
}
/** drop(...): names that do not exist are ignored (Spark's rule); Column args must resolve. */
export interface Drop extends Node {
  readonly kind: "drop";
  readonly input: LogicalPlan;
  readonly columns: readonly (string | Expr)[];
}
export interface Aggregate extends Node {
  readonly kind: "aggregate";
  readonly input: LogicalPlan;
  readonly groupBy: readonly Expr[];
  /** Output expressions: grouping columns and aggregate calls (SQL: the SELECT list). */
  readonly aggs: readonly Expr[];
  /** groupBy (default), rollup or cube. */
  readonly grouping?: "groupBy" | "rollup" | "cube";
}
export interface Join extends Node {
  readonly kind: "join";
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly joinType: JoinType;
  readonly condition?: Expr;
  /** `join(other, "id")` / `USING (id)`: equality on same-named columns, shown once. */
  readonly using?: readonly string[];
}
export interface Sort extends Node {
  readonly kind: "sort";
  readonly input: LogicalPlan;
  readonly order: readonly SortOrderExpr[];
}
export interface Limit extends Node {
  readonly kind: "limit";
  readonly input: LogicalPlan;
  readonly limit: number;
  readonly offset?: number;
}
export interface Union extends Node {
  readonly kind: "union";
  readonly inputs: readonly LogicalPlan[];
  /** unionByName; `allowMissingColumns` fills absent columns with null. */
  readonly byName: boolean;
  readonly allowMissingColumns: boolean;
  /** SQL UNION (without ALL) = distinct over the union. */
  readonly distinct?: boolean;
  /**
   * Absent: union. "intersect" / "except" (SQL INTERSECT, EXCEPT/MINUS; two inputs, by
   * position): with `distinct` the distinct rows found (not found) in the second input, else
   * the ALL forms, which keep duplicates by count (min(l, r) / l - r copies).
   */
  readonly setOp?: "intersect" | "except";
}
export interface Distinct extends Node {
  readonly kind: "distinct";
  readonly input: LogicalPlan;
}
export interface DropDuplicates extends Node {
  readonly kind: "dropDuplicates";
  readonly input: LogicalPlan;
  /** Absent: all columns. */
  readonly columns?: readonly string[];
  readonly withinWatermark: boolean;
}
export interface SubqueryAlias extends Node {
  readonly kind: "subqueryAlias";
  readonly input: LogicalPlan;
  readonly alias: string;
  /** SQL `t(a, b)`: rename the input's columns by position (their count must match). */
  readonly columnNames?: readonly string[];
}
export interface WithWatermark extends Node {
  readonly kind: "withWatermark";
  readonly input: LogicalPlan;
  readonly eventTime: string;
  readonly delay: string;
  /**
   * Beyond Spark: receives the rows stateful operators drop as too late, once per micro-batch,
   * instead of discarding them (called with a batch DataFrame and the batch id).
   */
  readonly lateRows?: (rows: never, batchId: number) => unknown;
}
/**
 * `df.sample`: Spark's Sample(0, fraction, withReplacement, seed). Without replacement each row is
 * kept when a draw of XORShiftRandom(seed + partition index) is below `fraction` (Bernoulli cell
 * sampling); with replacement each row is repeated a Poisson(fraction) number of times.
 */
export interface Sample extends Node {
  readonly kind: "sample";
  readonly input: LogicalPlan;
  readonly fraction: number;
  readonly withReplacement: boolean;
  readonly seed: number;
}
/**
 * Where a persisted DataFrame keeps its rows. The one mutable object a plan refers to: the
 * DataFrame sets `level` on persist() and clears it (and `batches`) on unpersist(); the first
 * action that runs the plan while `level` is set fills `batches`, later ones read them.
 */
export interface CacheSlot {
  /** Spark's StorageLevel description, e.g. "Disk Memory Deserialized 1x Replicated"; null = not persisted. */
  level: string | null;
  batches: Promise<readonly ColumnBatch[]> | null;
}
/** `df.cache()` / `persist()`: the input, computed once into `slot` while persisted. */
export interface CachedRelation extends Node {
  readonly kind: "cache";
  readonly input: LogicalPlan;
  readonly slot: CacheSlot;
}
/**
 * `df.observe(name, ...metrics)`: Spark's CollectMetrics. The rows pass through unchanged; the
 * metrics (aggregate expressions, like a global `agg`) are computed over them and reported under
 * `name` (a streaming query's progress `observedMetrics`, per batch).
 */
export interface CollectMetrics extends Node {
  readonly kind: "collectMetrics";
  readonly input: LogicalPlan;
  readonly name: string;
  readonly metrics: readonly Expr[];
  /** A batch DataFrame's Observation: receives the metrics row of the first run that ends. */
  readonly observation?: ObservationSink;
}
/** Where a finished run of a CollectMetrics node hands its row (dataframe/observation.ts). */
export interface ObservationSink {
  onObserved(row: Record<string, unknown>): void;
}
/** An already-resolved plan embedded in a new tree (used by internal rewrites). */
export interface ResolvedLeaf extends Node {
  readonly kind: "resolvedLeaf";
  readonly plan: import("./resolved-plan.js").ResolvedPlan;
}

let nextPlanId = 1;
/** Attach a fresh id to a node literal: `node({ kind: "filter", input, condition })`. */
export function node<T extends Omit<LogicalPlan, "id">>(n: T): T & { readonly id: number } {
  return Object.freeze({ ...n, id: nextPlanId++ });
}

/** Children of a node, for generic walks. */
export function children(p: LogicalPlan): LogicalPlan[] {
  switch (p.kind) {
    case "localRelation":
    case "read":
    case "range":
    case "namedRelation":
    case "resolvedLeaf":
      return [];
    case "join":
      return [p.left, p.right];
    case "union":
      return [...p.inputs];
    default:
      return [p.input];
  }
}
