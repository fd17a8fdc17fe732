/**
 * A lost `<checkpoint>/metadata` while a batch awaits its re-run (issue 10): the Delta sink skips
 * a re-run batch by its txn (appId = query id, version = batch id), so the restart must keep the
 * query id — it is rebuilt from the offsets log — or the batch would be written twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";

const spark = Session.builder().getOrCreate();
afterAll(() => spark.stop());

describe("a lost checkpoint metadata file", () => {
  it("keeps the query id, so the Delta sink does not write a re-run batch twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-lostmd-"));
    const [table, chk] = [join(dir, "t"), join(dir, "chk")];
    const input = spark.memoryStream("v INT");
    const start = () => input.toDF().writeStream.format("delta").option("checkpointLocation", chk).start(table);
    let q = await start();
    input.addData([{ v: 1 }]);
    await q.processAllAvailable();
    input.addData([{ v: 2 }]);
    await q.processAllAvailable();
    await q.stop();
    const id = q.id;
    // Batch 1 reached the table but not the commit log, and the metadata file is gone.
    rmSync(join(chk, "commits", "1"));
    rmSync(join(chk, "metadata"));
    q = await start();
    await q.processAllAvailable();
    await q.stop();
    expect(q.id).toBe(id);
    expect((q.recentProgress as { batchId: number }[]).map((p) => p.batchId)).toContain(1);
    const rows = await spark.read.format("delta").load(table).collect();
    expect(rows.map((r) => r.v).sort()).toEqual([1, 2]);
  });
});
