import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DeltaTable, Session, SluiceError, col } from "../../src/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());
const dir = () => join(mkdtempSync(join(tmpdir(), "sluice-delta-e2e-")), "t");
const byId = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => Number(a.id) - Number(b.id));

async function codeOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (e instanceof SluiceError) return e.code;
    throw e;
  }
  return "no error";
}

async function seed(path: string): Promise<DeltaTable> {
  await spark.createDataFrame([{ id: 1, v: "a", n: 10 }, { id: 2, v: "b", n: 20 }, { id: 3, v: "c", n: 30 }], "id BIGINT, v STRING, n INT").write.format("delta").save(path);
  return DeltaTable.forPath(spark, path);
}

describe("DataFrame API with format delta", () => {
  it("writes with modes and partitionBy, reads with versionAsOf", async () => {
    const p = dir();
    const df = spark.createDataFrame([{ id: 1, day: "d1" }, { id: 2, day: "d2" }], "id BIGINT, day STRING");
    await df.write.format("delta").partitionBy("day").save(p);
    expect(await codeOf(() => df.write.format("delta").save(p))).toBe("DELTA_PATH_EXISTS");
    await df.write.format("delta").mode("ignore").save(p);
    await df.write.format("delta").mode("append").save(p);
    expect(await spark.read.format("delta").load(p).count()).toBe(4);
    await df.limit(1).write.format("delta").mode("overwrite").save(p);
    expect(await spark.read.format("delta").load(p).collect()).toEqual([{ id: 1n, day: "d1" }]);
    expect(await spark.read.format("delta").option("versionAsOf", 0).load(p).count()).toBe(2);
    expect(await spark.read.format("delta").load(p).filter(col("day").eq("d1")).count()).toBe(1);
    expect(await codeOf(() => spark.read.format("delta").option("versionAsOf", 9).load(p))).toBe("DELTA_VERSION_NOT_FOUND");
  });

  it("mergeSchema adds columns; without it the mismatch is shown", async () => {
    const p = dir();
    await spark.createDataFrame([{ id: 1 }], "id BIGINT").write.format("delta").save(p);
    const wide = spark.createDataFrame([{ id: 2, extra: "x" }], "id BIGINT, extra STRING");
    expect(await codeOf(() => wide.write.format("delta").mode("append").save(p))).toBe("DELTA_METADATA_MISMATCH");
    await wide.write.format("delta").mode("append").option("mergeSchema", true).save(p);
    expect(byId(await spark.read.format("delta").load(p).collect())).toEqual([{ id: 1n, extra: null }, { id: 2n, extra: "x" }]);
  });
});

describe("DeltaTable", () => {
  it("forPath, toDF, version, history with Delta's columns", async () => {
    const p = dir();
    const t = await seed(p);
    expect(await t.version()).toBe(0);
    expect(await t.toDF().count()).toBe(3);
    const h = await (await t.history()).collect();
    expect(h[0]).toMatchObject({ version: 0n, operation: "WRITE", readVersion: null });
    expect((await t.history()).columns).toContain("operationMetrics");
    expect(await codeOf(() => DeltaTable.forPath(spark, dir()))).toBe("DELTA_TABLE_NOT_FOUND");
    expect(DeltaTable.isDeltaTable(spark, p)).toBe(true);
  });

  it("merge: conditional update, delete, insert with values, counts", async () => {
    const p = dir();
    const t = await seed(p);
    const src = spark.createDataFrame([{ id: 1, v: "A", n: 11 }, { id: 2, v: "B", n: -1 }, { id: 4, v: "D", n: 40 }, { id: 5, v: "E", n: 0 }], "id BIGINT, v STRING, n INT");
    const m = await t
      .alias("t")
      .merge(src.alias("s"), "t.id = s.id")
      .whenMatchedDelete("s.n < 0")
      .whenMatchedUpdate({ v: "s.v", n: "t.n + s.n" })
      .whenNotMatchedInsert({ id: "s.id", v: "upper(s.v)" }, "s.n > 0")
      .execute();
    expect(m).toMatchObject({ numTargetRowsUpdated: 1, numTargetRowsDeleted: 1, numTargetRowsInserted: 1 });
    expect(byId(await t.toDF().collect())).toEqual([
      { id: 1n, v: "A", n: 21 },
      { id: 3n, v: "c", n: 30 },
      { id: 4n, v: "D", n: null },
    ]);
    const h = await (await t.history(1)).collect();
    expect(h[0]!.operation).toBe("MERGE");
  });

  it("merge: updateAll / insertAll, and the multiple-match error", async () => {
    const p = dir();
    const t = await seed(p);
    const src = spark.createDataFrame([{ id: 3, v: "z", n: 0 }, { id: 9, v: "y", n: 9 }], "id BIGINT, v STRING, n INT");
    await t.alias("t").merge(src.alias("s"), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
    expect(byId(await t.toDF().collect()).map((r) => `${r.id}${r.v}${r.n}`)).toEqual(["1a10", "2b20", "3z0", "9y9"]);
    const dup = spark.createDataFrame([{ id: 1, v: "p", n: 1 }, { id: 1, v: "q", n: 2 }], "id BIGINT, v STRING, n INT");
    expect(await codeOf(() => t.alias("t").merge(dup.alias("s"), "t.id = s.id").whenMatchedUpdateAll().execute())).toBe(
      "DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE",
    );
    expect(await codeOf(() => t.merge(dup, "id = 1").execute())).toBe("DELTA_MERGE_MISSING_WHEN");
    expect(await codeOf(() => t.merge(dup, "true").whenMatchedDelete().whenMatchedDelete().execute())).toBe("DELTA_NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION");
  });

  it("merge with a txn is applied once", async () => {
    const p = dir();
    const t = await seed(p);
    const src = spark.createDataFrame([{ id: 7, v: "x", n: 1 }], "id BIGINT, v STRING, n INT");
    const run = () => t.alias("t").merge(src.alias("s"), "t.id = s.id").whenNotMatchedInsertAll().execute({ txnAppId: "job", txnVersion: 0 });
    expect((await run()).committed).toBe(true);
    expect((await run()).committed).toBe(false);
    expect(await t.toDF().count()).toBe(4);
  });

  it("vacuum removes files no longer referenced, after the retention", async () => {
    const p = dir();
    const t = await seed(p);
    await spark.createDataFrame([{ id: 1, v: "a", n: 1 }], "id BIGINT, v STRING, n INT").write.format("delta").mode("overwrite").save(p);
    expect(await codeOf(() => t.vacuum(0))).toBe("DELTA_VACUUM_RETENTION_TOO_SHORT");
    // the session's spark.databricks.delta.retentionDurationCheck.enabled turns the check off too, as in delta-spark
    spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    try {
      expect(await t.vacuum(0, { dryRun: true })).toHaveLength(1);
      expect(await codeOf(() => t.vacuum(0, { retentionDurationCheck: true, dryRun: true }))).toBe("DELTA_VACUUM_RETENTION_TOO_SHORT");
    } finally {
      spark.conf.unset("spark.databricks.delta.retentionDurationCheck.enabled");
    }
    const deleted = await t.vacuum(0, { retentionDurationCheck: false });
    expect(deleted).toHaveLength(1);
    expect(await t.toDF().count()).toBe(1);
  });
});
