/**
 * A progress bar for long CLI work with a known amount (`checkpoint inspect` reading a large
 * checkpoint's logs), on a Terminal:
 *   - TTY: one line redrawn in place, at most every `redrawMs`, cut to the terminal's width:
 *     `label [██████░░░░░░] 42% 420/1,000 0:03` (the filled part green unless NO_COLOR);
 *   - anywhere else: plain lines `label: 420/1,000 (42%)`, at most every `plainEveryMs`, then one
 *     when the work is done, so a log shows it is moving without a line per item.
 */
import { Terminal, stdoutTerminal } from "./terminal.js";

const num = (n: number): string => n.toLocaleString("en-US");
const BAR_WIDTH = 24;

/** `[██████░░░░░░]  42% 420/1,000` for a TTY (the filled part green unless NO_COLOR). */
export function barText(term: Terminal, done: number, total: number, width = BAR_WIDTH): string {
  const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const part = (n: number, glyph: string, style: "green" | "dim"): string => (n > 0 ? term.style(glyph.repeat(n), style) : "");
  return `[${part(filled, "█", "green")}${part(width - filled, "░", "dim")}] ${String(pct).padStart(3)}% ${num(done)}/${num(total)}`;
}

/** `420/1,000 (42%)` for a log; with `unit`, `420/1,000 offsets (42%)`. */
export const plainProgress = (done: number, total: number, unit?: string): string => `${num(done)}/${num(total)}${unit ? ` ${unit}` : ""} (${total === 0 ? 100 : Math.floor((done / total) * 100)}%)`;

export class ProgressBar {
  readonly #startedMs = Date.now();
  #lastDrawMs = -Infinity;
  #done = 0;

  constructor(
    private readonly term: Terminal,
    private readonly label: string,
    private readonly total: number,
    private readonly timing: { readonly redrawMs: number; readonly plainEveryMs: number } = { redrawMs: 100, plainEveryMs: 2000 },
  ) {}

  /** `done` of `total` items are finished. */
  update(done: number): void {
    this.#done = Math.min(done, this.total);
    const every = this.term.opts.isTTY ? this.timing.redrawMs : this.timing.plainEveryMs;
    if (Date.now() - this.#lastDrawMs < every) return;
    this.#lastDrawMs = Date.now();
    this.draw();
  }

  /** The work is over: a TTY's bar is cleared (the next output takes its line), a log gets a last line. */
  finish(): void {
    this.#done = this.total;
    if (this.term.opts.isTTY) this.term.clearStatus();
    else this.draw();
  }

  private draw(): void {
    if (!this.term.opts.isTTY) {
      this.term.line(`${this.label}: ${plainProgress(this.#done, this.total)}`);
      return;
    }
    const secs = Math.floor((Date.now() - this.#startedMs) / 1000);
    this.term.status(`${this.label} ${barText(this.term, this.#done, this.total)} ${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")}`);
  }
}

/**
 * A bar for `label` on the stream `err`, made on the first report whose total passes `minTotal`
 * (none for small work); `finish()` ends it if one was made.
 */
export function progressOn(err: NodeJS.WriteStream, label: string, minTotal = 0): { update(done: number, total: number): void; finish(): void } {
  let bar: ProgressBar | undefined;
  return {
    update: (done, total) => {
      if (total > minTotal) (bar ??= new ProgressBar(new Terminal(err, stdoutTerminal(err)), label, total)).update(done);
    },
    finish: () => bar?.finish(),
  };
}
