/**
 * Restart invariance under SIGKILL for the stateful operators of issue 14: a child process
 * running a left outer stream-stream join, or flatMapGroupsWithState sessions, over JSON file
 * streams into a JSON file sink is killed at random moments and restarted until it finishes; the
 * committed output must equal an unbroken run's. The default run makes one trial per operator
 * (about half a minute each); SLUICE_CRASH_TRIALS=n makes it a soak of n / 3 trials per operator.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { compareRows } from "../../src/testing/stream-test.js";
import { runChild } from "../support/run-child.js";

const TRIALS = Math.max(1, Math.round(Number(process.env.SLUICE_CRASH_TRIALS ?? 3) / 3));
const FILES = 8;
const child = join(import.meta.dirname, "crash-child.ts");
const spark = Session.builder().getOrCreate();
const schemas = { join: "lk INT, lt TIMESTAMP, li INT, rk INT, rt TIMESTAMP, ri INT", groups: "lk INT, start TIMESTAMP, last TIMESTAMP, n INT" };

function writeInput(root: string): void {
  for (const name of ["left", "right"]) mkdirSync(join(root, name), { recursive: true });
  const at = (ms: number) => new Date(Date.UTC(2024, 0, 1) + ms).toISOString();
  for (let f = 0; f < FILES; f++) {
    const ids = Array.from({ length: 12 }, (_, i) => f * 12 + i);
    writeFileSync(join(root, "left", `f${f}.json`), ids.map((id) => JSON.stringify({ lk: id % 5, lt: at(id * 600), li: id })).join("\n") + "\n");
    // Every third left row gets a right match 1 s later; others stay unmatched (null rows).
    writeFileSync(join(root, "right", `f${f}.json`), ids.filter((id) => id % 3 === 0).map((id) => JSON.stringify({ rk: id % 5, rt: at(id * 600 + 1000), ri: id })).join("\n") + "\n");
  }
}

async function trials(mode: keyof typeof schemas, seed: number): Promise<void> {
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const ref = mkdtempSync(join(tmpdir(), "sluice-join-crash-ref-"));
  writeInput(join(ref, "in"));
  await runChild(child, [mode, join(ref, "in"), join(ref, "out"), join(ref, "chk")], null);
  const expected = await spark.read.schema(schemas[mode]).json(join(ref, "out")).collect();
  expect(expected.length).toBeGreaterThan(10);
  for (let t = 0; t < TRIALS; t++) {
    const root = mkdtempSync(join(tmpdir(), "sluice-join-crash-"));
    writeInput(join(root, "in"));
    let kills = 0;
    for (;;) {
      const r = await runChild(child, [mode, join(root, "in"), join(root, "out"), join(root, "chk")], kills < 4 ? 400 + Math.floor(random() * 1500) : null);
      if (r === "done") break;
      kills++;
    }
    const actual = await spark.read.schema(schemas[mode]).json(join(root, "out")).collect();
    expect(compareRows(actual, expected), `${mode} trial ${t} after ${kills} kills`).toBeNull();
  }
}

describe("SIGKILL at random moments, then restart", () => {
  it(`a left outer stream-stream join equals an unbroken run (${TRIALS} trial(s))`, { timeout: TRIALS * 120_000 }, () => trials("join", 99));
  it(`flatMapGroupsWithState sessions equal an unbroken run (${TRIALS} trial(s))`, { timeout: TRIALS * 120_000 }, () => trials("groups", 7));
});
