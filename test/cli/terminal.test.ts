/**
 * The command line on a pseudo-terminal and on pipes: the status line redrawn in place and cut to
 * the terminal's width, colour and NO_COLOR, plain lines when piped, argument checks, and
 * `checkpoint inspect` (summary, --limit, health verdict, not a checkpoint).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, runToEnd, sluice, sluiceOnTty } from "./cli-child.js";

const work = mkdtempSync(join(tmpdir(), "sluice-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A pipeline of `batches` one-file batches that ends by itself (availableNow). */
function pipeline(name: string, batches: number): { file: string; dir: string } {
  const dir = join(work, name);
  mkdirSync(join(dir, "in"), { recursive: true });
  for (let i = 0; i < batches; i++) writeFileSync(join(dir, "in", `f${i}.json`), `{"n":${i}}\n`);
  const file = join(dir, "p.sql");
  writeFileSync(
    file,
    `SET spark.sql.streaming.checkpointLocation = ${join(dir, "chk")};
INSERT INTO parquet.\`${join(dir, "a_query_with_a_rather_long_name_to_overflow")}\` WITH ('trigger' = 'availableNow')
SELECT n FROM STREAM read_files('${join(dir, "in")}', format => 'json', schema => 'n BIGINT', maxFilesPerTrigger => 1);`,
  );
  return { file, dir };
}

const ESC = "\x1b";
/** What a terminal shows on the last line after each redraw: the text after every `\r ESC[2K`. */
const redraws = (tty: string): string[] => tty.split(`\r${ESC}[2K`).slice(1).map((s) => s.split(/\r?\n/)[0]!);
const visible = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, "");

describe("sluice run on a terminal", () => {
  it("redraws one status line in place, never wider than the terminal, in colour", async () => {
    const { file } = pipeline("tty", 3);
    const r = await runToEnd(sluiceOnTty(["run", file, "--conf", "spark.ui.enabled=false"], 60));
    expect(r.code, r.stdout).toBe(0);
    const lines = redraws(r.stdout).filter((l) => l.includes("a_query_with"));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(visible(l).length).toBeLessThanOrEqual(59);
    expect(lines.some((l) => visible(l).endsWith("…"))).toBe(true); // cut to fit, not wrapped
    expect(r.stdout).toContain(`${ESC}[1ma_query_with`); // bold query name
    expect(r.stdout).toContain("Every query ended.");
    expect(r.stdout).toMatch(/a_query_with_a_rather_long_name_to_overflow: 3 batches, 3 input rows this run/);
  });

  it("NO_COLOR keeps the in-place status line but drops colour", async () => {
    const { file } = pipeline("nocolor", 1);
    const r = await runToEnd(sluiceOnTty(["run", file, "--conf", "spark.ui.enabled=false"], 200, { NO_COLOR: "1" }));
    expect(r.code, r.stdout).toBe(0);
    expect(redraws(r.stdout).length).toBeGreaterThan(0);
    expect(r.stdout).not.toMatch(/\x1b\[\d+m/);
  });

  it("prints plain lines, without escape codes, when stdout is a pipe", async () => {
    const { file } = pipeline("piped", 2);
    const r = await runToEnd(sluice(["run", file, "--conf", "spark.ui.enabled=false", "--interval", "0.01"]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    // an availableNow run from files: the line ends with the files read of the run's target
    expect(r.stdout).toMatch(/^\S+Z query=a_query_with_a_rather_long_name_to_overflow batch=\d inputRows=1 .*outputRows=1 availableNow=[12]\/2 files \((50|100)%\)$/m);
  });
});

describe("argument checks", () => {
  const cases: [string[], string][] = [
    [["checkpoint", "inspect", "x", "--limit", "abc"], "option '--limit <n>' argument 'abc' is invalid. it must be a non-negative integer."],
    [["delta", "history", "x", "--limit", "0"], "option '--limit <n>' argument '0' is invalid. it must be an integer of at least 1."],
    [["ui", "x", "--port", "65536"], "option '--port <n>' argument '65536' is invalid. it must be a port number from 0 to 65535."],
    [["demo", "--events", "-3"], "option '--events <n>' argument '-3' is invalid."],
    [["run", "p.sql", "--progress", "fancy"], "it must be one of auto, tty, plain, json."],
    [["run", "p.sql", "--interval", "0"], "it must be a number of seconds greater than 0."],
    [["run", "p.sql", "--conf", "novalue"], "it must be key=value"],
    [["run"], "missing required argument 'pipeline'"],
  ];
  it.each(cases)("sluice %j is a usage error", async (args, message) => {
    const r = await runToEnd(sluice(args));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it("--help loads no engine module (main.ts imports only commander, errors and args statically)", async () => {
    const src = readFileSync(join(root, "src/cli/main.ts"), "utf8");
    expect([...src.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1])).toEqual(["commander", "../common/errors.js", "./args.js"]);
    const r = await runToEnd(sluice(["run", "--help"]));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: sluice run [options] <pipeline>");
  });
});

describe("sluice checkpoint inspect", () => {
  it("summarises a checkpoint with the newest --limit batches and a health verdict", async () => {
    const { file, dir } = pipeline("inspect", 4);
    expect((await runToEnd(sluice(["run", file, "--conf", "spark.ui.enabled=false"]))).code).toBe(0);
    const chk = join(dir, "chk", "a_query_with_a_rather_long_name_to_overflow");
    const r = await runToEnd(sluice(["checkpoint", "inspect", chk, "--limit", "2"]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("(2 earlier batches not shown; --limit N shows more)");
    expect(r.stdout).toMatch(/^2 +yes/m);
    expect(r.stdout).not.toMatch(/^1 +yes/m);
    expect(r.stdout).toMatch(/summary: batches 0\.\.3, last committed 3; 0 state store\(s\); [\d.]+ KiB on disk/);
    expect(r.stdout).toContain("health: OK — a restart resumes cleanly at batch 4");
    const json = JSON.parse((await runToEnd(sluice(["checkpoint", "inspect", chk, "--json", "--limit", "1"]))).stdout);
    expect([json.batches.length, json.totalBatches, json.health.problems]).toEqual([1, 4, []]);

    rmSync(join(chk, "commits", "3"));
    writeFileSync(join(chk, "offsets", ".4.0e5c7a51-8f7e-4a34-b0d2-5a8d7b0c1f22.tmp"), "v1");
    const bad = await runToEnd(sluice(["checkpoint", "inspect", chk]));
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain("health: 2 problem(s)\n  - batch 3 is not committed: it re-runs on restart\n  - 1 temp file(s) of interrupted writes");
  });

  it("says a folder is not a checkpoint and exits 1", async () => {
    mkdirSync(join(work, "plain-folder"), { recursive: true });
    const r = await runToEnd(sluice(["checkpoint", "inspect", join(work, "plain-folder")]));
    expect([r.code, r.stderr]).toEqual([1, `sluice: [NOT_A_CHECKPOINT] ${join(work, "plain-folder")} is not a streaming checkpoint: it has neither a metadata file nor an offsets/ folder\n`]);
    const missing = await runToEnd(sluice(["checkpoint", "inspect", join(work, "missing")]));
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining("[PATH_NOT_FOUND]")]);
  });
});
