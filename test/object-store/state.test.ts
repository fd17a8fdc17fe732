/**
 * Stateful streaming queries whose whole checkpoint (offsets, commits, state store files, state
 * schema and operator metadata) lives on the local disk, the S3 test server or Azurite (one
 * parameterised suite): a restart resumes from the stored state and gives the result of one
 * unbroken run, with either state store provider.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exactJson } from "../../src/columnar/values.js";
import { childNames } from "../../src/fs/file-systems.js";
import { joinPath } from "../../src/fs/path.js";
import { Session, col, functions as F } from "../../src/index.js";
import { STORES, storeRoot, stopObjectStores } from "../support/object-stores.js";

// two state partitions: each batch writes one delta file per partition, one PUT each on a store
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.sql.shuffle.partitions", "2").getOrCreate();
afterAll(async () => {
  await spark.stop();
  await stopObjectStores();
});

const norm = (rows: Record<string, unknown>[]): string[] => rows.map((r) => exactJson(r)).sort();

describe.each(STORES)("state on %s", (store) => {
  it.each(["memory", "leveldb"] as const)("a streaming aggregation (%s provider) restarted on its checkpoint continues from the stored state", async (provider) => {
    const inDir = join(mkdtempSync(join(tmpdir(), "sluice-state-")), "in");
    mkdirSync(inDir);
    const put = (name: string, ids: number[]) => writeFileSync(join(inDir, name), ids.map((id) => JSON.stringify({ id })).join("\n") + "\n");
    const chk = joinPath(await storeRoot(store), "chk");
    const name = `agg_${store}_${provider}`;
    const run = async (): Promise<Record<string, unknown>[]> => {
      const q = await spark.readStream
        .schema("id INT")
        .option("maxFilesPerTrigger", 1)
        .json(inDir)
        .groupBy(col("id").mod(3).alias("k"))
        .agg(F.count("*").alias("n"), F.sum("id").alias("s"))
        .writeStream.format("memory")
        .queryName(name)
        .outputMode("complete")
        .option("checkpointLocation", chk)
        .trigger({ availableNow: true })
        .start();
      await q.awaitTermination();
      return spark.table(name).collect();
    };
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", provider);
    try {
      put("a.json", [1, 2, 3]);
      put("b.json", [4, 5]);
      expect(norm(await run())).toEqual(norm([{ k: 0, n: 1, s: 3 }, { k: 1, n: 2, s: 5 }, { k: 2, n: 2, s: 7 }]));
      put("c.json", [6, 7, 8, 9]);
      // the restart sees only c.json: the counts of a and b come from the state on the store
      expect(norm(await run())).toEqual(norm([{ k: 0, n: 3, s: 18 }, { k: 1, n: 3, s: 12 }, { k: 2, n: 3, s: 15 }]));
    } finally {
      spark.conf.unset("spark.sql.streaming.stateStore.providerClass");
    }
    expect(childNames(joinPath(chk, "commits"))).toEqual(["0", "1", "2"]);
    expect(childNames(joinPath(chk, "state", "0", "0"))).toEqual(expect.arrayContaining(["1.delta", "2.delta", "3.delta", "_metadata"]));
    // LevelDB's working copy stays on the local disk: beside the files locally, in a temp folder for a store
    expect(childNames(joinPath(chk, "state", "0", "0")).includes("_leveldb")).toBe(store === "local" && provider === "leveldb");
  });
});
