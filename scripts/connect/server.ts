/**
 * A local Spark Connect server from the oracle's pip pyspark 4.0.1 (.oracle/venv, made by
 * `bash scripts/oracle/setup.sh`), for tests and local use:
 *
 *   1. Pick a free loopback port.
 *   2. spark-submit --class org.apache.spark.sql.connect.service.SparkConnectServer (its jar,
 *      spark-connect_2.13-4.0.1.jar, ships in pyspark/jars) on local[2], bound to 127.0.0.1 on
 *      that port (spark.connect.grpc.binding.address / .port), with delta-spark 4.0.0 from
 *      Maven Central (--packages) and Delta's session extension and catalog.
 *   3. Ready when the log says "Spark Connect server started".
 *   4. With `ownerPid`, a detached watchdog kills the server once that process has gone, so a test
 *      run that dies never leaves a JVM behind.
 *
 * CLI (package.json `connect:start` / `connect:stop`): start prints `SPARK_REMOTE=sc://127.0.0.1:<port>`
 * as its last line and returns, leaving the server running (state in .connect/run/); stop ends it.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { freePort } from "../support/free-port.js";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const VENV = join(ROOT, ".oracle", "venv");
const RUN_DIR = join(ROOT, ".connect", "run");
const READY_LINE = "Spark Connect server started";
export const DELTA_PACKAGE = "io.delta:delta-spark_2.13:4.0.0";

export interface ConnectServerHandle {
  /** `sc://127.0.0.1:<port>` */
  readonly remote: string;
  readonly port: number;
  readonly pid: number;
  readonly dataDir: string;
}


/** SPARK_HOME of the pip pyspark in the oracle venv. */
export function sparkHome(): string {
  const lib = join(VENV, "lib");
  const py = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith("python")) : undefined;
  const home = py === undefined ? "" : join(lib, py, "site-packages", "pyspark");
  if (!existsSync(join(home, "jars"))) throw new Error(`pip pyspark is missing from ${VENV}: run bash scripts/oracle/setup.sh`);
  return home;
}

/** Start a Spark Connect server whose files (log, warehouse, ivy cache) live in `dataDir`. */
export async function startConnectServer(dataDir: string, opts: { ownerPid?: number; readyTimeoutMs?: number } = {}): Promise<ConnectServerHandle> {
  const home = sparkHome();
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const conf: Record<string, string> = {
    "spark.connect.grpc.binding.address": "127.0.0.1",
    "spark.connect.grpc.binding.port": String(port),
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "2",
    // Delta replays its log over 50 partitions by default: too many tasks for a 2-core test machine
    "spark.databricks.delta.snapshotPartitions": "2",
    // and VACUUM lists files in up to 10,000 tasks (Spark's parallelPartitionDiscovery default)
    "spark.sql.sources.parallelPartitionDiscovery.parallelism": "2",
    "spark.sql.warehouse.dir": join(dataDir, "warehouse"),
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
    "spark.driver.extraJavaOptions": `-Dderby.system.home=${join(dataDir, "derby")}`,
  };
  const args = ["--master", "local[2]", "--class", "org.apache.spark.sql.connect.service.SparkConnectServer", "--packages", DELTA_PACKAGE];
  for (const [k, v] of Object.entries(conf)) args.push("--conf", `${k}=${v}`);
  // spark-submit needs a primary resource; the connect jar itself holds the main class.
  args.push(join(home, "jars", "spark-connect_2.13-4.0.1.jar"));
  const logFile = join(dataDir, "server.log");
  const fd = openSync(logFile, "a");
  const env = { ...process.env, SPARK_HOME: home, PYSPARK_PYTHON: join(VENV, "bin", "python"), SPARK_LOCAL_IP: "127.0.0.1" };
  const child = spawn(join(home, "bin", "spark-submit"), args, { detached: true, stdio: ["ignore", fd, fd], cwd: dataDir, env });
  child.unref();
  const pid = child.pid!;
  if (opts.ownerPid !== undefined) {
    // spark-submit execs the JVM, so killing the process group ends the server.
    const watch = `while kill -0 ${opts.ownerPid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill -9 -${pid} 2>/dev/null`;
    spawn("sh", ["-c", watch], { detached: true, stdio: "ignore" }).unref();
  }
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 180_000);
  let exited: number | null | undefined;
  child.once("exit", (code) => (exited = code));
  for (;;) {
    const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
    if (log.includes(READY_LINE)) break;
    if (exited !== undefined || Date.now() > deadline) {
      killGroup(pid, "SIGKILL");
      throw new Error(`The Spark Connect server in ${dataDir} did not start (${exited !== undefined ? `exit ${exited}` : "timed out"}): ${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { remote: `sc://127.0.0.1:${port}`, port, pid, dataDir };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stop a server: SIGTERM to its process group, SIGKILL after `graceMs`. Resolves once it is gone. */
export async function stopConnectServer(pid: number, graceMs = 10_000): Promise<void> {
  if (!alive(pid)) return;
  killGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (alive(pid)) {
    if (Date.now() > deadline) killGroup(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(cmd: string | undefined): Promise<void> {
  const stateFile = join(RUN_DIR, "server.json");
  if (cmd === "start") {
    if (existsSync(stateFile)) {
      const old = JSON.parse(readFileSync(stateFile, "utf8")) as ConnectServerHandle;
      if (alive(old.pid)) {
        console.log(`A Spark Connect server is already running (pid ${old.pid}); npm run connect:stop stops it`);
        console.log(`SPARK_REMOTE=${old.remote}`);
        return;
      }
    }
    rmSync(RUN_DIR, { recursive: true, force: true });
    const s = await startConnectServer(RUN_DIR);
    writeFileSync(stateFile, JSON.stringify(s));
    console.log(`Spark Connect server started (pid ${s.pid}, log .connect/run/server.log)`);
    console.log(`SPARK_REMOTE=${s.remote}`);
  } else if (cmd === "stop") {
    if (!existsSync(stateFile)) {
      console.log("No Spark Connect server started by npm run connect:start is running");
      return;
    }
    const s = JSON.parse(readFileSync(stateFile, "utf8")) as ConnectServerHandle;
    await stopConnectServer(s.pid);
    rmSync(RUN_DIR, { recursive: true, force: true });
    console.log(`Spark Connect server stopped (pid ${s.pid})`);
  } else {
    console.error("usage: tsx scripts/connect/server.ts start|stop");
    process.exitCode = 2;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv[2]).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
