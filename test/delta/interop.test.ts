/**
 * Interop with delta-rs (Python `deltalake`): a table written by Sluice's transaction code (data
 * files via parquet-wasm, checkpoint at version 10) is read by delta-rs with the same version,
 * files, stats, txn and history; a table written by delta-rs is read by Sluice.
 * Needs `.oracle/venv/bin/python` with deltalake + pyarrow (scripts/oracle/setup.sh); skipped
 * with a message otherwise.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { randomUUID } from "node:crypto";
import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { batchFromRows } from "../../src/columnar/column-batch.js";
import type { AddFile } from "../../src/delta/actions.js";
import { arrowToParquet } from "../../src/delta/parquet-io.js";
import { formatPartitionValue } from "../../src/delta/partition-values.js";
import { loadSnapshot } from "../../src/delta/snapshot.js";
import { computeStats, statsToJson } from "../../src/delta/stats.js";
import { tempTable } from "../../src/delta/test-helpers.js";
import { OptimisticTransaction } from "../../src/delta/transaction.js";
import { StructType } from "../../src/types/struct-type.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PY = join(ROOT, ".oracle/venv/bin/python");
const SCRIPT = join(ROOT, "scripts/oracle/delta_verify.py");
const hasPython = existsSync(PY);
if (!hasPython) console.warn(`SKIP Delta interop tests: ${PY} is missing (run scripts/oracle/setup.sh; needs pip deltalake pyarrow)`);

const py = (...args: string[]): Record<string, unknown> => JSON.parse(execFileSync(PY, [SCRIPT, ...args], { encoding: "utf8" }));

const dataSchema = StructType.fromDDL("id BIGINT, name STRING");
const tableSchema = StructType.fromDDL("id BIGINT, name STRING, p STRING");

/** Write one Parquet data file (data columns only) and return its add action with stats. */
function writeDataFile(table: string, p: string, rows: { id: number; name: string | null }[]): AddFile {
  const rel = `p=${p}/part-${randomUUID()}.snappy.parquet`;
  mkdirSync(join(table, `p=${p}`), { recursive: true });
  const arrow = tableFromArrays({ id: BigInt64Array.from(rows.map((r) => BigInt(r.id))), name: rows.map((r) => r.name) });
  writeFileSync(join(table, rel), arrowToParquet(arrow));
  const st = statSync(join(table, rel));
  return {
    path: rel,
    partitionValues: { p: formatPartitionValue(p, { kind: "string" }, "p") },
    size: st.size,
    modificationTime: Math.floor(st.mtimeMs),
    dataChange: true,
    stats: statsToJson(computeStats(batchFromRows(dataSchema, rows))),
  };
}

describe.skipIf(!hasPython)("Delta interop with delta-rs", () => {
  it("delta-rs reads a Sluice-written table: version, files, stats, txn, rows, history", { timeout: 120_000 }, async () => {
    const table = tempTable();
    mkdirSync(table, { recursive: true });
    const create = await OptimisticTransaction.start(table);
    create.createTable({ schema: tableSchema, partitionColumns: ["p"] });
    await create.commit({ operation: "CREATE TABLE" });
    const expected: { id: number; name: string | null; p: string }[] = [];
    for (let v = 1; v <= 12; v++) {
      const tx = await OptimisticTransaction.start(table);
      const p = v % 2 ? "odd" : "even";
      const rows = [0, 1, 2].map((k) => ({ id: v * 10 + k, name: k === 1 ? null : `n${v}-${k}` }));
      expected.push(...rows.map((r) => ({ ...r, p })));
      tx.add(writeDataFile(table, p, rows)).setTxn("query-1", v);
      await tx.commit({ operation: "STREAMING UPDATE", operationParameters: { outputMode: "Append", queryId: "query-1", epochId: String(v) } });
    }
    // remove one file (not a blind append) at version 13
    const snap12 = await loadSnapshot(table);
    const victim = snap12.files.find((f) => f.parsedStats?.minValues?.id === 10)!;
    const del = await OptimisticTransaction.start(table);
    del.remove({ path: victim.path, dataChange: true, partitionValues: victim.partitionValues, size: victim.size, extendedFileMetadata: true });
    await del.commit({ operation: "DELETE", operationParameters: { predicate: '["id < 13"]' } });
    const live = expected.filter((r) => r.id >= 13);

    expect(existsSync(join(table, "_delta_log", "00000000000000000010.checkpoint.parquet"))).toBe(true);
    const ours = await loadSnapshot(table);
    const theirs = py(table, "query-1") as {
      version: number;
      protocol: number[];
      partitionColumns: string[];
      files: string[];
      stats: { numRecords: number; minId: number; maxId: number; nullName: number }[];
      history: { version: number; operation: string; engineInfo: string }[];
      txnVersion: number;
      rows: Record<string, unknown>[];
    };
    expect(theirs.version).toBe(ours.version);
    expect(theirs.version).toBe(13);
    expect(theirs.protocol).toEqual([1, 2]);
    expect(theirs.partitionColumns).toEqual(["p"]);
    expect(theirs.files).toEqual(ours.files.map((f) => f.path).sort());
    expect(theirs.stats.every((s) => s.numRecords === 3 && s.nullName === 1 && s.maxId - s.minId === 2)).toBe(true);
    expect(theirs.txnVersion).toBe(12);
    expect(theirs.history.map((h) => h.version)).toEqual(Array.from({ length: 14 }, (_, i) => 13 - i));
    expect(theirs.history[0]).toMatchObject({ operation: "DELETE", engineInfo: "Sluice/0.1.0" });
    expect(theirs.rows).toEqual(live.sort((a, b) => a.id - b.id));

    // With commits 0..9 cleaned up, both must rebuild the state from Sluice's checkpoint.
    for (let v = 0; v < 10; v++) rmSync(join(table, "_delta_log", `${String(v).padStart(20, "0")}.json`));
    const fromCheckpoint = py(table, "query-1") as typeof theirs;
    expect(fromCheckpoint.version).toBe(13);
    expect(fromCheckpoint.files).toEqual(theirs.files);
    expect(fromCheckpoint.txnVersion).toBe(12);
    expect(fromCheckpoint.rows).toEqual(theirs.rows);
    expect((await loadSnapshot(table)).files.map((f) => f.path).sort()).toEqual(theirs.files);
  });

  it("Sluice reads a table written by delta-rs", { timeout: 120_000 }, async () => {
    const table = tempTable();
    expect(py("--write", table)).toEqual({ version: 2 });
    const snap = await loadSnapshot(table);
    expect(snap.version).toBe(2);
    expect(snap.partitionColumns).toEqual(["p"]);
    expect(snap.files.length).toBe(3);
    expect(snap.files.map((f) => f.partitionData.p).sort()).toEqual(["x", "y", "y"]);
    expect(snap.files.reduce((s, f) => s + (f.parsedStats?.numRecords ?? 0), 0)).toBe(15);
    expect(snap.files.every((f) => existsSync(f.absolutePath))).toBe(true);
    // and Sluice can append to it
    const tx = await OptimisticTransaction.start(table);
    tx.add(writeDataFile(table, "z", [{ id: 99, name: null }]));
    expect(await tx.commit({ operation: "WRITE" })).toBe(3);
    expect((await loadSnapshot(table)).files.length).toBe(4);
  });
});
