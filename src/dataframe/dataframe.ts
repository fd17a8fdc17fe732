/**
 * DataFrame: an immutable, eagerly-analyzed logical plan plus the executor that runs it.
 * Every transformation is a short call building one plan node (DESIGN.md §6 "Builders");
 * analysis errors surface at the call that caused them, as in PySpark.
 */
import { type ColumnBatch, batchToRows } from "../columnar/column-batch.js";
import { analysisError, configError, unsupported } from "../common/errors.js";
import { Column, type ColumnLike, toColumnExpr, toSortOrder } from "../expr/column.js";
import type { Expr } from "../expr/expr.js";
import { type JoinType, type LogicalPlan, node } from "../plan/logical-plan.js";
import { type ResolvedPlan, isStreamingPlan, outputSchema } from "../plan/resolved-plan.js";
import { parseExpression } from "../sql/parse-expression.js";
import { StringType, simpleString } from "../types/data-type.js";
import type { StructType } from "../types/struct-type.js";
import { DataFrameWriter } from "./dataframe-writer.js";
import { DataStreamWriter, type StreamStarter } from "./data-stream-writer.js";
import type { ExplainMode, QueryExecutor } from "./executor.js";
import { GroupedData } from "./grouped-data.js";
import { showString } from "./show.js";

export type Row = Record<string, unknown>;

/** Hooks a DataFrame needs beyond batch execution (streaming writers, Arrow export). */
export interface DataFrameContext {
  readonly executor: QueryExecutor;
  /** Starts streaming queries (provided by the session). */
  readonly startStream?: StreamStarter;
  readonly toArrow?: (schema: StructType, batches: readonly ColumnBatch[]) => unknown;
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

export class DataFrame {
  /** The analyzed plan; computed once, here, so errors point at the call that caused them. */
  readonly resolved: ResolvedPlan;

  constructor(
    readonly ctx: DataFrameContext,
    readonly plan: LogicalPlan,
  ) {
    this.resolved = ctx.executor.analyze(plan);
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
    return this.with(node({ kind: "project", input: this.plan, exprs: exprs.map(parseExpression) }));
  }
  filter(condition: Column | string): DataFrame {
    const e = typeof condition === "string" ? parseExpression(condition) : condition.expr;
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
    return this.select(...current.map((c, i) => this.col(c).alias(names[i]!)));
  }
  alias(name: string): DataFrame {
    return this.with(node({ kind: "subqueryAlias", input: this.plan, alias: name }));
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

  explain(mode: ExplainMode | boolean = "simple"): void {
    process.stdout.write(this.explainString(mode) + "\n");
  }
  explainString(mode: ExplainMode | boolean = "simple"): string {
    const m: ExplainMode = mode === true ? "extended" : mode === false ? "simple" : mode;
    return this.ctx.executor.explain(this.plan, m);
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
  /** Number of rows; planned as `groupBy().count()` as Spark does, so scans read no more than needed. */
  async count(): Promise<number> {
    this.assertBatch("count");
    const [row] = await this.groupBy().count().collect();
    return row!.count as number;
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
    // Cells are Spark's string casts of the values (timestamps in the session time zone, etc.).
    const asText: Expr[] = this.resolved.output.map((a) => ({
      kind: "alias",
      name: a.name,
      child: { kind: "cast", to: StringType, mode: "cast", child: { kind: "column", nameParts: [a.name], exprId: a.exprId } },
    }));
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
