/**
 * How the CLI writes to a terminal: on a TTY one status line redrawn in place (cut to
 * `columns`, so it never wraps) and colour unless NO_COLOR is set to anything non-empty (the
 * NO_COLOR convention); anywhere else plain lines, never escape codes.
 */
import type { Writable } from "node:stream";

export interface TerminalOptions {
  readonly isTTY: boolean;
  /** Width of the terminal; undefined when unknown (80 is assumed). */
  readonly columns: number | undefined;
  readonly color: boolean;
}

/** The options `process.stdout` and the environment give. */
export function stdoutTerminal(out: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): TerminalOptions {
  const isTTY = out.isTTY === true;
  return { isTTY, columns: isTTY ? out.columns : undefined, color: isTTY && !env.NO_COLOR };
}

const ANSI = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Style = keyof typeof ANSI;

/** Visible length of `s` (escape codes do not count). */
const visible = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, "");

export class Terminal {
  #statusShown = false;

  constructor(
    private readonly out: Writable,
    readonly opts: TerminalOptions,
  ) {}

  style(s: string, style: Style): string {
    if (!this.opts.color) return s;
    const [on, off] = ANSI[style];
    return `\x1b[${on}m${s}\x1b[${off}m`;
  }

  /** TTY only: replace the status line with `text`, cut to the terminal's width. */
  status(text: string): void {
    if (!this.opts.isTTY) return;
    this.out.write(`\r\x1b[2K${fit(text, (this.opts.columns ?? 80) - 1)}`);
    this.#statusShown = true;
  }

  /** A line of its own (above the status line on a TTY, which is redrawn by the next status()). */
  line(text: string): void {
    this.clearStatus();
    this.out.write(`${this.opts.color ? text : visible(text)}\n`);
  }

  /** Remove the status line, so the next output takes its place. */
  clearStatus(): void {
    if (this.#statusShown) this.out.write("\r\x1b[2K");
    this.#statusShown = false;
  }

  /** End the status line so later output starts on a fresh line. */
  endStatus(): void {
    if (this.#statusShown) this.out.write("\n");
    this.#statusShown = false;
  }
}

/** `text` cut to `width` visible characters (an ellipsis marks the cut), escape codes kept whole. */
export function fit(text: string, width: number): string {
  if (visible(text).length <= width) return text;
  let out = "";
  let n = 0;
  for (const part of text.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith("\x1b[")) out += part;
    else {
      const room = Math.max(0, width - 1 - n);
      out += part.slice(0, room);
      n += Math.min(part.length, room);
    }
  }
  return `${out}…\x1b[0m`.replace(/\x1b\[0m$/, text.includes("\x1b[") ? "\x1b[0m" : "");
}
