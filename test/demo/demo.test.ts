/**
 * `sluice demo --events N`, run twice into one folder as child processes (the second run resumes
 * from the checkpoint), then the Delta table is read with delta-rs and compared with aggregates
 * computed straight from the generator: deduplicated, on-time events, for the windows the final
 * watermark has closed.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { demoEvent } from "../../src/connectors/demo/demo-events.js";

const root = resolve(import.meta.dirname, "../..");
const python = join(root, ".oracle/venv/bin/python");
const hasDeltaRs = existsSync(python) && spawnSync(python, ["-c", "import deltalake"]).status === 0;
const N = 30_000;
const WINDOW_MS = 5 * 60_000;

function runDemo(dir: string): string {
  const r = spawnSync(join(root, "node_modules/.bin/tsx"), ["src/cli/main.ts", "demo", "--events", String(N), "--dir", dir, "--rate", "5000"], { cwd: root, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`sluice demo failed (${r.status}): ${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

function finalWatermarkMs(chk: string): number {
  const offsets = join(chk, "offsets");
  const last = Math.max(...readdirSync(offsets).filter((f) => /^\d+$/.test(f)).map(Number));
  return (JSON.parse(readFileSync(join(offsets, String(last)), "utf8").split("\n")[1]!) as { batchWatermarkMs: number }).batchWatermarkMs;
}

/** The main query's committed end offset: the number of events the table has seen. */
function eventsCommitted(chk: string): number {
  const commits = readdirSync(join(chk, "commits")).filter((f) => /^\d+$/.test(f)).map(Number);
  const last = Math.max(...commits);
  return Number(readFileSync(join(chk, "offsets", String(last)), "utf8").split("\n")[2]);
}

/** The Delta table, read with delta-rs, equals the generator's deduplicated on-time aggregates of its first `events` events, for the windows the final watermark closed. */
function expectTableMatchesGenerator(dir: string, events: number): void {
  const wm = finalWatermarkMs(join(dir, "checkpoints", "windows"));
  const expected = new Map<number, { events: number; amount: number; users: Set<string> }>();
  for (let i = 0; i < events; i++) {
    const e = demoEvent(i);
    if (e.kind !== "ok") continue; // malformed, late and re-delivered events are not counted
    const start = Math.floor(e.fields!.tsMs / WINDOW_MS) * WINDOW_MS;
    if (start + WINDOW_MS > wm) continue; // not closed by the final watermark
    const w = expected.get(start) ?? { events: 0, amount: 0, users: new Set<string>() };
    w.events++;
    w.amount += e.fields!.amount;
    w.users.add(e.fields!.user_id);
    expected.set(start, w);
  }

  const script = `import deltalake, json, sys
t = deltalake.DeltaTable(sys.argv[1]).to_pyarrow_table().to_pylist()
print(json.dumps([{"start": int(r["window_start"].timestamp() * 1000), "events": r["events"], "amount": r["amount"], "users": r["users"]} for r in t]))
sys.stdout.flush()
import os; os._exit(0)  # skip delta-rs runtime teardown, which can abort under load`;
  const py = spawnSync(python, ["-c", script, join(dir, "windows")], { encoding: "utf8" });
  expect(py.status, py.stderr).toBe(0);
  const rows = JSON.parse(py.stdout) as { start: number; events: number; amount: number; users: number }[];
  expect(rows.map((r) => r.start).sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
  for (const r of rows) {
    const e = expected.get(r.start)!;
    expect(r.events).toBe(e.events);
    expect(r.amount).toBeCloseTo(e.amount, 6);
    expect(Math.abs(r.users - e.users.size) / e.users.size).toBeLessThan(0.05);
  }
}

/** Start `sluice demo` without --events; once it has reported a batch, wait `extraMs` and send `signal`. Resolves with the exit code and output. */
async function demoUntilSignal(dir: string, signal: NodeJS.Signals, extraMs: number): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", "--dir", dir], { cwd: root });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((res) => child.on("exit", res));
  await new Promise<void>((res) => {
    const t = setInterval(() => {
      if (/batch \d+/.test(out)) {
        clearInterval(t);
        setTimeout(res, extraMs);
      }
    }, 50);
  });
  child.kill(signal);
  return { code: await exited, out, err };
}

describe.skipIf(!hasDeltaRs)("sluice demo (checked with delta-rs; skipped when .oracle/venv has no deltalake)", () => {
  it("two runs of --events N equal the generator's deduplicated on-time aggregates for closed windows", () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-demo-test-"));
    const out1 = runDemo(dir);
    expect(out1).toContain("Stopped cleanly");
    expect(out1).toMatch(/malformed/);
    const out2 = runDemo(dir);
    expect(out2).toContain("Read the table");
    expect(eventsCommitted(join(dir, "checkpoints", "windows"))).toBe(2 * N);
    expectTableMatchesGenerator(dir, 2 * N);
  }, 300_000);

  it("SIGINT and SIGTERM at random moments each stop cleanly, and the resumed table equals the generator's aggregates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-demo-signals-"));
    let seed = 2024;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const signal of ["SIGTERM", "SIGINT", "SIGTERM", "SIGINT"] as const) {
      const r = await demoUntilSignal(dir, signal, Math.floor(random() * 1500));
      expect(r.code, `${signal}: ${r.err}`).toBe(0);
      expect(r.out).toContain("Stopped cleanly");
    }
    expect(runDemo(dir)).toContain("Stopped cleanly");
    expectTableMatchesGenerator(dir, eventsCommitted(join(dir, "checkpoints", "windows")));
  }, 300_000);
});

describe("sluice demo without --events", () => {
  it("runs until Ctrl-C, then stops cleanly and says how to read the table", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-demo-sigint-"));
    const { code, out } = await demoUntilSignal(dir, "SIGINT", 0);
    expect(code).toBe(0);
    expect(out).toContain("Stopped cleanly");
    expect(out).toMatch(/rows\/s  watermark .* state rows \d+  late rows \d+  malformed \d+/);
    expect(existsSync(join(dir, "windows", "_delta_log"))).toBe(true);
  }, 120_000);

  it("rejects a bad --events value", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", "--events", "0"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("option '--events <n>' argument '0' is invalid. it must be an integer of at least 1.");
  });
});
