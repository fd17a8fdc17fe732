/**
 * Signal test (issue 10): a child process running a stateless, windowed or dedup pipeline into a
 * JSON file sink, a Delta table or foreachBatch gets SIGINT or SIGTERM at random moments — handled
 * by `query.stop()` as a cleanly shutting-down application does, or left to Node's default action,
 * which ends the process at once — and is restarted until it finishes. The sink must then hold
 * exactly what an unbroken run wrote. SLUICE_CRASH_TRIALS / 10 trials per case (at least 1); the
 * default run covers each pipeline and each sink once, SLUICE_CRASH_TRIALS ≥ 20 every pairing below.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { compareRows } from "../../src/testing/stream-test.js";
import { runChild } from "../support/run-child.js";
import { type SinkKind, sinkRows as readSink } from "../support/sink-rows.js";

const TRIALS = Math.max(1, Math.round(Number(process.env.SLUICE_CRASH_TRIALS ?? 10) / 10));
const child = join(import.meta.dirname, "signal-child.ts");
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const SCHEMA: Record<string, string> = {
  stateless: "id INT, key INT, v DOUBLE, ts TIMESTAMP, w DOUBLE",
  windowed: "start TIMESTAMP, n BIGINT, total DOUBLE",
  dedup: "key INT, v DOUBLE",
};

function writeInput(inDir: string): void {
  mkdirSync(inDir);
  for (let f = 0; f < 20; f++) {
    const rows = Array.from({ length: 500 }, (_, i) => {
      const id = f * 500 + i;
      return JSON.stringify({ id, key: id % 5 === 0 && id > 0 ? id - 5 : id, v: i / 2, ts: new Date(Date.UTC(2024, 0, 1) + id * 90).toISOString() });
    });
    writeFileSync(join(inDir, `f${String(f).padStart(3, "0")}.json`), rows.join("\n") + "\n");
  }
}

const sinkRows = (pipeline: string, sink: string, out: string) => readSink(spark, sink as SinkKind, out, SCHEMA[pipeline]);

const SIGNALS = [
  ["SIGINT", "handle"],
  ["SIGTERM", "handle"],
  ["SIGINT", "default"],
  ["SIGTERM", "default"],
] as const;

async function trials(pipeline: string, sink: string, seed: number): Promise<void> {
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const ref = mkdtempSync(join(tmpdir(), "sluice-signal-ref-"));
  writeInput(join(ref, "in"));
  expect(await runChild(child, [pipeline, sink, join(ref, "in"), join(ref, "out"), join(ref, "chk"), "handle"], null)).toBe("done");
  const expected = await sinkRows(pipeline, sink, join(ref, "out"));
  expect(expected.length).toBeGreaterThan(0);
  for (let t = 0; t < TRIALS; t++) {
    const root = mkdtempSync(join(tmpdir(), "sluice-signal-"));
    writeInput(join(root, "in"));
    const seen: string[] = [];
    for (let n = 0; ; n++) {
      const [signal, handling] = SIGNALS[(n + t) % SIGNALS.length]!;
      const killAt = n < 4 ? Math.floor(random() * 900) : null;
      const r = await runChild(child, [pipeline, sink, join(root, "in"), join(root, "out"), join(root, "chk"), handling], killAt, signal, "STARTED");
      seen.push(`${signal}/${handling}:${r}`);
      if (process.env.SLUICE_SIGNAL_LOG) console.log(pipeline, sink, seen[seen.length - 1], killAt);
      if (r === "done") break;
    }
    const actual = await sinkRows(pipeline, sink, join(root, "out"));
    expect(compareRows(actual, expected), `${pipeline} → ${sink}, trial ${t}: ${seen.join(", ")}`).toBeNull();
  }
}

describe("SIGINT and SIGTERM at random moments: a restart equals an unbroken run", () => {
  const cases = [
    ["stateless", "json"],
    ["windowed", "delta"],
    ["dedup", "foreachBatch"],
    ["stateless", "delta"],
    ["windowed", "foreachBatch"],
    ["dedup", "json"],
  ] as const;
  cases.slice(0, TRIALS >= 2 ? cases.length : 3).forEach(([pipeline, sink], i) => {
    it(`${pipeline} → ${sink}`, { timeout: TRIALS * 120_000 }, () => trials(pipeline, sink, 31 + i));
  });
});
