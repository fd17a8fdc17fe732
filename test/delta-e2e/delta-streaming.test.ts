import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DeltaTable, Session, col, functions as F } from "../../src/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());
const dir = () => mkdtempSync(join(tmpdir(), "sluice-delta-stream-"));
const ids = (rows: Record<string, unknown>[]) => rows.map((r) => Number(r.id)).sort((a, b) => a - b);

describe("writeStream.format('delta')", () => {
  it("appends one commit per batch, exactly once across a restart", async () => {
    const d = dir();
    const table = join(d, "t");
    const mem = spark.memoryStream("id BIGINT");
    const start = () => mem.toDF().writeStream.format("delta").option("checkpointLocation", join(d, "chk")).start(table);
    let q = await start();
    mem.addData([{ id: 1 }, { id: 2 }]);
    await q.processAllAvailable();
    mem.addData([{ id: 3 }]);
    await q.processAllAvailable();
    await q.stop();
    q = await start();
    mem.addData([{ id: 4 }]);
    await q.processAllAvailable();
    await q.stop();
    expect(ids(await spark.read.format("delta").load(table).collect())).toEqual([1, 2, 3, 4]);
    const h = await (await DeltaTable.forPath(spark, table).history()).collect();
    expect(h.every((r) => r.operation === "STREAMING UPDATE")).toBe(true);
    expect(h).toHaveLength(3);
  });

  it("complete mode rewrites the aggregate each batch", async () => {
    const d = dir();
    const table = join(d, "t");
    const mem = spark.memoryStream("k STRING");
    const q = await mem.toDF().groupBy("k").count().writeStream.format("delta").outputMode("complete").option("checkpointLocation", join(d, "chk")).start(table);
    mem.addData([{ k: "a" }, { k: "b" }]);
    await q.processAllAvailable();
    mem.addData([{ k: "a" }]);
    await q.processAllAvailable();
    await q.stop();
    const rows = await spark.read.format("delta").load(table).orderBy("k").collect();
    expect(rows).toEqual([{ k: "a", count: 2n }, { k: "b", count: 1n }]);
  });
});

describe("readStream.format('delta')", () => {
  it("streams the snapshot then new versions, maxFilesPerTrigger per batch", async () => {
    const d = dir();
    const table = join(d, "src");
    const df = (xs: number[]) => spark.createDataFrame(xs.map((id) => ({ id })), "id BIGINT");
    await df([1, 2]).write.format("delta").save(table);
    await df([3]).write.format("delta").mode("append").save(table);
    const q = await spark.readStream.format("delta").option("maxFilesPerTrigger", 1).load(table).filter(col("id").gt(F.lit(0))).writeStream.format("memory").queryName("delta_src").start();
    await q.processAllAvailable();
    await df([4]).write.format("delta").mode("append").save(table);
    await q.processAllAvailable();
    await q.stop();
    expect(ids(await spark.table("delta_src").collect())).toEqual([1, 2, 3, 4]);
    expect(q.recentProgress.length).toBeGreaterThanOrEqual(3);
  });

  it("fails the query on an overwrite of the source, naming the version", async () => {
    const d = dir();
    const table = join(d, "src");
    await spark.createDataFrame([{ id: 1 }], "id BIGINT").write.format("delta").save(table);
    const q = await spark.readStream.format("delta").load(table).writeStream.format("memory").queryName("delta_src2").start();
    await q.processAllAvailable();
    await spark.createDataFrame([{ id: 2 }], "id BIGINT").write.format("delta").mode("overwrite").save(table);
    await expect(q.awaitTermination(20)).rejects.toThrow(/version 1/);
    expect((q.exception as { code?: string } | null)?.code).toBe("DELTA_SOURCE_TABLE_IGNORE_CHANGES");
  });
});
