/**
 * Spark's asynchronous progress tracking (AsyncProgressTrackingMicroBatchExecution), enabled by
 * the writeStream options `asyncProgressTrackingEnabled` and
 * `asyncProgressTrackingCheckpointIntervalMs` (default 1000):
 *   - a batch does not wait for its `offsets/N` and `commits/N` files: they are queued and written
 *     in order, off the batch's path, while the batch runs and after it;
 *   - `offsets/N` is written only when the interval passed since the last one was issued (every
 *     batch with interval 0); `commits/N` only for a batch whose offsets were written, and for the
 *     first batch of a run. The other batches are tracked in memory only;
 *   - sources commit (release data) only up to a batch whose offsets are durable;
 *   - after a crash, the batches since the last durable offsets run again (as one batch), so the
 *     guarantee is at-least-once.
 * Spark's rules: only the memory, console and kafka sinks; not with Trigger.Once or
 * AvailableNow; not for stateful queries (StreamExecution checks that at start).
 */
import { configError } from "../../common/errors.js";
import type { Clock } from "../../common/clock.js";
import type { Trigger } from "./trigger.js";

export const ASYNC_PROGRESS_TRACKING_ENABLED = "asyncProgressTrackingEnabled";
export const ASYNC_PROGRESS_TRACKING_INTERVAL = "asyncProgressTrackingCheckpointIntervalMs";

/** The sinks Spark allows (its noop sink has no Sluice counterpart). */
const SUPPORTED_SINKS = new Set(["memory", "console", "kafka"]);

export interface AsyncProgressTracking {
  readonly checkpointIntervalMs: number;
}

/** The setting from writeStream options (keys lower-cased); undefined when it is off. */
export function parseAsyncProgressTracking(options: Readonly<Record<string, string>>, format: string, trigger: Trigger): AsyncProgressTracking | undefined {
  const enabled = options[ASYNC_PROGRESS_TRACKING_ENABLED.toLowerCase()];
  const interval = options[ASYNC_PROGRESS_TRACKING_INTERVAL.toLowerCase()];
  if (enabled !== undefined && !/^\s*(true|false)\s*$/i.test(enabled)) {
    throw configError("INVALID_OPTION", `${ASYNC_PROGRESS_TRACKING_ENABLED}=${enabled} (expected true or false)`, { option: ASYNC_PROGRESS_TRACKING_ENABLED });
  }
  if (enabled === undefined || /false/i.test(enabled)) {
    if (interval !== undefined) {
      throw configError("INVALID_OPTION", `${ASYNC_PROGRESS_TRACKING_INTERVAL} applies only with ${ASYNC_PROGRESS_TRACKING_ENABLED}=true`, { option: ASYNC_PROGRESS_TRACKING_INTERVAL });
    }
    return undefined;
  }
  const ms = interval === undefined ? 1000 : /^\s*\d+\s*$/.test(interval) ? Number(interval) : Number.NaN;
  if (!Number.isSafeInteger(ms)) {
    throw configError("INVALID_OPTION", `${ASYNC_PROGRESS_TRACKING_INTERVAL} must be a non-negative number of milliseconds, got ${interval}`, { option: ASYNC_PROGRESS_TRACKING_INTERVAL });
  }
  if (!SUPPORTED_SINKS.has(format)) {
    throw configError("ASYNC_PROGRESS_TRACKING_UNSUPPORTED", `Sink ${format} does not support async progress tracking (supported: ${[...SUPPORTED_SINKS].join(", ")})`, { format });
  }
  if (trigger.kind === "once") throw configError("ASYNC_PROGRESS_TRACKING_UNSUPPORTED", "Async progress tracking cannot be used with Once trigger");
  if (trigger.kind === "availableNow") throw configError("ASYNC_PROGRESS_TRACKING_UNSUPPORTED", "Async progress tracking cannot be used with AvailableNow trigger");
  // Spark ignores the option under a continuous trigger; Sluice does not ignore options.
  if (trigger.kind === "continuous") throw configError("ASYNC_PROGRESS_TRACKING_UNSUPPORTED", "Async progress tracking cannot be used with a continuous trigger (continuous processing checkpoints once per trigger interval already)");
  return { checkpointIntervalMs: ms };
}

/**
 * The in-order queue of a run's log writes (Spark's single-thread async-log-write executor). A
 * write runs once the event loop is free of the batch that queued it; its failure fails the query
 * at the next trigger (or when the run ends).
 */
export class AsyncLogWriter {
  #lastIssuedMs = -1;
  #queue: Promise<void> = Promise.resolve();
  #error: unknown;
  #issued = new Set<number>();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {}

  /** Queue `write` of offsets/`batchId` if it is due; `durable` runs once it is written. */
  addOffsets(batchId: number, write: () => void, durable: () => void): void {
    const now = this.clock.now();
    if (this.intervalMs > 0 && this.#lastIssuedMs !== -1 && this.#lastIssuedMs + this.intervalMs > now) return;
    this.#lastIssuedMs = now;
    this.#issued.add(batchId);
    this.enqueue(() => {
      write();
      durable();
    });
  }

  /** Queue commits/`batchId` when its offsets were written (or `always`: a run's first batch). */
  addCommit(batchId: number, always: boolean, write: () => void): void {
    if (this.#issued.delete(batchId) || always) this.enqueue(write);
  }

  private enqueue(task: () => void): void {
    this.#queue = this.#queue
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        if (this.#error === undefined) task();
      })
      .catch((e: unknown) => {
        this.#error ??= e;
      });
  }

  /** Rethrow the first failed write. */
  throwIfFailed(): void {
    if (this.#error !== undefined) throw this.#error;
  }

  /** Wait for every queued write, then rethrow the first failure. */
  async drain(): Promise<void> {
    await this.#queue;
    this.throwIfFailed();
  }
}
