/**
 * Progress bars of long CLI work: `checkpoint inspect` of a checkpoint whose offsets log is longer
 * than LARGE_LOG batches draws a bar on stderr — redrawn in place on a pseudo-terminal, cut to its
 * width, coloured unless NO_COLOR — and prints plain progress lines when stderr is a pipe, while
 * stdout keeps the report alone. A small checkpoint shows no bar.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LARGE_LOG } from "../../src/cli/inspect-command.js";
import { Session } from "../../src/index.js";
import { runToEnd, sluice, sluiceOnTty } from "./cli-child.js";

const work = mkdtempSync(join(tmpdir(), "sluice-progress-"));
const large = join(work, "large");
const small = join(work, "small");
const BATCHES = LARGE_LOG + 20;

/** A real query's checkpoint with `batches` committed batches. */
async function checkpointOf(dir: string, batches: number): Promise<void> {
  const spark = Session.builder().config("spark.ui.enabled", false).config("spark.sql.streaming.minBatchesToRetain", batches).getOrCreate();
  const input = spark.memoryStream("n BIGINT");
  const q = await input.toDF().writeStream.format("memory").queryName(`q${batches}`).option("checkpointLocation", dir).start();
  for (let i = 0; i < batches; i++) {
    input.addData([{ n: BigInt(i) }]);
    await q.processAllAvailable();
  }
  await q.stop();
  await spark.stop();
}

beforeAll(async () => {
  await checkpointOf(large, BATCHES);
  await checkpointOf(small, 3);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ESC = "\x1b";
/** The text of each in-place redraw (what follows `\r ESC[2K`) that is the bar. */
const bars = (tty: string): string[] => tty.split(`\r${ESC}[2K`).slice(1).map((s) => s.split(/\r?\n/)[0]!).filter((s) => s.includes("reading the offsets log"));
const visible = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, "");

describe("checkpoint inspect of a large checkpoint", () => {
  it("draws a bar in place on a terminal, within its width, in colour, then the report", async () => {
    const r = await runToEnd(sluiceOnTty(["checkpoint", "inspect", large, "--limit", "2"], 70));
    expect(r.code, r.stdout).toBe(0);
    const drawn = bars(r.stdout);
    expect(drawn.length).toBeGreaterThan(0);
    for (const b of drawn) expect(visible(b).length).toBeLessThanOrEqual(69);
    expect(visible(drawn[0]!)).toMatch(new RegExp(`^reading the offsets log \\[[█░]+\\] +\\d+% \\d+/${BATCHES} \\d+:\\d\\d$`));
    expect(drawn[0]).toMatch(/\x1b\[(32m█|2m░)/); // filled part green, the rest dim
    // the bar's line is cleared and the report takes it
    expect(r.stdout).toMatch(new RegExp(`\\r${ESC}\\[2Kquery id: `));
    expect(r.stdout).toContain(`(${BATCHES - 2} earlier batches not shown; --limit N shows more)`);
  });

  it("NO_COLOR keeps the bar in place without colour", async () => {
    const r = await runToEnd(sluiceOnTty(["checkpoint", "inspect", large], 70, { NO_COLOR: "1" }));
    expect(r.code, r.stdout).toBe(0);
    expect(bars(r.stdout).length).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(/\x1b\[\d+m/);
  });

  it("prints plain progress lines on stderr when piped, and stdout holds the report only", async () => {
    const r = await runToEnd(sluice(["checkpoint", "inspect", large]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain(ESC);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("reading the offsets log"));
    expect(lines[0]).toMatch(new RegExp(`^reading the offsets log: \\d+/${BATCHES} \\(\\d+%\\)$`));
    expect(lines.at(-1)).toBe(`reading the offsets log: ${BATCHES}/${BATCHES} (100%)`);
    expect(r.stdout).not.toContain("reading the offsets log");
    expect(r.stdout).toContain("health: OK");
  });

  it("shows no bar for a checkpoint of a few batches", async () => {
    const tty = await runToEnd(sluiceOnTty(["checkpoint", "inspect", small], 70));
    expect(tty.code, tty.stdout).toBe(0);
    expect(tty.stdout).not.toContain("reading the offsets log");
    const piped = await runToEnd(sluice(["checkpoint", "inspect", small]));
    expect(piped.stderr).toBe("");
  });
});
