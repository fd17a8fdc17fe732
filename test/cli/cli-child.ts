/**
 * The `sluice` command line as a child process (src/cli/main.ts through tsx), without a terminal
 * (pipes), or inside a pseudo-terminal made by util-linux `script` (node-pty needs a native
 * build that cannot fetch Node's headers here).
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const cliArgs = (args: readonly string[]): string[] => ["--import", "tsx", join(root, "src/cli/main.ts"), ...args];

export class CliChild {
  readonly proc: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters: (() => void)[] = [];

  constructor(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.proc = spawn(command, args, { cwd: root, env: { ...process.env, ...env } });
    const wakeAll = (): void => void this.#waiters.splice(0).forEach((w) => w());
    this.proc.stdout.on("data", (d) => ((this.stdout += d), wakeAll()));
    this.proc.stderr.on("data", (d) => ((this.stderr += d), wakeAll()));
    this.exited = new Promise((r) => this.proc.on("exit", (code, signal) => (wakeAll(), r({ code, signal }))));
  }

  /** Resolves once stdout holds `text`; rejects if the child exits first. */
  async waitFor(text: string): Promise<void> {
    let ended = false;
    void this.exited.then(() => (ended = true));
    while (!this.stdout.includes(text)) {
      if (ended) throw new Error(`sluice exited before printing ${JSON.stringify(text)}:\n${this.stdout}\n${this.stderr}`);
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }
}

/** `sluice ARGS` on pipes. */
export const sluice = (args: readonly string[], env?: NodeJS.ProcessEnv): CliChild => new CliChild(process.execPath, cliArgs(args), env);

/** `sluice ARGS` on a pseudo-terminal `columns` wide (stdout then carries the terminal's bytes). */
export function sluiceOnTty(args: readonly string[], columns: number, env?: NodeJS.ProcessEnv): CliChild {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = `stty cols ${columns} rows 24; exec ${[process.execPath, ...cliArgs(args)].map(quote).join(" ")}`;
  return new CliChild("script", ["-qfec", cmd, "/dev/null"], env);
}

/** Run to the end: exit code and output. */
export async function runToEnd(c: CliChild): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { code } = await c.exited;
  return { code, stdout: c.stdout, stderr: c.stderr };
}
