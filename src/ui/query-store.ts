/**
 * What the web UI knows about queries: every query the session started (tracked when it starts,
 * kept after it ends, up to `spark.sql.streaming.ui.retainedQueries` finished ones) with its recent
 * progress (`spark.sql.streaming.ui.retainedProgressUpdates` per query, as Spark's UI), alerts, plan
 * and checkpoint. `sluice ui` fills the same store from checkpoints and event logs.
 */
import type { QueryAlertEvent, QueryProgressEvent, QueryTerminatedEvent, StreamingQueryListener, StreamingQueryProgressData } from "../dataframe/streaming-query-types.js";
import { type BatchMetrics, batchMetrics } from "../streaming/progress/batch-metrics.js";
import { type CheckpointHealth, checkpointHealth } from "./checkpoint-health.js";

/** The parts of a live StreamingQuery the UI reads. */
export interface LiveQuery {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly isActive: boolean;
  readonly status: { readonly message: string };
  readonly exception: Error | null;
  readonly checkpointLocation: string;
  readonly recentProgress: readonly StreamingQueryProgressData[];
  explainString(): string;
}

/** A query as recorded (a live one's fields are read from it while it runs). */
export interface QueryRecord {
  id: string;
  runId: string;
  name: string | null;
  startedAtMs: number;
  endedAtMs: number | null;
  exception: string | null;
  explain: string | null;
  checkpointDir: string | null;
  readonly progress: StreamingQueryProgressData[];
  readonly alerts: QueryAlertEvent[];
  /** Shown on the query's page (e.g. what `sluice ui` could not find). */
  note: string | null;
  /** Sums over every batch reported (not only the retained ones): the counters of /metrics. */
  readonly totals: { batches: number; inputRows: number; outputRows: number; lateRows: number };
  live?: LiveQuery;
}

export type QueryState = "RUNNING" | "FINISHED" | "FAILED";

export interface QuerySummary {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly state: QueryState;
  readonly statusMessage: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly lastBatchId: number | null;
  readonly avgInputRowsPerSecond: number;
  readonly avgProcessedRowsPerSecond: number;
  readonly exception: string | null;
  readonly alerts: number;
}

export interface QueryDetail extends QuerySummary {
  readonly note: string | null;
  readonly explain: string | null;
  readonly checkpoint: CheckpointHealth | null;
  readonly lastProgress: StreamingQueryProgressData | null;
  readonly metrics: readonly BatchMetrics[];
  readonly alertEvents: readonly QueryAlertEvent[];
}

export class UiQueryStore implements StreamingQueryListener {
  readonly #byRun = new Map<string, QueryRecord>();
  /** Checkpoint health per run, re-read when a batch committed, the state changed, or after 5 s (pages poll every second). */
  readonly #health = new Map<string, { key: string; atMs: number; health: CheckpointHealth }>();

  constructor(
    private readonly retainedQueries = 100,
    private readonly retainedProgress = 100,
  ) {}

  /** Record a query the session just started; seeds progress it may already have reported. */
  track(q: LiveQuery, startedAtMs = Date.now()): void {
    const r = this.#record(q.runId, q.id, q.name, startedAtMs);
    r.live = q;
    r.checkpointDir = q.checkpointLocation;
    for (const p of q.recentProgress) if (ranBatch(p)) this.#push(r, p);
    this.#trim();
  }

  /** Record a query read back from a checkpoint or event log (`sluice ui`). */
  add(record: QueryRecord): void {
    this.#byRun.set(record.runId, record);
  }

  onQueryProgress(e: QueryProgressEvent): void {
    const p = e.progress;
    this.#push(this.#record(p.runId, p.id, p.name, Date.parse(p.timestamp)), p.toJSON());
  }
  onQueryTerminated(e: QueryTerminatedEvent): void {
    const r = this.#byRun.get(e.runId);
    if (!r) return;
    r.endedAtMs = Date.now();
    r.exception = e.exception;
    if (r.live) r.explain = r.live.explainString();
    this.#trim();
  }
  onQueryAlert(e: QueryAlertEvent): void {
    this.#byRun.get(e.runId)?.alerts.push(e);
  }

  /** Active queries first (newest first), then finished ones (newest first). */
  list(): QuerySummary[] {
    return [...this.#byRun.values()].map((r) => summary(r)).sort((a, b) => Number(b.state === "RUNNING") - Number(a.state === "RUNNING") || b.startedAt.localeCompare(a.startedAt));
  }

  /** Every recorded run with its summary, newest progress and totals (for /metrics). */
  runs(): { readonly summary: QuerySummary; readonly last: StreamingQueryProgressData | null; readonly totals: QueryRecord["totals"] }[] {
    return [...this.#byRun.values()].map((r) => ({ summary: summary(r), last: r.progress[r.progress.length - 1] ?? null, totals: r.totals }));
  }

  /** By run id (as Spark's UI), or by query id for its newest run. */
  detail(id: string): QueryDetail | null {
    const r = this.#byRun.get(id) ?? [...this.#byRun.values()].filter((x) => x.id === id).sort((a, b) => b.startedAtMs - a.startedAtMs)[0];
    if (!r) return null;
    const s = summary(r);
    return {
      ...s,
      note: r.note,
      explain: r.live?.isActive ? r.live.explainString() : r.explain,
      checkpoint: this.#checkpoint(r, s),
      lastProgress: r.progress[r.progress.length - 1] ?? null,
      metrics: r.progress.map(batchMetrics),
      alertEvents: r.alerts,
    };
  }

  #checkpoint(r: QueryRecord, s: QuerySummary): CheckpointHealth | null {
    if (!r.checkpointDir) return null;
    const key = `${s.state}:${s.lastBatchId}`;
    const cached = this.#health.get(r.runId);
    if (cached && cached.key === key && Date.now() - cached.atMs < 5000) return cached.health;
    const health = checkpointHealth(r.checkpointDir, s.state === "RUNNING");
    this.#health.set(r.runId, { key, atMs: Date.now(), health });
    return health;
  }

  #record(runId: string, id: string, name: string | null, startedAtMs: number): QueryRecord {
    let r = this.#byRun.get(runId);
    if (!r) {
      r = newRecord(id, runId, name, startedAtMs);
      this.#byRun.set(runId, r);
    }
    return r;
  }

  /** Batch ids only grow within a run, so a report seen already (seeded by track) is skipped. */
  #push(r: QueryRecord, p: StreamingQueryProgressData): void {
    const last = r.progress[r.progress.length - 1];
    if (last === undefined || p.batchId > last.batchId) recordProgress(r, p, this.retainedProgress);
  }

  /** Drop the oldest finished queries beyond the retained count. */
  #trim(): void {
    const finished = [...this.#byRun.values()].filter((r) => !(r.live?.isActive ?? r.endedAtMs === null)).sort((a, b) => a.startedAtMs - b.startedAtMs);
    for (const r of finished.slice(0, Math.max(0, finished.length - this.retainedQueries))) {
      this.#byRun.delete(r.runId);
      this.#health.delete(r.runId);
    }
  }
}

/** A record with nothing reported yet. */
export function newRecord(id: string, runId: string, name: string | null, startedAtMs: number): QueryRecord {
  return { id, runId, name, startedAtMs, endedAtMs: null, exception: null, explain: null, checkpointDir: null, note: null, progress: [], alerts: [], totals: { batches: 0, inputRows: 0, outputRows: 0, lateRows: 0 } };
}

/** Add a report to a record's retained progress and its totals. */
/**
 * A report of a batch that ran, as onQueryProgress delivers them. recentProgress also holds idle
 * triggers' reports (no addBatch phase, the next batch's id), which the UI does not chart.
 */
export const ranBatch = (p: StreamingQueryProgressData): boolean => p.durationMs.addBatch !== undefined;

export function recordProgress(r: QueryRecord, p: StreamingQueryProgressData, retained = Number.POSITIVE_INFINITY): void {
  r.progress.push(p);
  r.totals.batches++;
  r.totals.inputRows += p.numInputRows;
  r.totals.outputRows += p.sink.numOutputRows;
  r.totals.lateRows += p.stateOperators.reduce((n, o) => n + o.numRowsDroppedByWatermark, 0);
  if (r.progress.length > retained) r.progress.shift();
}

function summary(r: QueryRecord): QuerySummary {
  const running = r.live ? r.live.isActive : r.endedAtMs === null;
  const exception = r.live?.exception?.message ?? r.exception;
  const avg = (f: (p: StreamingQueryProgressData) => number): number => (r.progress.length ? r.progress.reduce((n, p) => n + f(p), 0) / r.progress.length : 0);
  return {
    id: r.id,
    runId: r.runId,
    name: r.name,
    state: running ? "RUNNING" : exception ? "FAILED" : "FINISHED",
    statusMessage: r.live?.status.message ?? (exception ? "Failed" : "Stopped"),
    startedAt: new Date(r.startedAtMs).toISOString(),
    endedAt: r.endedAtMs === null ? null : new Date(r.endedAtMs).toISOString(),
    lastBatchId: r.progress[r.progress.length - 1]?.batchId ?? null,
    avgInputRowsPerSecond: avg((p) => p.inputRowsPerSecond),
    avgProcessedRowsPerSecond: avg((p) => p.processedRowsPerSecond),
    exception,
    alerts: r.alerts.length,
  };
}
