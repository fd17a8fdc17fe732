/**
 * Delta crash test: file source → windowed aggregation → Delta sink, killed with SIGKILL at random
 * moments and restarted until it finishes. The table must equal an unbroken run's, and the log
 * must hold at most one commit per batch (the txn action makes a re-run batch a no-op).
 * SLUICE_CRASH_TRIALS / 3 trials (at least 3).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChild as runChildProcess } from "../support/run-child.js";
import { afterAll, describe, expect, it } from "vitest";
import { DeltaTable, Session } from "../../src/index.js";
import { compareRows } from "../../src/testing/stream-test.js";

const TRIALS = Math.max(3, Math.round(Number(process.env.SLUICE_CRASH_TRIALS ?? 9) / 3));
const child = join(import.meta.dirname, "crash-child.ts");
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());

const runChild = (args: string[], killAfterMs: number | null) => runChildProcess(child, args, killAfterMs);

function writeInput(inDir: string): void {
  mkdirSync(inDir);
  for (let f = 0; f < 12; f++) {
    const rows = Array.from({ length: 25 }, (_, i) => {
      const id = f * 25 + i;
      return JSON.stringify({ id, v: i / 2, ts: new Date(Date.UTC(2024, 0, 1) + id * 700).toISOString() });
    });
    writeFileSync(join(inDir, `f${String(f).padStart(3, "0")}.json`), rows.join("\n") + "\n");
  }
}

describe("Delta sink crash test: SIGKILL at random moments", () => {
  it(`the table equals an unbroken run over ${TRIALS} trials`, { timeout: TRIALS * 90_000 }, async () => {
    let seed = 4242;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const ref = mkdtempSync(join(tmpdir(), "sluice-delta-crash-ref-"));
    writeInput(join(ref, "in"));
    await runChild([join(ref, "in"), join(ref, "t"), join(ref, "chk")], null);
    const expected = await spark.read.format("delta").load(join(ref, "t")).collect();
    expect(expected.length).toBeGreaterThan(0);
    let totalKills = 0;
    for (let t = 0; t < TRIALS; t++) {
      const root = mkdtempSync(join(tmpdir(), "sluice-delta-crash-"));
      writeInput(join(root, "in"));
      let kills = 0;
      for (;;) {
        const r = await runChild([join(root, "in"), join(root, "t"), join(root, "chk")], kills < 6 ? 250 + Math.floor(random() * 700) : null);
        if (r === "done") break;
        kills++;
      }
      totalKills += kills;
      const actual = await spark.read.format("delta").load(join(root, "t")).collect();
      expect(compareRows(actual, expected), `trial ${t} after ${kills} kills`).toBeNull();
      const epochs = (await (await DeltaTable.forPath(spark, join(root, "t")).history()).collect()).map((h) => (h.operationParameters as Map<string, string>).get("epochId"));
      expect(new Set(epochs).size, `one commit per batch (trial ${t})`).toBe(epochs.length);
    }
    expect(totalKills, "the child was killed mid-run at least once").toBeGreaterThan(0);
  });
});
