import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataFilePath, relativeLogPath } from "./data-path.js";

const root = join(tmpdir(), "sluice-data-path", "tbl");
const origin = { action: "add" as const, file: join(root, "_delta_log", "00000000000000000003.json"), version: 3 };

describe("dataFilePath: paths inside the table", () => {
  it.each([
    ["part-0.parquet", "part-0.parquet"],
    ["a%20b.parquet", "a b.parquet"],
    ["date=2024-01-01/part-00000-1.c000.snappy.parquet", "date=2024-01-01/part-00000-1.c000.snappy.parquet"],
    // decoded exactly once: Spark's escaped folder `_2=bar+%2521` is logged as `%252521`
    ["_2=bar+%252521/part-0.parquet", "_2=bar+%2521/part-0.parquet"],
    ["sub/../inside.parquet", "inside.parquet"],
    ["50%off.parquet", "50%off.parquet"],
  ])("%s", (logPath, rel) => {
    expect(dataFilePath(root, logPath, origin)).toBe(join(root, rel));
  });

  it("accepts absolute paths and file URIs that point into the table", () => {
    const inside = join(root, "x.parquet");
    expect(dataFilePath(root, inside, origin)).toBe(inside);
    expect(dataFilePath(root, `file://${inside}`, origin)).toBe(inside);
    expect(dataFilePath(root, `file:${inside}`, origin)).toBe(inside);
    expect(dataFilePath(root, `file://localhost${inside}`, origin)).toBe(inside);
    expect(dataFilePath(root, `FILE://${inside.replace("x.parquet", "a%20b.parquet")}`, origin)).toBe(join(root, "a b.parquet"));
  });

  it("round-trips the paths the writer logs", () => {
    const rel = "city=S%C3%A3o Paulo/part-0 .parquet";
    expect(relativeLogPath(rel)).toBe("city=S%25C3%25A3o%20Paulo/part-0%20.parquet");
    expect(dataFilePath(root, relativeLogPath(rel))).toBe(join(root, rel));
  });
});

describe("dataFilePath: paths that leave the table are refused", () => {
  const outside = join(tmpdir(), "sluice-data-path", "outside.parquet");
  it.each([
    ["../ relative", "../outside.parquet"],
    ["URL-encoded ..%2F", "..%2Foutside.parquet"],
    ["URL-encoded %2E%2E/", "%2E%2E/outside.parquet"],
    ["deep ../", "a/b/../../../outside.parquet"],
    ["absolute path", outside],
    ["file:// URI", `file://${outside}`],
    ["file: URI", `file:${outside}`],
    ["file URI with ..", `file://${root}/../outside.parquet`],
    ["sibling folder sharing the root's name as prefix", `${root}2/x.parquet`],
    ["the table root itself", ""],
    ["the table root as .", "."],
  ])("%s", (_label, logPath) => {
    let err: unknown;
    try {
      dataFilePath(root, logPath, origin);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      kind: "input",
      code: "DELTA_PATH_OUTSIDE_TABLE",
      context: { table: root, path: logPath, file: origin.file, version: 3, action: "add" },
    });
    const message = (err as Error).message;
    expect(message).toContain(root);
    expect(message).toContain(origin.file);
    expect(message).toContain("version 3");
    expect(message).toContain(`"${logPath}"`);
  });

  it.each([
    ["another file system", "s3://bucket/part-0.parquet", "scheme s3"],
    ["a file URI of another host", "file://otherhost/data/part-0.parquet", "another host"],
    ["an encoded NUL", "part%000.parquet", "NUL"],
    ["an encoded / in a file URI", `file://${root}/a%2F..%2F..%2Fx`, "encoded '/'"],
  ])("%s", (_label, logPath, why) => {
    expect(() => dataFilePath(root, logPath, origin)).toThrow(expect.objectContaining({ code: "DELTA_PATH_OUTSIDE_TABLE", message: expect.stringContaining(why) }));
  });

  it("without a log origin (a staged action) still names the table and the path", () => {
    expect(() => dataFilePath(root, "../x.parquet")).toThrow(
      expect.objectContaining({ code: "DELTA_PATH_OUTSIDE_TABLE", message: expect.stringContaining("a staged file action names the data file \"../x.parquet\"") }),
    );
  });
});

describe("dataFilePath on the forms recorded from delta-rs and Delta-Spark (scripts/oracle/delta_escaping_paths.py)", () => {
  const recorded = JSON.parse(readFileSync(join(import.meta.dirname, "../../test/delta-e2e/escaping-paths.golden.json"), "utf8")) as {
    cases: { form: string; path: string; rows?: number[]; error?: string; deltaSparkRows?: number[] }[];
  };
  const base = join(tmpdir(), "sluice-data-path-rs");
  recorded.cases.forEach((c, i) => {
    const table = join(base, `t${i}`);
    const logPath = c.path.replaceAll("<base>", base);
    it(`${c.form}: delta-rs ${c.rows ? "reads it" : "fails"}; Sluice ${c.form.includes("outside") ? "refuses it" : "reads it, as Spark does"}`, () => {
      if (c.form.includes("outside")) {
        expect(c.error).toBeDefined(); // delta-rs never reads outside the table either
        expect(c.deltaSparkRows).toContain(99); // Delta-Spark does: the documented difference
        expect(() => dataFilePath(table, logPath)).toThrow(expect.objectContaining({ code: "DELTA_PATH_OUTSIDE_TABLE" }));
      } else {
        expect(c.deltaSparkRows).toContain(7); // Delta-Spark reads the file inside the table, and so does Sluice
        expect(dataFilePath(table, logPath)).toBe(join(table, "inside.parquet"));
      }
    });
  });
});

describe("dataFilePath on an object store", () => {
  const root = "s3a://bucket/tables/t";
  it("joins relative paths under the root and accepts absolute URIs of the same store inside it", () => {
    expect(dataFilePath(root, "date=2024-01-01/part%20a.parquet")).toBe("s3a://bucket/tables/t/date=2024-01-01/part a.parquet");
    expect(dataFilePath(root, "s3://bucket/tables/t/x.parquet")).toBe("s3a://bucket/tables/t/x.parquet");
  });
  it("refuses '..', another bucket or scheme, and a path outside the root", () => {
    for (const p of ["../u/x.parquet", "a/%2E%2E/%2E%2E/x.parquet", "s3a://other/tables/t/x.parquet", "abfss://c@a.dfs.core.windows.net/tables/t/x", "s3a://bucket/tables/u/x.parquet"]) {
      expect(() => dataFilePath(root, p)).toThrowError(expect.objectContaining({ code: "DELTA_PATH_OUTSIDE_TABLE" }));
    }
  });
});
