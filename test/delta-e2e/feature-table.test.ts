import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { upsertFeatures } from "../../examples/feature-table.js";
import { Session } from "../../src/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());

describe("feature table: foreachBatch + DeltaTable.merge", () => {
  it("upserts by key and stays exactly-once when a committed batch re-runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-ft-"));
    const table = join(dir, "features");
    const chk = join(dir, "chk");
    const events = spark.memoryStream("user_id STRING, amount DOUBLE, ts TIMESTAMP");
    const start = () => events.toDF().writeStream.foreachBatch(upsertFeatures(spark, table, "ft-test")).option("checkpointLocation", chk).start();
    const t0 = Date.UTC(2025, 0, 1);
    let q = await start();
    events.addData([{ user_id: "a", amount: 1, ts: new Date(t0) }, { user_id: "b", amount: 2, ts: new Date(t0 + 1000) }]);
    await q.processAllAvailable();
    events.addData([{ user_id: "a", amount: 5, ts: new Date(t0 + 2000) }]);
    await q.processAllAvailable();
    await q.stop();

    // Crash after the merge committed but before the engine's commit log recorded batch 1: it re-runs.
    const commit1 = join(chk, "commits", "1");
    expect(existsSync(commit1)).toBe(true);
    rmSync(commit1);
    q = await start();
    await q.processAllAvailable();
    await q.stop();
    expect((q.recentProgress as { batchId: number }[]).some((p) => p.batchId === 1)).toBe(true);

    const rows = await spark.read.format("delta").load(table).orderBy("user_id").collect();
    expect(rows).toEqual([
      { user_id: "a", events: 2n, total_amount: 6, last_seen: new Date(t0 + 2000) },
      { user_id: "b", events: 1n, total_amount: 2, last_seen: new Date(t0 + 1000) },
    ]);

    // Calling the batch function again with an old batch id is a no-op too.
    const again = spark.createDataFrame([{ user_id: "a", amount: 100, ts: new Date(t0) }], "user_id STRING, amount DOUBLE, ts TIMESTAMP");
    await upsertFeatures(spark, table, "ft-test")(again, 0);
    expect((await spark.read.format("delta").load(table).filter("user_id = 'a'").collect())[0]!.events).toBe(2n);
  });
});
