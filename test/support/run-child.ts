/**
 * Crash tests: run a TypeScript child (via tsx) that prints DONE when its query finished, and
 * optionally SIGKILL it after `killAfterMs`. Resolves "done" or "killed"; any other exit rejects
 * with the child's stderr.
 */
import { spawn } from "node:child_process";

export function runChild(script: string, args: readonly string[], killAfterMs: number | null): Promise<"done" | "killed"> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    const timer = killAfterMs === null ? null : setTimeout(() => p.kill("SIGKILL"), killAfterMs);
    p.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === "SIGKILL") resolve("killed");
      else if (code === 0 && out.includes("DONE")) resolve("done");
      else reject(new Error(`child exited with ${code}: ${err}`));
    });
  });
}
