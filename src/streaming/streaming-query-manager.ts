/**
 * `spark.streams`: the active queries of a session, listeners, and waiting for any query to end.
 * A name may be used by one active query at a time; so may a checkpoint location (id).
 */
import { log } from "../common/logger.js";
import { resolve } from "node:path";
import { SluiceError } from "../common/errors.js";
import { ListenerBus, type StreamingQueryListener } from "./progress/listener-bus.js";
import { type StreamingQuery, timeoutToMs } from "./streaming-query.js";

/** What `spark.streams` returns: the active queries (`active`, `get`), `awaitAnyTermination`, `resetTerminated`, and the listeners (`addListener`, `removeListener`). */
export class StreamingQueryManager {
  readonly bus = new ListenerBus();
  readonly #active = new Map<string, StreamingQuery>();
  readonly #terminated: StreamingQuery[] = [];
  #waiters: (() => void)[] = [];

  get active(): StreamingQuery[] {
    return [...this.#active.values()];
  }

  get(id: string): StreamingQuery | null {
    return this.#active.get(id) ?? null;
  }

  /** Called by the session before starting: refuse duplicate names and concurrent runs of one checkpoint. */
  assertCanStart(name: string | null): void {
    if (name !== null && this.active.some((q) => q.name === name)) {
      throw new SluiceError("analysis", "DUPLICATE_QUERY_NAME", `Cannot start query with name ${name} as a query with that name is already active in this session`, { query: name });
    }
  }

  /**
   * Called by the session before a run of `checkpointDir` starts (Spark's
   * spark.sql.streaming.stopActiveRunOnRestart): an active run of the same checkpoint is stopped
   * first when `stopActiveRun` (the default), else the new run is refused.
   */
  async stopActiveRunOf(checkpointDir: string, stopActiveRun: boolean): Promise<void> {
    const old = this.active.find((q) => resolve(q.checkpointLocation) === resolve(checkpointDir));
    if (!old) return;
    if (!stopActiveRun) throw concurrentRun(old.id);
    log.warn(`stopping the active run ${old.runId} of query ${old.id} before starting a new run of its checkpoint (spark.sql.streaming.stopActiveRunOnRestart)`);
    await old.stop();
  }

  register(q: StreamingQuery, terminated: Promise<void>): void {
    if (this.#active.has(q.id)) throw concurrentRun(q.id);
    this.#active.set(q.id, q);
    void terminated.then(() => {
      this.#active.delete(q.id);
      this.#terminated.push(q);
      const w = this.#waiters;
      this.#waiters = [];
      for (const f of w) f();
    });
  }

  /**
   * Wait until any query has terminated since the last resetTerminated(); rejects if it failed.
   * `timeout` as awaitTermination's: seconds (PySpark) or a duration string; resolves to whether one ended in time.
   */
  async awaitAnyTermination(timeout?: number | string): Promise<boolean> {
    const timeoutMs = timeout === undefined ? undefined : timeoutToMs(timeout);
    const check = (): boolean => {
      const failed = this.#terminated.find((q) => q.exception);
      if (failed) throw failed.exception;
      return this.#terminated.length > 0;
    };
    if (check()) return true;
    const ended = new Promise<boolean>((resolve, reject) =>
      this.#waiters.push(() => {
        try {
          resolve(check());
        } catch (e) {
          reject(e);
        }
      }),
    );
    if (timeoutMs === undefined) return ended;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([ended, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  resetTerminated(): void {
    this.#terminated.length = 0;
  }

  addListener(l: StreamingQueryListener): void {
    this.bus.add(l);
  }
  removeListener(l: StreamingQueryListener): void {
    this.bus.remove(l);
  }
}

const concurrentRun = (id: string): SluiceError =>
  new SluiceError(
    "analysis",
    "CONCURRENT_QUERY",
    `Cannot start query with id ${id} as another query with same id is already active. Perhaps you are attempting to restart a query from checkpoint that is already active. You may stop the old query by setting the SQL configuration: spark.conf.set("spark.sql.streaming.stopActiveRunOnRestart", true) and retry.`,
    { query: id },
  );
