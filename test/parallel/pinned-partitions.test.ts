/**
 * Shuffle partitions are the checkpoint's (issue 15): a restart whose session asks for another
 * count keeps the logged one, as PySpark 4.0.1 does (test/parallel/golden/partitioning.golden.json,
 * scripts/oracle/gen_partitioning.py); a checkpoint of the one-partition Sluice before partitions
 * restarts as one partition; and with local[2], a partition that fails fails its batch, which
 * the next run re-runs exactly once.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { readStateLines } from "../../src/streaming/state/state-files.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate();
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "golden", "partitioning.golden.json"), "utf8")) as {
  rows: { s: string | null }[];
  restart: { firstRunPartitions: number; sessionPartitionsOnRestart: number; statePartitionIds: number[]; numShufflePartitions: number };
};

/** The partition folders of operator 0 and the state keys each one's delta files hold. */
function stateKeysByPartition(chk: string): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const p of readdirSync(join(chk, "state", "0"))) {
    const keys = new Set<string>();
    for (const f of readdirSync(join(chk, "state", "0", p)).filter((f) => f.endsWith(".delta"))) {
      for (const line of readStateLines(join(chk, "state", "0", p, f))) keys.add((JSON.parse(line) as [string, string])[1]);
    }
    out.set(Number(p), keys);
  }
  return out;
}

describe("shuffle partitions pinned in the checkpoint", () => {
  it("a restart with another session value keeps the checkpoint's partitions and places keys as Spark does", async () => {
    const { firstRunPartitions, sessionPartitionsOnRestart, statePartitionIds, numShufflePartitions } = golden.restart;
    const chk = mkdtempSync(join(tmpdir(), "sluice-pinned-"));
    const input = spark.memoryStream("s STRING");
    const start = () => input.toDF().groupBy("s").count().writeStream.format("memory").queryName("pinned").outputMode("complete").option("checkpointLocation", chk).start();
    spark.conf.set("spark.sql.shuffle.partitions", firstRunPartitions);
    input.addData(golden.rows.slice(0, 10).map((r) => ({ s: r.s })));
    let q = await start();
    await q.processAllAvailable();
    await q.stop();
    spark.conf.set("spark.sql.shuffle.partitions", sessionPartitionsOnRestart);
    input.addData(golden.rows.slice(10, 20).map((r) => ({ s: r.s })));
    q = await start();
    await q.processAllAvailable();
    await q.stop();
    expect(q.lastProgress!.stateOperators[0]!.numShufflePartitions).toBe(numShufflePartitions);
    const keys = stateKeysByPartition(chk);
    expect([...keys.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: firstRunPartitions }, (_, p) => p));
    expect([...keys].filter(([, k]) => k.size > 0).map(([p]) => p).sort((a, b) => a - b)).toEqual(statePartitionIds);
    const rows = await spark.table("pinned").collect();
    expect(rows.reduce((n, r) => n + Number(r.count), 0)).toBe(20);
  });

  it("a checkpoint of one partition (every checkpoint before partitions) restarts as one partition", async () => {
    const chk = mkdtempSync(join(tmpdir(), "sluice-pinned-one-"));
    const input = spark.memoryStream("s STRING");
    const start = () => input.toDF().dropDuplicates(["s"]).writeStream.format("memory").queryName("pinned_one").option("checkpointLocation", chk).start();
    spark.conf.set("spark.sql.shuffle.partitions", 1);
    input.addData([{ s: "a" }, { s: "b" }]);
    let q = await start();
    await q.processAllAvailable();
    await q.stop();
    spark.conf.unset("spark.sql.shuffle.partitions"); // the default, 32
    spark.conf.set("spark.master", "local[2]");
    input.addData([{ s: "a" }, { s: "c" }]);
    q = await start();
    await q.processAllAvailable();
    await q.stop();
    expect(readdirSync(join(chk, "state", "0"))).toEqual(["0"]);
    expect((await spark.table("pinned_one").collect()).map((r) => r.s)).toEqual(["c"]);
  });

  it("local[2]: a failing partition fails the batch without committing it; the next run re-runs it exactly once", async () => {
    spark.conf.set("spark.master", "local[2]");
    spark.conf.set("spark.sql.shuffle.partitions", 4);
    const chk = mkdtempSync(join(tmpdir(), "sluice-partition-failure-"));
    const input = spark.memoryStream("s STRING");
    const seen: { batchId: number; rows: string[] }[] = [];
    const start = () =>
      input
        .toDF()
        .dropDuplicates(["s"])
        .writeStream.foreachBatch(async (df, batchId) => void seen.push({ batchId, rows: (await df.collect()).map((r) => r.s as string).sort() }))
        .option("checkpointLocation", chk)
        .start();
    input.addData(["a", "b", "c", "d", "e"].map((s) => ({ s })));
    let q = await start();
    await q.processAllAvailable();
    await q.stop();
    // Damage one partition's state: the worker owning it fails to open it for batch 1.
    const damaged = join(chk, "state", "0", "3", "1.delta");
    const good = readFileSync(damaged);
    writeFileSync(damaged, Buffer.concat([good.subarray(0, good.length - 3), Buffer.from("xx\n")]));
    input.addData(["a", "f", "g", "h"].map((s) => ({ s })));
    q = await start();
    await expect(q.awaitTermination()).rejects.toMatchObject({ code: "STATE_CORRUPT", message: expect.stringContaining(damaged) });
    expect(existsSync(join(chk, "commits", "1"))).toBe(false);
    writeFileSync(damaged, good);
    q = await start();
    await q.processAllAvailable();
    await q.stop();
    expect(seen).toEqual([
      { batchId: 0, rows: ["a", "b", "c", "d", "e"] },
      { batchId: 1, rows: ["f", "g", "h"] },
    ]);
    expect(existsSync(join(chk, "commits", "1"))).toBe(true);
  });
});
