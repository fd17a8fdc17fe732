import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../index.js";
import { queryCheckpointDir } from "./query-checkpoint.js";

interface SparkCase {
  readonly queryName: string | null;
  readonly checkpointRelativeToRoot?: string;
  readonly error?: string;
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "query-checkpoint.golden.json"), "utf8")) as { cases: SparkCase[] };
const root = join(tmpdir(), "sluice-query-checkpoint", "root");

describe("queryCheckpointDir against PySpark's choice of folder", () => {
  for (const c of golden.cases) {
    if (c.queryName === null || c.error !== undefined) continue;
    const name = c.queryName;
    const sparkDir = c.checkpointRelativeToRoot!;
    const ownFolder = sparkDir === name && !/[/\\]/.test(name) && name !== "." && name !== "..";
    it(`${JSON.stringify(name)} (Spark: ${sparkDir})`, () => {
      if (ownFolder) {
        expect(queryCheckpointDir(root, name)).toBe(join(root, name));
        return;
      }
      // Spark leaves the root, reuses it, or nests folders: Sluice refuses, naming name and root.
      expect(() => queryCheckpointDir(root, name)).toThrow(
        expect.objectContaining({ code: "INVALID_QUERY_NAME", context: { queryName: name, root }, message: expect.stringContaining(root) }),
      );
    });
  }

  it.each([["a\0b"], [" "], [""]])("refuses %j", (name) => {
    expect(() => queryCheckpointDir(root, name)).toThrow(expect.objectContaining({ code: "INVALID_QUERY_NAME", message: expect.stringContaining(JSON.stringify(name)) }));
  });

  it.each([["daily counts"], ["q.v2"], ["...x"], ["ünïcode-名前"]])("accepts the single folder name %j", (name) => {
    expect(queryCheckpointDir(root, name)).toBe(join(root, name));
  });
});

describe("writeStream.queryName with spark.sql.streaming.checkpointLocation", () => {
  const spark = Session.builder().getOrCreate();
  afterAll(() => spark.stop());

  it("refuses a name that would leave the checkpoint root, writing nothing", async () => {
    const base = mkdtempSync(join(tmpdir(), "sluice-qname-"));
    const chkRoot = join(base, "a", "root");
    spark.conf.set("spark.sql.streaming.checkpointLocation", chkRoot);
    const mem = spark.memoryStream("id BIGINT");
    for (const name of ["../..", "..", ".", "x/y", "a\\b"]) {
      await expect(mem.toDF().writeStream.format("memory").queryName(name).start()).rejects.toMatchObject({ code: "INVALID_QUERY_NAME", context: { queryName: name } });
    }
    expect(readdirSync(base)).toEqual([]);
  });

  it("refuses an empty name at queryName(), as PySpark does", () => {
    const recorded = golden.cases.find((c) => c.queryName === "")!;
    expect(recorded.error).toContain("VALUE_NOT_NON_EMPTY_STR");
    const w = spark.memoryStream("id BIGINT").toDF().writeStream;
    expect(() => w.queryName("")).toThrow(expect.objectContaining({ code: "VALUE_NOT_NON_EMPTY_STR" }));
    expect(() => w.queryName("  ")).toThrow(expect.objectContaining({ code: "VALUE_NOT_NON_EMPTY_STR" }));
  });

  it("a normal name checkpoints in <root>/<name>, and an odd name is fine with its own checkpointLocation", async () => {
    const base = mkdtempSync(join(tmpdir(), "sluice-qname-"));
    spark.conf.set("spark.sql.streaming.checkpointLocation", join(base, "root"));
    const mem = spark.memoryStream("id BIGINT");
    const q = await mem.toDF().writeStream.format("memory").queryName("daily_ids").start();
    mem.addData([{ id: 1 }]);
    await q.processAllAvailable();
    await q.stop();
    expect(existsSync(join(base, "root", "daily_ids", "metadata"))).toBe(true);
    expect(await spark.table("daily_ids").collect()).toEqual([{ id: 1n }]);

    const own = join(base, "own");
    const q2 = await mem.toDF().writeStream.format("memory").queryName("../..").option("checkpointLocation", own).start();
    await q2.processAllAvailable();
    await q2.stop();
    expect(existsSync(join(own, "metadata"))).toBe(true);
  });

  it("an unnamed query checkpoints in <root>/<random uuid>, as PySpark does; a Delta sink reads its query id there", async () => {
    expect(golden.cases.find((c) => c.queryName === null)!.checkpointRelativeToRoot).toBe("<uuid>");
    const base = mkdtempSync(join(tmpdir(), "sluice-qname-"));
    spark.conf.set("spark.sql.streaming.checkpointLocation", join(base, "root"));
    const mem = spark.memoryStream("id BIGINT");
    mem.addData([{ id: 1n }]);
    const q = await mem.toDF().writeStream.format("delta").start(join(base, "table"));
    await q.processAllAvailable();
    await q.stop();
    const dirs = readdirSync(join(base, "root"));
    expect(dirs).toHaveLength(1);
    expect(dirs[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(existsSync(join(base, "root", dirs[0]!, "commits", "0"))).toBe(true);
    const log = readFileSync(join(base, "table", "_delta_log", "00000000000000000000.json"), "utf8");
    expect(log).toContain(`"appId":"${q.id}"`);
  });
});
