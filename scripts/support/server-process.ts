/**
 * Start and stop the test servers the project's scripts run (S3-compatible server, Azurite, ...):
 *
 *   1. Spawn the server detached, its stdout and stderr appended to `logFile`.
 *   2. With `ownerPid`, a detached watchdog kills the server (and removes `removeOnExit`) once that
 *      process has gone, so a test run that dies never leaves a server behind.
 *   3. Ready when the log contains `readyLine`; a server that exits first, or is not ready within
 *      `readyTimeoutMs`, is killed and the error quotes the end of its log.
 */
import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync } from "node:fs";

export interface ServerLaunch {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly readyLine: string;
  readonly ownerPid?: number;
  readonly removeOnExit?: string;
  readonly readyTimeoutMs?: number;
}

/** Launch a server and resolve with its pid once its log shows `readyLine`. */
export async function launchServer(l: ServerLaunch): Promise<number> {
  const fd = openSync(l.logFile, "a");
  const child = spawn(l.command, [...l.args], { detached: true, stdio: ["ignore", fd, fd] });
  child.unref();
  const pid = child.pid!;
  if (l.ownerPid !== undefined) {
    // The folder goes only with its owner: a server stopped while the owner lives may be
    // restarted on the same folder (the Kafka broker restart of test/kafka/reference-crash.test.ts).
    const cleanup = l.removeOnExit !== undefined ? `; sleep 1; kill -0 ${l.ownerPid} 2>/dev/null || rm -rf '${l.removeOnExit}'` : "";
    const watch = `while kill -0 ${l.ownerPid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill -9 ${pid} 2>/dev/null${cleanup}`;
    spawn("sh", ["-c", watch], { detached: true, stdio: "ignore" }).unref();
  }
  const deadline = Date.now() + (l.readyTimeoutMs ?? 90_000);
  let exited: number | null | undefined;
  child.once("exit", (code) => (exited = code));
  for (;;) {
    const log = existsSync(l.logFile) ? readFileSync(l.logFile, "utf8") : "";
    if (log.includes(l.readyLine)) return pid;
    if (exited !== undefined || Date.now() > deadline) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
      throw new Error(`The ${l.name} did not start (${exited !== undefined ? `exit ${exited}` : "timed out"}): ${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stop a server: SIGTERM, SIGKILL after `graceMs` (0: at once). Resolves once it is gone. */
export async function stopServer(pid: number, graceMs = 15_000): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, graceMs > 0 ? "SIGTERM" : "SIGKILL");
  const deadline = Date.now() + graceMs;
  while (alive()) {
    if (Date.now() > deadline) process.kill(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
  }
}
