/**
 * Batch file writes (`df.write.json/csv/parquet(path)`) on the local disk, the S3 test server and
 * Azurite (one parameterised suite): every save mode, partitionBy folders, `_SUCCESS`, no staging
 * folder left behind, and what was written reads back.
 */
import { afterAll, describe, expect, it } from "vitest";
import { exactJson } from "../../src/columnar/values.js";
import { childNames, fileSystemFor } from "../../src/fs/file-systems.js";
import { joinPath } from "../../src/fs/path.js";
import { Session } from "../../src/index.js";
import { STORES, storeRoot, stopObjectStores } from "../support/object-stores.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(async () => {
  await spark.stop();
  await stopObjectStores();
});

const norm = (rows: Record<string, unknown>[]): string[] => rows.map((r) => exactJson(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))))).sort();
const df = (ids: number[]) => spark.createDataFrame(ids.map((id) => ({ id, day: `d${id % 2}` })), "id INT, day STRING");

describe.each(STORES)("batch file writes on %s", (store) => {
  it.each(["json", "csv", "parquet"] as const)("%s: errorifexists, append, overwrite and ignore; the folder reads back", async (format) => {
    const path = joinPath(await storeRoot(store), "out");
    const opts: Record<string, string> = format === "csv" ? { header: "true" } : {};
    const read = async () => norm(await spark.read.schema("id INT, day STRING").options(opts).format(format).load(path).collect());
    await df([1, 2]).write.format(format).options(opts).save(path);
    expect(await read()).toEqual(norm([{ id: 1, day: "d1" }, { id: 2, day: "d0" }]));
    expect(childNames(path)).toContain("_SUCCESS");
    expect(childNames(path)).not.toContain("_temporary");
    await expect(df([3]).write.format(format).save(path)).rejects.toMatchObject({ code: "PATH_ALREADY_EXISTS", message: expect.stringContaining(path) });
    await df([3]).write.format(format).options(opts).mode("append").save(path);
    expect((await read()).length).toBe(3);
    await df([9]).write.format(format).options(opts).mode("ignore").save(path);
    expect((await read()).length).toBe(3);
    await df([7]).write.format(format).options(opts).mode("overwrite").save(path);
    expect(await read()).toEqual(norm([{ id: 7, day: "d1" }]));
    expect(childNames(path).filter((n) => n.startsWith("part-"))).toHaveLength(1);
  });

  it("partitionBy writes col=value folders that read back as a column", async () => {
    const path = joinPath(await storeRoot(store), "p");
    await df([1, 2, 3]).write.partitionBy("day").parquet(path);
    expect(childNames(path).filter((n) => !n.startsWith("_"))).toEqual(["day=d0", "day=d1"]);
    expect(childNames(joinPath(path, "day=d1")).every((n) => n.endsWith(".parquet"))).toBe(true);
    expect(norm(await spark.read.parquet(path).collect())).toEqual(norm([{ id: 1, day: "d1" }, { id: 2, day: "d0" }, { id: 3, day: "d1" }]));
  });

  it("a write to a path that is a file fails naming it", async () => {
    const path = joinPath(await storeRoot(store), "f.json");
    fileSystemFor(path).create(path, '{"id":1}\n', { overwrite: true });
    await expect(df([1]).write.mode("append").json(path)).rejects.toMatchObject({ code: "PATH_NOT_A_DIRECTORY", message: expect.stringContaining(path) });
  });
});
