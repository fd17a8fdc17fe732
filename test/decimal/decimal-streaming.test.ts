/**
 * DECIMAL state stays exact across micro-batches and a restart from the checkpoint: a streaming
 * group-by sums DECIMAL(28,18) values past 2^53 per DECIMAL(20,2) key (keys one cent apart).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session, functions as F } from "../../src/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const root = mkdtempSync(join(tmpdir(), "sluice-decimal-stream-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("streaming DECIMAL state", () => {
  it("sums exactly across batches and a restart", async () => {
    const input = spark.memoryStream("k DECIMAL(20,2), v DECIMAL(28,18)");
    const chk = join(root, "chk");
    const start = () =>
      input.toDF().groupBy("k").agg(F.sum("v").alias("s"), F.count("v").alias("n")).writeStream.format("memory").queryName("dec_sums").outputMode("complete").option("checkpointLocation", chk).start();
    let q = await start();
    input.addData([{ k: "12345678901234567.89", v: "1234567890.123456789012345678" }, { k: "12345678901234567.88", v: "0.000000000000000001" }]);
    await q.processAllAvailable();
    await q.stop();
    q = await start();
    input.addData([{ k: "12345678901234567.89", v: "0.000000000000000002" }]);
    await q.processAllAvailable();
    const rows = await spark.table("dec_sums").orderBy("k").collect();
    await q.stop();
    expect(rows).toEqual([
      { k: "12345678901234567.88", s: "0.000000000000000001", n: 1n },
      { k: "12345678901234567.89", s: "1234567890.123456789012345680", n: 2n },
    ]);
  });
});
