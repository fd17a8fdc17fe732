/**
 * Crash and signal tests: run a TypeScript child (via tsx) that prints DONE when its query
 * finished (or STOPPED when a signal handler stopped it cleanly), and optionally send it `signal`
 * (default SIGKILL) `killAfterMs` after it started — or, with `afterOutput`, after it printed that
 * text (so the signal lands while its query runs, not during start-up). Resolves "done", "stopped" or "killed" (ended by the
 * signal); any other exit rejects with the child's stderr.
 */
import { spawn } from "node:child_process";

export function runChild(
  script: string,
  args: readonly string[],
  killAfterMs: number | null,
  signal: NodeJS.Signals = "SIGKILL",
  afterOutput?: string,
  env?: NodeJS.ProcessEnv,
): Promise<"done" | "stopped" | "killed"> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "pipe"], ...(env ? { env } : {}) });
    let out = "";
    let err = "";
    let timer: NodeJS.Timeout | null = null;
    const arm = (): void => void (timer = killAfterMs === null ? null : setTimeout(() => p.kill(signal), killAfterMs));
    p.stdout.on("data", (d) => {
      out += d;
      if (afterOutput !== undefined && timer === null && out.includes(afterOutput)) arm();
    });
    p.stderr.on("data", (d) => (err += d));
    if (afterOutput === undefined) arm();
    p.on("exit", (code, sig) => {
      if (timer) clearTimeout(timer);
      if (sig === signal) resolve("killed");
      else if (code === 0 && out.includes("DONE")) resolve("done");
      else if (code === 0 && out.includes("STOPPED")) resolve("stopped");
      else reject(new Error(`child exited with ${code ?? sig}: ${err}`));
    });
  });
}
