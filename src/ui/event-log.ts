/**
 * The progress event log (Spark keeps listener events in its event log for the history server;
 * Sluice keeps a query's own beside its checkpoint): with `sluice.streaming.eventLog.enabled`, each
 * run appends its events as JSON lines to `<checkpoint>/_events/<runId>.jsonl` — started (with the
 * plan), every progress report, alerts, terminated. `sluice ui CHECKPOINT_DIR` reads them back to
 * chart a stopped query. Each run starts a new file and only the newest `retainedRuns` files are
 * kept; a run's file grows by one line per batch (about 1.5 KiB).
 */
import { log } from "../common/logger.js";
import { redactText } from "../common/redaction.js";
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { QueryAlertEvent, QueryProgressEvent, QueryTerminatedEvent, StreamingQueryListener, StreamingQueryProgressData } from "../dataframe/streaming-query-types.js";
import { SluiceError } from "../common/errors.js";
import { type LiveQuery, type QueryRecord, newRecord, ranBatch, recordProgress } from "./query-store.js";

export const EVENTS_DIR = "_events";

type LoggedEvent =
  | { readonly event: "started"; readonly id: string; readonly runId: string; readonly name: string | null; readonly timestamp: string; readonly explain: string }
  | { readonly event: "progress"; readonly progress: StreamingQueryProgressData }
  | { readonly event: "alert"; readonly alert: QueryAlertEvent }
  | { readonly event: "terminated"; readonly runId: string; readonly timestamp: string; readonly exception: string | null };

/** Writes the events of the queries it tracks; a write that fails is reported once and the log stops for that run. */
export class EventLogWriter implements StreamingQueryListener {
  readonly #files = new Map<string, string>();
  /** The newest batch id written per run: progress seeded by track() is not written twice. */
  readonly #lastBatch = new Map<string, number>();

  constructor(private readonly retainedRuns = 10) {}

  track(q: LiveQuery): void {
    const dir = join(q.checkpointLocation, EVENTS_DIR);
    const file = join(dir, `${q.runId}.jsonl`);
    try {
      mkdirSync(dir, { recursive: true });
      this.#files.set(q.runId, file);
      this.#append(q.runId, { event: "started", id: q.id, runId: q.runId, name: q.name, timestamp: new Date().toISOString(), explain: q.explainString() });
      for (const p of q.recentProgress) if (ranBatch(p)) this.#progress(p);
      const runs = readdirSync(dir).filter((f) => f.endsWith(".jsonl")).map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
      for (const old of runs.slice(this.retainedRuns)) unlinkSync(join(dir, old.f));
    } catch (e) {
      this.#fail(q.runId, e);
    }
  }

  onQueryProgress(e: QueryProgressEvent): void {
    this.#progress(e.progress.toJSON());
  }
  #progress(p: StreamingQueryProgressData): void {
    if (p.batchId <= (this.#lastBatch.get(p.runId) ?? -1)) return;
    this.#lastBatch.set(p.runId, p.batchId);
    this.#append(p.runId, { event: "progress", progress: p });
  }
  onQueryAlert(e: QueryAlertEvent): void {
    this.#append(e.runId, { event: "alert", alert: e });
  }
  onQueryTerminated(e: QueryTerminatedEvent): void {
    this.#append(e.runId, { event: "terminated", runId: e.runId, timestamp: new Date().toISOString(), exception: e.exception });
    this.#files.delete(e.runId);
    this.#lastBatch.delete(e.runId);
  }

  #append(runId: string, ev: LoggedEvent): void {
    const file = this.#files.get(runId);
    if (!file) return;
    try {
      appendFileSync(file, redactText(JSON.stringify(ev)) + "\n");
    } catch (e) {
      this.#fail(runId, e);
    }
  }
  #fail(runId: string, e: unknown): void {
    this.#files.delete(runId);
    log.warn(`progress event log of run ${runId} stopped: ${(e as Error).message}`);
  }
}

/**
 * The runs logged beside a checkpoint, oldest first. A line that is not an event (a write cut
 * short by a crash leaves a partial last line) is skipped; a run without `terminated` ended
 * without reporting it (killed), and is shown as ended at its last event.
 */
export function readEventLog(checkpointDir: string): QueryRecord[] {
  const dir = join(checkpointDir, EVENTS_DIR);
  if (!existsSync(dir)) return [];
  const records: QueryRecord[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".jsonl"))) {
    const path = join(dir, f);
    let r: QueryRecord | undefined;
    let lastMs = 0;
    for (const line of readFileSync(path, "utf8").split("\n")) {
      const ev = parseLine(line);
      if (!ev) continue;
      if (ev.event === "started") {
        r = { ...newRecord(ev.id, ev.runId, ev.name, Date.parse(ev.timestamp)), explain: ev.explain, checkpointDir };
        lastMs = r.startedAtMs;
      } else if (!r) {
        throw new SluiceError("input", "EVENT_LOG_CORRUPT", `Event log ${path} does not start with a started event`, { file: path });
      } else if (ev.event === "progress") {
        recordProgress(r, ev.progress);
        lastMs = Date.parse(ev.progress.timestamp) + ev.progress.batchDuration;
      } else if (ev.event === "alert") r.alerts.push(ev.alert);
      else {
        r.endedAtMs = Date.parse(ev.timestamp);
        r.exception = ev.exception;
      }
    }
    if (r) {
      r.endedAtMs ??= lastMs;
      records.push(r);
    }
  }
  return records.sort((a, b) => a.startedAtMs - b.startedAtMs);
}

function parseLine(line: string): LoggedEvent | undefined {
  if (line.trim() === "") return undefined;
  try {
    const v = JSON.parse(line) as { event?: unknown };
    return v && typeof v === "object" && ["started", "progress", "alert", "terminated"].includes(v.event as string) ? (v as LoggedEvent) : undefined;
  } catch {
    return undefined;
  }
}
