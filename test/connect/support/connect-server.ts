/**
 * One Spark Connect server per test run, shared by every test file that asks for it:
 *   1. the first file to get here creates .connect/test-<runner pid>/ (mkdir is the lock), starts
 *      the server (scripts/connect/server.ts) and writes server.json;
 *   2. the others wait for server.json and reuse the server;
 *   3. the server's watchdog ends it once the test runner (the workers' parent) exits; the next
 *      run removes that run's folder.
 * Start-up takes ~20 s once; a file that needs the server gives its beforeAll that long.
 * With SLUICE_CONNECT_REMOTE=sc://host:port the tests use that server instead of starting one
 * (e.g. the one `npm run connect:start` leaves running, while iterating on one test file).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startConnectServer } from "../../../scripts/connect/server.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The `sc://` address of this run's server, started on first call. */
export async function sharedConnectServer(): Promise<string> {
  const given = process.env.SLUICE_CONNECT_REMOTE;
  if (given !== undefined && given !== "") return given;
  const dir = join(ROOT, ".connect", `test-${process.ppid}`);
  const state = join(dir, "server.json");
  mkdirSync(dirname(dir), { recursive: true });
  removeFinishedRuns(dirname(dir));
  let owner = false;
  try {
    mkdirSync(dir);
    owner = true;
  } catch {
    // another test file of this run is starting it
  }
  if (owner) {
    try {
      const s = await startConnectServer(join(dir, "server"), { ownerPid: process.ppid });
      writeFileSync(state, JSON.stringify(s));
      return s.remote;
    } catch (e) {
      writeFileSync(state, JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
      throw e;
    }
  }
  const deadline = Date.now() + 240_000;
  while (!existsSync(state)) {
    if (Date.now() > deadline) throw new Error(`The shared Spark Connect server in ${dir} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const s = JSON.parse(readFileSync(state, "utf8")) as { remote?: string; error?: string };
  if (s.error !== undefined) throw new Error(`The shared Spark Connect server failed to start: ${s.error}`);
  return s.remote!;
}

/** Folders of earlier runs whose runner has exited (their servers are gone with it). */
function removeFinishedRuns(parent: string): void {
  for (const name of readdirSync(parent)) {
    const pid = /^test-(\d+)$/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.ppid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch {
      rmSync(join(parent, name), { recursive: true, force: true });
    }
  }
}
