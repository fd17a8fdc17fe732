/** Two processes append to one Delta table at the same time; no commit and no file is lost. */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSnapshot, txnVersion } from "../../src/delta/snapshot.js";
import { history } from "../../src/delta/history.js";
import { OptimisticTransaction } from "../../src/delta/transaction.js";
import { tempTable } from "../../src/delta/test-helpers.js";
import { StructType } from "../../src/types/struct-type.js";

const N = Number(process.env.SLUICE_DELTA_CONCURRENT_COMMITS ?? 150);

function runWriter(table: string, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "concurrent-writer.ts"), table, id, String(N)], {
      stdio: ["ignore", "inherit", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`writer ${id} exited ${code}: ${err}`))));
  });
}

describe("concurrent Delta writers", () => {
  it(`two processes × ${N} blind appends lose nothing`, { timeout: 240_000 }, async () => {
    const table = tempTable();
    mkdirSync(table, { recursive: true });
    const tx = await OptimisticTransaction.start(table);
    tx.createTable({ schema: StructType.fromDDL("id INT") });
    await tx.commit({ operation: "CREATE TABLE" });
    await Promise.all([runWriter(table, "a"), runWriter(table, "b")]);
    const snap = await loadSnapshot(table);
    expect(snap.version).toBe(2 * N);
    const paths = new Set(snap.files.map((f) => f.path));
    expect(paths.size).toBe(2 * N);
    for (const w of ["a", "b"]) for (let i = 0; i < N; i++) expect(paths.has(`w${w}-${i}.parquet`)).toBe(true);
    const lastTxn = Math.floor((N - 1) / 7) * 7;
    expect(txnVersion(snap, "writer-a")).toBe(lastTxn);
    expect(txnVersion(snap, "writer-b")).toBe(lastTxn);
    expect((await history(table)).length).toBe(2 * N + 1);
  });
});
