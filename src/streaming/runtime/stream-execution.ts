/**
 * The micro-batch loop (Spark's MicroBatchExecution), one instance per run of a query.
 *
 * Start:
 *   1. Read or create `metadata` (query id); read the last `offsets/N` and `commits/N`.
 *   2. If offsets/N has no commit, re-run batch N with exactly its logged offsets, timestamp and
 *      watermark (the sink skips what it already holds), then continue from N+1.
 * Each trigger:
 *   3. constructNextBatch: ask every source for its latest offset under its read limit; if none
 *      moved, the trigger is idle. Otherwise write `offsets/N` (the WAL) BEFORE running anything.
 *   4. runBatch: plan the query over each source's (start, end], execute, `sink.addBatch(N, rows)`.
 *   5. commit: write `commits/N` and report progress. When batch N+1's offsets are durable,
 *      sources may release data of batch N and old log entries are purged (as Spark does).
 * With async progress tracking (async-progress-tracking.ts) steps 3 and 5 queue their log writes,
 * at an interval, instead of waiting for them.
 *
 * A continuous trigger (Spark's ContinuousExecution) runs epochs instead of batches: epoch N reads
 * its source live from where N-1 ended, the rows going to the sink as they arrive, until the
 * interval is over; then `offsets/N` records where the read ended, the sink finishes the epoch
 * and `commits/N` is written. A restart re-runs an epoch with offsets but no commit as a batch
 * over exactly those offsets (step 2). No progress is reported, as in Spark.
 */
import { joinPath } from "../../fs/path.js";
import { redactText } from "../../common/redaction.js";
import type { Clock } from "../../common/clock.js";
import { log } from "../../common/logger.js";
import { SluiceError, configError, executionError } from "../../common/errors.js";
import { BatchStream } from "../../connectors/api/batch-stream.js";
import type { OutputMode, StreamSink } from "../../connectors/api/sink.js";
import { type Offset, type ReadLimit, type StreamSource, offsetsEqual } from "../../connectors/api/source.js";
import { type ExecutionPlan, type TaskContext, isTaskInterrupted } from "../../physical/execution-plan.js";
import type { RScan, ResolvedPlan } from "../../plan/resolved-plan.js";
import { outputSchema } from "../../plan/resolved-plan.js";
import { CommitLog } from "../checkpoint/commit-log.js";
import { OffsetSeqLog, type OffsetSeqMetadata } from "../checkpoint/offset-seq-log.js";
import { readOrCreateStreamMetadata } from "../checkpoint/stream-metadata.js";
import type { AvailableNowProgress, StreamingQueryProgressData } from "../../dataframe/streaming-query-types.js";
import type { ListenerBus } from "../progress/listener-bus.js";
import { observedMetrics } from "../progress/observed-metrics.js";
import { type SourceProgress, type StateOperatorProgress, StreamingQueryProgress, inputPerSecond, processedPerSecond } from "../progress/progress.js";
import { idleStateOperators, queryErrorWithOffsets, terminatedException } from "../progress/query-events.js";
import type { Trigger } from "./trigger.js";
import { type AsyncProgressTracking, AsyncLogWriter } from "./async-progress-tracking.js";
import type { EventTimeStats } from "../operators/event-time-watermark-exec.js";
import { type IncrementalExecution, type OverridablePlanner, WATERMARK_POLICY, restorePinnedConf } from "./incremental-execution.js";
import { WatermarkTracker, type WatermarkPolicy, parseWatermarkPolicy } from "./watermark-tracker.js";

/** How the loop turns a resolved plan into a physical plan for one batch. */
export interface BatchPlanner {
  plan: OverridablePlanner;
  taskContext(batchTimestampMs: number, signal: AbortSignal): TaskContext;
}

export interface StreamExecutionOptions {
  readonly name: string | null;
  readonly runId: string;
  readonly checkpointDir: string;
  readonly plan: ResolvedPlan;
  /** Streaming scans of `plan`, in plan order, and the source reading each. */
  readonly scans: readonly { readonly node: RScan; readonly source: StreamSource }[];
  readonly sink: StreamSink;
  readonly outputMode: OutputMode;
  readonly trigger: Trigger;
  readonly clock: Clock;
  readonly planner: BatchPlanner;
  readonly incremental: IncrementalExecution;
  readonly watermarkPolicy: WatermarkPolicy;
  /** Run a batch without new data when the watermark moved and state could be evicted. */
  readonly noDataMicroBatches: boolean;
  readonly bus: ListenerBus;
  readonly minBatchesToRetain: number;
  /** The session's values of the confs pinned in offsets/N metadata (a restart uses the logged ones). */
  readonly pinnedConf: Readonly<Record<string, string>>;
  /** Called after the sink wrote batch N and before it commits (late-row side output). */
  readonly afterBatch?: (batchId: number) => Promise<void>;
  /** How long an idle default trigger waits before polling the sources again. */
  readonly pollingDelayMs: number;
  readonly progressRetention: number;
  /** Spark's noDataProgressEventInterval: the least time between two idle progress reports / onQueryIdle events. */
  readonly noDataProgressEventIntervalMs: number;
  /** Spark's asyncProgressTrackingEnabled: offsets and commits written at an interval, off the batch's path. */
  readonly asyncProgress?: AsyncProgressTracking;
}

export type QueryState = "INITIALIZING" | "ACTIVE" | "TERMINATED";

export class StreamExecution {
  readonly offsetLog: OffsetSeqLog;
  readonly commitLog: CommitLog;
  id = "";
  state: QueryState = "INITIALIZING";
  exception: SluiceError | null = null;
  readonly recentProgress: StreamingQueryProgress[] = [];
  /** Spark's StreamingQueryStatus. */
  status = { message: "Initializing sources", isDataAvailable: false, isTriggerActive: false };

  #abort = new AbortController();
  #committed: Offset[] = [];
  #nextBatchId = 0;
  #watermarkMs = 0;
  /** The watermark the previous batch ran with (late rows are judged against it). */
  #prevBatchWatermarkMs = 0;
  #tracker!: WatermarkTracker;
  #lastEvictionWatermarkMs = 0;
  /** The pinned confs this run uses: the session's on a new checkpoint, the checkpoint's on a restart. */
  #pinnedConf: Readonly<Record<string, string>> = {};
  #policy: WatermarkPolicy = "min";
  #latest: (Offset | undefined)[] = [];
  #idleWaiters: (() => void)[] = [];
  #wake: (() => void) | null = null;
  #done: Promise<void> | null = null;
  /** When the last idle progress was reported, or a batch ran (Spark starts it at Long.MinValue). */
  #lastNoExecutionProgressMs = Number.NEGATIVE_INFINITY;
  /** The offsets the trigger in flight reads up to (the query exception's endOffset). */
  #available: readonly Offset[] | null = null;
  /** Per source without its own available-now support: the offset it had at start (AvailableNow). */
  #availableNowEnd: (Offset | undefined)[] = [];
  /** Async progress tracking: the log write queue, the last batch with durable offsets, and the offsets sources may now release. */
  readonly #async: AsyncLogWriter | undefined;
  #lastDurable: { readonly batchId: number; readonly ends: readonly Offset[] } | undefined;
  #releasable: (readonly Offset[])[] = [];
  #firstBatchOfRun = true;

  constructor(readonly opts: StreamExecutionOptions) {
    this.offsetLog = new OffsetSeqLog(joinPath(opts.checkpointDir, "offsets"));
    this.commitLog = new CommitLog(joinPath(opts.checkpointDir, "commits"));
    if (opts.asyncProgress) this.#async = new AsyncLogWriter(opts.asyncProgress.checkpointIntervalMs, opts.clock);
  }

  get lastProgress(): StreamingQueryProgress | null {
    return this.recentProgress[this.recentProgress.length - 1] ?? null;
  }
  get isActive(): boolean {
    return this.state !== "TERMINATED";
  }

  /** Initialise (steps 1–2 run inside the loop); resolves once the query id is known. */
  start(): Promise<void> {
    if (this.#async && this.opts.incremental.isStateful) {
      throw configError("ASYNC_PROGRESS_TRACKING_UNSUPPORTED", "Stateful streaming queries does not support async progress tracking at this moment.");
    }
    const md = readOrCreateStreamMetadata(
      this.opts.checkpointDir,
      this.opts.scans.map((s) => redactText(s.source.description)),
      redactText(this.opts.sink.description),
      this.#async !== undefined,
    );
    this.id = md.id;
    this.#done = this.run();
    return Promise.resolve();
  }

  /** Resolves when the loop has ended (stopped, finished or failed). */
  get terminated(): Promise<void> {
    return this.#done ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#wake?.();
    await this.terminated;
  }

  /** Resolves when a trigger that began after this call found no new data (or the query ended). */
  processAllAvailable(): Promise<void> {
    if (!this.isActive) return this.exception ? Promise.reject(this.exception) : Promise.resolve();
    return new Promise((resolve, reject) => {
      let seenTrigger = false;
      const check = (): void => {
        if (this.state === "TERMINATED") {
          if (this.exception) reject(this.exception);
          else resolve();
          return;
        }
        if (!seenTrigger) {
          seenTrigger = true; // skip a trigger already in flight when we were called
          this.#idleWaiters.push(check);
          return;
        }
        if (this.exception) reject(this.exception);
        else resolve();
      };
      this.#idleWaiters.push(check);
      this.#wake?.();
    });
  }

  private notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  private async run(): Promise<void> {
    const { bus, clock } = this.opts;
    bus.post("onQueryStarted", { id: this.id, runId: this.opts.runId, name: this.opts.name, timestamp: new Date(clock.now()).toISOString() });
    try {
      await this.recover();
      this.state = "ACTIVE";
      if (this.opts.trigger.kind === "availableNow") await this.prepareForTriggerAvailableNow();
      while (!this.#abort.signal.aborted) {
        const triggerStartMs = clock.now();
        this.status = { ...this.status, isTriggerActive: true };
        const continuous = this.opts.trigger.kind === "continuous" ? this.opts.trigger : undefined;
        const ran = continuous ? await this.runEpoch(triggerStartMs, continuous.intervalMs) : await this.runTrigger(triggerStartMs);
        // Spark's messages: a processing-time trigger always waits for the next trigger; the
        // default trigger polls again when it found nothing.
        const interval = this.opts.trigger.kind === "processingTime" ? this.opts.trigger.intervalMs : 0;
        this.status = { message: ran || interval > 0 ? "Waiting for next trigger" : "Waiting for data to arrive", isDataAvailable: ran, isTriggerActive: false };
        if (ran) this.#lastNoExecutionProgressMs = clock.now();
        else {
          if (clock.now() - this.opts.noDataProgressEventIntervalMs >= this.#lastNoExecutionProgressMs) {
            this.#lastNoExecutionProgressMs = clock.now();
            this.reportIdle(triggerStartMs);
          }
          this.notifyIdle();
        }
        if (continuous) this.notifyIdle();
        if (this.opts.trigger.kind === "once") break;
        if (this.opts.trigger.kind === "availableNow" && !ran) break;
        await this.waitForNextTrigger(triggerStartMs, ran);
      }
      await this.#async?.drain();
    } catch (e) {
      // stop() interrupts the running batch: its operators end with TASK_INTERRUPTED, which reaches
      // the sink mid-stream (it commits nothing) before the commit log saw anything, so the batch
      // re-runs from offsets/N on restart.
      if (this.#abort.signal.aborted && isTaskInterrupted(e)) return;
      const error =
        e instanceof SluiceError
          ? e
          : executionError("STREAM_FAILED", `Query ${this.opts.name ?? this.id} [id = ${this.id}, runId = ${this.opts.runId}] terminated with exception: ${(e as Error).message}`, { query: this.id }, e);
      this.exception = queryErrorWithOffsets(error, this.offsetSeqText(this.#nextBatchId === 0 ? null : this.#committed), this.offsetSeqText(this.#available ?? this.#committed));
    } finally {
      this.state = "TERMINATED";
      await this.#async?.drain().catch(() => undefined);
      this.status = { message: this.exception ? `Terminated with exception: ${this.exception.message}` : "Stopped", isDataAvailable: false, isTriggerActive: false };
      for (const { source } of this.opts.scans) await source.stop().catch(() => undefined);
      await this.opts.incremental.close().catch(() => undefined);
      await this.opts.sink.stop?.().catch(() => undefined);
      bus.post("onQueryTerminated", {
        id: this.id,
        runId: this.opts.runId,
        ...terminatedException(this.exception),
      });
      this.notifyIdle();
    }
  }

  private async waitForNextTrigger(triggerStartMs: number, ran: boolean): Promise<void> {
    const signal = this.#abort.signal;
    const interval = this.opts.trigger.kind === "processingTime" ? this.opts.trigger.intervalMs : 0;
    if (interval > 0) {
      // Next batch on the next interval boundary; a late batch starts the next one at once.
      const next = Math.floor(triggerStartMs / interval) * interval + interval;
      await this.opts.clock.waitUntil(next, signal);
      return;
    }
    if (ran) {
      // Let timers, I/O callbacks and signal handlers run between back-to-back batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, this.opts.pollingDelayMs);
      const onAbort = (): void => done();
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener("abort", onAbort);
        resolve();
      }
      this.#wake = done;
      signal.addEventListener("abort", onAbort, { once: true });
    });
    this.#wake = null;
  }

  /**
   * Trigger.AvailableNow reads what was there at start, for every source: a source with the
   * capability fixes its own target (honouring its read limit); for any other, the loop asks for
   * its latest offset once and never reads past it (Spark's AvailableNowDataStreamWrapper).
   */
  private async prepareForTriggerAvailableNow(): Promise<void> {
    const { scans } = this.opts;
    for (let i = 0; i < scans.length; i++) {
      const source = scans[i]!.source;
      if (source.prepareForTriggerAvailableNow) await source.prepareForTriggerAvailableNow();
      else this.#availableNowEnd[i] = await source.latestOffset(this.#committed[i], { kind: "all" });
    }
  }

  /**
   * A Trigger.AvailableNow run: its sources' progress through their targets, summed (null when
   * not available-now, before the targets are fixed, or when a source cannot count).
   */
  get availableNowProgress(): AvailableNowProgress | null {
    if (this.opts.trigger.kind !== "availableNow" || this.#committed.length === 0) return null;
    const parts = this.opts.scans.map(({ source }, i) => source.availableNowProgress?.(this.#committed[i]));
    if (parts.length === 0 || parts.some((p) => p === undefined)) return null;
    const units = [...new Set(parts.map((p) => p!.unit))];
    return { done: parts.reduce((n, p) => n + p!.done, 0), total: parts.reduce((n, p) => n + p!.total, 0), unit: units.length === 1 ? units[0]! : "units" };
  }

  /** Steps 1–2: find where to resume, re-running an uncommitted batch with its logged offsets. */
  private async recover(): Promise<void> {
    const { scans } = this.opts;
    const latest = this.offsetLog.getLatest();
    const n = this.opts.incremental.watermarkNodes.length;
    this.#pinnedConf = latest
      ? restorePinnedConf(latest.entry.metadata.conf, this.opts.pinnedConf, this.offsetLog.pathOf(latest.batchId), log.warn)
      : this.opts.pinnedConf;
    this.opts.incremental.usePinnedConf(this.#pinnedConf);
    this.#policy = WATERMARK_POLICY in this.#pinnedConf ? parseWatermarkPolicy(this.#pinnedConf[WATERMARK_POLICY]) : this.opts.watermarkPolicy;
    this.#tracker = new WatermarkTracker(this.#policy, n);
    if (!latest) {
      this.#committed = scans.map((s) => s.source.initialOffset());
      this.#nextBatchId = 0;
      return;
    }
    const { batchId, entry } = latest;
    if (entry.offsets.length !== scans.length) {
      throw new SluiceError("analysis", "CHECKPOINT_INCOMPATIBLE_QUERY", `Checkpoint file ${this.offsetLog.pathOf(batchId)} has ${entry.offsets.length} sources but the query has ${scans.length}; use a new checkpointLocation`, { file: this.offsetLog.pathOf(batchId) });
    }
    const end = this.deserialize(entry.offsets);
    this.#lastDurable = { batchId, ends: end };
    const commit = this.commitLog.get(batchId);
    if (commit) {
      this.#committed = end;
      this.#prevBatchWatermarkMs = entry.metadata.batchWatermarkMs;
      this.#lastEvictionWatermarkMs = entry.metadata.batchWatermarkMs;
      this.#watermarkMs = commit.nextBatchWatermarkMs;
      this.#tracker = new WatermarkTracker(this.#policy, n, this.#watermarkMs);
      this.#nextBatchId = batchId + 1;
      return;
    }
    // With async progress tracking the log has gaps: the batch before is the last one written
    // (prepareCheckpoint made sure there is one).
    const prevId = this.#async ? this.offsetLog.listBatchIds().filter((id) => id < batchId).pop() : batchId - 1;
    const prev = batchId > 0 && prevId !== undefined ? this.offsetLog.get(prevId) : undefined;
    const start = prev ? this.deserialize(prev.offsets) : scans.map((s) => s.source.initialOffset());
    this.#prevBatchWatermarkMs = prev?.metadata.batchWatermarkMs ?? 0;
    this.#watermarkMs = entry.metadata.batchWatermarkMs;
    this.#tracker = new WatermarkTracker(this.#policy, n, this.#watermarkMs);
    // As Spark's populateStartOffsets: the re-run batch's offsets are the query's, so an error in
    // it reports them (startOffset/endOffset).
    [this.#committed, this.#available, this.#nextBatchId] = [start, end, batchId];
    await this.runBatch(batchId, start, end, entry.metadata, this.opts.clock.now(), { latestOffset: 0, walCommit: 0 });
  }

  private deserialize(offsets: readonly (string | null)[]): Offset[] {
    return offsets.map((o, i) => (o === null ? this.opts.scans[i]!.source.initialOffset() : this.opts.scans[i]!.source.deserializeOffset(o)));
  }

  private readLimit(source: StreamSource): ReadLimit {
    if (this.opts.trigger.kind === "once") return { kind: "all" };
    return source.defaultReadLimit();
  }

  /** Steps 3–5 for one trigger. Returns false when no source had new data. */
  private async runTrigger(triggerStartMs: number): Promise<boolean> {
    const { scans, clock } = this.opts;
    this.#async?.throwIfFailed();
    const t0 = clock.now();
    const ends: Offset[] = [];
    let moved = false;
    for (let i = 0; i < scans.length; i++) {
      const s = scans[i]!.source;
      this.status = { ...this.status, message: `Getting offsets from ${s.description}` };
      const end = this.#availableNowEnd[i] ?? (await s.latestOffset(this.#committed[i], this.readLimit(s)));
      this.#latest[i] = end;
      ends.push(end);
      if (!offsetsEqual(s, end, this.#committed[i])) moved = true;
    }
    const latestOffsetMs = clock.now() - t0;
    // A batch without new data still runs when the watermark moved past what the last batch
    // evicted with, so that windows close and state is dropped (Spark's no-data micro-batches).
    // availableNow runs them too before it stops; once runs exactly one batch.
    const noDataBatch =
      !moved &&
      this.opts.noDataMicroBatches &&
      this.opts.trigger.kind !== "once" &&
      this.#nextBatchId > 0 &&
      ((this.opts.incremental.evictsOnWatermark(this.opts.outputMode) && this.#watermarkMs > this.#lastEvictionWatermarkMs) || this.opts.incremental.processingTimeoutDue(triggerStartMs));
    if (!moved && !noDataBatch) {
      this.#idleLatestOffsetMs = latestOffsetMs;
      return false;
    }
    this.status = { message: "Processing new data", isDataAvailable: true, isTriggerActive: true };
    this.#available = ends;

    const batchId = this.#nextBatchId;
    const metadata: OffsetSeqMetadata = { batchWatermarkMs: this.#watermarkMs, batchTimestampMs: triggerStartMs, conf: this.#pinnedConf };
    const t1 = clock.now();
    const writeOffsets = (): void => this.writeOffsets(batchId, ends, metadata);
    if (this.#async) this.#async.addOffsets(batchId, writeOffsets, () => this.offsetsDurable(batchId, ends));
    else writeOffsets();
    const walCommitMs = clock.now() - t1;
    if (this.#async) await this.releaseDurable();
    else await this.releaseCommitted(batchId);
    await this.runBatch(batchId, this.#committed, ends, metadata, triggerStartMs, { latestOffset: latestOffsetMs, walCommit: walCommitMs });
    return true;
  }

  /**
   * Once offsets/N is durable, batch N-1 is final: sources may release its data (cleanSource) and
   * old log entries are purged. Like Spark, this happens when the next batch is constructed, so
   * the files of the last batch of a run stay in place until a later batch starts.
   */
  private async releaseCommitted(batchId: number): Promise<void> {
    if (batchId === 0) return;
    const { scans } = this.opts;
    for (let i = 0; i < scans.length; i++) await scans[i]!.source.commit(this.#committed[i]);
    const purgeBelow = batchId - this.opts.minBatchesToRetain;
    if (purgeBelow > 0) {
      this.offsetLog.purge(purgeBelow);
      this.commitLog.purge(purgeBelow);
    }
  }

  /** Write offsets/N (the write-ahead log entry of batch or epoch N). */
  private writeOffsets(batchId: number, ends: readonly Offset[], metadata: OffsetSeqMetadata): void {
    const offsets = ends.map((e, i) => this.opts.scans[i]!.source.serializeOffset(e));
    if (!this.offsetLog.add(batchId, { offsets, metadata })) {
      throw new SluiceError("execution", "CONCURRENT_QUERY", `Another run wrote ${this.offsetLog.pathOf(batchId)} first: two queries share the checkpoint ${this.opts.checkpointDir}`, { file: this.offsetLog.pathOf(batchId) });
    }
  }

  /**
   * One epoch of a continuous query (checkContinuous made sure the plan is stateless over one
   * source that reads continuously). offsets/N is written when the read ends, before the sink
   * finishes the epoch (a transactional sink commits after it), and commits/N after.
   */
  private async runEpoch(epochStartMs: number, intervalMs: number): Promise<boolean> {
    const { scans, planner, sink, outputMode } = this.opts;
    const epoch = this.#nextBatchId;
    const start = this.#committed;
    const metadata: OffsetSeqMetadata = { batchWatermarkMs: 0, batchTimestampMs: epochStartMs, conf: this.#pinnedConf };
    let ends: Offset[] | undefined;
    this.status = { message: "Processing new data", isDataAvailable: true, isTriggerActive: true };
    const planned = this.opts.incremental.planBatch(epoch, epochStartMs, outputMode, { lateEventsMs: 0, evictionMs: 0 }, planner.plan, () =>
      scans[0]!.source.getContinuous!(start[0], epochStartMs + intervalMs, (end) => {
        ends = [end];
        this.writeOffsets(epoch, ends, metadata);
      }),
    );
    const output = new BatchStream(outputSchema(this.opts.plan), planned.exec.execute(planner.taskContext(epochStartMs, this.#abort.signal)));
    try {
      await sink.addBatch(epoch, output, outputMode);
      await output.drain();
    } finally {
      await output.close();
    }
    if (!ends) throw executionError("INTERNAL_ERROR", `Epoch ${epoch} ended without its end offsets`);
    this.commitLog.add(epoch, { nextBatchWatermarkMs: 0 });
    await this.releaseCommitted(epoch);
    this.#committed = ends;
    this.#nextBatchId = epoch + 1;
    return true;
  }

  /**
   * Async progress tracking: once offsets/N is written, the batch whose offsets were written
   * before it is final, so its offsets may be released; the newest minBatchesToRetain entries of
   * each log are kept.
   */
  private offsetsDurable(batchId: number, ends: readonly Offset[]): void {
    if (this.#lastDurable) this.#releasable.push(this.#lastDurable.ends);
    this.#lastDurable = { batchId, ends };
    const ids = this.offsetLog.listBatchIds();
    const keepFrom = ids[ids.length - this.opts.minBatchesToRetain];
    if (keepFrom !== undefined && keepFrom > ids[0]!) {
      this.offsetLog.purge(keepFrom);
      this.commitLog.purge(keepFrom);
    }
  }

  /** Let sources release the data of batches that are final (on the loop, as Spark's source commit). */
  private async releaseDurable(): Promise<void> {
    const { scans } = this.opts;
    for (const ends of this.#releasable.splice(0)) {
      for (let i = 0; i < scans.length; i++) await scans[i]!.source.commit(ends[i]);
    }
  }

  /** Steps 4–5: execute batch `batchId` over (start, end] and commit it. */
  private async runBatch(
    batchId: number,
    start: readonly Offset[],
    end: readonly Offset[],
    metadata: OffsetSeqMetadata,
    triggerStartMs: number,
    durations: { latestOffset: number; walCommit: number },
  ): Promise<void> {
    const { scans, clock, planner, sink } = this.opts;
    const rowsPerSource = new Array<number>(scans.length).fill(0);
    // Input rows count in the batch's own run, not in replays (see BatchData.replay).
    let liveCtx: TaskContext | undefined;
    const tPlan = clock.now();
    let getBatchMs = 0;
    const planned = this.opts.incremental.planBatch(
      batchId,
      metadata.batchTimestampMs,
      this.opts.outputMode,
      { lateEventsMs: this.#prevBatchWatermarkMs, evictionMs: metadata.batchWatermarkMs },
      planner.plan,
      (node) => {
        const i = scans.findIndex((s) => s.node.source === node.source);
        if (i < 0) throw executionError("INTERNAL_ERROR", "A streaming scan has no source");
        const g0 = clock.now();
        const exec = scans[i]!.source.getBatch(start[i], end[i]);
        getBatchMs += clock.now() - g0;
        return countRows(exec, (n, c) => {
          if (c === liveCtx) rowsPerSource[i]! += n;
        });
      },
    );
    const physical = planned.exec;
    const queryPlanningMs = clock.now() - tPlan - getBatchMs;

    const tExec = clock.now();
    const ctx = (liveCtx = planner.taskContext(metadata.batchTimestampMs, this.#abort.signal));
    // The rows stream into the sink as they are computed; what it leaves unread is drained so
    // stateful operators reach their end. A failure or interruption leaves nothing committed.
    const replay = this.opts.incremental.isStateful ? undefined : () => physical.execute(planner.taskContext(metadata.batchTimestampMs, this.#abort.signal));
    const output = new BatchStream(outputSchema(this.opts.plan), physical.execute(ctx), replay);
    try {
      await sink.addBatch(batchId, output, this.opts.outputMode);
      await output.drain();
    } finally {
      await output.close();
    }
    const numOutputRows = output.numRows;
    await this.opts.afterBatch?.(batchId);
    const addBatchMs = clock.now() - tExec;

    this.#tracker.update(planned.maxEventTimesMs(), this.opts.incremental.delaysMs);
    this.#lastEvictionWatermarkMs = metadata.batchWatermarkMs;
    this.#prevBatchWatermarkMs = metadata.batchWatermarkMs;
    this.#watermarkMs = this.#tracker.currentWatermarkMs;
    const tCommit = clock.now();
    const commit = { nextBatchWatermarkMs: this.#watermarkMs };
    if (this.#async) this.#async.addCommit(batchId, this.#firstBatchOfRun, () => void this.commitLog.add(batchId, commit));
    else this.commitLog.add(batchId, commit);
    this.#firstBatchOfRun = false;
    const commitOffsetsMs = clock.now() - tCommit;
    this.#committed = [...end];
    this.#available = null;
    this.#nextBatchId = batchId + 1;

    const triggerExecutionMs = clock.now() - triggerStartMs;
    this.report(batchId, triggerStartMs, start, end, rowsPerSource, numOutputRows, eventTimeProgress(this.opts.incremental.hasWatermark, planned.eventTimeStats(), metadata.batchWatermarkMs), planned.stateOperators(), {
      addBatch: addBatchMs,
      commitOffsets: commitOffsetsMs,
      getBatch: getBatchMs,
      latestOffset: durations.latestOffset,
      queryPlanning: queryPlanningMs,
      triggerExecution: triggerExecutionMs,
      walCommit: durations.walCommit,
    }, observedMetrics(physical));
  }

  #lastTriggerStartMs: number | null = null;
  #idleLatestOffsetMs = 0;

  /** Spark's offset-sequence text, `[o1, o2]` with `-` for a source without one (exception offsets). */
  private offsetSeqText(offsets: readonly Offset[] | null): string {
    return `[${this.opts.scans.map((s, i) => (offsets ? s.source.serializeOffset(offsets[i]) : "-")).join(", ")}]`;
  }

  /**
   * A trigger that ran no batch (Spark's finishNoExecutionTrigger): a progress for the next batch
   * id with no input, the state operators' totals of the last batch and the current watermark,
   * kept in recentProgress and announced by onQueryIdle (not onQueryProgress).
   */
  private reportIdle(triggerStartMs: number): void {
    const last = this.lastProgress;
    const watermark: Record<string, string> = this.opts.incremental.hasWatermark ? { watermark: new Date(this.#watermarkMs).toISOString() } : {};
    const zeros = new Array<number>(this.opts.scans.length).fill(0);
    const durationMs = { latestOffset: this.#idleLatestOffsetMs, triggerExecution: this.opts.clock.now() - triggerStartMs };
    this.report(this.#nextBatchId, triggerStartMs, this.#committed, this.#committed, zeros, 0, watermark, idleStateOperators(last?.stateOperators ?? []), durationMs, {}, true);
  }

  private report(
    batchId: number,
    triggerStartMs: number,
    start: readonly Offset[],
    end: readonly Offset[],
    rowsPerSource: readonly number[],
    numOutputRows: number,
    eventTime: Record<string, string>,
    stateOperators: StateOperatorProgress[],
    durationMs: Record<string, number>,
    observed: StreamingQueryProgressData["observedMetrics"] = {},
    idle = false,
  ): void {
    const { scans, sink } = this.opts;
    const sinceLast = this.#lastTriggerStartMs === null ? null : triggerStartMs - this.#lastTriggerStartMs;
    this.#lastTriggerStartMs = triggerStartMs;
    const processingMs = durationMs.triggerExecution!;
    const sources: SourceProgress[] = scans.map(({ source }, i) => ({
      description: redactText(source.description),
      startOffset: batchId === 0 ? null : JSON.parse(source.serializeOffset(start[i])),
      endOffset: JSON.parse(source.serializeOffset(end[i])),
      latestOffset: this.#latest[i] === undefined ? null : JSON.parse(source.serializeOffset(this.#latest[i])),
      numInputRows: rowsPerSource[i]!,
      inputRowsPerSecond: inputPerSecond(rowsPerSource[i]!, sinceLast),
      processedRowsPerSecond: processedPerSecond(rowsPerSource[i]!, processingMs),
      metrics: source.metrics?.(this.#latest[i]) ?? {},
    }));
    const numInputRows = rowsPerSource.reduce((a, b) => a + b, 0);
    const progress = new StreamingQueryProgress({
      id: this.id,
      runId: this.opts.runId,
      name: this.opts.name,
      timestamp: new Date(triggerStartMs).toISOString(),
      batchId,
      batchDuration: processingMs,
      numInputRows,
      inputRowsPerSecond: inputPerSecond(numInputRows, sinceLast),
      processedRowsPerSecond: processedPerSecond(numInputRows, processingMs),
      durationMs,
      eventTime,
      stateOperators,
      sources,
      sink: { description: redactText(sink.description), numOutputRows, metrics: {} },
      observedMetrics: observed,
    });
    this.recentProgress.push(progress);
    if (this.recentProgress.length > this.opts.progressRetention) this.recentProgress.shift();
    if (idle) this.opts.bus.post("onQueryIdle", { id: this.id, runId: this.opts.runId, timestamp: progress.timestamp });
    else this.opts.bus.post("onQueryProgress", { progress });
  }
}

/**
 * Progress `eventTime` as Spark's ProgressReporter builds it: empty without a watermark in the
 * plan; else avg, max, min (when some watermark node saw rows) and the batch's watermark, as
 * ISO-8601 UTC timestamps.
 */
function eventTimeProgress(hasWatermark: boolean, stats: EventTimeStats | undefined, watermarkMs: number): Record<string, string> {
  if (!hasWatermark) return {};
  const iso = (ms: number): string => new Date(ms).toISOString();
  const watermark = iso(watermarkMs);
  return stats ? { avg: iso(Math.trunc(stats.avgMs)), max: iso(stats.maxMs), min: iso(stats.minMs), watermark } : { watermark };
}

/** Wrap a source's batch plan so the loop can count the rows it produced (in which run). */
function countRows(exec: ExecutionPlan, add: (n: number, ctx: TaskContext) => void): ExecutionPlan {
  return {
    name: exec.name,
    schema: exec.schema,
    children: exec.children,
    describe: () => exec.describe(),
    async *execute(ctx) {
      for await (const b of exec.execute(ctx)) {
        add(b.numRows, ctx);
        yield b;
      }
    },
  };
}
