/**
 * The in-process engine behind DataFrames: analyze → physical plan → execute, with the session's
 * catalog, configuration and connectors. One instance per Session.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import { parseByteSize } from "../common/byte-size.js";
import { analysisError, unsupported } from "../common/errors.js";
import { createFileScanExec, resolveFileSource, writeFiles } from "../connectors/files/index.js";
import type { ExplainMode, QueryExecutor, WriteSpec } from "../dataframe/executor.js";
import { builtinFunctions } from "../expr/function-catalog.js";
import type { EvalContext } from "../expr/function-types.js";
import { analyze } from "../plan/analyzer.js";
import type { AnalyzerEnv } from "../plan/analyzer-env.js";
import { formatLogicalPlan } from "../plan/explain.js";
import { checkBatchPlan, unboundedStateOperators } from "../plan/streaming-checks.js";
import type { DataSourceSpec, LogicalPlan } from "../plan/logical-plan.js";
import { type RScan, type ResolvedPlan, isStreamingPlan } from "../plan/resolved-plan.js";
import { streamingExplainPlan } from "../streaming/runtime/streaming-explain.js";
import { type ExecutionPlan, type TaskContext, collectBatches, formatPhysicalPlan } from "../physical/execution-plan.js";
import { createPhysicalPlan } from "../physical/planner.js";
import { requiredScanColumns } from "../optimizer/scan-column-pruning.js";
import type { StructType } from "../types/struct-type.js";
import { type RuntimeConfig, exchangeThreads, parseMaster } from "./runtime-config.js";
import { saveDelta } from "../connectors/delta/index.js";
import { sessionTableDefaults } from "../delta/table-properties.js";
import { planWithFileSystemOptions } from "../connectors/api/file-system-scope.js";
import { withFileSystemOptions } from "../fs/file-systems.js";
import { saveKafka } from "../connectors/kafka/index.js";
import { saveJdbcTable } from "../connectors/jdbc/index.js";
import { scanFilters } from "../optimizer/scan-filters.js";
import type { RExpr } from "../expr/resolved-expr.js";

/** What a custom source's scan may use: the columns the plan reads, the filters right above it. */
export interface ScanHints {
  readonly columns: ReadonlySet<number> | undefined;
  readonly filters: readonly RExpr[];
}

const FILE_FORMATS = new Set(["json", "csv", "parquet", "text"]);

export class EmbeddedExecutor implements QueryExecutor {
  readonly #views = new Map<string, LogicalPlan>();
  /** Extra relation resolvers (memory sink tables, streaming sources), consulted after temp views. */
  readonly #relations: ((nameParts: readonly string[]) => LogicalPlan | ResolvedPlan | undefined)[] = [];
  /** Extra source resolvers by format (streaming connectors register here). */
  readonly #sources = new Map<string, { schema(spec: DataSourceSpec, streaming: boolean): StructType; scan?(node: RScan, hints: ScanHints): ExecutionPlan }>();

  readonly #streamingSchemas = new Map<string, (spec: DataSourceSpec) => StructType>();

  constructor(private readonly conf: RuntimeConfig) {}

  evalContext(currentTimestampUs = Date.now() * 1000): EvalContext {
    return {
      timeZone: this.conf.get("spark.sql.session.timeZone")!,
      ansi: this.conf.getBoolean("spark.sql.ansi.enabled"),
      decimalAllowPrecisionLoss: this.conf.getBoolean("spark.sql.decimalOperations.allowPrecisionLoss"),
      timestampNTZ: this.conf.get("spark.sql.timestampType")!.toUpperCase() === "TIMESTAMP_NTZ",
      currentTimestampUs,
    };
  }

  /** Context for one execution; a micro-batch passes its batch timestamp for current_timestamp(). */
  taskContext(signal?: AbortSignal, currentTimestampUs?: number): TaskContext {
    const parallelRead = { threads: this.conf.getNumber("sluice.files.parallelRead.threads"), minBytes: this.conf.getNumber("sluice.files.parallelRead.minBytes") };
    const parallelScan = { minBytes: this.conf.getNumber("sluice.execution.parallelScan.minBytes"), pieceBytes: this.conf.getNumber("sluice.execution.parallelScan.pieceBytes") };
    return { eval: this.evalContext(currentTimestampUs), batchSize: this.conf.getNumber("sluice.execution.batchSize"), parallelRead, workerThreads: this.workerThreads(), parallelScan, autoBroadcastJoinThreshold: parseByteSize(this.conf.get("spark.sql.autoBroadcastJoinThreshold")!) as number, ...(signal ? { signal } : {}) };
  }

  /** local[N] of spark.master. */
  private workerThreads(): number {
    return parseMaster(this.conf.get("spark.master")!) ?? 1;
  }

  analyzerEnv(): AnalyzerEnv {
    return {
      functions: builtinFunctions,
      eval: this.evalContext(),
      caseSensitive: this.conf.getBoolean("spark.sql.caseSensitive"),
      lookupRelation: (nameParts) => this.lookupRelation(nameParts),
      resolveSource: (spec, streaming) => this.resolveSource(spec, streaming),
    };
  }

  /** Schema resolution for streaming reads of a format that batch reads resolve differently (files). */
  registerStreamingSchema(format: string, schema: (spec: DataSourceSpec) => StructType): void {
    this.#streamingSchemas.set(format, schema);
  }

  registerSource(format: string, impl: { schema(spec: DataSourceSpec, streaming: boolean): StructType; scan?(node: RScan, hints: ScanHints): ExecutionPlan }): void {
    this.#sources.set(format, impl);
  }

  registerRelationResolver(fn: (nameParts: readonly string[]) => LogicalPlan | ResolvedPlan | undefined): void {
    this.#relations.push(fn);
  }

  private lookupRelation(nameParts: readonly string[]): LogicalPlan | ResolvedPlan | undefined {
    const name = nameParts.join(".").toLowerCase();
    const view = this.#views.get(name);
    if (view) return view;
    for (const r of this.#relations) {
      const p = r(nameParts);
      if (p) return p;
    }
    return undefined;
  }

  /** A source's schema, with its own fs.s3a.* / fs.azure.* options in scope for its listing and inference. */
  private resolveSource(spec: DataSourceSpec, streaming: boolean): StructType {
    return withFileSystemOptions(spec.options, spec.paths, () => this.resolveSourceSchema(spec, streaming));
  }

  private resolveSourceSchema(spec: DataSourceSpec, streaming: boolean): StructType {
    const streamingSchema = streaming ? this.#streamingSchemas.get(spec.format) : undefined;
    if (streamingSchema) return streamingSchema(spec);
    const custom = this.#sources.get(spec.format);
    if (custom) return custom.schema(spec, streaming);
    if (FILE_FORMATS.has(spec.format)) return resolveFileSource(spec, this.evalContext().timestampNTZ);
    throw unsupported("DATA_SOURCE_NOT_FOUND", `Failed to find the data source: ${spec.format}. Known formats: ${[...FILE_FORMATS, ...this.#sources.keys()].join(", ")}`, {
      format: spec.format,
    });
  }

  analyze(plan: LogicalPlan): ResolvedPlan {
    return analyze(plan, this.analyzerEnv());
  }

  /**
   * Physical plan for a resolved plan; `scanOverride` supplies streaming scans per micro-batch, and
   * `currentTimestampUs` the micro-batch's timestamp that current_timestamp() and friends compile to.
   */
  physicalPlan(
    resolved: ResolvedPlan,
    scanOverride?: (node: RScan) => ExecutionPlan,
    override?: (node: ResolvedPlan, planChild: (child: ResolvedPlan) => ExecutionPlan) => ExecutionPlan | undefined,
    currentTimestampUs?: number,
    /** The result is collected whole (planner.ts PlannerEnv.parallelResult). */
    parallelResult = false,
  ): ExecutionPlan {
    // override comes only from streaming planning (a micro-batch, or explain() of a stream): no batch checks then
    if (!scanOverride && !override) checkBatchPlan(resolved);
    const required = requiredScanColumns(resolved);
    const filters = scanFilters(resolved);
    return createPhysicalPlan(resolved, {
      eval: this.evalContext(currentTimestampUs),
      ...(override ? { override } : { workerThreads: this.workerThreads(), exchangeThreads: exchangeThreads(this.conf.get("spark.master")!), parallelResult }),
      scan: (node) => {
        if (scanOverride && node.streaming) return scanOverride(node);
        const custom = this.#sources.get(node.source.format);
        const { options, paths } = node.source;
        const plan = withFileSystemOptions(options, paths, () => (custom?.scan ? custom.scan(node, { columns: required.get(node), filters: filters.get(node) ?? [] }) : createFileScanExec(node, required.get(node))));
        return planWithFileSystemOptions(options, paths, plan);
      },
    });
  }

  async collect(plan: LogicalPlan): Promise<ColumnBatch[]> {
    const exec = this.physicalPlan(this.analyze(plan), undefined, undefined, undefined, true);
    return collectBatches(exec, this.taskContext());
  }

  explain(plan: LogicalPlan, mode: ExplainMode): string {
    return this.explainResolved(this.analyze(plan), mode);
  }

  explainResolved(resolved: ResolvedPlan, mode: ExplainMode = "extended"): string {
    const physical = formatPhysicalPlan(
      isStreamingPlan(resolved)
        ? streamingExplainPlan(resolved, (r, override) => this.physicalPlan(r, undefined, override))
        : this.physicalPlan(resolved, undefined, undefined, undefined, true),
    );
    // Beyond Spark: a streaming plan names every stateful operator whose state is unbounded.
    const unbounded = unboundedStateOperators(resolved);
    const warning = unbounded.length === 0 ? "" : `\n== Unbounded state ==\n${unbounded.map((u) => `${u}: its state grows without bound`).join("\n")}\n`;
    if (mode === "simple") return `== Physical Plan ==\n${physical}\n${warning}`;
    return `== Analyzed Logical Plan ==\n${formatLogicalPlan(resolved)}\n\n== Physical Plan ==\n${physical}\n${warning}`;
  }

  /** Run a batch write; file and Delta writes see their own fs.s3a.* / fs.azure.* options. */
  write(plan: LogicalPlan, spec: WriteSpec): Promise<void> {
    return withFileSystemOptions(spec.options, [spec.path], () => this.runWrite(plan, spec));
  }

  private async runWrite(plan: LogicalPlan, spec: WriteSpec): Promise<void> {
    if (spec.format === "kafka") {
      // Kafka (connectors/kafka): the rows stream to the brokers; no path.
      const exec = this.physicalPlan(this.analyze(plan));
      await saveKafka(exec.schema, exec.execute(this.taskContext()), spec.mode, spec.options);
      return;
    }
    if (spec.format === "jdbc") {
      // JDBC (connectors/jdbc): rows stream into batched INSERTs in one transaction.
      const exec = this.physicalPlan(this.analyze(plan));
      await saveJdbcTable(exec.schema, exec.execute(this.taskContext()), spec, this.conf.get("spark.sql.session.timeZone")!);
      return;
    }
    if (spec.path === "") throw analysisError("PATH_REQUIRED", `A ${spec.format} write needs a path: save("path/to/output") or option("path", ...)`, { format: spec.format });
    if (spec.format === "delta") {
      // Delta (connectors/delta): stream the query's rows into data files, then one optimistic commit.
      const exec = this.physicalPlan(this.analyze(plan));
      await saveDelta(exec.schema, exec.execute(this.taskContext()), spec, sessionTableDefaults(this.conf.getAll()));
      return;
    }
    if (!FILE_FORMATS.has(spec.format)) {
      throw unsupported("DATA_SOURCE_NOT_FOUND", `Cannot write format '${spec.format}'. Known formats: ${[...FILE_FORMATS].join(", ")}`, { format: spec.format });
    }
    const exec = this.physicalPlan(this.analyze(plan));
    await writeFiles(exec, this.taskContext(), spec);
  }

  registerTempView(name: string, plan: LogicalPlan, replace: boolean): void {
    const key = name.toLowerCase();
    if (!replace && this.#views.has(key)) {
      throw analysisError("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", `Cannot create the temporary view \`${name}\` because it already exists. Use createOrReplaceTempView to replace it.`, { view: name });
    }
    this.analyze(plan);
    this.#views.set(key, plan);
  }

  dropTempView(name: string): boolean {
    return this.#views.delete(name.toLowerCase());
  }

  tempViewNames(): string[] {
    return [...this.#views.keys()];
  }
}
