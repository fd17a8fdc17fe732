/**
 * Streaming queries on a Spark Connect server: `writeStream...start()` sends a
 * WriteStreamOperationStart command and gets the query's id and run id back; the handle asks the
 * server for everything else through StreamingQueryCommand (status, progress, exception,
 * explain, stop, processAllAvailable, awaitTermination), and the manager through
 * StreamingQueryManagerCommand. Progress arrives as Spark's JSON, whose field names are those of
 * Sluice's progress objects. Sinks that run JS code in this process (foreach, foreachBatch) are
 * refused at start().
 */
import { SluiceError, unsupported } from "../common/errors.js";
import { parseIntervalMs } from "../common/duration.js";
import type { DataFrame } from "../dataframe/dataframe.js";
import type { StreamWriteSpec, StreamingQueryHandle } from "../dataframe/executor.js";
import type { ConnectClient } from "./connect-client.js";
import type { Msg } from "./connect-proto.js";
import type { RemoteExecutor } from "./remote-executor.js";
import { progressFromJson } from "./progress-from-json.js";

type Progress = NonNullable<StreamingQueryHandle["lastProgress"]>;
type Status = StreamingQueryHandle["status"];

interface QueryId {
  readonly id: string;
  readonly run_id: string;
}

/**
 * The error class of a failed query's cause, as the embedded engine's exception carries it: the
 * one the message starts with (`org.apache.spark.sql.streaming.StreamingQueryException:
 * [DIVIDE_BY_ZERO] ...`), else the server's error_class (STREAM_FAILED, the wrapper's).
 */
function errorClassOf(r: Msg): string {
  const cause = /^(?:[\w.$]+: )?\[([A-Z][A-Z0-9_.]*)\]/.exec(r.exception_message as string)?.[1];
  return cause ?? (typeof r.error_class === "string" && r.error_class !== "" ? r.error_class : "STREAM_FAILED");
}

function commandResult(responses: readonly Msg[], member: string): Msg {
  for (const r of responses) {
    const res = (r.streaming_query_command_result ?? r.streaming_query_manager_command_result) as Msg | undefined;
    if (res && res[member] !== undefined) return res[member] as Msg;
  }
  return {};
}

async function drain(it: AsyncIterable<Msg>): Promise<Msg[]> {
  const out: Msg[] = [];
  for await (const r of it) out.push(r);
  return out;
}

/** Milliseconds of `awaitTermination`'s timeout: seconds (PySpark) or a duration string. */
function timeoutMs(timeout: number | string): number {
  return typeof timeout === "number" ? Math.round(timeout * 1000) : parseIntervalMs(timeout);
}

export class RemoteStreamingQuery implements StreamingQueryHandle {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;

  constructor(
    private readonly client: ConnectClient,
    qid: QueryId,
    name: string | null,
  ) {
    this.id = qid.id;
    this.runId = qid.run_id;
    this.name = name === "" ? null : name;
  }

  #command(cmd: Msg): Msg {
    return { command: { streaming_query_command: { query_id: { id: this.id, run_id: this.runId }, ...cmd } } };
  }

  #sync(cmd: Msg, member: string): Msg {
    return commandResult(this.client.executeSync(this.#command(cmd)), member);
  }

  async #async(cmd: Msg, member: string): Promise<Msg> {
    return commandResult(await drain(this.client.execute(this.#command(cmd))), member);
  }

  get status(): Status {
    const s = this.#sync({ status: true }, "status");
    return { message: (s.status_message as string) ?? "", isDataAvailable: s.is_data_available === true, isTriggerActive: s.is_trigger_active === true } as Status;
  }

  get isActive(): boolean {
    return this.#sync({ status: true }, "status").is_active === true;
  }

  get recentProgress(): Progress[] {
    const r = this.#sync({ recent_progress: true }, "recent_progress");
    return ((r.recent_progress_json as string[] | undefined) ?? []).map(progressFromJson);
  }

  get lastProgress(): Progress | null {
    const r = this.#sync({ last_progress: true }, "recent_progress");
    const all = (r.recent_progress_json as string[] | undefined) ?? [];
    return all.length === 0 ? null : progressFromJson(all[all.length - 1]!);
  }

  get exception(): Error | null {
    const r = this.#sync({ exception: true }, "exception");
    if (r.exception_message === undefined) return null;
    return new SluiceError("execution", errorClassOf(r), r.exception_message as string, { queryId: this.id, runId: this.runId });
  }

  /** Run a command that waits on the query; when the server reports the query failed, reject with its exception. */
  async #awaiting(cmd: Msg, member: string): Promise<Msg> {
    try {
      return await this.#async(cmd, member);
    } catch (e) {
      if (e instanceof SluiceError && e.code === "STREAM_FAILED") throw this.exception ?? e;
      throw e;
    }
  }

  /** Resolves when the query ends (true), or after `timeout` with whether it ended; rejects with the query's error. */
  async awaitTermination(timeout?: number | string): Promise<boolean> {
    const r = await this.#awaiting({ await_termination: timeout === undefined ? {} : { timeout_ms: String(timeoutMs(timeout)) } }, "await_termination");
    const terminated = r.terminated === true;
    if (terminated) {
      const e = this.exception;
      if (e) throw e;
    }
    return terminated;
  }

  async processAllAvailable(): Promise<void> {
    await this.#awaiting({ process_all_available: true }, "status");
    const e = this.exception;
    if (e) throw e;
  }

  async stop(): Promise<void> {
    await this.#async({ stop: true }, "status");
  }

  explainString(): string {
    return (this.#sync({ explain: { extended: true } }, "explain").result as string) ?? "";
  }

  explain(): void {
    process.stdout.write(`${this.explainString()}\n`);
  }
}

/** `spark.streams` of a remote session: the server's active queries. */
export class RemoteStreamingQueryManager {
  /** Queries this client started, stopped by session.stop(). */
  readonly #started = new Map<string, RemoteStreamingQuery>();

  constructor(private readonly client: ConnectClient) {}

  #command(cmd: Msg, member: string): Msg {
    return commandResult(this.client.executeSync({ command: { streaming_query_manager_command: cmd } }), member);
  }

  #handle(inst: Msg): RemoteStreamingQuery {
    const qid = inst.id as QueryId;
    return this.#started.get(qid.run_id) ?? new RemoteStreamingQuery(this.client, qid, (inst.name as string | undefined) ?? null);
  }

  track(q: RemoteStreamingQuery): void {
    this.#started.set(q.runId, q);
  }

  get active(): RemoteStreamingQuery[] {
    const r = this.#command({ active: true }, "active");
    return ((r.active_queries as Msg[] | undefined) ?? []).map((i) => this.#handle(i));
  }

  /** The active query with this id, or null. */
  get(id: string): RemoteStreamingQuery | null {
    const r = this.#command({ get_query: id }, "query");
    return r.id ? this.#handle(r) : null;
  }

  async awaitAnyTermination(timeout?: number | string): Promise<boolean> {
    const cmd = { streaming_query_manager_command: { await_any_termination: timeout === undefined ? {} : { timeout_ms: String(timeoutMs(timeout)) } } };
    const r = commandResult(await drain(this.client.execute({ command: cmd })), "await_any_termination");
    return r.terminated === true;
  }

  resetTerminated(): void {
    this.#command({ reset_terminated: true }, "reset_terminated");
  }

  async stopAll(): Promise<void> {
    const active = new Set(this.active.map((q) => q.runId));
    await Promise.all([...this.#started.values()].filter((q) => active.has(q.runId)).map((q) => q.stop()));
  }
}

const JS_SINKS: Readonly<Record<string, string>> = {
  foreachBatch: "foreachBatch runs a JS function per micro-batch, which a Spark server cannot call; write to a sink format (delta, parquet, kafka, ...) and use MERGE INTO from spark.sql() for upserts",
  foreach: "foreach runs a JS writer per row, which a Spark server cannot call; write to a sink format (delta, parquet, kafka, ...) instead",
};

/** `writeStream.start()` on a remote session. */
export async function startRemoteStream(executor: RemoteExecutor, manager: RemoteStreamingQueryManager, df: DataFrame, spec: StreamWriteSpec): Promise<StreamingQueryHandle> {
  const js = JS_SINKS[spec.format];
  if (js !== undefined || spec.foreachBatch || spec.foreach) throw unsupported("CONNECT_UNSUPPORTED_SINK", `${js ?? JS_SINKS.foreach!} (Spark Connect)`, { format: spec.format });
  const t = spec.trigger as Record<string, unknown>;
  const trigger =
    t.processingTime !== undefined
      ? { processing_time_interval: typeof t.processingTime === "number" ? `${t.processingTime} milliseconds` : String(t.processingTime) }
      : t.once
        ? { once: true }
        : t.availableNow
          ? { available_now: true }
          : t.continuous !== undefined
            ? { continuous_checkpoint_interval: String(t.continuous) }
            : {};
  const op = {
    input: executor.relation(df.plan),
    format: spec.format,
    options: { ...spec.options },
    partitioning_column_names: [...spec.partitionBy],
    output_mode: spec.outputMode,
    ...(spec.queryName !== null ? { query_name: spec.queryName } : {}),
    ...(spec.path !== undefined ? { path: spec.path } : {}),
    ...trigger,
  };
  const responses = await drain(executor.client.execute({ command: { write_stream_operation_start: op } }));
  const started = responses.find((r) => r.response_type === "write_stream_operation_start_result")?.write_stream_operation_start_result as Msg | undefined;
  if (!started) throw unsupported("CONNECT_NO_QUERY", "The server did not report the started streaming query");
  const q = new RemoteStreamingQuery(executor.client, started.query_id as QueryId, (started.name as string | undefined) ?? spec.queryName);
  manager.track(q);
  return q;
}
