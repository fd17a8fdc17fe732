import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StructType } from "../types/struct-type.js";
import { loadSnapshot, txnVersion } from "./snapshot.js";
import { errorOf, fakeAdd, tempTable } from "./test-helpers.js";
import { OptimisticTransaction } from "./transaction.js";

const schema = StructType.fromDDL("id BIGINT, p STRING");

async function create(table: string, configuration: Record<string, string> = {}, partitionColumns: string[] = []): Promise<void> {
  mkdirSync(table, { recursive: true });
  const tx = await OptimisticTransaction.start(table);
  tx.createTable({ schema, partitionColumns, configuration });
  await tx.commit({ operation: "CREATE TABLE" });
}

async function append(table: string, n = 1): Promise<number> {
  const tx = await OptimisticTransaction.start(table);
  for (let i = 0; i < n; i++) tx.add(fakeAdd(table));
  return tx.commit({ operation: "WRITE", operationParameters: { mode: "Append" } });
}

describe("OptimisticTransaction", () => {
  it("creates a table at protocol (1,2) with commitInfo first and a uuid metaData", async () => {
    const table = tempTable();
    await create(table, {}, ["p"]);
    const lines = readFileSync(join(table, "_delta_log", "00000000000000000000.json"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(Object.keys(lines[0])).toEqual(["commitInfo"]);
    expect(lines[0].commitInfo).toMatchObject({ operation: "CREATE TABLE", engineInfo: "Sluice/0.1.0", isBlindAppend: false });
    expect(lines[1]).toEqual({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    expect(lines[2].metaData.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines[2].metaData).toMatchObject({ format: { provider: "parquet", options: {} }, partitionColumns: ["p"], configuration: {} });
    const snap = await loadSnapshot(table);
    expect(snap.version).toBe(0);
    expect(snap.schema.simpleString()).toBe("struct<id:bigint,p:string>");
  });

  it("appends files and reads them back with stats and typed partition values", async () => {
    const table = tempTable();
    await create(table, {}, ["p"]);
    const tx = await OptimisticTransaction.start(table);
    tx.add(fakeAdd(table, { p: "a" }, 4)).add(fakeAdd(table, { p: null }, 2));
    expect(tx.isBlindAppend).toBe(true);
    expect(await tx.commit({ operation: "WRITE" })).toBe(1);
    const snap = await loadSnapshot(table);
    expect(snap.files.map((f) => f.partitionData.p).sort()).toEqual(["a", null]);
    expect(snap.files.reduce((s, f) => s + f.parsedStats!.numRecords, 0)).toBe(6);
  });

  it("records txn versions for idempotent writes", async () => {
    const table = tempTable();
    await create(table);
    const tx = await OptimisticTransaction.start(table);
    expect(tx.txnVersion("query-1")).toBe(-1);
    tx.setTxn("query-1", 5).add(fakeAdd(table));
    await tx.commit({ operation: "STREAMING UPDATE" });
    expect(txnVersion(await loadSnapshot(table), "query-1")).toBe(5);
    expect(txnVersion(await loadSnapshot(table), "other")).toBe(-1);
  });

  it("retries a blind append after losing the race", async () => {
    const table = tempTable();
    await create(table);
    const a = await OptimisticTransaction.start(table);
    const b = await OptimisticTransaction.start(table);
    a.add(fakeAdd(table));
    b.add(fakeAdd(table));
    expect(await a.commit({ operation: "WRITE" })).toBe(1);
    expect(await b.commit({ operation: "WRITE" })).toBe(2);
    expect((await loadSnapshot(table)).files.length).toBe(2);
  });

  it("fails with conflict errors named after Delta's", async () => {
    const table = tempTable();
    await create(table);
    await append(table);
    const file = (await loadSnapshot(table)).files[0]!;

    // metadata changed concurrently
    let loser = await OptimisticTransaction.start(table);
    loser.add(fakeAdd(table));
    let winner = await OptimisticTransaction.start(table);
    winner.updateMetadata({ configuration: { "delta.appendOnly": "false" } });
    await winner.commit({ operation: "SET TBLPROPERTIES" });
    expect((await errorOf(() => loser.commit({ operation: "WRITE" }))).code).toBe("DELTA_METADATA_CHANGED");

    // the same appId committed concurrently
    loser = await OptimisticTransaction.start(table);
    loser.txnVersion("q");
    loser.setTxn("q", 1);
    winner = await OptimisticTransaction.start(table);
    winner.setTxn("q", 1);
    await winner.commit({ operation: "STREAMING UPDATE" });
    expect((await errorOf(() => loser.commit({ operation: "STREAMING UPDATE" }))).code).toBe("DELTA_CONCURRENT_TRANSACTION");

    // both delete the same file
    loser = await OptimisticTransaction.start(table);
    loser.remove({ path: file.path, dataChange: true });
    winner = await OptimisticTransaction.start(table);
    winner.remove({ path: file.path, dataChange: true });
    await winner.commit({ operation: "DELETE" });
    expect((await errorOf(() => loser.commit({ operation: "DELETE" }))).code).toBe("DELTA_CONCURRENT_DELETE_DELETE");

    // an overwrite that read the whole table loses to an append
    loser = await OptimisticTransaction.start(table);
    loser.readWholeTable().add(fakeAdd(table));
    await append(table);
    const e = await errorOf(() => loser.commit({ operation: "WRITE", operationParameters: { mode: "Overwrite" } }));
    expect(e.code).toBe("DELTA_CONCURRENT_APPEND");
    expect(e.message).toContain(table);

    // a read file removed concurrently
    const f2 = (await loadSnapshot(table)).files[0]!;
    loser = await OptimisticTransaction.start(table);
    loser.readFiles([f2.path]).add(fakeAdd(table));
    winner = await OptimisticTransaction.start(table);
    winner.remove({ path: f2.path, dataChange: true });
    await winner.commit({ operation: "DELETE" });
    expect((await errorOf(() => loser.commit({ operation: "MERGE" }))).code).toBe("DELTA_CONCURRENT_DELETE_READ");
  });

  it("fails a concurrent table creation with DELTA_PROTOCOL_CHANGED", async () => {
    const table = tempTable();
    mkdirSync(table, { recursive: true });
    const a = await OptimisticTransaction.start(table);
    const b = await OptimisticTransaction.start(table);
    a.createTable({ schema });
    b.createTable({ schema });
    await a.commit({ operation: "CREATE TABLE" });
    const e = await errorOf(() => b.commit({ operation: "CREATE TABLE" }));
    expect(e.code).toBe("DELTA_PROTOCOL_CHANGED");
    expect(e.message).toMatch(/created concurrently/);
  });

  it("enforces delta.appendOnly, partition values, duplicates and single use", async () => {
    const table = tempTable();
    await create(table, { "delta.appendOnly": "true" }, ["p"]);
    const tx = await OptimisticTransaction.start(table);
    tx.remove({ path: "x.parquet", dataChange: true });
    expect((await errorOf(() => tx.commit({ operation: "DELETE" }))).code).toBe("DELTA_CANNOT_MODIFY_APPEND_ONLY");

    const tx2 = await OptimisticTransaction.start(table);
    tx2.add(fakeAdd(table, {}));
    expect((await errorOf(() => tx2.commit({ operation: "WRITE" }))).code).toBe("DELTA_MISSING_PARTITION_VALUE");

    const tx3 = await OptimisticTransaction.start(table);
    const f = fakeAdd(table, { p: "1" });
    tx3.add(f);
    expect((await errorOf(() => tx3.add(f))).code).toBe("DELTA_DUPLICATE_ACTIONS_FOUND");
    tx3.setTxn("a", 1);
    expect((await errorOf(() => tx3.setTxn("a", 2))).code).toBe("DELTA_DUPLICATE_ACTIONS_FOUND");
    await tx3.commit({ operation: "WRITE" });
    expect((await errorOf(() => tx3.commit({ operation: "WRITE" }))).code).toBe("DELTA_TRANSACTION_ALREADY_COMMITTED");
  });

  it("refuses to create twice, empty schemas, unknown partition columns, and commits to no table", async () => {
    const table = tempTable();
    await create(table);
    expect((await errorOf(async () => (await OptimisticTransaction.start(table)).createTable({ schema }))).code).toBe("DELTA_TABLE_ALREADY_EXISTS");
    const other = tempTable();
    mkdirSync(other, { recursive: true });
    const tx = await OptimisticTransaction.start(other);
    expect((await errorOf(() => tx.createTable({ schema: new StructType([]) }))).code).toBe("DELTA_EMPTY_SCHEMA");
    expect((await errorOf(() => tx.createTable({ schema, partitionColumns: ["nope"] }))).code).toBe("DELTA_PARTITION_COLUMN_NOT_FOUND");
    expect((await errorOf(() => tx.commit({ operation: "WRITE" }))).code).toBe("DELTA_TABLE_NOT_FOUND");
    expect((await errorOf(() => tx.updateMetadata({}))).code).toBe("DELTA_TABLE_NOT_FOUND");
  });

  it("gives up after maxAttempts", async () => {
    const table = tempTable();
    await create(table);
    const tx = await OptimisticTransaction.start(table);
    tx.add(fakeAdd(table));
    await append(table);
    await append(table);
    expect((await errorOf(() => tx.commit({ operation: "WRITE", maxAttempts: 2 }))).code).toBe("DELTA_MAX_COMMIT_RETRIES_EXCEEDED");
  });

  it("writes a checkpoint every delta.checkpointInterval commits", async () => {
    const table = tempTable();
    await create(table, { "delta.checkpointInterval": "3" });
    for (let i = 0; i < 7; i++) await append(table);
    const log = join(table, "_delta_log");
    expect(existsSync(join(log, "00000000000000000003.checkpoint.parquet"))).toBe(true);
    expect(existsSync(join(log, "00000000000000000006.checkpoint.parquet"))).toBe(true);
    expect(JSON.parse(readFileSync(join(log, "_last_checkpoint"), "utf8"))).toMatchObject({ version: 6, numOfAddFiles: 6 });
    const snap = await loadSnapshot(table);
    expect(snap.version).toBe(7);
    expect(snap.files.length).toBe(7);
  });
});
