/**
 * `sluice delta optimize PATH` and `sluice delta vacuum PATH`: the result on stdout, a progress
 * bar on stderr while files are compacted or deleted — plain lines when piped, a bar redrawn in
 * place on a pseudo-terminal — and the table's rows unchanged.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { runToEnd, sluice, sluiceOnTty } from "./cli-child.js";

const spark = Session.builder().config("spark.ui.enabled", false).getOrCreate();
afterAll(() => spark.stop());

/** A table of `files` one-row appends (so `files` small data files). */
async function table(files: number): Promise<string> {
  const p = join(mkdtempSync(join(tmpdir(), "sluice-delta-cli-")), "t");
  for (let i = 0; i < files; i++) await spark.createDataFrame([{ id: BigInt(i) }], "id BIGINT").write.format("delta").mode("append").save(p);
  return p;
}
const parquetFiles = (p: string): number => readdirSync(p).filter((f) => f.endsWith(".parquet")).length;
const ids = async (p: string): Promise<bigint[]> => (await spark.read.format("delta").load(p).collect()).map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : 1));

describe("sluice delta optimize / vacuum", { timeout: 120_000 }, () => {
  it("piped: compacts, then vacuums after a dry run, with plain progress lines on stderr", async () => {
    const p = await table(5);
    const opt = await runToEnd(sluice(["delta", "optimize", p]));
    expect(opt.code, opt.stderr).toBe(0);
    expect(opt.stdout).toMatch(/: 5 files \(\d+ bytes\) compacted into 1 \(\d+ bytes\) in 1 partition\(s\); 5 file\(s\) considered/);
    expect(opt.stderr).toMatch(/compacting files: 5\/5 \(100%\)/);
    expect(await ids(p)).toEqual([0n, 1n, 2n, 3n, 4n]);

    // the 5 replaced files are fresh: the retention check refuses 0 hours unless turned off
    const refused = await runToEnd(sluice(["delta", "vacuum", p, "--retain", "0"]));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/DELTA_VACUUM_RETENTION_TOO_SHORT|168 hours/);
    const dry = await runToEnd(sluice(["delta", "vacuum", p, "--retain", "0", "--no-retention-check", "--dry-run"]));
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/5 file\(s\) would be deleted \(dry run\)/);
    expect(parquetFiles(p)).toBe(6);
    const vac = await runToEnd(sluice(["delta", "vacuum", p, "--retain", "0", "--no-retention-check"]));
    expect(vac.code, vac.stderr).toBe(0);
    expect(vac.stdout).toMatch(/5 file\(s\) deleted/);
    expect(vac.stderr).toMatch(/deleting files: 5\/5 \(100%\)/);
    expect(parquetFiles(p)).toBe(1);
    expect(await ids(p)).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it("on a terminal: the bar is drawn in place; bad arguments are refused by name", async () => {
    const p = await table(4);
    const r = await runToEnd(sluiceOnTty(["delta", "optimize", p], 80));
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout.replace(/\x1b\[[0-9;]*m/g, "")).toMatch(/\r\x1b\[2Kcompacting files \[[█░]{24}\] +\d+% \d\/4/);
    const bad = await runToEnd(sluice(["delta", "vacuum", p, "--retain", "abc"]));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--retain.*non-negative integer/);
  });
});
