/**
 * A Session on a Spark Connect server (PySpark's `SparkSession.builder.remote(url)`): the same
 * DataFrame, SQL, reader and writer API as the embedded Session, run by the server through
 * RemoteExecutor. SQL text goes to the server as is (SqlCommand), so every statement Spark knows
 * (CREATE TABLE, INSERT, MERGE INTO, SET, ...) works; `stop()` releases the server session.
 *
 *   const spark = Session.builder().remote("sc://127.0.0.1:15002").getOrCreate();
 */
import { configError, unsupported } from "../common/errors.js";
import { batchesToArrow } from "../columnar/arrow.js";
import { DataFrame, type DataFrameContext } from "../dataframe/dataframe.js";
import { DataFrameReader } from "../dataframe/dataframe-reader.js";
import type { StructTypeLike } from "../types/data-type.js";
import { node } from "../plan/logical-plan.js";
import { localRowsPlan } from "../session/session.js";
import { serverParsedExpression } from "../sql/parse-expression.js";
import { parseConnectionString } from "./connection-string.js";
import { ConnectClient } from "./connect-client.js";
import type { Msg } from "./connect-proto.js";
import { decodeArrowBatch } from "./connect-types.js";
import { RemoteDeltaTable } from "./remote-delta-table.js";
import { RemoteExecutor } from "./remote-executor.js";
import { RemoteStreamingQueryManager, startRemoteStream } from "./remote-streaming-query.js";
import { batchToRows } from "../columnar/column-batch.js";

export class RemoteSessionBuilder {
  constructor(
    readonly url: string,
    private readonly options: Readonly<Record<string, string>>,
  ) {}

  appName(name: string): this {
    return this.config("spark.app.name", name);
  }
  config(key: string, value: string | number | boolean): this {
    (this.options as Record<string, string>)[key] = String(value);
    return this;
  }
  /** A new session on the server (the connection is made on first use); the builder's configs are set on it. */
  getOrCreate(): RemoteSession {
    const s = new RemoteSession(this.url);
    for (const [k, v] of Object.entries(this.options)) {
      // the app name and master belong to the server's application, not to a Connect session
      if (k !== "spark.app.name" && k !== "spark.master") s.conf.set(k, v);
    }
    return s;
  }
}

/** The session's SQL configuration, kept on the server (Config RPC). */
export class RemoteConf {
  constructor(private readonly client: ConnectClient) {}
  set(key: string, value: string | number | boolean): void {
    this.client.configSync({ set: { pairs: [{ key, value: String(value) }] } });
  }
  /** The value on the server, or `fallback` (undefined) when it is not set there. */
  get(key: string, fallback?: string): string | undefined {
    const res = this.client.configSync({ get_option: { keys: [key] } });
    const pair = (res.pairs as Msg[] | undefined)?.[0];
    return (pair?.value as string | undefined) ?? fallback;
  }
  unset(key: string): void {
    this.client.configSync({ unset: { keys: [key] } });
  }
}

export class RemoteSession {
  readonly client: ConnectClient;
  readonly executor: RemoteExecutor;
  readonly dfContext: DataFrameContext;
  readonly conf: RemoteConf;
  readonly streams: RemoteStreamingQueryManager;
  stopped = false;

  constructor(url: string) {
    this.client = new ConnectClient(parseConnectionString(url));
    this.executor = new RemoteExecutor(this.client);
    this.conf = new RemoteConf(this.client);
    this.streams = new RemoteStreamingQueryManager(this.client);
    this.dfContext = {
      executor: this.executor,
      toArrow: (schema, batches) => batchesToArrow(schema, batches),
      startStream: (df, spec) => startRemoteStream(this.executor, this.streams, df, spec),
      // selectExpr/filter text is the server's to parse (nothing here needs its tree), so Spark-only syntax runs
      parseExpression: serverParsedExpression,
    };
  }

  /** The server's Spark version (AnalyzePlan.spark_version). */
  get version(): string {
    const res = this.client.analyzeSync({ spark_version: {} });
    return (res.spark_version as Msg).version as string;
  }

  get read(): DataFrameReader {
    return new DataFrameReader(this.dfContext, false);
  }

  get readStream(): DataFrameReader {
    return new DataFrameReader(this.dfContext, true);
  }

  /** Run a SQL statement on the server: a query returns its DataFrame, a command runs now (as PySpark's spark.sql). */
  sql(text: string): DataFrame {
    const responses = this.client.executeSync({ command: { sql_command: { input: { sql: { query: text } } } } });
    const result = responses.find((r) => r.response_type === "sql_command_result");
    const relation = (result?.sql_command_result as Msg | undefined)?.relation as Msg | undefined;
    if (!relation) throw unsupported("CONNECT_NO_SQL_RESULT", `The server returned no result relation for: ${text.slice(0, 200)}`);
    return this.#remoteFrame(relation);
  }

  table(name: string): DataFrame {
    return this.read.table(name);
  }

  createDataFrame(rows: readonly (Record<string, unknown> | readonly unknown[])[], schema?: string | StructTypeLike | string[]): DataFrame {
    return new DataFrame(this.dfContext, localRowsPlan(rows, schema));
  }

  range(start: number, end?: number, step = 1): DataFrame {
    const [s, e] = end === undefined ? [0, start] : [start, end];
    if (step === 0) throw configError("INVALID_RANGE_STEP", "range() step must not be 0");
    return new DataFrame(this.dfContext, node({ kind: "range", start: s, end: e, step }));
  }

  emptyDataFrame(): DataFrame {
    return this.createDataFrame([], []);
  }

  /** Only server-readable sources run remotely: an in-memory stream lives in this process. */
  memoryStream(): never {
    throw unsupported("CONNECT_UNSUPPORTED_PLAN", "spark.memoryStream() cannot run on a Spark Connect server: its rows live in this process; stream files, Kafka or rate instead");
  }

  get catalog(): { dropTempView(name: string): boolean; listTables(): string[] } {
    return {
      dropTempView: (name) => {
        const existed = this.#viewNames().includes(name.toLowerCase());
        if (existed) this.sql(`DROP VIEW IF EXISTS ${name.replace(/[^A-Za-z0-9_]/g, "") === name ? name : "`" + name.replace(/`/g, "``") + "`"}`);
        return existed;
      },
      listTables: () => this.#viewNames(),
    };
  }

  /** Temp view names of this session (SHOW VIEWS, decoded from the command's local result). */
  #viewNames(): string[] {
    const responses = this.client.executeSync({ command: { sql_command: { input: { sql: { query: "SHOW VIEWS" } } } } });
    const rel = (responses.find((r) => r.response_type === "sql_command_result")?.sql_command_result as Msg).relation as Msg;
    const local = rel.local_relation as Msg | undefined;
    if (!local?.data) return [];
    const schema = this.executor.schemaOf(rel);
    const names: string[] = [];
    for (const b of decodeArrowBatch(local.data as Uint8Array, schema)) for (const r of batchToRows(b)) if (r.isTemporary === true) names.push(String(r.viewName));
    return names;
  }

  /** The Delta table at `path` on the server (`DeltaTable.forPath(spark, path)` lands here); fails when there is none. */
  deltaTableForPath(path: string): RemoteDeltaTable {
    const table = new RemoteDeltaTable(this, path);
    this.sql(`DESCRIBE DETAIL ${table.identifier}`);
    return table;
  }

  /** Interrupt every operation this session runs on the server (PySpark's `spark.interruptAll()`); returns their ids. */
  interruptAll(): Promise<string[]> {
    return this.client.interrupt();
  }

  /** Stop every query this client started and release the server session. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.streams.stopAll();
    await this.client.releaseSession();
  }

  #remoteFrame(relation: Msg): DataFrame {
    const leaf = this.executor.leafFor(relation, false);
    return new DataFrame(this.dfContext, node({ kind: "resolvedLeaf", plan: leaf }));
  }
}


