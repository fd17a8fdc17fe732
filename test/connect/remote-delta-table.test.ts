/**
 * DeltaTable on a Spark Connect session: `DeltaTable.forPath(remoteSpark, path)` runs history,
 * version, update, delete, merge (with whenNotMatchedBySource), restore, detail, optimize and
 * vacuum on the server's Delta Lake (SQL on delta.`path`); the same merge, restore and compaction
 * on the embedded engine give the same tables.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeltaTable, Session, SluiceError, col } from "../../src/index.js";
import type { RemoteSession } from "../../src/connect/remote-session.js";
import { sharedConnectServer } from "./support/connect-server.js";

const local = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
let remote: RemoteSession;
let root: string;

beforeAll(async () => {
  remote = Session.builder().remote(await sharedConnectServer()).getOrCreate();
  root = mkdtempSync(join(tmpdir(), "sluice-connect-delta-"));
}, 240_000);
afterAll(async () => {
  await remote?.stop();
  await local.stop();
});

const USERS = "id INT, name STRING, score INT";
const users = [
  { id: 1, name: "ann", score: 10 },
  { id: 2, name: "bob", score: 20 },
  { id: 3, name: "cy", score: 30 },
];
const updates = [
  { id: 2, name: "bob", score: 25 },
  { id: 3, name: "cy", score: -1 },
  { id: 4, name: "dee", score: 40 },
];
const byId = (rows: Record<string, unknown>[]): Record<string, unknown>[] => [...rows].sort((a, b) => Number(a.id) - Number(b.id));

const exists = (file: string): boolean => existsSync(file.startsWith("file:") ? fileURLToPath(file) : file);

async function code(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (e instanceof SluiceError) return e.code;
    throw e;
  }
  throw new Error("expected a SluiceError");
}

describe("DeltaTable through Spark Connect", { timeout: 180_000 }, () => {
  it("merge gives the embedded engine's table and metrics", async () => {
    const results: { rows: Record<string, unknown>[]; metrics: unknown }[] = [];
    for (const spark of [local, remote] as const) {
      const path = join(root, spark === local ? "merge-embedded" : "merge-remote");
      await spark.createDataFrame(users, USERS).write.format("delta").save(path);
      const metrics = await DeltaTable.forPath(spark as Session, path)
        .alias("t")
        .merge(spark.createDataFrame(updates, USERS).alias("s"), "t.id = s.id")
        .whenMatchedDelete("s.score < 0")
        .whenMatchedUpdate({ score: "s.score + 100" })
        .whenNotMatchedInsertAll()
        .execute();
      results.push({ rows: byId(await spark.read.format("delta").load(path).collect()), metrics });
    }
    expect(results[1]!.rows).toEqual([
      { id: 1, name: "ann", score: 10 },
      { id: 2, name: "bob", score: 125 },
      { id: 4, name: "dee", score: 40 },
    ]);
    expect(results[1]).toEqual(results[0]);
  });

  it("history, version, update and delete run on the server", async () => {
    const path = join(root, "dml");
    await remote.createDataFrame(users, USERS).write.format("delta").save(path);
    const t = DeltaTable.forPath(remote, path);
    expect(await t.version()).toBe(0);
    expect(await t.update({ score: "score * 2" }, "id >= 2")).toBe(2);
    expect(await t.delete("name = 'ann'")).toBe(1);
    expect(byId(await t.toDF().collect())).toEqual([
      { id: 2, name: "bob", score: 40 },
      { id: 3, name: "cy", score: 60 },
    ]);
    expect(await t.version()).toBe(2);
    const history = await (await t.history()).select("version", "operation").collect();
    expect(history).toEqual([
      { version: 2n, operation: "DELETE" },
      { version: 1n, operation: "UPDATE" },
      { version: 0n, operation: "WRITE" },
    ]);
    expect((await (await t.history(1)).collect()).length).toBe(1);
  });

  it("vacuum lists and deletes the files no version needs", async () => {
    const path = join(root, "vacuum");
    await remote.createDataFrame(users, USERS).write.format("delta").save(path);
    await remote.createDataFrame(updates, USERS).write.format("delta").mode("overwrite").save(path);
    const t = DeltaTable.forPath(remote, path);
    // Delta's check is a plain requirement on the server (no error class): its message names the switch
    const tooShort = await t.vacuum(0).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(tooShort).toBeInstanceOf(SluiceError);
    expect((tooShort as Error).message).toContain("retentionDurationCheck.enabled");
    const listed = await t.vacuum(0, { retentionDurationCheck: false, dryRun: true });
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((f) => f.endsWith(".parquet"))).toBe(true);
    expect(listed.every(exists)).toBe(true); // a dry run deletes nothing
    expect(await t.vacuum(0, { retentionDurationCheck: false })).toEqual(listed);
    expect(listed.some(exists)).toBe(false);
    expect(byId(await t.toDF().collect())).toEqual(updates);
  });

  it("whenNotMatchedBySource, restore, detail and optimize give the embedded engine's tables", async () => {
    const results: unknown[] = [];
    for (const spark of [local, remote] as const) {
      const path = join(root, spark === local ? "more-embedded" : "more-remote");
      for (const u of users) await spark.createDataFrame([u], USERS).write.format("delta").mode("append").save(path); // versions 0..2, one file each
      const t = DeltaTable.forPath(spark as Session, path) as DeltaTable;
      const merged = await t
        .alias("t")
        .merge(spark.createDataFrame(updates, USERS).alias("s"), "t.id = s.id")
        .whenMatchedUpdateAll()
        .whenNotMatchedBySourceUpdate({ score: "t.score + 1" }, "t.id = 1")
        .whenNotMatchedBySourceDelete()
        .execute();
      const afterMerge = byId(await t.toDF().collect());
      const restored = (await (await t.restoreToVersion(1)).collect())[0]!;
      const afterRestore = byId(await t.toDF().collect());
      const compacted = (await (await t.optimize().executeCompaction()).collect())[0]!;
      const detail = (await (await t.detail()).collect())[0]!;
      const afterOptimize = byId(await t.toDF().collect());
      results.push({
        afterMerge,
        notMatchedBySource: [merged.numTargetRowsNotMatchedBySourceUpdated, merged.numTargetRowsNotMatchedBySourceDeleted],
        restoredFiles: Number(restored.num_restored_files),
        afterRestore,
        compactedFiles: [Number((compacted.metrics as Record<string, unknown>).numFilesRemoved), Number((compacted.metrics as Record<string, unknown>).numFilesAdded)],
        detail: [detail.format, Number(detail.numFiles)],
        afterOptimize,
      });
    }
    expect(results[1]).toEqual({
      afterMerge: [
        { id: 1, name: "ann", score: 11 },
        { id: 2, name: "bob", score: 25 },
        { id: 3, name: "cy", score: -1 },
      ],
      notMatchedBySource: [1, 0],
      restoredFiles: 2,
      afterRestore: users.slice(0, 2),
      compactedFiles: [2, 1],
      detail: ["delta", 1],
      afterOptimize: users.slice(0, 2),
    });
    expect(results[1]).toEqual(results[0]);
  });

  it("refuses what it cannot send, and a path without a table, by name", async () => {
    const path = join(root, "refusals");
    await remote.createDataFrame(users, USERS).write.format("delta").save(path);
    const t = DeltaTable.forPath(remote, path);
    expect(await code(() => t.delete(col("id").eq(1)))).toBe("CONNECT_UNSUPPORTED_EXPRESSION");
    expect(await code(() => t.merge(remote.createDataFrame(updates, USERS), col("id").eq(1)))).toBe("CONNECT_UNSUPPORTED_EXPRESSION");
    const merge = t.alias("t").merge(remote.createDataFrame(updates, USERS).alias("s"), "t.id = s.id");
    expect(await code(() => merge.execute())).toBe("DELTA_MERGE_MISSING_WHEN");
    expect(await code(() => merge.whenMatchedDelete().execute({ txnAppId: "app", txnVersion: 1 }))).toBe("CONNECT_UNSUPPORTED_PLAN");
    expect(await code(() => DeltaTable.forPath(remote, join(root, "no-such-table")))).toMatch(/^DELTA_/);
  });
});
