/**
 * Session: the entry point (PySpark's SparkSession). Owns the configuration, the catalog of temp
 * views and the embedded executor; creates DataFrames from rows, files, tables and SQL.
 *
 *   const spark = Session.builder().appName("orders").config("spark.sql.session.timeZone", "UTC").getOrCreate();
 */
import { batchFromRows } from "../columnar/column-batch.js";
import { type Logger, log, setLogLevel, setLogger } from "../common/logger.js";
import { batchesToArrow } from "../columnar/arrow.js";
import { analysisError, configError, unsupported } from "../common/errors.js";
import { DataFrame, type DataFrameContext } from "../dataframe/dataframe.js";
import { DataFrameReader } from "../dataframe/dataframe-reader.js";
import { literalType } from "../expr/literal.js";
import { type LogicalPlan, node } from "../plan/logical-plan.js";
import { parseStatement } from "../sql/parser.js";
import { runDeltaStatement } from "../delta/sql-commands.js";
import { type DataType, type StructTypeLike, sameType } from "../types/data-type.js";
import { StructType, toStructType } from "../types/struct-type.js";
import type { DDLOptions } from "../types/ddl.js";
import { EmbeddedExecutor } from "./embedded-executor.js";
import { registerStreamConnectors } from "./stream-connectors.js";
import { resolveFileSource } from "../connectors/files/index.js";
import type { StreamSink } from "../connectors/api/sink.js";
import type { ColumnBatch } from "../columnar/column-batch.js";
import type { MicroBatchRelation } from "../connectors/foreach/micro-batch-relation.js";
import { MemoryStream, MemoryStreamSource } from "../connectors/memory/memory-stream.js";
import type { MemorySink } from "../connectors/memory/memory-sink.js";
import type { StreamWriteSpec } from "../dataframe/executor.js";
import { StreamingQueryManager } from "../streaming/streaming-query-manager.js";
import { type StreamSourceFactory, batchPlan, startStream } from "./stream-starter.js";
import type { Clock } from "../common/clock.js";
import { RuntimeConfig } from "./runtime-config.js";
import { fileReadDefaults } from "./file-read-defaults.js";
import { RemoteSessionBuilder } from "../connect/remote-session.js";
import type { WebUi } from "../ui/web-ui.js";
import type { EventLogWriter } from "../ui/event-log.js";
import type { StreamingQuery } from "../streaming/streaming-query.js";
import { AlertMonitor, alertThresholds } from "../streaming/progress/alert-monitor.js";

/** Formats whose tables SQL may name by path (Spark's spark.sql.runSQLOnFiles). */
const PATH_TABLE_FORMATS: ReadonlySet<string> = new Set(["delta", "parquet", "json", "csv", "text"]);

/** What `Session.builder()` returns: `appName`, `master` (`local[N]`), `config(key, value)`, then `getOrCreate()`; `remote(url)` for Spark Connect. */
export class SessionBuilder {
  readonly #options: Record<string, string> = {};

  appName(name: string): this {
    this.#options["spark.app.name"] = name;
    return this;
  }
  /** `local[N]` (N worker threads), `local` (1) or `local[*]` (every core, the default): see docs/parallelism.md. */
  master(url: string): this {
    this.#options["spark.master"] = url;
    return this;
  }
  /** Send Sluice's log lines to `logger` (console, pino, winston: anything with info/warn/error(message)); process-wide, docs/operations.md. */
  logger(logger: Logger): this {
    setLogger(logger);
    return this;
  }
  config(key: string, value: string | number | boolean): this {
    this.#options[key] = String(value);
    return this;
  }
  /** The active session if one exists (its conf updated with this builder's entries), else a new one. */
  getOrCreate(): Session {
    const reuse = Session.active && !Session.active.stopped ? Session.active : undefined;
    const s = reuse ?? new Session(new RuntimeConfig());
    for (const [k, v] of Object.entries(this.#options)) s.conf.set(k, v);
    if (!reuse) s.startWebUi();
    Session.active = s;
    return s;
  }
  /**
   * A session on a Spark Connect server (docs/spark-connect.md): `remote("sc://host:15002/;token=...")`,
   * or with no argument the SPARK_REMOTE environment variable, as PySpark reads it. This builder's
   * app name and configs carry over.
   */
  remote(url: string | undefined = process.env.SPARK_REMOTE): RemoteSessionBuilder {
    if (url === undefined || url === "") throw configError("CONNECT_NO_REMOTE", "remote() needs a connection string (sc://host:port) or the SPARK_REMOTE environment variable");
    return new RemoteSessionBuilder(url, this.#options);
  }
}

/** The entry point, PySpark's `SparkSession`: `read`/`readStream`, `sql`, `table`, `range`, `createDataFrame`, `conf`, `streams`, `catalog`, and `stop()`. */
export class Session {
  static active: Session | undefined;
  static builder(): SessionBuilder {
    return new SessionBuilder();
  }

  readonly executor: EmbeddedExecutor;
  readonly dfContext: DataFrameContext;
  readonly streams = new StreamingQueryManager();
  /** Streaming source factories by format; connectors register here. */
  readonly streamSources = new Map<string, StreamSourceFactory>();
  /** Streaming sink factories by format (files, delta, kafka, ...). */
  /** Streaming sink factories by format; `checkpointDir` is the query's checkpoint folder (the Delta sink reads the query id there). */
  readonly streamSinks = new Map<string, (spec: StreamWriteSpec, options: Record<string, string>, schema: StructType, checkpointDir: string) => StreamSink>();
  /** Memory-sink tables by lower-case query name, readable with `spark.table(name)`. */
  readonly memoryTables = new Map<string, MemorySink>();
  readonly #memoryStreams = new Map<string, MemoryStream>();
  /** foreachBatch relations while their function runs, by id. */
  readonly #microBatches = new Map<string, MicroBatchRelation>();
  /** The clock streaming queries use; tests swap in a ManualClock. */
  clock: Clock | undefined;
  stopped = false;
  /** The web UI while it starts or runs (null when disabled or it could not start). */
  #ui: Promise<WebUi | null> = Promise.resolve(null);
  #uiUrl: string | null = null;
  #eventLog: Promise<EventLogWriter> | undefined;

  constructor(readonly conf: RuntimeConfig) {
    this.executor = new EmbeddedExecutor(conf);
    this.dfContext = {
      executor: this.executor,
      toArrow: (schema, batches) => batchesToArrow(schema, batches),
      startStream: async (df, spec) => {
        const q = await startStream(this, df, spec, this.clock);
        await this.trackQuery(q);
        return q;
      },
      readOptionDefaults: (format) => fileReadDefaults(format, this.conf),
      ddlOptions: () => this.#ddlOptions(),
    };
    this.executor.registerSource("memory", {
      schema: (spec) => this.memoryStreamOf(spec.options.id).schema,
    });
    this.streamSources.set("memory", (scan) => new MemoryStreamSource(this.memoryStreamOf(scan.source.options.id)));
    this.executor.registerSource("microBatch", { schema: (spec) => this.microBatchOf(spec.options.id).schema, scan: (n) => this.microBatchOf(n.source.options.id).scan() });
    registerStreamConnectors(this, (spec) => resolveFileSource(spec, this.#ddlOptions().timestampNTZ));
    this.streams.addListener(new AlertMonitor(this.streams.bus, () => alertThresholds((k) => this.conf.get(k))));
    this.executor.registerRelationResolver((parts) => {
      const sink = parts.length === 1 ? this.memoryTables.get(parts[0]!.toLowerCase()) : undefined;
      return sink ? node({ kind: "localRelation", schema: sink.schema, batches: sink.batches() }) : undefined;
    });
    // Spark's SQL on files: `delta.\`/path\``, `parquet.\`dir/\`` … name a batch read of that path.
    this.executor.registerRelationResolver((parts) => {
      const format = parts.length === 2 ? parts[0]!.toLowerCase() : undefined;
      return format !== undefined && PATH_TABLE_FORMATS.has(format) ? node({ kind: "read", source: { format, paths: [parts[1]!], options: {} }, streaming: false }) : undefined;
    });
  }

  private memoryStreamOf(id: string | undefined): MemoryStream {
    const s = id === undefined ? undefined : this.#memoryStreams.get(id);
    if (!s) throw analysisError("MEMORY_STREAM_NOT_FOUND", `No memory stream with id ${id} in this session`);
    return s;
  }

  private microBatchOf(id: string | undefined): MicroBatchRelation {
    const r = id === undefined ? undefined : this.#microBatches.get(id);
    if (!r) throw analysisError("MICRO_BATCH_CLOSED", "A foreachBatch DataFrame can be used only while its function runs");
    return r;
  }

  /** `spark.readStream`: the same reader, producing streaming DataFrames. */
  get readStream(): DataFrameReader {
    return new DataFrameReader(this.dfContext, true);
  }

  /**
   * An in-memory stream for tests and examples: `addData(rows)` appends a block and returns its
   * offset; `toDF()` is a streaming DataFrame over it.
   */
  memoryStream(schema: string | StructTypeLike): { readonly schema: StructType; addData(rows: readonly Record<string, unknown>[]): number; toDF(): DataFrame } {
    const stream = new MemoryStream(toStructType(schema));
    const id = String(stream.id);
    this.#memoryStreams.set(id, stream);
    const ctx = this.dfContext;
    return {
      schema: stream.schema,
      addData: (rows) => stream.addData(rows),
      toDF: () => new DataFrame(ctx, node({ kind: "read", source: { format: "memory", paths: [], options: { id } }, streaming: true })),
    };
  }

  /** A batch DataFrame over rows in memory (console sink, late rows). */
  batchDataFrame(schema: StructType, batches: readonly ColumnBatch[]): DataFrame {
    return new DataFrame(this.dfContext, batchPlan(schema, batches));
  }

  /** foreachBatch's DataFrame: reads the micro-batch as it streams (usable until the relation closes). */
  microBatchDataFrame(relation: MicroBatchRelation): DataFrame {
    this.#microBatches.set(relation.id, relation);
    relation.onClose(() => this.#microBatches.delete(relation.id));
    return new DataFrame(this.dfContext, node({ kind: "read", source: { format: "microBatch", paths: [], options: { id: relation.id } }, streaming: false }));
  }

  get version(): string {
    return "0.1.0";
  }

  get read(): DataFrameReader {
    return new DataFrameReader(this.dfContext, false);
  }

  /** How this session reads DDL type names: bare TIMESTAMP follows spark.sql.timestampType. */
  #ddlOptions(): DDLOptions {
    return { timestampNTZ: this.executor.evalContext().timestampNTZ === true };
  }

  /**
   * A DataFrame from plain-object rows (or arrays, matched by position). The schema is a DDL string,
   * a StructType, a list of column names, or inferred from the first non-null value per column.
   */
  createDataFrame(rows: readonly (Record<string, unknown> | readonly unknown[])[], schema?: string | StructTypeLike | string[]): DataFrame {
    return new DataFrame(this.dfContext, localRowsPlan(rows, schema, this.#ddlOptions()));
  }

  /** `range(end)` or `range(start, end, step)`: one BIGINT column `id`. */
  range(start: number, end?: number, step = 1): DataFrame {
    const [s, e] = end === undefined ? [0, start] : [start, end];
    if (step === 0) throw analysisError("INVALID_RANGE_STEP", "range() step must not be 0");
    return new DataFrame(this.dfContext, node({ kind: "range", start: s, end: e, step }));
  }

  /**
   * Run a SQL statement: a query returns its DataFrame; SET and views run and return an empty one;
   * Delta's statements (DELETE, UPDATE, MERGE, OPTIMIZE, VACUUM, …) start at once and return their
   * result rows, which an action (`await df.collect()`) waits for (docs/guides/delta.md).
   */
  sql(text: string): DataFrame {
    const st = parseStatement(text);
    switch (st.kind) {
      case "query":
        return new DataFrame(this.dfContext, st.plan);
      case "createView":
        if (st.ifNotExists && this.executor.tempViewNames().includes(st.name.toLowerCase())) return this.emptyDataFrame();
        this.executor.registerTempView(st.name, st.plan, st.replace);
        return this.emptyDataFrame();
      case "set":
        this.conf.set(st.key, st.value);
        return this.emptyDataFrame();
      case "delta":
        return runDeltaStatement(this, st);
      case "insertInto":
        throw unsupported(
          "INSERT_INTO_NOT_SUPPORTED",
          `INSERT INTO ${st.nameParts.join(".")} needs a table catalog, which Sluice does not have yet; write the query with df.write (e.g. spark.sql("SELECT ...").write.mode("append").format("delta").save(path))`,
        );
    }
  }

  table(name: string): DataFrame {
    return this.read.table(name);
  }

  emptyDataFrame(): DataFrame {
    return this.createDataFrame([], new StructType([]));
  }

  get catalog(): { dropTempView(name: string): boolean; listTables(): string[] } {
    return { dropTempView: (n) => this.executor.dropTempView(n), listTables: () => this.executor.tempViewNames() };
  }

  /**
   * Start the web UI when `spark.ui.enabled` (as Spark's SparkContext does; getOrCreate calls it
   * for a new session). Its module is loaded only then. A UI that cannot bind is a warning, not a
   * failed session.
   */
  startWebUi(): void {
    if (!this.conf.getBoolean("spark.ui.enabled")) return;
    this.#ui = import("../ui/web-ui.js")
      .then((m) => m.startWebUi(this))
      .then((ui) => {
        this.#uiUrl = ui.url;
        process.stderr.write(`sluice: web UI at ${ui.url}\n`);
        return ui;
      })
      .catch((e: unknown) => {
        log.warn(`web UI not started: ${(e as Error).message}`);
        return null;
      });
  }

  /** Hand a started query to the web UI and, with sluice.streaming.eventLog.enabled, to the event log (src/ui/event-log.ts). */
  private async trackQuery(q: StreamingQuery): Promise<void> {
    (await this.#ui)?.track(q);
    if (!this.conf.getBoolean("sluice.streaming.eventLog.enabled")) return;
    this.#eventLog ??= import("../ui/event-log.js").then((m) => {
      const writer = new m.EventLogWriter();
      this.streams.addListener(writer);
      return writer;
    });
    (await this.#eventLog).track(q);
  }

  /** PySpark's `spark.sparkContext`: `setLogLevel("INFO")` (ALL, DEBUG, INFO, WARN, ERROR, FATAL, OFF; process-wide) and `uiWebUrl`. */
  get sparkContext(): { setLogLevel(level: string): void; readonly uiWebUrl: string | null } {
    return { setLogLevel, uiWebUrl: this.#uiUrl };
  }

  /** The web UI's address (PySpark's `sparkContext.uiWebUrl`), null when disabled or not bound yet. */
  get uiWebUrl(): string | null {
    return this.#uiUrl;
  }
  /** Resolves to the web UI's address once it listens (null when disabled or it could not start). */
  async uiReady(): Promise<string | null> {
    return (await this.#ui)?.url ?? null;
  }

  async stop(): Promise<void> {
    await Promise.all(this.streams.active.map((q) => q.stop()));
    await (await this.#ui)?.close();
    this.#ui = Promise.resolve(null);
    this.#uiUrl = null;
    this.stopped = true;
    if (Session.active === this) Session.active = undefined;
  }
}

/** The plan of createDataFrame(rows, schema): rows in memory, schema given (DDL, StructType, names) or inferred. Shared with the remote session. */
export function localRowsPlan(rows: readonly (Record<string, unknown> | readonly unknown[])[], schema?: string | StructTypeLike | string[], ddl?: DDLOptions): LogicalPlan {
  const names = Array.isArray(schema) ? schema : undefined;
  const asObjects = rows.map((r, i) => {
    if (!Array.isArray(r)) return r as Record<string, unknown>;
    const cols = names ?? (schema !== undefined ? toStructType(schema as string | StructTypeLike, ddl).fieldNames : r.map((_, c) => `_${c + 1}`));
    if (r.length !== cols.length) {
      throw analysisError("AXIS_LENGTH_MISMATCH", `Row ${i} has ${r.length} values but the schema has ${cols.length} columns`, { row: i });
    }
    return Object.fromEntries(cols.map((c, j) => [c, r[j]]));
  });
  const struct = schema === undefined || names ? inferSchema(asObjects, names) : toStructType(schema as string | StructTypeLike, ddl);
  const batch = batchFromRows(struct, asObjects);
  return node({ kind: "localRelation", schema: struct, batches: [batch] });
}

function inferSchema(rows: readonly Record<string, unknown>[], names?: readonly string[]): StructType {
  const cols = names ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return new StructType(
    cols.map((name) => {
      let type: DataType = { kind: "null" };
      for (const r of rows) {
        const v = r[name];
        if (v === null || v === undefined) continue;
        const t = literalType(v);
        // integers widen to BIGINT and then DOUBLE across rows, as Python's int/float would
        if (type.kind === "null" || (type.kind === "int" && (t.kind === "bigint" || t.kind === "double")) || (type.kind === "bigint" && t.kind === "double")) type = t;
        else if (!sameType(type, t) && !(t.kind === "int" && (type.kind === "bigint" || type.kind === "double"))) {
          throw analysisError("CANNOT_MERGE_TYPE", `Column \`${name}\` has values of different types; pass a schema to createDataFrame`, { column: name });
        }
      }
      if (type.kind === "int") type = { kind: "bigint" }; // PySpark infers Python ints as BIGINT
      if (type.kind === "null") {
        throw analysisError("CANNOT_DETERMINE_TYPE", `Cannot infer the type of column \`${name}\`: every value is null; pass a schema`, { column: name });
      }
      return { name, type, nullable: true };
    }),
  );
}
