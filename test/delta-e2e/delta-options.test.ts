/**
 * Delta options through the DataFrame API: an option Sluice does not implement fails the read,
 * write or query start naming the option (nothing is written), and the options it implements
 * keep working, including idempotent batch writes with txnAppId/txnVersion.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DeltaTable, Session } from "../../src/index.js";
import { errorOf } from "../../src/delta/test-helpers.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());
const dir = () => mkdtempSync(join(tmpdir(), "sluice-delta-options-"));
const rows = (ids: number[]) => spark.createDataFrame(ids.map((id) => ({ id })), "id BIGINT");
const ids = async (table: string) => (await spark.read.format("delta").load(table).collect()).map((r) => Number(r.id)).sort((a, b) => a - b);

async function seeded(): Promise<string> {
  const table = join(dir(), "t");
  await rows([1]).write.format("delta").save(table);
  return table;
}

describe("unsupported Delta options fail, naming the option", () => {
  it("endingVersion on a streaming read of the change feed (the feed itself: delta-cdf*.test.ts)", async () => {
    const table = await seeded();
    const e = await errorOf(() => spark.readStream.format("delta").option("readChangeFeed", "true").option("endingVersion", 1).load(table));
    expect(e).toMatchObject({ code: "DELTA_UNSUPPORTED_OPTION", context: { option: "endingVersion" } });
    expect(e.message).toContain("a stream reads on");
  });

  it("a streaming-only option on a batch read, time travel on a stream", async () => {
    const table = await seeded();
    expect(await errorOf(() => spark.read.format("delta").option("maxFilesPerTrigger", 1).load(table))).toMatchObject({ code: "DELTA_UNSUPPORTED_OPTION", context: { option: "maxFilesPerTrigger" } });
    expect(await errorOf(() => spark.readStream.format("delta").option("versionAsOf", 0).load(table))).toMatchObject({ code: "DELTA_UNSUPPORTED_OPTION", context: { option: "versionAsOf" } });
  });

  it("a batch write option Sluice lacks writes nothing", async () => {
    const table = await seeded();
    for (const [key, value] of [["replaceWhere", "id = 1"], ["partitionOverwriteMode", "dynamic"], ["maxRecordsPerFile", "10"]] as const) {
      const e = await errorOf(() => rows([2]).write.format("delta").mode("overwrite").option(key, value).save(table));
      expect(e).toMatchObject({ code: "DELTA_UNSUPPORTED_OPTION", context: { option: key } });
    }
    expect(readdirSync(join(table, "_delta_log")).filter((n) => n.endsWith(".json"))).toHaveLength(1);
    expect(await ids(table)).toEqual([1]);
  });

  it("a streaming write option Sluice lacks fails start()", async () => {
    const d = dir();
    const mem = spark.memoryStream("id BIGINT");
    const e = await errorOf(() => mem.toDF().writeStream.format("delta").option("checkpointLocation", join(d, "chk")).option("txnAppId", "a").option("txnVersion", 1).start(join(d, "t")));
    expect(e).toMatchObject({ code: "DELTA_UNSUPPORTED_OPTION", context: { option: "txnAppId", options: "txnAppId, txnVersion" } });
    expect(existsSync(join(d, "t", "_delta_log"))).toBe(false);
  });

  it("a misspelt option is INVALID_OPTION with a suggestion", async () => {
    const table = await seeded();
    const e = await errorOf(() => rows([2]).write.format("delta").mode("append").option("mergeSchemaa", "true").save(table));
    expect(e).toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining("did you mean mergeSchema?") });
  });
});

describe("Delta options Sluice implements keep working", () => {
  it("txnAppId/txnVersion make a batch write idempotent", async () => {
    const table = await seeded();
    const write = (id: number, version: number) => rows([id]).write.format("delta").mode("append").option("txnAppId", "nightly").option("txnVersion", version).save(table);
    await write(2, 0);
    await write(3, 0); // same (appId, version): already applied, skipped
    await write(4, 1);
    expect(await ids(table)).toEqual([1, 2, 4]);
    const history = await (await DeltaTable.forPath(spark, table).history()).collect();
    expect(history.map((h) => h.operation)).toEqual(["WRITE", "WRITE", "WRITE"]);
    expect(await errorOf(() => rows([5]).write.format("delta").mode("append").option("txnAppId", "nightly").save(table))).toMatchObject({ code: "INVALID_OPTION" });
  });

  it("mergeSchema, versionAsOf and streaming maxFilesPerTrigger", async () => {
    const table = await seeded();
    await spark.createDataFrame([{ id: 2, v: "x" }], "id BIGINT, v STRING").write.format("delta").mode("append").option("mergeSchema", "true").save(table);
    expect(await spark.read.format("delta").option("versionAsOf", 0).load(table).collect()).toEqual([{ id: 1n }]);
    const q = await spark.readStream.format("delta").option("maxFilesPerTrigger", 1).load(table).writeStream.format("memory").queryName("delta_opts").start();
    await q.processAllAvailable();
    await q.stop();
    expect(q.recentProgress.filter((p) => (p as { numInputRows: number }).numInputRows > 0)).toHaveLength(2);
  });

  it("ignoreChanges streams the files an overwrite adds instead of failing", async () => {
    const table = await seeded();
    const q = await spark.readStream.format("delta").option("ignoreChanges", "true").load(table).writeStream.format("memory").queryName("delta_ignore_changes").start();
    await q.processAllAvailable();
    await rows([7, 8]).write.format("delta").mode("overwrite").save(table);
    await q.processAllAvailable();
    await q.stop();
    expect(q.exception).toBeNull();
    expect((await spark.table("delta_ignore_changes").collect()).map((r) => Number(r.id)).sort()).toEqual([1, 7, 8]);
  });
});

describe("userMetadata", () => {
  it("is recorded in the commit of a batch write and of each streaming batch, and shown by history()", async () => {
    const table = join(dir(), "t");
    await rows([1]).write.format("delta").option("userMetadata", "backfill 2024-01").save(table);
    const mem = spark.memoryStream("id BIGINT");
    const q = await mem.toDF().writeStream.format("delta").option("checkpointLocation", join(dir(), "chk")).option("userMetadata", "stream run").start(table);
    mem.addData([{ id: 2 }]);
    await q.processAllAvailable();
    await q.stop();
    const history = await (await DeltaTable.forPath(spark, table).history()).collect();
    expect(history.map((h) => [h.operation, h.userMetadata])).toEqual([
      ["STREAMING UPDATE", "stream run"],
      ["WRITE", "backfill 2024-01"],
    ]);
    expect(await ids(table)).toEqual([1, 2]);
  });
});

describe("a user schema on a delta read", () => {
  it("is refused unless it is the table's schema, on batch and streaming reads", async () => {
    const table = await seeded();
    for (const reader of [spark.read, spark.readStream]) {
      const e = await errorOf(() => reader.format("delta").schema("id BIGINT, extra STRING").load(table));
      expect(e).toMatchObject({ code: "DELTA_UNSUPPORTED_SCHEMA_DURING_READ", context: { table } });
      expect(e.message).toContain("extra");
    }
    expect(await spark.read.format("delta").schema("id BIGINT NOT NULL").load(table).collect()).toEqual([{ id: 1n }]);
  });
});
