/**
 * Crash test (issue 4): a child process running file source → file sink is killed with SIGKILL
 * at random moments and restarted until it finishes; the committed output must equal an unbroken
 * run — every input row exactly once. SLUICE_CRASH_TRIALS raises the number of trials (default 30).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";

const TRIALS = Number(process.env.SLUICE_CRASH_TRIALS ?? 30);
const FILES = 12;
const ROWS_PER_FILE = 25;
const child = join(import.meta.dirname, "crash-child.ts");

function runChild(args: string[], killAfterMs: number | null): Promise<"done" | "killed"> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", child, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    const timer = killAfterMs === null ? null : setTimeout(() => p.kill("SIGKILL"), killAfterMs);
    p.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === "SIGKILL") resolve("killed");
      else if (code === 0 && out.includes("DONE")) resolve("done");
      else reject(new Error(`child exited with ${code}: ${err}`));
    });
  });
}

describe("crash test: SIGKILL at random moments", () => {
  it(`output equals an unbroken run over ${TRIALS} trials`, { timeout: TRIALS * 60_000 }, async () => {
    const spark = Session.builder().getOrCreate();
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < TRIALS; t++) {
      const root = mkdtempSync(join(tmpdir(), "sluice-crash-"));
      const [inDir, outDir, chk] = [join(root, "in"), join(root, "out"), join(root, "chk")];
      mkdirSync(inDir);
      for (let f = 0; f < FILES; f++) {
        const rows = Array.from({ length: ROWS_PER_FILE }, (_, i) => JSON.stringify({ id: f * ROWS_PER_FILE + i, v: i / 2 }));
        writeFileSync(join(inDir, `f${String(f).padStart(3, "0")}.json`), rows.join("\n") + "\n");
      }
      let kills = 0;
      for (;;) {
        // Kill somewhere between start-up and the end of the run; give up killing after 6 tries.
        const r = await runChild([inDir, outDir, chk], kills < 6 ? 300 + Math.floor(random() * 1500) : null);
        if (r === "done") break;
        kills++;
      }
      const rows = await spark.read.schema("id INT, v DOUBLE, w DOUBLE").json(outDir).collect();
      const ids = rows.map((r) => r.id as number).sort((a, b) => a - b);
      expect(ids, `trial ${t} after ${kills} kills`).toEqual(Array.from({ length: FILES * ROWS_PER_FILE }, (_, i) => i));
      expect(rows.every((r) => r.w === (r.v as number) * 2)).toBe(true);
    }
  });
});
