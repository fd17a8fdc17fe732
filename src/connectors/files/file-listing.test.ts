import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findFiles, globRegExp, listInputFiles, modifiedFilter } from "./file-listing.js";
import { FileStreamSinkLog } from "./sink-manifest.js";
import { tempDir } from "./test-support.js";

function put(path: string, body = "{}\n"): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, body);
  return path;
}

describe("Hadoop globs", () => {
  it.each([
    ["*.json", ["a.json", "b.json"], ["a.txt", ".json/x"]],
    ["{a,c}.json", ["a.json", "c.json"], ["b.json"]],
    ["[!a].json", ["b.json"], ["a.json"]],
    ["[^a-b]?.csv", ["cx.csv"], ["ax.csv", "c.csv"]],
    ["a\\*.json", ["a*.json"], ["ab.json"]],
    ["part-{0,1}*", ["part-00", "part-1x"], ["part-2"]],
  ])("%s", (pattern, yes, no) => {
    const re = globRegExp(pattern);
    for (const n of yes) expect(re.test(n)).toBe(true);
    for (const n of no) expect(re.test(n)).toBe(false);
  });
  it("an unbalanced pattern is INVALID_GLOB naming it", () => {
    expect(() => globRegExp("{a,b")).toThrow(expect.objectContaining({ code: "INVALID_GLOB", message: expect.stringContaining('"{a,b"') }));
    expect(() => globRegExp("[ab")).toThrow(expect.objectContaining({ code: "INVALID_GLOB" }));
  });
});

describe("listing", () => {
  it("follows links to files and folders, skips dangling links, refuses loops", () => {
    const root = tempDir();
    put(join(root, "in/a.json"));
    put(join(root, "other/b.json"));
    symlinkSync("../other/b.json", join(root, "in/b.json"));
    symlinkSync("../other", join(root, "in/sub"));
    symlinkSync("../gone.json", join(root, "in/c.json"));
    const names = (o = {}) => findFiles(join(root, "in"), o).map((f) => f.file.path.slice(root.length + 1));
    expect(names()).toEqual(["in/a.json", "in/b.json"]);
    expect(names({ recursiveFileLookup: true })).toEqual(["in/a.json", "in/b.json", "in/sub/b.json"]);
    symlinkSync("..", join(root, "other/up"));
    expect(() => names({ recursiveFileLookup: true })).toThrow(expect.objectContaining({ code: "SYMLINK_LOOP" }));
  });

  it("reads plain subfolders only with partition folders or recursiveFileLookup (Spark's allFiles)", () => {
    const root = tempDir();
    put(join(root, "in/a.json"));
    put(join(root, "in/sub/b.json"));
    expect(listInputFiles([join(root, "in")]).files.map((f) => f.path)).toEqual([join(root, "in/a.json")]);
    expect(listInputFiles([join(root, "in")], { recursiveFileLookup: true }).files).toHaveLength(2);
    const p = tempDir();
    put(join(p, "x=1/sub/a.json"));
    expect(listInputFiles([p])).toMatchObject({ partitionColumns: ["x"], files: [{ partitionValues: ["1"] }] });
  });

  it("modifiedBefore/After compare strictly, after shifting the file time into the zone's wall clock (as Spark)", () => {
    const at = Date.UTC(2022, 0, 1) * 1000;
    expect(modifiedFilter({ modifiedAfterUs: at, timeZone: "UTC" })!(Date.UTC(2022, 0, 1))).toBe(false);
    expect(modifiedFilter({ modifiedAfterUs: at - 1, timeZone: "UTC" })!(Date.UTC(2022, 0, 1))).toBe(true);
    expect(modifiedFilter({ modifiedBeforeUs: at, timeZone: "UTC" })!(Date.UTC(2022, 0, 1) - 1)).toBe(true);
    // 00:00Z is 19:00 the day before in New York: before a 23:30Z threshold once shifted
    expect(modifiedFilter({ modifiedAfterUs: Date.UTC(2021, 11, 31, 23, 30) * 1000, timeZone: "America/New_York" })!(Date.UTC(2022, 0, 1))).toBe(false);
    expect(modifiedFilter({})).toBeUndefined();
  });

  it("a sink folder lists its manifest's files, deleted ones included, with the manifest's sizes and times", () => {
    const root = tempDir();
    const a = put(join(root, "part-0.json"), '{"id":1}\n');
    put(join(root, "stray.json"));
    utimesSync(a, 5, 5);
    const status = { isDir: false, blockReplication: 1, blockSize: 1, action: "add" as const };
    new FileStreamSinkLog(join(root, "_spark_metadata")).add(0, [
      { ...status, path: `file://${a}`, size: 9, modificationTime: 1000 },
      { ...status, path: `file://${join(root, "gone%20x.json")}`, size: 3, modificationTime: 2000 },
    ]);
    expect(findFiles(root).map((f) => f.file)).toEqual([
      { path: join(root, "gone x.json"), sizeBytes: 3, mtimeMs: 2000 },
      { path: a, sizeBytes: 9, mtimeMs: 1000 },
    ]);
    expect(findFiles(join(root, "*"), {}).map((f) => f.file.path)).toContain(join(root, "stray.json")); // a glob ignores the manifest, as Spark
  });
});
