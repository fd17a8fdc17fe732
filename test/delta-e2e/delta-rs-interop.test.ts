/**
 * Tables written through Sluice's DataFrame API and DeltaTable — partitioned, after schema
 * evolution, overwrite and MERGE, across a checkpoint — read back by delta-rs (Python
 * `deltalake`) at every version, and compared with what Sluice reads. Skipped (with a message)
 * when `.oracle/venv/bin/python` has no deltalake.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exactJson } from "../../src/columnar/values.js";
import { DeltaTable, Session } from "../../src/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PY = join(ROOT, ".oracle/venv/bin/python");
const hasDeltaRs = existsSync(PY) && spawnSync(PY, ["-c", "import deltalake"]).status === 0;
if (!hasDeltaRs) console.warn(`SKIP delta-rs interop: ${PY} with deltalake is missing (scripts/oracle/setup.sh)`);

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());

const READ = `import deltalake, json, sys, datetime
t = deltalake.DeltaTable(sys.argv[1], version=int(sys.argv[2]))
rows = t.to_pyarrow_table().to_pylist()
def enc(v):
    if isinstance(v, datetime.datetime): return v.isoformat()
    return v
print(json.dumps({"version": t.version(), "partitions": t.metadata().partition_columns,
  "schema": [f.name for f in t.schema().fields], "rows": [{k: enc(v) for k, v in r.items()} for r in rows]}))
sys.stdout.flush()
import os; os._exit(0)  # skip delta-rs runtime teardown, which can abort ("terminate called without an active exception") under load`;

function deltaRs(path: string, version: number): { version: number; partitions: string[]; schema: string[]; rows: Record<string, unknown>[] } {
  const r = spawnSync(PY, ["-c", READ, path, String(version)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`delta-rs failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// BIGINT (bigint in Sluice's rows) as its exact digits, as delta-rs's JSON numbers are
const norm = (rows: Record<string, unknown>[]) =>
  rows.map((r) => exactJson(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))))).sort();

describe.skipIf(!hasDeltaRs)("delta-rs reads tables Sluice writes", () => {
  it("partitioned writes, mergeSchema, overwrite, merge and 12 versions (checkpoint at 10) agree at every version", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sluice-delta-rs-")), "t");
    const rows = (ids: number[], day: string) => ids.map((id) => ({ id, name: `n${id}`, day }));
    await spark.createDataFrame(rows([1, 2], "2025-01-01"), "id BIGINT, name STRING, day STRING").write.format("delta").partitionBy("day").save(path); // v0
    await spark.createDataFrame(rows([3], "2025-01-02"), "id BIGINT, name STRING, day STRING").write.format("delta").mode("append").save(path); // v1
    await spark
      .createDataFrame([{ id: 4, name: "n4", day: "2025-01-02", score: 0.5 }], "id BIGINT, name STRING, day STRING, score DOUBLE")
      .write.format("delta")
      .mode("append")
      .option("mergeSchema", true)
      .save(path); // v2: schema evolution
    const t = DeltaTable.forPath(spark, path);
    await t
      .alias("t")
      .merge(spark.createDataFrame([{ id: 1, name: "upd", day: "2025-01-01", score: 9 }, { id: 5, name: "n5", day: "2025-01-03", score: 1 }], "id BIGINT, name STRING, day STRING, score DOUBLE").alias("s"), "t.id = s.id")
      .whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .execute(); // v3
    await t.alias("t").merge(spark.createDataFrame([{ id: 2 }], "id BIGINT").alias("s"), "t.id = s.id").whenMatchedDelete().execute(); // v4
    for (let i = 0; i < 6; i++) {
      await spark.createDataFrame([{ id: 10 + i, name: null, day: "2025-01-04", score: i }], "id BIGINT, name STRING, day STRING, score DOUBLE").write.format("delta").mode("append").save(path); // v5..v10
    }
    expect(readdirSync(join(path, "_delta_log")).some((f) => f.endsWith(".checkpoint.parquet"))).toBe(true);
    await spark.createDataFrame([{ id: 100, name: "x", day: "2025-02-01", score: 1 }], "id BIGINT, name STRING, day STRING, score DOUBLE").write.format("delta").mode("overwrite").save(path); // v11

    for (const v of [0, 2, 3, 4, 10, 11]) {
      const rs = deltaRs(path, v);
      expect(rs.version).toBe(v);
      expect(rs.partitions).toEqual(["day"]);
      const ours = await spark.read.format("delta").option("versionAsOf", v).load(path).collect();
      expect(norm(rs.rows), `version ${v}`).toEqual(norm(ours));
    }
    const latest = deltaRs(path, 11);
    expect(latest.rows).toEqual([{ id: 100, name: "x", day: "2025-02-01", score: 1 }]);
    const v4 = deltaRs(path, 4);
    expect(v4.schema).toEqual(["id", "name", "day", "score"]);
    expect(v4.rows.map((r) => r.id).sort()).toEqual([1, 3, 4, 5]);
    expect(v4.rows.find((r) => r.id === 1)).toMatchObject({ name: "upd", score: 9 });
  }, 120_000);

  it("a streaming Delta sink's table (append, with txn) reads the same in delta-rs", async () => {
    const d = mkdtempSync(join(tmpdir(), "sluice-delta-rs-stream-"));
    const path = join(d, "t");
    const mem = spark.memoryStream("id BIGINT, ts TIMESTAMP");
    const q = await mem.toDF().writeStream.format("delta").partitionBy("id").option("checkpointLocation", join(d, "chk")).start(path);
    mem.addData([{ id: 1, ts: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, 123)) }]);
    await q.processAllAvailable();
    mem.addData([{ id: 2, ts: new Date(Date.UTC(2025, 0, 1, 1)) }, { id: 1, ts: null }]);
    await q.processAllAvailable();
    await q.stop();
    const rs = deltaRs(path, 1);
    expect(rs.partitions).toEqual(["id"]);
    expect(norm(rs.rows)).toEqual(norm([{ id: 1, ts: "2025-01-01T00:00:00.123000+00:00" }, { id: 2, ts: "2025-01-01T01:00:00+00:00" }, { id: 1, ts: null }]));
  });
});
