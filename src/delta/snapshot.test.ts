import { mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StructType } from "../types/struct-type.js";
import { writeCheckpoint } from "./checkpoint.js";
import { loadSnapshot } from "./snapshot.js";
import { errorOf, fakeAdd, tempTable } from "./test-helpers.js";
import { OptimisticTransaction } from "./transaction.js";

const commitPath = (table: string, v: number) => join(table, "_delta_log", `${String(v).padStart(20, "0")}.json`);

/** A table with versions 0..n (n appends), no automatic checkpoints. */
async function tableWith(n: number): Promise<string> {
  const table = tempTable();
  mkdirSync(table, { recursive: true });
  const tx = await OptimisticTransaction.start(table);
  tx.createTable({ schema: StructType.fromDDL("id INT") });
  await tx.commit({ operation: "CREATE TABLE", checkpoint: false });
  for (let i = 0; i < n; i++) {
    const t = await OptimisticTransaction.start(table);
    t.add(fakeAdd(table));
    await t.commit({ operation: "WRITE", checkpoint: false });
  }
  return table;
}

describe("loadSnapshot", () => {
  it("reports DELTA_TABLE_NOT_FOUND naming the path", async () => {
    const table = tempTable();
    let e = await errorOf(() => loadSnapshot(table));
    expect(e.code).toBe("DELTA_TABLE_NOT_FOUND");
    expect(e.message).toContain(table);
    mkdirSync(join(table, "_delta_log"), { recursive: true });
    e = await errorOf(() => loadSnapshot(table));
    expect(e.code).toBe("DELTA_TABLE_NOT_FOUND");
    expect(e.message).toMatch(/holds no commit/);
  });

  it("time travels by version and refuses versions that do not exist", async () => {
    const table = await tableWith(3);
    expect((await loadSnapshot(table, { version: 1 })).files.length).toBe(1);
    expect((await loadSnapshot(table)).files.length).toBe(3);
    expect((await errorOf(() => loadSnapshot(table, { version: 9 }))).code).toBe("DELTA_VERSION_NOT_FOUND");
    expect((await errorOf(() => loadSnapshot(table, { version: -1 }))).code).toBe("DELTA_VERSION_NOT_FOUND");
  });

  it("time travels by timestamp using commit file times, made strictly increasing", async () => {
    const table = await tableWith(3);
    const base = Date.UTC(2024, 0, 1) / 1000;
    for (let v = 0; v <= 3; v++) utimesSync(commitPath(table, v), base + v * 60, base + v * 60);
    utimesSync(commitPath(table, 2), base + 60, base + 60); // same as v1: counts as v1 + 1 ms
    expect((await loadSnapshot(table, { timestamp: "2024-01-01T00:01:30Z" })).version).toBe(2);
    expect((await loadSnapshot(table, { timestamp: new Date(Date.UTC(2024, 0, 1, 0, 1)) })).version).toBe(1);
    expect((await loadSnapshot(table, { timestamp: "2024-01-01 00:03:00" })).version).toBe(3);
    let e = await errorOf(() => loadSnapshot(table, { timestamp: "2023-12-31T00:00:00Z" }));
    expect(e.code).toBe("DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION");
    e = await errorOf(() => loadSnapshot(table, { timestamp: "2024-01-02T00:00:00Z" }));
    expect(e.code).toBe("DELTA_TIMESTAMP_GREATER_THAN_COMMIT");
    expect(e.message).toContain("version 3");
    expect((await errorOf(() => loadSnapshot(table, { timestamp: "yesterday" }))).code).toBe("DELTA_INVALID_TIMESTAMP");
  });

  it("fails on missing commits with DELTA_VERSIONS_NOT_CONTIGUOUS", async () => {
    const table = await tableWith(3);
    rmSync(commitPath(table, 2));
    const e = await errorOf(() => loadSnapshot(table));
    expect(e.code).toBe("DELTA_VERSIONS_NOT_CONTIGUOUS");
    expect(e.message).toMatch(/commit 2 is missing/);
  });

  it("replays from a checkpoint, ignoring a corrupt _last_checkpoint, and survives cleaned-up commits", async () => {
    const table = await tableWith(4);
    writeCheckpoint(await loadSnapshot(table, { version: 2 }));
    writeFileSync(join(table, "_delta_log", "_last_checkpoint"), "{not json");
    rmSync(commitPath(table, 0));
    rmSync(commitPath(table, 1));
    const snap = await loadSnapshot(table);
    expect(snap.version).toBe(4);
    expect(snap.files.length).toBe(4);
    expect(snap.schema.fieldNames).toEqual(["id"]);
    expect((await errorOf(() => loadSnapshot(table, { version: 1 }))).code).toBe("DELTA_VERSIONS_NOT_CONTIGUOUS");
  });

  it("falls back from an unreadable checkpoint to replay from version 0", async () => {
    const table = await tableWith(3);
    writeFileSync(join(table, "_delta_log", `${String(2).padStart(20, "0")}.checkpoint.parquet`), "garbage");
    expect((await loadSnapshot(table)).files.length).toBe(3);
  });

  it("refuses damaged logs naming the problem", async () => {
    const table = await tableWith(1);
    writeFileSync(commitPath(table, 2), '{"add":{"path":1}}\n');
    const e = await errorOf(() => loadSnapshot(table));
    expect(e.code).toBe("DELTA_INVALID_LOG_ENTRY");
    expect(e.message).toMatch(/00000000000000000002\.json line 1/);

    const t2 = tempTable();
    mkdirSync(join(t2, "_delta_log"), { recursive: true });
    writeFileSync(commitPath(t2, 0), '{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}\n');
    expect((await errorOf(() => loadSnapshot(t2))).code).toBe("DELTA_STATE_RECOVER_ERROR");

    const t3 = tempTable();
    mkdirSync(join(t3, "_delta_log"), { recursive: true });
    const md = (schema: string, parts: string[]) =>
      JSON.stringify({ metaData: { id: "i", format: { provider: "parquet", options: {} }, schemaString: schema, partitionColumns: parts, configuration: {} } });
    writeFileSync(commitPath(t3, 0), `{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}\n${md('{"type":"struct","fields":[{"name":"a","type":"interval","nullable":true,"metadata":{}}]}', [])}\n`);
    const e3 = await errorOf(() => loadSnapshot(t3));
    expect(e3.code).toBe("DELTA_UNSUPPORTED_DATA_TYPE");
    expect(e3.message).toMatch(/interval/);
    writeFileSync(commitPath(t3, 0), `{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}\n${md('{"type":"struct","fields":[]}', ["x"])}\n`);
    expect((await errorOf(() => loadSnapshot(t3))).code).toBe("DELTA_INVALID_PARTITION_COLUMN");
    writeFileSync(commitPath(t3, 0), `{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}\n${md("nope", [])}\n`);
    expect((await errorOf(() => loadSnapshot(t3))).code).toBe("DELTA_INVALID_SCHEMA");
  });

  it("replays add/remove/re-add by path and keeps tombstones", async () => {
    const table = await tableWith(1);
    const f = (await loadSnapshot(table)).files[0]!;
    const rm = await OptimisticTransaction.start(table);
    rm.remove({ path: f.path, dataChange: true });
    await rm.commit({ operation: "DELETE", checkpoint: false });
    let snap = await loadSnapshot(table);
    expect(snap.files.length).toBe(0);
    expect(snap.tombstones.map((t) => t.path)).toEqual([f.path]);
    const re = await OptimisticTransaction.start(table);
    re.add({ path: f.path, partitionValues: {}, size: 1, modificationTime: 1, dataChange: true });
    await re.commit({ operation: "WRITE", checkpoint: false });
    snap = await loadSnapshot(table);
    expect(snap.files.map((x) => x.path)).toEqual([f.path]);
    expect(snap.tombstones.length).toBe(0);
  });
});
