/**
 * File options end to end where no PySpark answer is recorded (file-options.test.ts has those):
 * Sluice's own refusals (symbolic link loops, compressed input it cannot decode, unknown keys on reads and
 * writes), recovery of a stream that failed on a deleted file, fileNameOnly, and the load-time
 * listing shared by every action of a DataFrame.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import type { DataFrame } from "../../src/dataframe/dataframe.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = (): string => mkdtempSync(join(tmpdir(), "sluice-file-options-"));

function put(path: string, body: string | Uint8Array, mtimeSec?: number): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, body);
  if (mtimeSec !== undefined) utimesSync(path, mtimeSec, mtimeSec);
}

const ids = async (df: DataFrame): Promise<number[]> => (await df.collect()).map((r) => r.id as number).sort((a, b) => a - b);

/** Run `df` with availableNow into foreachBatch; the ids read. */
async function runStream(df: DataFrame, chk: string): Promise<number[]> {
  const got: number[] = [];
  const q = await df.writeStream
    .foreachBatch(async (b) => void got.push(...(await b.collect()).map((r) => r.id as number)))
    .option("checkpointLocation", chk)
    .trigger({ availableNow: true })
    .start();
  await q.awaitTermination();
  return got.sort((a, b) => a - b);
}

describe("file listing refusals", () => {
  it("a symbolic link to a folder being walked fails naming it instead of listing forever", () => {
    const root = tmp();
    put(join(root, "in/a.json"), '{"id":1}\n');
    symlinkSync("..", join(root, "in/loop"));
    expect(() => spark.read.schema("id INT").option("recursiveFileLookup", true).json(join(root, "in"))).toThrow(
      expect.objectContaining({ code: "SYMLINK_LOOP", message: expect.stringContaining(join(root, "in/loop")) }),
    );
  });

  it("gzip and deflate JSON/CSV/text input is decompressed; other codecs are refused naming the file; pathGlobFilter can leave it out", async () => {
    const root = tmp();
    put(join(root, "in/a.json"), '{"id":1}\n');
    put(join(root, "in/b.json.gz"), gzipSync('{"id":2}\n{"id":3}\n'));
    put(join(root, "in/c.json.deflate"), deflateSync('{"id":4}\n'));
    expect(await ids(spark.read.schema("id INT").json(join(root, "in")))).toEqual([1, 2, 3, 4]);
    expect(await runStream(spark.readStream.schema("id INT").json(join(root, "in")), join(root, "chk0"))).toEqual([1, 2, 3, 4]);
    put(join(root, "in/d.json.bz2"), "BZh9");
    expect(() => spark.read.schema("id INT").json(join(root, "in"))).toThrow(expect.objectContaining({ code: "UNSUPPORTED_COMPRESSION", message: expect.stringContaining("d.json.bz2") }));
    expect(await ids(spark.read.schema("id INT").option("pathGlobFilter", "*.{json,gz}").json(join(root, "in")))).toEqual([1, 2, 3]);
    const q = await spark.readStream.schema("id INT").json(join(root, "in")).writeStream.foreachBatch(async () => {}).option("checkpointLocation", join(root, "chk")).trigger({ availableNow: true }).start();
    await expect(q.awaitTermination()).rejects.toSatisfy((e: unknown) => JSON.stringify(e, Object.getOwnPropertyNames(e)).includes("UNSUPPORTED_COMPRESSION"));
  });

  it("what Sluice writes with compression=gzip it reads back", async () => {
    const root = tmp();
    const df = spark.createDataFrame([{ id: 1, s: "a" }, { id: 2, s: "b,c" }], "id INT, s STRING");
    for (const format of ["json", "csv"]) {
      await df.write.format(format).option("compression", "gzip").save(join(root, format));
      expect(await spark.read.schema("id INT, s STRING").format(format).load(join(root, format)).orderBy("id").collect()).toEqual([{ id: 1, s: "a" }, { id: 2, s: "b,c" }]);
    }
    await df.select("s").write.option("compression", "gzip").text(join(root, "text"));
    expect((await spark.read.text(join(root, "text")).collect()).map((r) => r.value).sort()).toEqual(["a", "b,c"]);
  });

  it("a damaged .gz file fails naming it; with ignoreCorruptFiles the rows before the damage are kept", async () => {
    const root = tmp();
    const lines = Array.from({ length: 20000 }, (_, i) => JSON.stringify({ id: i })).join("\n") + "\n";
    const gz = gzipSync(lines);
    put(join(root, "in/cut.json.gz"), gz.subarray(0, Math.floor(gz.length * 0.6)));
    await expect(spark.read.schema("id INT").json(join(root, "in")).collect()).rejects.toMatchObject({
      code: "FAILED_READ_FILE",
      message: expect.stringMatching(/cut\.json\.gz.*damaged or cut short/),
    });
    const kept = await ids(spark.read.schema("id INT").option("ignoreCorruptFiles", "true").json(join(root, "in")));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(20000);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => i));
  });

  it("an invalid pathGlobFilter fails naming the pattern", () => {
    const root = tmp();
    put(join(root, "in/a.json"), '{"id":1}\n');
    expect(() => spark.read.schema("id INT").option("pathGlobFilter", "[a.json").json(join(root, "in"))).toThrow(expect.objectContaining({ code: "INVALID_GLOB", message: expect.stringContaining('"[a.json"') }));
  });
});

describe("unknown option keys", () => {
  it("are errors naming the key on batch and streaming reads and on writes; the value is not shown", async () => {
    const root = tmp();
    put(join(root, "in/a.json"), '{"id":1}\n');
    const named = expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringContaining("apiKey (unknown option") });
    expect(() => spark.read.schema("id INT").option("apiKey", "s3cr3t").json(join(root, "in"))).toThrow(named);
    expect(() => spark.readStream.schema("id INT").option("apiKey", "s3cr3t").json(join(root, "in"))).toThrow(named);
    const df = spark.read.schema("id INT").json(join(root, "in"));
    await expect(df.write.format("json").option("apiKey", "s3cr3t").save(join(root, "out"))).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.not.stringContaining("s3cr3t") });
    await expect(df.write.format("csv").option("codec", "gzip").save(join(root, "out2"))).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining("use compression") });
  });
});

describe("missing files in a stream", () => {
  it("a file logged for a batch and deleted before its re-run fails naming it; restarting with ignoreMissingFiles skips it", async () => {
    const root = tmp();
    const [inDir, chk] = [join(root, "in"), join(root, "chk")];
    put(join(inDir, "a.json"), '{"id":1}\n', 1000);
    put(join(inDir, "b.json"), '{"id":2}\n', 1001);
    const read = (o: Record<string, string> = {}) => spark.readStream.schema("id INT").options(o).json(inDir);
    expect(await runStream(read(), chk)).toEqual([1, 2]);
    rmSync(join(chk, "commits", "0"));
    rmSync(join(inDir, "b.json"));
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(runStream(read(), chk)).rejects.toSatisfy((e: unknown) => JSON.stringify(e, Object.getOwnPropertyNames(e)).includes(join(inDir, "b.json")));
    }
    expect(await runStream(read({ ignoreMissingFiles: "true" }), chk)).toEqual([1]);
    put(join(inDir, "c.json"), '{"id":3}\n', 1002);
    expect(await runStream(read({ ignoreMissingFiles: "true" }), chk)).toEqual([3]);
  });

  it("fileNameOnly tells files apart by name: a file of the same name in another folder is not read again", async () => {
    const root = tmp();
    const inDir = join(root, "in");
    put(join(inDir, "x/a.json"), '{"id":1}\n', 1000);
    const read = (o: Record<string, string>) => spark.readStream.schema("id INT").options({ recursiveFileLookup: "true", ...o }).json(inDir);
    expect(await runStream(read({ fileNameOnly: "true" }), join(root, "chk1"))).toEqual([1]);
    put(join(inDir, "y/a.json"), '{"id":2}\n', 1001);
    put(join(inDir, "y/b.json"), '{"id":3}\n', 1001);
    expect(await runStream(read({ fileNameOnly: "true" }), join(root, "chk1"))).toEqual([3]);
    expect(await runStream(read({}), join(root, "chk2"))).toEqual([1, 2, 3]);
  });
});

describe("session configs as option defaults", () => {
  it("spark.sql.files.ignoreMissingFiles / ignoreCorruptFiles apply to reads and streams that do not set the option", async () => {
    const root = tmp();
    put(join(root, "in/a.json"), '{"id":1}\n');
    put(join(root, "in/b.parquet"), "not parquet");
    put(join(root, "pq/a.parquet"), "not parquet either");
    const bad = { code: expect.stringMatching(/CORRUPT|FAILED_READ|PARQUET/) };
    await expect(spark.read.schema("id INT").parquet(join(root, "pq")).collect()).rejects.toMatchObject(bad);
    try {
      spark.conf.set("spark.sql.files.ignoreCorruptFiles", "true");
      expect(await ids(spark.read.schema("id INT").parquet(join(root, "pq")))).toEqual([]);
      // the option still wins over the config
      await expect(spark.read.schema("id INT").option("ignoreCorruptFiles", "false").parquet(join(root, "pq")).collect()).rejects.toMatchObject(bad);
      spark.conf.set("spark.sql.files.ignoreMissingFiles", "true");
      const df = spark.read.schema("id INT").json(join(root, "in", "*.json"));
      rmSync(join(root, "in/a.json"));
      expect(await ids(df)).toEqual([]);
      put(join(root, "s/a.json"), '{"id":5}\n');
      expect(await runStream(spark.readStream.schema("id INT").json(join(root, "s")), join(root, "chk"))).toEqual([5]);
    } finally {
      spark.conf.set("spark.sql.files.ignoreCorruptFiles", "false");
      spark.conf.set("spark.sql.files.ignoreMissingFiles", "false");
    }
    expect(() => spark.conf.set("spark.sql.files.ignoreMissingFiles", "yes")).toThrow(/expected true or false/);
  });
});

describe("partition folders in a stream", () => {
  it("fill the schema's partition columns from the file's path, not from the file", async () => {
    const root = tmp();
    put(join(root, "in/x=1/a.json"), '{"id":1}\n');
    put(join(root, "in/x=2/b.json"), '{"id":2,"x":7}\n');
    const got: unknown[] = [];
    const q = await spark.readStream.schema("id INT, x INT").json(join(root, "in")).writeStream.foreachBatch(async (b) => void got.push(...(await b.collect()))).option("checkpointLocation", join(root, "chk")).trigger({ availableNow: true }).start();
    await q.awaitTermination();
    expect(got).toEqual([{ id: 1, x: 1 }, { id: 2, x: 2 }]);
  });
});

describe("a DataFrame's listing", () => {
  it("is made at load(): every action reads those files (a new load() sees new ones)", async () => {
    const root = tmp();
    put(join(root, "in/a.json"), '{"id":1}\n');
    const df = spark.read.schema("id INT").json(join(root, "in"));
    expect(await ids(df)).toEqual([1]);
    put(join(root, "in/b.json"), '{"id":2}\n');
    expect(await ids(df)).toEqual([1]);
    expect(await ids(spark.read.schema("id INT").json(join(root, "in")))).toEqual([1, 2]);
  });
});
