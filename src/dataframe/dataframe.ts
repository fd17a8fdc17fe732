/**
 * DataFrame: an immutable, eagerly-analyzed logical plan plus the executor that runs it.
 * Every transformation is a short call building one plan node (DESIGN.md §6 "Builders");
 * analysis errors surface at the call that caused them, as in PySpark.
 */
import { redactText } from "../common/redaction.js";
import { type ColumnBatch, batchToRows } from "../columnar/column-batch.js";
import { analysisError, configError, unsupported } from "../common/errors.js";
import { Column, type ColumnLike, toColumnExpr, toSortOrder } from "../expr/column.js";
import type { Expr } from "../expr/expr.js";
import { type CachedRelation, type JoinType, type LogicalPlan, node } from "../plan/logical-plan.js";
import { type ResolvedPlan, isStreamingPlan, outputSchema } from "../plan/resolved-plan.js";
import { parseExpression } from "../sql/parse-expression.js";
import { StringType, simpleString } from "../types/data-type.js";
import type { StructType } from "../types/struct-type.js";
import type { DDLOptions } from "../types/ddl.js";
import { DataFrameWriter } from "./dataframe-writer.js";
import { DataStreamWriter, type StreamStarter } from "./data-stream-writer.js";
import type { ExplainMode, QueryExecutor } from "./executor.js";
import { GroupedData } from "./grouped-data.js";
import { KeyValueGroupedDataset } from "./key-value-grouped-dataset.js";
import { Observation } from "./observation.js";
import { DataFrameNaFunctions, type FillValue, type ReplaceValue } from "./na-functions.js";
import { StorageLevel } from "./storage-level.js";
import { showString } from "./show.js";

/** A row as `collect()` returns it: column name to value (a LONG is a bigint, a TIMESTAMP a Date, a struct a nested Row). */
export type Row = Record<string, unknown>;

/** Hooks a DataFrame needs beyond batch execution (streaming writers, Arrow export). */
export interface DataFrameContext {
  readonly executor: QueryExecutor;
  /** Starts streaming queries (provided by the session). */
  readonly startStream?: StreamStarter;
  readonly toArrow?: (schema: StructType, batches: readonly ColumnBatch[]) => unknown;
  /** Options a reader of `format` gets from session configs unless it sets them itself (e.g. spark.sql.files.ignoreMissingFiles). */
  readonly readOptionDefaults?: (format: string) => Readonly<Record<string, string>>;
  /** How DDL strings given to this session are read (bare TIMESTAMP under spark.sql.timestampType). */
  readonly ddlOptions?: () => DDLOptions;
  /** How `selectExpr`/`filter(text)` read SQL text: a Spark Connect session leaves it to the server's parser. */
  readonly parseExpression?: (text: string) => Expr;
}

const JOIN_TYPES: Record<string, JoinType> = {
  inner: "inner",
  left: "left",
  leftouter: "left",
  left_outer: "left",
  right: "right",
  rightouter: "right",
  right_outer: "right",
  outer: "full",
  full: "full",
  fullouter: "full",
  full_outer: "full",
  semi: "left_semi",
  leftsemi: "left_semi",
  left_semi: "left_semi",
  anti: "left_anti",
  leftanti: "left_anti",
  left_anti: "left_anti",
  cross: "cross",
};

/** A distributed collection of rows with a schema, as PySpark's `DataFrame`: transformations build a plan, actions (`collect`, `show`, `count`, `write`) run it, and a streaming DataFrame runs through `writeStream`. */
export class DataFrame {
  /** The analyzed plan; computed once, here, so errors point at the call that caused them. */
  readonly resolved: ResolvedPlan;
  readonly #plan: LogicalPlan;
  /** Set by the first persist(): the plan that reads through this DataFrame's cache. */
  #cached: CachedRelation | null = null;
  #storageLevel: StorageLevel = StorageLevel.NONE;

  constructor(
    readonly ctx: DataFrameContext,
    plan: LogicalPlan,
  ) {
    this.#plan = plan;
    this.resolved = ctx.executor.analyze(plan);
  }

  /** The logical plan; while persisted, one that reads the cached rows (DataFrames derived from it then do too). */
  get plan(): LogicalPlan {
    return this.#cached !== null && this.#cached.slot.level !== null ? this.#cached : this.#plan;
  }

  private with(plan: LogicalPlan): DataFrame {
    return new DataFrame(this.ctx, plan);
  }

  // ---- schema ----
  get schema(): StructType {
    return outputSchema(this.resolved);
  }
  get columns(): string[] {
    return this.resolved.output.map((a) => a.name);
  }
  get dtypes(): [string, string][] {
    return this.resolved.output.map((a) => [a.name, simpleString(a.type)]);
  }
  get isStreaming(): boolean {
    return isStreamingPlan(this.resolved);
  }
  printSchema(): void {
    process.stdout.write(this.schema.treeString());
  }

  /** A reference to one of this DataFrame's columns, unambiguous in joins with other DataFrames. */
  col(name: string): Column {
    const lower = name.toLowerCase();
    const attr =
      this.resolved.output.find((a) => a.name === name) ?? this.resolved.output.find((a) => a.name.toLowerCase() === lower);
    if (!attr) return new Column(toColumnExpr(name)); // nested field or star: let the analyzer resolve it
    return new Column({ kind: "column", nameParts: [attr.name], exprId: attr.exprId });
  }

  // ---- transformations ----
  select(...cols: (ColumnLike | ColumnLike[])[]): DataFrame {
    return this.with(node({ kind: "project", input: this.plan, exprs: cols.flat().map(toColumnExpr) }));
  }
  selectExpr(...exprs: string[]): DataFrame {
    const parse = this.ctx.parseExpression ?? parseExpression;
    return this.with(node({ kind: "project", input: this.plan, exprs: exprs.map((t) => parse(t)) }));
  }
  filter(condition: Column | string): DataFrame {
    const e = typeof condition === "string" ? (this.ctx.parseExpression ?? parseExpression)(condition) : condition.expr;
    return this.with(node({ kind: "filter", input: this.plan, condition: e }));
  }
  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }
  withColumn(name: string, column: Column): DataFrame {
    return this.withColumns({ [name]: column });
  }
  withColumns(columns: Record<string, Column>): DataFrame {
    const names = Object.keys(columns);
    return this.with(
      node({ kind: "withColumns", input: this.plan, names, exprs: names.map((n) => columns[n]!.expr) }),
    );
  }
  withColumnRenamed(existing: string, renamed: string): DataFrame {
    return this.withColumnsRenamed({ [existing]: renamed });
  }
  withColumnsRenamed(renames: Record<string, string>): DataFrame {
    return this.with(node({ kind: "withColumnsRenamed", input: this.plan, renames: Object.entries(renames) }));
  }
  drop(...cols: ColumnLike[]): DataFrame {
    return this.with(
      node({ kind: "drop", input: this.plan, columns: cols.map((c) => (c instanceof Column ? c.expr : c)) }),
    );
  }
  toDF(...names: string[]): DataFrame {
    const current = this.columns;
    if (names.length !== current.length) {
      throw analysisError(
        "NUM_COLUMNS_MISMATCH",
        `toDF() got ${names.length} names for ${current.length} columns (${current.join(", ")})`,
      );
    }
    // By exprId, so same-named columns (after a join) each keep their own values.
    return this.select(...this.resolved.output.map((a, i) => new Column({ kind: "column", nameParts: [a.name], exprId: a.exprId }).alias(names[i]!)));
  }
  alias(name: string): DataFrame {
    return this.with(node({ kind: "subqueryAlias", input: this.plan, alias: name }));
  }

  /** `groupByKey(row => row.user)`: group by a JS key for mapGroupsWithState / flatMapGroupsWithState. */
  groupByKey<K>(fn: (row: Record<string, unknown>) => K): KeyValueGroupedDataset<K> {
    if (typeof fn !== "function") throw analysisError("INVALID_GROUP_BY_KEY", "groupByKey needs a function row => key");
    return new KeyValueGroupedDataset(this, fn);
  }

  groupBy(...cols: (ColumnLike | ColumnLike[])[]): GroupedData {
    return new GroupedData(this, cols.flat().map(toColumnExpr), "groupBy");
  }
  groupby(...cols: (ColumnLike | ColumnLike[])[]): GroupedData {
    return this.groupBy(...cols);
  }
  rollup(...cols: ColumnLike[]): GroupedData {
    return new GroupedData(this, cols.map(toColumnExpr), "rollup");
  }
  cube(...cols: ColumnLike[]): GroupedData {
    return new GroupedData(this, cols.map(toColumnExpr), "cube");
  }
  /** Aggregate over the whole DataFrame: `df.agg(F.count("*"))`. */
  agg(...exprs: (Column | Record<string, string>)[]): DataFrame {
    return this.groupBy().agg(...exprs);
  }
  /** @internal used by GroupedData */
  aggregate(groupBy: readonly Expr[], aggs: readonly Expr[], grouping: "groupBy" | "rollup" | "cube"): DataFrame {
    return this.with(node({ kind: "aggregate", input: this.plan, groupBy, aggs, grouping }));
  }

  /**
   * `join(other, "id")`, `join(other, ["a", "b"], "left")`, `join(other, df1.col("a").eq(df2.col("b")), "full")`.
   * how: inner, left/leftouter/left_outer, right…, outer/full…, semi/leftsemi/left_semi, anti/leftanti/left_anti, cross.
   */
  join(other: DataFrame, on?: string | string[] | Column | Column[], how = "inner"): DataFrame {
    const joinType = JOIN_TYPES[how.toLowerCase()];
    if (!joinType) {
      throw analysisError(
        "UNSUPPORTED_JOIN_TYPE",
        `Unsupported join type '${how}'. Supported join types include: ${Object.keys(JOIN_TYPES).join(", ")}`,
        { how },
      );
    }
    const base = { kind: "join" as const, left: this.plan, right: other.plan, joinType };
    if (on === undefined) return this.with(node(base));
    if (typeof on === "string") return this.with(node({ ...base, using: [on] }));
    if (Array.isArray(on)) {
      if (on.length === 0) return this.with(node(base));
      if (on.every((x): x is string => typeof x === "string")) return this.with(node({ ...base, using: on }));
      const cols = on as Column[];
      const cond = cols.slice(1).reduce((acc, c) => acc.and(c), cols[0]!);
      return this.with(node({ ...base, condition: cond.expr }));
    }
    return this.with(node({ ...base, condition: on.expr }));
  }
  crossJoin(other: DataFrame): DataFrame {
    return this.with(node({ kind: "join", left: this.plan, right: other.plan, joinType: "cross" }));
  }

  union(other: DataFrame): DataFrame {
    return this.with(node({ kind: "union", inputs: [this.plan, other.plan], byName: false, allowMissingColumns: false }));
  }
  unionAll(other: DataFrame): DataFrame {
    return this.union(other);
  }
  unionByName(other: DataFrame, allowMissingColumns = false): DataFrame {
    return this.with(node({ kind: "union", inputs: [this.plan, other.plan], byName: true, allowMissingColumns }));
  }
  distinct(): DataFrame {
    return this.with(node({ kind: "distinct", input: this.plan }));
  }
  dropDuplicates(columns?: string[]): DataFrame {
    return this.with(
      node(
        columns === undefined
          ? { kind: "dropDuplicates", input: this.plan, withinWatermark: false }
          : { kind: "dropDuplicates", input: this.plan, columns, withinWatermark: false },
      ),
    );
  }
  drop_duplicates(columns?: string[]): DataFrame {
    return this.dropDuplicates(columns);
  }
  /** Streaming dedup whose state is bounded by the watermark (Spark 3.5+). */
  dropDuplicatesWithinWatermark(columns?: string[]): DataFrame {
    return this.with(
      node(
        columns === undefined
          ? { kind: "dropDuplicates", input: this.plan, withinWatermark: true }
          : { kind: "dropDuplicates", input: this.plan, columns, withinWatermark: true },
      ),
    );
  }
  orderBy(...cols: (ColumnLike | ColumnLike[])[]): DataFrame {
    return this.with(node({ kind: "sort", input: this.plan, order: cols.flat().map(toSortOrder) }));
  }
  sort(...cols: (ColumnLike | ColumnLike[])[]): DataFrame {
    return this.orderBy(...cols);
  }
  limit(n: number): DataFrame {
    if (!Number.isInteger(n) || n < 0) {
      throw analysisError("INVALID_LIMIT", `The limit must be a non-negative integer, got ${n}`, { limit: n });
    }
    return this.with(node({ kind: "limit", input: this.plan, limit: n }));
  }
  offset(n: number): DataFrame {
    return this.with(node({ kind: "limit", input: this.plan, limit: Number.MAX_SAFE_INTEGER, offset: n }));
  }

  // ---- set operations by position (Spark's Intersect / Except; SQL INTERSECT, EXCEPT) ----
  private setOp(other: DataFrame, setOp: "intersect" | "except", distinct: boolean): DataFrame {
    return this.with(
      node({ kind: "union", inputs: [this.plan, other.plan], byName: false, allowMissingColumns: false, ...(distinct ? { distinct } : {}), setOp }),
    );
  }
  /** Distinct rows found in both (INTERSECT; NULL matches NULL). */
  intersect(other: DataFrame): DataFrame {
    return this.setOp(other, "intersect", true);
  }
  /** Rows found in both, keeping min(left, right) copies of each (INTERSECT ALL). */
  intersectAll(other: DataFrame): DataFrame {
    return this.setOp(other, "intersect", false);
  }
  /** Distinct rows not found in `other` (EXCEPT DISTINCT). */
  subtract(other: DataFrame): DataFrame {
    return this.setOp(other, "except", true);
  }
  /** Rows not found in `other`, keeping left − right copies of each (EXCEPT ALL). */
  exceptAll(other: DataFrame): DataFrame {
    return this.setOp(other, "except", false);
  }

  // ---- partitioning: Sluice runs one partition (docs/differences.md), so these keep rows and order ----
  private partitions(n: number, method: string): void {
    if (!Number.isInteger(n) || n <= 0) {
      throw analysisError("INVALID_NUM_PARTITIONS", `Number of partitions (${n}) must be positive in ${method}().`, { numPartitions: n });
    }
  }
  /** `coalesce(n)`: at most n partitions without a shuffle; rows keep their order (as in Spark). */
  coalesce(numPartitions: number): DataFrame {
    this.partitions(numPartitions, "coalesce");
    return this.with(this.plan);
  }
  /** `repartition(n)`, `repartition(n, ...cols)` or `repartition(...cols)`; the columns must resolve. */
  repartition(numPartitions: number | ColumnLike, ...cols: ColumnLike[]): DataFrame {
    if (typeof numPartitions === "number") this.partitions(numPartitions, "repartition");
    else cols = [numPartitions, ...cols];
    if (cols.length > 0) void this.select(...cols).columns; // the columns must resolve now (a remote session asks the server)
    return this.with(this.plan);
  }
  /** `repartitionByRange(n, ...cols)` or `repartitionByRange(...cols)`: cols are sort orders, at least one. */
  repartitionByRange(numPartitions: number | ColumnLike, ...cols: ColumnLike[]): DataFrame {
    if (typeof numPartitions === "number") this.partitions(numPartitions, "repartitionByRange");
    else cols = [numPartitions, ...cols];
    if (cols.length === 0) throw analysisError("CANNOT_BE_EMPTY", "At least one partition-by expression must be specified.");
    this.orderBy(...cols);
    return this.with(this.plan);
  }

  /**
   * A random sample, PySpark's overloads: `sample(fraction, seed?)` or
   * `sample(withReplacement, fraction, seed?)`. Spark's samplers (Bernoulli; Poisson with
   * replacement), so a seed picks the same rows as PySpark on one partition; without a seed one
   * is drawn now, so this DataFrame gives the same sample each time.
   */
  sample(fraction: number, seed?: number): DataFrame;
  sample(withReplacement: boolean | null | undefined, fraction: number, seed?: number): DataFrame;
  sample(a: number | boolean | null | undefined, b?: number, c?: number): DataFrame {
    const [withReplacement, fraction, seed] = typeof a === "number" ? [false, a, b] : [a ?? false, b, c];
    if (typeof withReplacement !== "boolean" || typeof fraction !== "number" || (seed !== undefined && typeof seed !== "number")) {
      throw analysisError(
        "NOT_BOOL_OR_FLOAT_OR_INT",
        `sample() takes (withReplacement?: boolean, fraction: number, seed?: number), got (${[a, b, c].map((x) => JSON.stringify(x) ?? "undefined").join(", ")}).`,
      );
    }
    if (seed !== undefined && !Number.isSafeInteger(Math.trunc(seed))) {
      throw analysisError("INVALID_SAMPLING_SEED", `The sample() seed must be an integer within ±(2^53 − 1), got ${seed}.`, { seed });
    }
    const s = seed === undefined ? Math.floor(Math.random() * Number.MAX_SAFE_INTEGER) : Math.trunc(seed);
    return this.with(node({ kind: "sample", input: this.plan, fraction, withReplacement, seed: s }));
  }

  /**
   * Spark's `observe(name, ...metrics)`: the rows pass through unchanged, and the metrics
   * (aggregate expressions, e.g. `count(lit(1)).alias("rows")`) are computed over them. In a
   * streaming query each micro-batch reports its row under `name` in the progress's
   * `observedMetrics` (and so in `onQueryProgress`). A batch DataFrame's metrics are read through
   * an Observation: `df.observe(obs, ...)`, an action, then `await obs.get()`.
   */
  observe(observation: string | Observation, ...metrics: Column[]): DataFrame {
    if (typeof observation !== "string" && !(observation instanceof Observation)) {
      throw analysisError("NOT_STR_OR_OBSERVATION", `observe() takes a name (string) or an Observation first, got ${typeof observation}.`);
    }
    if (metrics.length === 0) throw analysisError("CANNOT_BE_EMPTY", "At least one Column must be specified: observe(name, ...metrics) needs an aggregate expression.");
    const exprs = metrics.map(toColumnExpr);
    if (typeof observation === "string") return this.with(node({ kind: "collectMetrics", input: this.plan, name: observation, metrics: exprs }));
    observation.attach(this.isStreaming);
    return this.with(node({ kind: "collectMetrics", input: this.plan, name: observation.name, metrics: exprs, observation }));
  }

  // ---- missing values (DataFrameNaFunctions) ----
  /** `df.na.fill(...)`, `df.na.drop(...)`, `df.na.replace(...)`. */
  get na(): DataFrameNaFunctions {
    return new DataFrameNaFunctions(this);
  }
  /** See DataFrameNaFunctions.fill. */
  fillna(value: FillValue | Readonly<Record<string, FillValue>>, subset?: string | readonly string[] | null): DataFrame {
    return this.na.fill(value, subset);
  }
  /** See DataFrameNaFunctions.drop. */
  dropna(how: "any" | "all" = "any", thresh?: number | null, subset?: string | readonly string[] | null): DataFrame {
    return this.na.drop(how, thresh, subset);
  }
  /** See DataFrameNaFunctions.replace. */
  replace(
    toReplace: Parameters<DataFrameNaFunctions["replace"]>[0],
    value?: ReplaceValue | readonly ReplaceValue[],
    subset?: string | readonly string[] | null,
  ): DataFrame {
    return this.na.replace(toReplace, value, subset);
  }
  /**
   * Event-time watermark: rows older than max(event time) − delay are late for stateful operators.
   * Beyond Spark, `lateRows` receives those rows per micro-batch (as a DataFrame) instead of
   * letting them disappear: write them anywhere, e.g. `df => df.write.mode("append").json("late/")`.
   * With chained stateful operators it is called once per operator that dropped rows, upstream first.
   */
  withWatermark(eventTime: string, delayThreshold: string, options: { lateRows?: (rows: DataFrame, batchId: number) => unknown } = {}): DataFrame {
    const base = { kind: "withWatermark" as const, input: this.plan, eventTime, delay: delayThreshold };
    return this.with(node(options.lateRows ? { ...base, lateRows: options.lateRows as (rows: never, batchId: number) => unknown } : base));
  }

  createOrReplaceTempView(name: string): void {
    this.ctx.executor.registerTempView(name, this.plan, true);
  }
  createTempView(name: string): void {
    this.ctx.executor.registerTempView(name, this.plan, false);
  }

  // ---- caching ----
  /**
   * Keep this DataFrame's rows once computed: the next action computes them completely, later
   * actions (on this DataFrame and on DataFrames derived from it afterwards) read them instead of
   * running the plan again. Lazy, as in Spark. Persisting an already persisted DataFrame keeps its
   * level (Spark: "Asked to cache already cached data"). Every level keeps the rows in memory.
   */
  persist(storageLevel: StorageLevel | string = StorageLevel.MEMORY_AND_DISK_DESER): DataFrame {
    if (this.isStreaming) {
      throw unsupported("STREAMING_BATCH_ACTION", "Queries with streaming sources must be executed with writeStream.start(); a streaming DataFrame cannot be cached", { action: "persist" });
    }
    const level = typeof storageLevel === "string" ? StorageLevel.fromName(storageLevel) : storageLevel;
    if (this.is_cached) return this;
    if (level.equals(StorageLevel.NONE)) return this;
    this.#cached ??= node({ kind: "cache", input: this.#plan, slot: { level: null, batches: null } });
    this.#cached.slot.level = `StorageLevel(${level.toString()})`;
    this.#storageLevel = level;
    return this;
  }
  /** persist() with PySpark's default level, MEMORY_AND_DISK_DESER. */
  cache(): DataFrame {
    return this.persist();
  }
  /** Forget the cached rows; later actions run the plan again. */
  unpersist(_blocking = false): DataFrame {
    if (this.#cached !== null) {
      this.#cached.slot.level = null;
      this.#cached.slot.batches = null;
    }
    this.#storageLevel = StorageLevel.NONE;
    return this;
  }
  get storageLevel(): StorageLevel {
    return this.#storageLevel;
  }
  get is_cached(): boolean {
    return !this.#storageLevel.equals(StorageLevel.NONE);
  }

  explain(mode: ExplainMode | boolean = "simple"): void {
    process.stdout.write(this.explainString(mode) + "\n");
  }
  explainString(mode: ExplainMode | boolean = "simple"): string {
    const m: ExplainMode = mode === true ? "extended" : mode === false ? "simple" : mode;
    return redactText(this.ctx.executor.explain(this.plan, m));
  }

  // ---- actions ----
  private assertBatch(action: string): void {
    if (this.isStreaming) {
      throw unsupported(
        "STREAMING_BATCH_ACTION",
        `Queries with streaming sources must be executed with writeStream.start(); ${action}() is a batch action`,
        { action },
      );
    }
  }
  /** @internal the result batches (for writers and Arrow export). */
  async collectBatches(): Promise<ColumnBatch[]> {
    this.assertBatch("collect");
    return this.ctx.executor.collect(this.plan);
  }
  async collect(): Promise<Row[]> {
    this.assertBatch("collect");
    const batches = await this.ctx.executor.collect(this.plan);
    return batches.flatMap(batchToRows);
  }
  async toArray(): Promise<Row[]> {
    return this.collect();
  }
  /**
   * Number of rows, as a JS number (a row count is far below 2^53; the `count` column of
   * `groupBy().count()` is BIGINT and so a bigint). Planned as `groupBy().count()` as Spark does,
   * so scans read no more than needed.
   */
  async count(): Promise<number> {
    this.assertBatch("count");
    const [row] = await this.groupBy().count().collect();
    return Number(row!.count as bigint);
  }
  async take(n: number): Promise<Row[]> {
    this.assertBatch("take");
    return this.limit(n).collect();
  }
  async head(n = 1): Promise<Row[]> {
    return this.take(n);
  }
  async first(): Promise<Row | null> {
    return (await this.take(1))[0] ?? null;
  }
  async isEmpty(): Promise<boolean> {
    return (await this.take(1)).length === 0;
  }
  /** Print the first n rows as Spark's table (truncate: true = 20 chars, or a width). */
  async show(n = 20, truncate: boolean | number = true, vertical = false): Promise<void> {
    process.stdout.write(await this.showString(n, truncate, vertical));
  }
  async showString(n = 20, truncate: boolean | number = true, vertical = false): Promise<string> {
    this.assertBatch("show");
    // Cells are Spark's string casts of the values (timestamps in the session time zone, etc.);
    // a VARIANT shows as its JSON text, as Spark's ToPrettyString writes it ("s" keeps its quotes).
    const asText: Expr[] = this.resolved.output.map((a) => {
      const column: Expr = { kind: "column", nameParts: [a.name], exprId: a.exprId };
      const text: Expr = a.type.kind === "variant" ? { kind: "call", name: "to_json", args: [column] } : { kind: "cast", to: StringType, mode: "cast", child: column };
      return { kind: "alias", name: a.name, child: text };
    });
    const batches = await this.ctx.executor.collect(node({ kind: "project", input: this.limit(n + 1).plan, exprs: asText }));
    return showString(this.schema, batches, n, truncate === true ? 20 : truncate === false ? 0 : truncate, vertical);
  }
  /** The result as an Apache Arrow Table (BIGINT stays Int64, timestamps keep microseconds). */
  async toArrow(): Promise<import("apache-arrow").Table> {
    this.assertBatch("toArrow");
    if (!this.ctx.toArrow) throw configError("ARROW_UNAVAILABLE", "This session cannot export Arrow tables");
    const batches = await this.ctx.executor.collect(this.plan);
    return this.ctx.toArrow(this.schema, batches) as import("apache-arrow").Table;
  }

  get write(): DataFrameWriter {
    if (this.isStreaming) {
      throw unsupported("STREAMING_BATCH_ACTION", "'write' can not be called on streaming Dataset/DataFrame; use writeStream");
    }
    return new DataFrameWriter(this);
  }
  get writeStream(): DataStreamWriter {
    if (!this.isStreaming) {
      throw unsupported("WRITE_STREAM_NOT_ALLOWED", "'writeStream' can be called only on streaming Dataset/DataFrame; use write");
    }
    if (!this.ctx.startStream) throw configError("STREAMING_UNAVAILABLE", "This session cannot run streaming queries");
    return new DataStreamWriter(this, this.ctx.startStream);
  }
}
