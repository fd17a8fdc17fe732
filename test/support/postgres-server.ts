/**
 * A throwaway PostgreSQL cluster for tests: the real server from Debian's `postgresql` package
 * (scripts/postgres/setup.sh installs it), started on 127.0.0.1 and a free port, stopped after.
 *   1. initdb into a fresh temp folder (trust on the Unix socket, scram-sha-256 over TCP);
 *   2. start `postgres -D … -k <socket dir> -p <port> -c listen_addresses=127.0.0.1`;
 *   3. create the role `sluice` with a password, so tests connect over TCP as a user would;
 *   4. stop(): fast shutdown (SIGINT to the postmaster), then remove the folder.
 * PostgreSQL refuses to run as root, so as root the binaries run as the `postgres` system user
 * (which the Debian package creates) through `runuser`.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { freePort } from "../../scripts/support/free-port.js";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PostgresServer {
  readonly host: "127.0.0.1";
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** `jdbc:postgresql://127.0.0.1:<port>/<db>` (credentials are passed as options). */
  readonly jdbcUrl: string;
  /** Run SQL through psql on the Unix socket as the superuser; returns psql's unaligned output. */
  psql(sql: string): string;
  stop(): Promise<void>;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : [];
  if (versions.length === 0) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: run bash scripts/postgres/setup.sh");
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0]!, "bin");
}

const asRoot = process.getuid?.() === 0;

/** argv that runs `cmd` as the postgres system user when we are root. */
const asPostgres = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args]);


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "sluice-pg-"));
  const data = join(dir, "data");
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const [ic, ia] = asPostgres(join(bin, "initdb"), ["-D", data, "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"]);
  execFileSync(ic, ia, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const port = await freePort();
  const [c, a] = asPostgres(join(bin, "postgres"), ["-D", data, "-k", dir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "timezone=UTC"]);
  const child: ChildProcess = spawn(c, a, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const psqlOn = (db: string) => (sql: string): string => {
    const [pc, pa] = asPostgres("psql", ["-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-h", dir, "-p", String(port), "-U", "postgres", "-d", db]);
    return execFileSync(pc, pa, { cwd: dir, input: sql, stdio: ["pipe", "pipe", "pipe"] }).toString();
  };
  const psqlRun = psqlOn("postgres");
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`postgres exited at start (${child.exitCode}): ${log}`);
    try {
      psqlRun("SELECT 1");
      break;
    } catch (e) {
      if (i > 1200) throw new Error(`postgres did not accept connections: ${log}`, { cause: e });
      await sleep(50);
    }
  }
  const password = "pw-" + Math.random().toString(36).slice(2);
  psqlRun(`CREATE ROLE sluice LOGIN SUPERUSER PASSWORD '${password}'; CREATE DATABASE sluice OWNER sluice;`);
  return {
    host: "127.0.0.1",
    port,
    user: "sluice",
    password,
    database: "sluice",
    jdbcUrl: `jdbc:postgresql://127.0.0.1:${port}/sluice`,
    psql: psqlOn("sluice"),
    stop: async () => {
      const pidFile = join(data, "postmaster.pid");
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
        try {
          process.kill(pid, "SIGINT");
        } catch {
          /* already gone */
        }
      }
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
      for (let i = 0; i < 100 && existsSync(pidFile); i++) await sleep(50);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
