/**
 * Streaming reads of the change data feed (readStream ... readChangeFeed) of the table PySpark +
 * delta-spark wrote (cdf-table/): from a starting version the stream gives the rows delta-spark's
 * batch readChangeFeed gave for that range (cdf-table.golden.json), then each new commit's
 * changes in a later micro-batch; and the options it refuses.
 */
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DeltaTable, Session } from "../../src/index.js";
import { errorOf } from "../../src/delta/test-helpers.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(join(HERE, "cdf-table.golden.json"), "utf8")) as { reads: Record<string, Record<string, unknown>[]> };
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());

const copy = () => {
  const path = join(mkdtempSync(join(tmpdir(), "sluice-cdf-stream-")), "t");
  cpSync(join(HERE, "cdf-table"), path, { recursive: true });
  return path;
};
const plain = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "_commit_timestamp").map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]));
const sorted = (rows: Record<string, unknown>[]) => rows.map(plain).sort((a, b) => (JSON.stringify(a, Object.keys(a).sort()) < JSON.stringify(b, Object.keys(b).sort()) ? -1 : 1));
const stream = (path: string, options: Record<string, string | number>) => {
  let r = spark.readStream.format("delta").option("readChangeFeed", "true");
  for (const [k, v] of Object.entries(options)) r = r.option(k, v);
  return r.load(path);
};

describe("readStream.format('delta').option('readChangeFeed', 'true')", () => {
  it.each(["startingVersion=0", "startingVersion=2"])("from %s gives delta-spark's rows, then each new commit's changes", async (range) => {
    const path = copy();
    const start = Number(range.split("=")[1]);
    const name = `cdf_stream_${start}`;
    const q = await stream(path, { startingVersion: start }).writeStream.format("memory").queryName(name).start();
    await q.processAllAvailable();
    expect(sorted(await spark.table(name).collect())).toEqual(golden.reads[range]);
    await DeltaTable.forPath(spark, path).update("id = 5", { v: "'E'" });
    await q.processAllAvailable();
    await q.stop();
    const rows = sorted(await spark.table(name).collect());
    expect(rows.filter((r) => r._commit_version === 5)).toEqual([
      { _change_type: "update_postimage", _commit_version: 5, id: 5, p: "x", v: "E" },
      { _change_type: "update_preimage", _commit_version: 5, id: 5, p: "x", v: "e" },
    ]);
    expect(rows.length).toBe(golden.reads[range]!.length + 2);
    expect(q.recentProgress.filter((p) => p.numInputRows > 0).length).toBe(2);
  });

  it("explain() of a running stream with startingVersion shows the table scan (its stream options are not a batch read's)", async () => {
    const path = copy();
    for (const [name, df] of [
      ["explain_plain", spark.readStream.format("delta").option("startingVersion", 2).option("skipChangeCommits", "true").load(path)],
      ["explain_cdf", stream(path, { startingVersion: 2 })],
    ] as const) {
      const q = await df.writeStream.format("memory").queryName(name).start();
      await q.processAllAvailable();
      expect(q.explainString()).toContain(`DeltaScanExec: ${path}`);
      await q.stop();
    }
  });

  it("restarts from its checkpoint after the last commit it read", async () => {
    const path = copy();
    const out = join(dirname(path), "out");
    const run = async () => {
      const q = await stream(path, { startingVersion: 3 }).writeStream.format("delta").option("checkpointLocation", join(dirname(path), "cp")).start(out);
      await q.processAllAvailable();
      await q.stop();
    };
    await run();
    await DeltaTable.forPath(spark, path).delete("id = 5");
    await run();
    const rows = sorted(await spark.read.format("delta").load(out).collect());
    expect(rows.filter((r) => (r._commit_version as number) < 5)).toEqual(golden.reads["startingVersion=2"]!.filter((r) => (r._commit_version as number) >= 3));
    expect(rows.filter((r) => r._commit_version === 5)).toEqual([{ _change_type: "delete", _commit_version: 5, id: 5, p: "x", v: "e" }]);
  });

  it("refuses a stream without a starting version, and options it would ignore", async () => {
    const path = copy();
    const run = (options: Record<string, string | number>) =>
      errorOf(async () => {
        const q = await stream(path, options).writeStream.format("memory").queryName("cdf_stream_bad").start();
        try {
          await q.processAllAvailable();
        } finally {
          await q.stop();
        }
      });
    const none = await run({});
    expect([none.code, none.message]).toEqual(["DELTA_NO_START_FOR_CDC_READ", expect.stringContaining("startingVersion")]);
    const limit = await run({ startingVersion: 0, maxFilesPerTrigger: 1 });
    expect([limit.code, limit.message]).toEqual(["DELTA_UNSUPPORTED_OPTION", expect.stringContaining("maxFilesPerTrigger")]);
    expect((await run({ startingVersion: 0, endingVersion: 2 })).code).toBe("DELTA_UNSUPPORTED_OPTION");
  });
});
