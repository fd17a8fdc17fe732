/**
 * Crash test with partition worker threads (issue 15): a local[2] query over 5 shuffle
 * partitions, file → file, deduplicating or aggregating by window (both run in the workers), is
 * killed with SIGKILL at random moments (mid-batch, with partitions in both workers) and
 * restarted until it finishes; its committed output must equal an unbroken run, every row
 * exactly once. SLUICE_PARALLEL_CRASH_TRIALS sets the trials per operator (default 2).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { compareRows } from "../../src/testing/stream-test.js";
import { runChild } from "../support/run-child.js";

const TRIALS = Number(process.env.SLUICE_PARALLEL_CRASH_TRIALS ?? 2);
const child = join(import.meta.dirname, "crash-child.ts");
const spark = Session.builder().config("spark.ui.enabled", "false").getOrCreate();
/** The output schema of each operator's query (crash-child.ts). */
const OPERATORS = { dedup: "id INT, v DOUBLE, ts TIMESTAMP", aggregate: "start TIMESTAMP, k INT, c BIGINT, s DOUBLE" } as const;

/** 8 files of 40 rows; ids repeat within and across files (about half the rows are duplicates). */
function writeInput(dir: string): void {
  mkdirSync(dir);
  for (let f = 0; f < 8; f++) {
    const rows = Array.from({ length: 40 }, (_, i) => {
      const id = (f * 40 + i) % 170;
      return JSON.stringify({ id, v: f + i / 4, ts: new Date(Date.UTC(2024, 0, 1) + (f * 40 + i) * 300).toISOString() });
    });
    writeFileSync(join(dir, `f${String(f).padStart(3, "0")}.json`), rows.join("\n") + "\n");
  }
}

describe("crash test with 2 partition worker threads", () => {
  for (const [operator, SCHEMA] of Object.entries(OPERATORS)) {
    it(`${operator}: SIGKILL at random moments: the output equals an unbroken run over ${TRIALS} trials`, { timeout: (TRIALS + 1) * 120_000 }, async () => {
      const ref = mkdtempSync(join(tmpdir(), "sluice-pcrash-ref-"));
      writeInput(join(ref, "in"));
      expect(await runChild(child, [operator, join(ref, "in"), join(ref, "out"), join(ref, "chk")], null)).toBe("done");
      const expected = await spark.read.schema(SCHEMA).json(join(ref, "out")).collect();
      expect(expected.length).toBeGreaterThan(operator === "dedup" ? 150 : 100);
      let seed = 99;
      const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let t = 0; t < TRIALS; t++) {
        const root = mkdtempSync(join(tmpdir(), "sluice-pcrash-"));
        writeInput(join(root, "in"));
        let kills = 0;
        for (;;) {
          // Killed between 0 and 1.5 s after the query started (batches run then); no more kills after 5.
          const r = await runChild(child, [operator, join(root, "in"), join(root, "out"), join(root, "chk")], kills < 5 ? Math.floor(random() * 1500) : null, "SIGKILL", "STARTED");
          if (r === "done") break;
          kills++;
        }
        const actual = await spark.read.schema(SCHEMA).json(join(root, "out")).collect();
        expect(compareRows(actual, expected), `trial ${t} after ${kills} kills`).toBeNull();
      }
    });
  }
});
