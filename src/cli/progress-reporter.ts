/**
 * Live progress of running queries for `sluice run` (docs/cli.md):
 *   - `tty`: one status line redrawn every second and on every batch (Terminal.status); a
 *     Trigger.AvailableNow query shows a bar of the offsets read of the target fixed at its start;
 *   - `plain`: one line per query that made progress, at most every `intervalMs` (logs, pipes),
 *     with `availableNow=done/total unit (pct%)` for an available-now query;
 *   - `json`: every progress report as one JSON line, as it arrives (log shippers).
 * It also counts each query's batches and rows for the summary printed when the run stops.
 */
import type { StreamingQueryHandle } from "../dataframe/executor.js";
import type { StreamingQueryListener, StreamingQueryProgress } from "../dataframe/streaming-query-types.js";
import { barText, plainProgress } from "./progress-bar.js";
import type { Terminal } from "./terminal.js";

export type ProgressMode = "tty" | "plain" | "json";

interface Tally {
  batches: number;
  rows: number;
  last: StreamingQueryProgress | null;
  /** Progress since the last plain line. */
  fresh: boolean;
}

const num = (n: number): string => Math.round(n).toLocaleString("en-US");
const stateRows = (p: StreamingQueryProgress): number => p.stateOperators.reduce((n, s) => n + s.numRowsTotal, 0);

export class ProgressReporter implements StreamingQueryListener {
  readonly #tallies = new Map<string, Tally>();
  readonly #startedMs = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #lastPlainMs = 0;

  constructor(
    private readonly term: Terminal,
    private readonly mode: ProgressMode,
    private readonly queries: readonly StreamingQueryHandle[],
    private readonly intervalMs: number,
  ) {
    for (const q of queries) this.#tallies.set(q.id, { batches: 0, rows: 0, last: null, fresh: false });
  }

  start(): void {
    const tick = this.mode === "tty" ? 1000 : Math.min(1000, this.intervalMs);
    this.#timer = setInterval(() => this.render(), tick);
    this.#timer.unref();
    this.render();
  }

  onQueryProgress(ev: { progress: StreamingQueryProgress }): void {
    const t = this.#tallies.get(ev.progress.id);
    if (!t) return;
    t.batches++;
    t.rows += ev.progress.numInputRows;
    t.last = ev.progress;
    t.fresh = true;
    if (this.mode === "json") this.term.line(ev.progress.json);
    else this.render();
  }

  private render(): void {
    if (this.mode === "tty") this.term.status(this.statusLine());
    else if (this.mode === "plain" && Date.now() - this.#lastPlainMs >= this.intervalMs) {
      this.#lastPlainMs = Date.now();
      for (const q of this.queries) {
        const t = this.#tallies.get(q.id)!;
        if (!t.fresh || !t.last) continue;
        t.fresh = false;
        const p = t.last;
        const an = q.availableNowProgress;
        this.term.line(
          `${p.timestamp} query=${q.name ?? q.id} batch=${p.batchId} inputRows=${p.numInputRows} inputRowsPerSecond=${p.inputRowsPerSecond.toFixed(1)} ` +
            `processedRowsPerSecond=${p.processedRowsPerSecond.toFixed(1)} watermark=${p.eventTime.watermark ?? "-"} stateRows=${stateRows(p)} outputRows=${p.sink.numOutputRows}` +
            (an ? ` availableNow=${plainProgress(an.done, an.total, an.unit)}` : ""),
        );
      }
    }
  }

  private statusLine(): string {
    const secs = Math.floor((Date.now() - this.#startedMs) / 1000);
    const clock = `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")}`;
    const parts = this.queries.map((q) => {
      const t = this.#tallies.get(q.id)!;
      const p = t.last;
      const name = this.term.style(q.name ?? q.id.slice(0, 8), "bold");
      if (!q.isActive) return `${name} ${q.exception ? this.term.style("failed", "red") : this.term.style("stopped", "yellow")}`;
      const an = q.availableNowProgress;
      if (an) return `${name} ${barText(this.term, an.done, an.total, 16)} ${an.unit} · ${num(p ? p.processedRowsPerSecond : 0)} rows/s`;
      if (!p) return `${name} ${this.term.style("starting", "dim")}`;
      const wm = p.eventTime.watermark ? ` wm ${p.eventTime.watermark.slice(11, 19)}` : "";
      return `${name} batch ${p.batchId} · ${num(p.processedRowsPerSecond)} rows/s · ${num(t.rows)} rows${wm} · state ${num(stateRows(p))}`;
    });
    return `${this.term.style("▶", "green")} ${clock}  ${parts.join("  │  ")}`;
  }

  /** Stop redrawing; the lines of the final summary. */
  finish(): string[] {
    clearInterval(this.#timer);
    this.term.endStatus();
    return this.queries.map((q) => {
      const t = this.#tallies.get(q.id)!;
      const last = t.last ? `, last batch ${t.last.batchId}` : "";
      const end = q.exception ? `failed: ${q.exception.message}` : "stopped cleanly";
      return `${q.name ?? q.id}: ${t.batches} batch${t.batches === 1 ? "" : "es"}, ${num(t.rows)} input rows this run${last}; ${end}`;
    });
  }
}
