/**
 * The progress event log (Spark keeps listener events in its event log for the history server;
 * Sluice keeps a query's own beside its checkpoint): with `sluice.streaming.eventLog.enabled`, each
 * run appends its events as JSON lines to `<checkpoint>/_events/<runId>.jsonl` — started (with the
 * plan), every progress report, alerts, terminated. `sluice ui CHECKPOINT_DIR` reads them back to
 * chart a stopped query. Each run starts a new file and only the newest `retainedRuns` runs are
 * kept; a run's file grows by one line per batch (about 1.5 KiB).
 *
 * An object store cannot append: there a run's events go to parts `<runId>.<n>.jsonl` of at most
 * PART_EVENTS events each, and each event rewrites its part whole (one PUT), so a reader sees
 * every event up to the last one written and no PUT grows with the run's length.
 */
import { log } from "../common/logger.js";
import { redactText } from "../common/redaction.js";
import { appendFileSync } from "node:fs";
import { fileSystemFor } from "../fs/file-systems.js";
import { isLocalPath, joinPath, localPathOf, pathName } from "../fs/path.js";
import type { QueryAlertEvent, QueryProgressEvent, QueryTerminatedEvent, StreamingQueryListener, StreamingQueryProgressData } from "../dataframe/streaming-query-types.js";
import { SluiceError } from "../common/errors.js";
import { type LiveQuery, type QueryRecord, newRecord, ranBatch, recordProgress } from "./query-store.js";

export const EVENTS_DIR = "_events";
/** Events per part of a run's log on an object store. */
export const PART_EVENTS = 100;
/** A log file's run id and part (a local run's one file is part 0). */
const LOG_FILE = /^([^.]+)(?:\.(\d+))?\.jsonl$/;

type LoggedEvent =
  | { readonly event: "started"; readonly id: string; readonly runId: string; readonly name: string | null; readonly timestamp: string; readonly explain: string }
  | { readonly event: "progress"; readonly progress: StreamingQueryProgressData }
  | { readonly event: "alert"; readonly alert: QueryAlertEvent }
  | { readonly event: "terminated"; readonly runId: string; readonly timestamp: string; readonly exception: string | null };

/** One run's log: appended to a local file, or on an object store rewritten part by part. */
class RunLog {
  #part = 0;
  #lines: string[] = [];
  constructor(
    readonly dir: string,
    readonly runId: string,
  ) {}

  append(line: string): void {
    if (isLocalPath(this.dir)) return appendFileSync(localPathOf(joinPath(this.dir, `${this.runId}.jsonl`)), line);
    if (this.#lines.length === PART_EVENTS) (this.#part++, (this.#lines = []));
    this.#lines.push(line);
    const file = joinPath(this.dir, `${this.runId}.${this.#part}.jsonl`);
    fileSystemFor(file).create(file, this.#lines.join(""), { overwrite: true });
  }
}

/** The log files under `dir` by run id, each run's parts in order. */
function runFiles(dir: string): Map<string, { path: string; part: number; mtimeMs: number }[]> {
  const runs = new Map<string, { path: string; part: number; mtimeMs: number }[]>();
  for (const st of fileSystemFor(dir).listStatus(dir)) {
    const m = LOG_FILE.exec(pathName(st.path));
    if (!m || st.isDirectory) continue;
    const files = runs.get(m[1]!) ?? [];
    files.push({ path: st.path, part: Number(m[2] ?? 0), mtimeMs: st.modificationTime });
    runs.set(m[1]!, files.sort((a, b) => a.part - b.part));
  }
  return runs;
}

/** Writes the events of the queries it tracks; a write that fails is reported once and the log stops for that run. */
export class EventLogWriter implements StreamingQueryListener {
  readonly #files = new Map<string, RunLog>();
  /** The newest batch id written per run: progress seeded by track() is not written twice. */
  readonly #lastBatch = new Map<string, number>();

  constructor(private readonly retainedRuns = 10) {}

  track(q: LiveQuery): void {
    const dir = joinPath(q.checkpointLocation, EVENTS_DIR);
    try {
      const fs = fileSystemFor(dir);
      fs.mkdirs(dir);
      this.#files.set(q.runId, new RunLog(dir, q.runId));
      this.#append(q.runId, { event: "started", id: q.id, runId: q.runId, name: q.name, timestamp: new Date().toISOString(), explain: q.explainString() });
      for (const p of q.recentProgress) if (ranBatch(p)) this.#progress(p);
      // this run, then the others newest first (an object store's times may have whole seconds only)
      const newest = (files: { mtimeMs: number }[]): number => Math.max(...files.map((f) => f.mtimeMs));
      const runs = [...runFiles(dir)].sort(([a, fa], [b, fb]) => Number(b === q.runId) - Number(a === q.runId) || newest(fb) - newest(fa));
      for (const [, old] of runs.slice(this.retainedRuns)) for (const f of old) fs.delete(f.path, false);
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
      file.append(redactText(JSON.stringify(ev)) + "\n");
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
  const dir = joinPath(checkpointDir, EVENTS_DIR);
  const records: QueryRecord[] = [];
  for (const files of runFiles(dir).values()) {
    const path = files[0]!.path;
    let r: QueryRecord | undefined;
    let lastMs = 0;
    for (const line of files.flatMap((f) => fileSystemFor(f.path).open(f.path).toString("utf8").split("\n"))) {
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
