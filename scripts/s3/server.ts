/**
 * The S3-compatible test server (gofakes3, built by `bash scripts/s3/setup.sh` into .s3/bin) on
 * 127.0.0.1 and a free port: path-style requests, any access key, buckets created on first use,
 * objects kept in memory until the server stops.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../support/free-port.js";
import { launchServer, stopServer } from "../support/server-process.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, ".s3", "bin", "s3-test-server");

export interface S3ServerHandle {
  /** `http://127.0.0.1:<port>`, for fs.s3a.endpoint / AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  readonly pid: number;
}

/** Start a server whose log goes to `<dataDir>/s3.log`. */
export async function startS3Server(dataDir: string, opts: { ownerPid?: number } = {}): Promise<S3ServerHandle> {
  if (!existsSync(BIN)) throw new Error(`The S3 test server is missing (${BIN}): run bash scripts/s3/setup.sh`);
  mkdirSync(dataDir, { recursive: true });
  const addr = `127.0.0.1:${await freePort()}`;
  const pid = await launchServer({
    name: "S3 test server",
    command: BIN,
    args: ["-addr", addr],
    logFile: join(dataDir, "s3.log"),
    readyLine: "s3-test-server listening on",
    ...(opts.ownerPid !== undefined ? { ownerPid: opts.ownerPid } : {}),
  });
  return { endpoint: `http://${addr}`, pid };
}

export const stopS3Server = (pid: number): Promise<void> => stopServer(pid, 5_000);
