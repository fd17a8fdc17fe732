/**
 * Crash test (issues 4 and 5): a child process running file source → file sink, stateless,
 * through a windowed aggregation with a watermark, or through chained stateful operators, is killed with SIGKILL at random moments and
 * restarted until it finishes; the committed output must equal an unbroken run — every row exactly
 * once. SLUICE_CRASH_TRIALS sets the number of stateless trials (default 20, which keeps the suite in its 40-minute budget; soak with more); a third as many
 * windowed (their files decoded in worker threads) and a sixth as many chained-operator trials
 * run alongside.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChild as runChildProcess } from "../support/run-child.js";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { compareRows } from "../../src/testing/stream-test.js";

const TRIALS = Number(process.env.SLUICE_CRASH_TRIALS ?? 20);
const FILES = 12;
const ROWS_PER_FILE = 25;
const child = join(import.meta.dirname, "crash-child.ts");

const runChild = (args: string[], killAfterMs: number | null) => runChildProcess(child, args, killAfterMs);

function writeInput(inDir: string): void {
  mkdirSync(inDir);
  for (let f = 0; f < FILES; f++) {
    const rows = Array.from({ length: ROWS_PER_FILE }, (_, i) => {
      const id = f * ROWS_PER_FILE + i;
      return JSON.stringify({ id, v: i / 2, ts: new Date(Date.UTC(2024, 0, 1) + id * 700).toISOString() });
    });
    writeFileSync(join(inDir, `f${String(f).padStart(3, "0")}.json`), rows.join("\n") + "\n");
  }
}

const spark = Session.builder().getOrCreate();
const outputSchema = { stateless: "id INT, v DOUBLE, ts TIMESTAMP, w DOUBLE", windowed: "start TIMESTAMP, n BIGINT, total DOUBLE", chained: "start TIMESTAMP, n BIGINT, total DOUBLE" };

async function trials(mode: keyof typeof outputSchema, n: number, seed: number): Promise<void> {
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  // The unbroken run every crashed run must equal.
  const ref = mkdtempSync(join(tmpdir(), "sluice-crash-ref-"));
  writeInput(join(ref, "in"));
  await runChild([mode, join(ref, "in"), join(ref, "out"), join(ref, "chk")], null);
  const expected = await spark.read.schema(outputSchema[mode]).json(join(ref, "out")).collect();
  expect(expected.length).toBeGreaterThan(0);
  for (let t = 0; t < n; t++) {
    const root = mkdtempSync(join(tmpdir(), "sluice-crash-"));
    writeInput(join(root, "in"));
    let kills = 0;
    for (;;) {
      // Kill somewhere between start-up and the end of the run; give up killing after 6 tries.
      const r = await runChild([mode, join(root, "in"), join(root, "out"), join(root, "chk")], kills < 6 ? 300 + Math.floor(random() * 1500) : null);
      if (r === "done") break;
      kills++;
    }
    const actual = await spark.read.schema(outputSchema[mode]).json(join(root, "out")).collect();
    expect(compareRows(actual, expected), `${mode} trial ${t} after ${kills} kills`).toBeNull();
  }
}

describe("crash test: SIGKILL at random moments", () => {
  it(`stateless file → file equals an unbroken run over ${TRIALS} trials`, { timeout: TRIALS * 60_000 }, () => trials("stateless", TRIALS, 12345));
  const windowed = Math.max(1, Math.round(TRIALS / 3));
  it(`windowed aggregation file → file equals an unbroken run over ${windowed} trials`, { timeout: windowed * 60_000 }, () => trials("windowed", windowed, 777));
  const chained = Math.max(1, Math.round(TRIALS / 6));
  it(`chained stateful operators file → file equals an unbroken run over ${chained} trials`, { timeout: chained * 60_000 }, () => trials("chained", chained, 4242));
});
