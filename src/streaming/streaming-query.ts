/**
 * StreamingQuery: the handle returned by `writeStream.start()` (Spark's names).
 * `id` is stable across restarts of the same checkpoint; `runId` is new for every start.
 */
import { redactText } from "../common/redaction.js";
import { SluiceError, inputError } from "../common/errors.js";
import { parseIntervalMs } from "../common/duration.js";
import type { StreamingQueryHandle } from "../dataframe/executor.js";
import type { AvailableNowProgress, StreamingQueryStatus } from "../dataframe/streaming-query-types.js";
import type { StreamingQueryProgress } from "./progress/progress.js";
import { statusJson, statusPrettyJson } from "./progress/progress-json.js";
import type { StreamExecution } from "./runtime/stream-execution.js";

export class StreamingQuery implements StreamingQueryHandle {
  constructor(
    private readonly execution: StreamExecution,
    private readonly explainText: () => string,
  ) {}

  get id(): string {
    return this.execution.id;
  }
  get runId(): string {
    return this.execution.opts.runId;
  }
  get name(): string | null {
    return this.execution.opts.name;
  }
  /** The query's checkpoint folder (Sluice's own; the web UI reports its health). */
  get checkpointLocation(): string {
    return this.execution.opts.checkpointDir;
  }
  get isActive(): boolean {
    return this.execution.isActive;
  }
  /** What the query is doing now (Spark's StreamingQueryStatus: message, isDataAvailable, isTriggerActive). */
  get status(): QueryStatus {
    const { message, isDataAvailable, isTriggerActive } = this.execution.status;
    return new QueryStatus(message, isDataAvailable, isTriggerActive);
  }
  /** A Trigger.AvailableNow run: how much of its target is read (null otherwise); Sluice's. */
  get availableNowProgress(): AvailableNowProgress | null {
    return this.execution.availableNowProgress;
  }
  get lastProgress(): StreamingQueryProgress | null {
    return this.execution.lastProgress;
  }
  get recentProgress(): StreamingQueryProgress[] {
    return [...this.execution.recentProgress];
  }
  /** The error that stopped the query, or null. */
  get exception(): SluiceError | null {
    return this.execution.exception;
  }

  /**
   * Wait for the query to end; rejects with the query's error if it failed. `timeout` is in
   * seconds, as PySpark's (or a duration string such as "30 seconds"), and must be positive
   * (PySpark's VALUE_NOT_POSITIVE); with it, resolves to whether the query ended within it
   * (PySpark returns True/False). Without it, resolves (true) once the query has ended.
   */
  async awaitTermination(timeout?: number | string): Promise<boolean> {
    const timeoutMs = timeout === undefined ? undefined : timeoutToMs(timeout);
    const ended = this.execution.terminated.then(() => {
      if (this.execution.exception) throw this.execution.exception;
      return true;
    });
    if (timeoutMs === undefined) return ended;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([ended, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Block until every source's available data has been processed and committed (tests). */
  processAllAvailable(): Promise<void> {
    return this.execution.processAllAvailable();
  }

  /** Stop the query after the batch in flight; resolves once it has terminated. */
  stop(): Promise<void> {
    return this.execution.stop();
  }

  explain(): void {
    process.stdout.write(this.explainString() + "\n");
  }
  explainString(): string {
    return redactText(this.explainText());
  }
}

/** A status snapshot, with Spark's `json` / `prettyJson` / `toString()` renderings. */
export class QueryStatus implements StreamingQueryStatus {
  constructor(
    readonly message: string,
    readonly isDataAvailable: boolean,
    readonly isTriggerActive: boolean,
  ) {
    Object.freeze(this);
  }
  get json(): string {
    return statusJson(this);
  }
  get prettyJson(): string {
    return statusPrettyJson(this);
  }
  toString(): string {
    return this.prettyJson;
  }
}

/** An await timeout: seconds (a positive number, as PySpark) or a duration string, in ms. */
export function timeoutToMs(timeout: number | string): number {
  const ms = typeof timeout === "number" ? timeout * 1000 : parseIntervalMs(timeout);
  if (!(ms > 0) || !Number.isFinite(ms)) {
    throw inputError("VALUE_NOT_POSITIVE", `Value for \`timeout\` must be positive, got ${JSON.stringify(timeout)}: give seconds (e.g. 10) or a duration string (e.g. "10 seconds").`, { argument: "timeout" });
  }
  return ms;
}
