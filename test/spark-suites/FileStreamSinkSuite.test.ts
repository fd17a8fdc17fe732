/**
 * Scenarios of Spark's FileStreamSinkSuite (sql/core/.../streaming/FileStreamSinkSuite.scala), in
 * our own code: the _spark_metadata log and its compaction, reading a sink folder back (batch and
 * stream) through the manifest only, partitioned output, output modes. PySpark 4.0.1's layout and
 * answers are in golden/files.json (scripts/oracle/gen_spark_suite_files.py, case 9).
 * The suite runs with the sink's folder and the checkpoint on the local disk, the S3 test server
 * and Azurite (test/support/object-stores.ts); the input files stay local, where their
 * modification times can be set.
 */
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { childNames, fileSystemFor } from "../../src/fs/file-systems.js";
import { joinPath } from "../../src/fs/path.js";
import { Session, functions as F } from "../../src/index.js";
import { STORES, storeRoot, stopObjectStores } from "../support/object-stores.js";

const here = dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(join(here, "golden", "files.json"), "utf8")) as Record<string, any>;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(async () => {
  await spark.stop();
  await stopObjectStores();
});
const nowSec = Math.floor(Date.now() / 1000);
const put = (path: string, rows: object[], mtimeSec?: number): void => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, rows.map((r) => JSON.stringify(r) + "\n").join(""));
  if (mtimeSec !== undefined) utimesSync(path, mtimeSec, mtimeSec);
};
const values = (rows: Record<string, unknown>[]): number[] => rows.map((r) => Number(r.v)).sort((a, b) => a - b);

/** A test's folders: `in` for local input files, `root` on the store for the sink's output and checkpoints. */
interface Roots {
  readonly in: string;
  readonly root: string;
}

describe.each(STORES)("FileStreamSinkSuite on %s", (store) => {
  const newRoot = async (): Promise<Roots> => ({ in: join(mkdtempSync(join(tmpdir(), "sluice-fsk-")), "in"), root: await storeRoot(store) });

  /** 12 input files, one per batch, into a json sink at <root>/out. */
  async function twelveBatches(r: Roots): Promise<string> {
    for (let i = 0; i < 12; i++) put(join(r.in, `f${String(i).padStart(2, "0")}.json`), [{ v: i }], nowSec - 100 + i);
    const out = joinPath(r.root, "out");
    const q = await spark.readStream.schema("v INT").option("maxFilesPerTrigger", 1).json(r.in).writeStream.format("json").option("checkpointLocation", joinPath(r.root, "chk")).start(out);
    await q.processAllAvailable();
    await q.stop();
    return out;
  }

  it("the metadata log is compacted every 10 batches into N.compact, as Spark lays it out", async () => {
    const out = await twelveBatches(await newRoot());
    const meta = joinPath(out, "_spark_metadata");
    expect(childNames(meta).filter((f) => !f.startsWith(".")).sort()).toEqual(golden["sink-metadata-files"]);
    const compact = joinPath(meta, "9.compact");
    const lines = fileSystemFor(compact).open(compact).toString("utf8").split("\n").filter((l) => l !== "");
    const theirs = golden["sink-compact-9"] as { version: string; entries: number; keys: string[] };
    expect(lines[0]).toBe(theirs.version);
    expect(lines.length - 1).toBe(theirs.entries);
    expect(Object.keys(JSON.parse(lines[1]!))).toEqual(theirs.keys);
  });

  it("a sink folder reads back through its manifest only, as a batch and as a stream (a stray file is skipped)", async () => {
    const r = await newRoot();
    const out = await twelveBatches(r);
    const stray = joinPath(out, "stray.json");
    fileSystemFor(stray).create(stray, JSON.stringify({ v: 99 }) + "\n", { overwrite: true });
    expect(values(await spark.read.schema("v INT").json(out).collect())).toEqual(golden["sink-read-back-batch"]);
    const seen: number[] = [];
    const q = await spark.readStream
      .schema("v INT")
      .json(out)
      .writeStream.foreachBatch(async (b) => void seen.push(...values(await b.collect())))
      .option("checkpointLocation", joinPath(r.root, "chk2"))
      .start();
    await q.processAllAvailable();
    await q.stop();
    expect(seen.sort((a, b) => a - b)).toEqual(golden["sink-read-back-stream"]);
  });

  it("a restart continues the log after a compaction; the folder still reads back whole", async () => {
    const r = await newRoot();
    const out = await twelveBatches(r);
    for (let i = 12; i < 21; i++) put(join(r.in, `f${i}.json`), [{ v: i }], nowSec + i);
    const q = await spark.readStream.schema("v INT").option("maxFilesPerTrigger", 1).json(r.in).writeStream.format("json").option("checkpointLocation", joinPath(r.root, "chk")).start(out);
    await q.processAllAvailable();
    await q.stop();
    expect(childNames(joinPath(out, "_spark_metadata")).filter((f) => f.endsWith(".compact")).sort()).toEqual(["19.compact", "9.compact"]);
    expect(values(await spark.read.schema("v INT").json(out).collect())).toEqual(Array.from({ length: 21 }, (_, i) => i));
  });

  it("partitionBy writes col=value folders that read back as a column", async () => {
    const { root } = await newRoot();
    const input = spark.memoryStream("v INT, p STRING");
    const out = joinPath(root, "out");
    const q = await input.toDF().writeStream.format("parquet").partitionBy("p").option("checkpointLocation", joinPath(root, "chk")).start(out);
    input.addData([{ v: 1, p: "a" }, { v: 2, p: "b" }, { v: 3, p: "a" }]);
    await q.processAllAvailable();
    await q.stop();
    expect(childNames(out).filter((f) => !f.startsWith("_") && !f.startsWith(".")).sort()).toEqual(["p=a", "p=b"]);
    const rows = (await spark.read.parquet(out).collect()).map((r) => `${r.v}${r.p}`).sort();
    expect(rows).toEqual(["1a", "2b", "3a"]);
  });

  it("file sinks support append only: update and complete are refused", async () => {
    for (const mode of ["update", "complete"] as const) {
      const { root } = await newRoot();
      const input = spark.memoryStream("v INT");
      const q = await input.toDF().groupBy("v").agg(F.count("*").alias("n")).writeStream.format("json").outputMode(mode).option("checkpointLocation", joinPath(root, "chk")).start(joinPath(root, "out")).catch((e: unknown) => e);
      if (q instanceof Error) {
        expect(q.message).toMatch(/does not support (update|complete) output mode/);
        continue;
      }
      const query = q as { processAllAvailable(): Promise<void>; stop(): Promise<void> };
      input.addData([{ v: 1 }]);
      await expect(query.processAllAvailable()).rejects.toThrow(/does not support (update|complete) output mode/);
      await query.stop();
    }
  });

  it("spark.sql.streaming.fileSink.log.compactInterval must be a positive integer", async () => {
    const { root } = await newRoot();
    spark.conf.set("spark.sql.streaming.fileSink.log.compactInterval", "0");
    try {
      await expect(spark.memoryStream("v INT").toDF().writeStream.format("json").option("checkpointLocation", joinPath(root, "chk")).start(joinPath(root, "out"))).rejects.toMatchObject({ code: "INVALID_CONF_VALUE" });
    } finally {
      spark.conf.unset("spark.sql.streaming.fileSink.log.compactInterval");
    }
  });
});
