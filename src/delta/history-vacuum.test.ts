import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StructType } from "../types/struct-type.js";
import { history } from "./history.js";
import { errorOf, fakeAdd, tempTable } from "./test-helpers.js";
import { OptimisticTransaction } from "./transaction.js";
import { vacuum } from "./vacuum.js";

async function setup(): Promise<{ table: string; removed: string; live: string }> {
  const table = tempTable();
  mkdirSync(table, { recursive: true });
  const c = await OptimisticTransaction.start(table);
  c.createTable({ schema: StructType.fromDDL("id INT") });
  await c.commit({ operation: "CREATE TABLE" });
  const a = await OptimisticTransaction.start(table);
  const f1 = fakeAdd(table);
  const f2 = fakeAdd(table);
  a.add(f1).add(f2);
  await a.commit({ operation: "WRITE", operationParameters: { mode: "Append" } });
  const d = await OptimisticTransaction.start(table);
  d.remove({ path: f1.path, dataChange: true, deletionTimestamp: Date.now() - 10 * 24 * 3600 * 1000 });
  await d.commit({ operation: "DELETE" });
  return { table, removed: join(table, f1.path), live: join(table, f2.path) };
}

describe("history", () => {
  it("lists commits newest first with Spark's commitInfo fields", async () => {
    const { table } = await setup();
    const h = await history(table);
    expect(h.map((e) => [e.version, e.operation])).toEqual([
      [2, "DELETE"],
      [1, "WRITE"],
      [0, "CREATE TABLE"],
    ]);
    expect(h[1]).toMatchObject({ readVersion: 0, isBlindAppend: true, engineInfo: "Sluice/0.1.0", operationParameters: { mode: "Append" } });
    expect((await history(table, 1)).length).toBe(1);
    expect((await errorOf(() => history(tempTable()))).code).toBe("DELTA_TABLE_NOT_FOUND");
  });

  it("timestamps are the commit files' modification times made strictly increasing, as time travel reads them", async () => {
    const { table } = await setup();
    // a coarse file clock: all three commit files carry the same modification time, before their commitInfo.timestamp
    // (whole seconds: utimes takes seconds as a double, and a fraction like .349 can come back as .348999…)
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    for (const v of [0, 1, 2]) utimesSync(join(table, "_delta_log", `${String(v).padStart(20, "0")}.json`), at, at);
    const h = await history(table);
    const t0 = Math.floor(at.getTime());
    expect(h.map((e) => [e.version, e.timestamp.getTime()])).toEqual([
      [2, t0 + 2],
      [1, t0 + 1],
      [0, t0],
    ]);
  });
});

describe("vacuum", () => {
  it("refuses a retention under 168 hours unless the check is disabled", async () => {
    const { table } = await setup();
    const e = await errorOf(() => vacuum(table, { retentionHours: 1 }));
    expect(e.code).toBe("DELTA_VACUUM_RETENTION_TOO_SHORT");
    expect(e.message).toMatch(/retentionDurationCheck: false/);
    expect((await errorOf(() => vacuum(table, { retentionHours: -1 }))).code).toBe("DELTA_VACUUM_RETENTION_INVALID");
  });

  it("deletes unreferenced old files only, keeping live files, the log and hidden files", async () => {
    const { table, removed, live } = await setup();
    const orphan = join(table, "p=1", "orphan.parquet");
    mkdirSync(join(table, "p=1"));
    writeFileSync(orphan, "x");
    writeFileSync(join(table, "_hidden"), "x");
    const fresh = join(table, "fresh.parquet");
    writeFileSync(fresh, "x");
    const old = (Date.now() - 30 * 24 * 3600 * 1000) / 1000;
    for (const p of [removed, live, orphan, join(table, "_hidden")]) utimesSync(p, old, old);
    const dry = await vacuum(table, { dryRun: true });
    expect(dry.deleted).toEqual([orphan, removed].sort());
    expect(existsSync(orphan)).toBe(true);
    await vacuum(table);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(removed)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(join(table, "_hidden"))).toBe(true);
    expect((await vacuum(table, { retentionHours: 0, retentionDurationCheck: false })).deleted).toEqual([fresh]);
  });

  it("deletes change data files once they are older than the retention, as Delta's VACUUM", async () => {
    const { table } = await setup();
    mkdirSync(join(table, "_change_data"));
    const oldCdc = join(table, "_change_data", "cdc-00000-old.c000.snappy.parquet");
    const freshCdc = join(table, "_change_data", "cdc-00001-fresh.c000.snappy.parquet");
    writeFileSync(oldCdc, "x");
    writeFileSync(freshCdc, "x");
    const old = (Date.now() - 30 * 24 * 3600 * 1000) / 1000;
    utimesSync(oldCdc, old, old);
    expect((await vacuum(table, { dryRun: true })).deleted).toContain(oldCdc);
    await vacuum(table);
    expect(existsSync(oldCdc)).toBe(false);
    expect(existsSync(freshCdc)).toBe(true);
  });
});
