import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { Session, col } from "../../src/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = () => mkdtempSync(join(tmpdir(), "sluice-fs-"));

/** Write a JSON-lines file with an explicit modification time (seconds). */
function put(dir: string, name: string, rows: object[], mtimeSec: number): void {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  utimesSync(p, mtimeSec, mtimeSec);
}

const values = async (path: string): Promise<number[]> =>
  (await spark.read.schema("v INT").json(path).collect()).map((r) => r.v as number).sort((a, b) => a - b);

describe("file source → file sink", () => {
  it("reads each file exactly once across restarts and writes a manifest readers trust", async () => {
    const root = tmp();
    const [inDir, out, chk] = [join(root, "in"), join(root, "out"), join(root, "chk")];
    put(inDir, "a.json", [{ v: 1 }, { v: 2 }], 1000);
    put(inDir, "b.json", [{ v: 3 }], 1001);
    const run = async () => {
      const q = await spark.readStream
        .schema("v INT")
        .option("maxFilesPerTrigger", 1)
        .json(inDir)
        .filter(col("v").gt(0))
        .writeStream.format("json")
        .option("checkpointLocation", chk)
        .trigger({ availableNow: true })
        .start(out);
      await q.awaitTermination();
      return q;
    };
    const q1 = await run();
    expect(q1.recentProgress.map((p) => (p as { numInputRows: number }).numInputRows)).toEqual([2, 1]);
    expect(readdirSync(join(out, "_spark_metadata")).sort()).toEqual([".0.crc", ".1.crc", "0", "1"]); // entries and their Hadoop checksum files, as Spark writes them
    expect(await values(out)).toEqual([1, 2, 3]);

    put(inDir, "c.json", [{ v: 4 }], 1002);
    // a stray file in the output folder that no manifest lists is invisible to readers
    writeFileSync(join(out, "part-99999-orphan.json"), '{"v": 99}\n');
    const q2 = await run();
    expect(q2.recentProgress.length).toBe(1);
    expect(await values(out)).toEqual([1, 2, 3, 4]);
  });

  it("latestFirst takes the newest files first", async () => {
    const root = tmp();
    const inDir = join(root, "in");
    put(inDir, "old.json", [{ v: 1 }], 1000);
    put(inDir, "new.json", [{ v: 2 }], 2000);
    const seen: number[][] = [];
    const q = await spark.readStream
      .schema("v INT")
      .options({ maxFilesPerTrigger: 1, latestFirst: true })
      .json(inDir)
      .writeStream.foreachBatch(async (df) => void seen.push((await df.collect()).map((r) => r.v as number)))
      .option("checkpointLocation", join(root, "chk"))
      .trigger({ availableNow: true })
      .start();
    await q.awaitTermination();
    expect(seen).toEqual([[2], [1]]);
  });

  it("cleanSource archives the files of a batch once the next batch starts (as Spark)", async () => {
    const root = tmp();
    const [inDir, archive] = [join(root, "in"), join(root, "archive")];
    put(inDir, "a.json", [{ v: 1 }], 1000);
    put(inDir, "b.json", [{ v: 2 }], 1001);
    const q = await spark.readStream
      .schema("v INT")
      .options({ cleanSource: "archive", sourceArchiveDir: archive, maxFilesPerTrigger: 1 })
      .json(inDir)
      .writeStream.format("memory")
      .queryName("fs_archive")
      .trigger({ availableNow: true })
      .start();
    await q.awaitTermination();
    expect(existsSync(join(inDir, "a.json"))).toBe(false);
    // Spark keeps the file's full original path below the archive folder.
    expect(existsSync(join(archive, resolve(inDir), "a.json"))).toBe(true);
    expect(existsSync(join(inDir, "b.json"))).toBe(true);
    expect(await spark.table("fs_archive").count()).toBe(2);
  });

  it("rejects bad file source options at start()", async () => {
    const df = spark.readStream.schema("v INT").options({ maxFilesPerTrigger: 0, cleanSource: "shred" }).json(tmp());
    await expect(df.writeStream.format("memory").queryName("fs_bad").start()).rejects.toMatchObject({
      code: "INVALID_OPTION",
      message: expect.stringMatching(/maxFilesPerTrigger=0.*cleanSource=shred/),
    });
  });
});
