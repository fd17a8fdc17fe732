/**
 * Writing: Spark's layout and text forms, round trips for every format, partitionBy, save modes,
 * and reading files PySpark 4.0.1 wrote (testdata/pyspark/*).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { gunzipSync } from "node:zlib";
import { batchFromRows } from "../../columnar/column-batch.js";
import { SluiceError } from "../../common/errors.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import { StructType } from "../../types/struct-type.js";
import { TESTDATA, read, spec, tempDir, testCtx, write } from "./test-support.js";
import { writeDataFiles, writeFiles } from "./write-files.js";

const DDL =
  "id INT, name STRING, amount DECIMAL(10,2), ts TIMESTAMP, d DATE, score DOUBLE, big BIGINT, flag BOOLEAN, tags ARRAY<STRING>, attrs MAP<STRING, INT>, point STRUCT<x: DOUBLE, y: DOUBLE>, f FLOAT";
const FLAT = "id INT, name STRING, amount DECIMAL(10,2), ts TIMESTAMP, d DATE, score DOUBLE, big BIGINT, flag BOOLEAN, f FLOAT";
const ROWS = [
  { id: 1, name: "alice", amount: "12.50", ts: new Date("2024-01-01T10:00:00Z"), d: new Date("2024-01-01T00:00:00Z"), score: 1.5, big: 3000000000n, flag: true, tags: ["a", "b"], attrs: new Map([["k", 1]]), point: { x: 1, y: 2 }, f: 1.25 },
  { id: 2, name: 'bob, "the" builder', amount: null, ts: new Date("2024-01-01T10:00:00.123Z"), d: null, score: NaN, big: null, flag: false, tags: [], attrs: new Map(), point: null, f: null },
  { id: 3, name: null, amount: "-0.01", ts: null, d: new Date("1969-12-31T00:00:00Z"), score: 1e20, big: -1n, flag: null, tags: null, attrs: null, point: { x: null, y: 3 }, f: Infinity },
];
const flat = (r: Record<string, unknown>) => {
  const { tags: _t, attrs: _a, point: _p, ...rest } = r;
  return rest;
};
const dataFile = (dir: string) => join(dir, readdirSync(dir).find((n) => n.startsWith("part-"))!);

describe("JSON and CSV output text matches Spark's", () => {
  it("JSON lines", async () => {
    const dir = join(tempDir(), "out");
    await write(DDL, ROWS, { format: "json", path: dir });
    expect(readFileSync(dataFile(dir), "utf8")).toBe(readFileSync(dataFile(TESTDATA + "pyspark/json"), "utf8"));
    expect(existsSync(join(dir, "_SUCCESS"))).toBe(true);
    expect(basename(dataFile(dir))).toMatch(/^part-00000-[0-9a-f-]{36}-c000\.json$/);
  });
  it("CSV with header", async () => {
    const dir = join(tempDir(), "out");
    await write(FLAT, ROWS.map(flat), { format: "csv", path: dir, options: { header: "true" } });
    expect(readFileSync(dataFile(dir), "utf8")).toBe(readFileSync(dataFile(TESTDATA + "pyspark/csv"), "utf8"));
  });
  it("text (null rows as empty lines)", async () => {
    const dir = join(tempDir(), "out");
    await write("name STRING", ROWS.map((r) => ({ name: r.name })), { format: "text", path: dir });
    expect(readFileSync(dataFile(dir), "utf8")).toBe(readFileSync(dataFile(TESTDATA + "pyspark/text"), "utf8"));
    expect(basename(dataFile(dir))).toMatch(/\.txt$/);
  });
  it("timestampFormat on output", async () => {
    const dir = join(tempDir(), "out");
    await write("ts TIMESTAMP", [{ ts: new Date("2024-01-01T10:00:00Z") }], { format: "json", path: dir, options: { timestampFormat: "dd/MM/yyyy HH:mm" } });
    expect(readFileSync(dataFile(dir), "utf8")).toBe('{"ts":"01/01/2024 10:00"}\n');
  });
});

describe("round trips", () => {
  it.each(["json", "parquet"])("%s keeps every type, nulls and nested values", async (format) => {
    const dir = join(tempDir(), "out");
    await write(DDL, ROWS, { format, path: dir });
    const r = await read(spec(format, dir, {}, DDL));
    expect(r.rows).toEqual(ROWS);
  });
  it("parquet keeps the schema without a user schema", async () => {
    const dir = join(tempDir(), "out");
    await write(DDL, ROWS, { format: "parquet", path: dir });
    const r = await read(spec("parquet", dir));
    expect(r.ddl).toBe(DDL);
  });
  it.each(["snappy", "zstd", "gzip", "none"])("parquet compression %s", async (compression) => {
    const dir = join(tempDir(), "out");
    await write(FLAT, ROWS.map(flat), { format: "parquet", path: dir, options: { compression } });
    const ext = { snappy: ".snappy.parquet", zstd: ".zstd.parquet", gzip: ".gz.parquet", none: "-c000.parquet" }[compression]!;
    expect(basename(dataFile(dir)).endsWith(ext)).toBe(true);
    expect((await read(spec("parquet", dir))).rows).toEqual(ROWS.map(flat));
  });
  it("csv with header and inferSchema", async () => {
    const dir = join(tempDir(), "out");
    await write(FLAT, ROWS.map(flat), { format: "csv", path: dir, options: { header: "true" } });
    const r = await read(spec("csv", dir, { header: "true" }, FLAT));
    expect(r.rows).toEqual(ROWS.map(flat));
  });
  it("json gzip compression", async () => {
    const dir = join(tempDir(), "out");
    await write(FLAT, ROWS.map(flat), { format: "json", path: dir, options: { compression: "gzip" } });
    expect(basename(dataFile(dir))).toMatch(/\.json\.gz$/);
  });
});

describe("partitionBy", () => {
  const rows = [
    { v: 1, k: "a/b", d: new Date("2024-01-01T00:00:00Z") },
    { v: 2, k: null, d: new Date("2024-01-02T00:00:00Z") },
    { v: 3, k: "x y=%#", d: null },
    { v: 4, k: "1", d: new Date("2024-01-01T00:00:00Z") },
  ];
  it("uses Spark's folder names and escaping", async () => {
    const dir = join(tempDir(), "out");
    const files = await write("v INT, k STRING, d DATE", rows, { format: "json", path: dir, partitionBy: ["k", "d"] });
    const mine = files.map((f) => relative(dir, f).replace(/part-.*$/, "")).sort();
    const theirs = ["k=1/d=2024-01-01/", "k=__HIVE_DEFAULT_PARTITION__/d=2024-01-02/", "k=a%2Fb/d=2024-01-01/", "k=x y%3D%25%23/d=__HIVE_DEFAULT_PARTITION__/"];
    expect(mine).toEqual(theirs);
    expect(basename(files[0]!)).toMatch(/^part-00000-[0-9a-f-]{36}\.c000\.json$/);
    expect(readFileSync(files.find((f) => f.includes("k=1/"))!, "utf8")).toBe('{"v":4}\n');
  });
  it("reads partition columns back with inferred types (as from PySpark's folder)", async () => {
    for (const dir of [TESTDATA + "pyspark/part", await (async () => {
      const d = join(tempDir(), "out");
      await write("v INT, k STRING, d DATE", rows, { format: "parquet", path: d, partitionBy: ["k", "d"] });
      return d;
    })()]) {
      const r = await read(spec(dir.includes("pyspark") ? "json" : "parquet", dir));
      expect(r.ddl).toMatch(/^v (BIGINT|INT), k STRING, d DATE$/);
      expect(r.rows.sort((a, b) => Number(a.v) - Number(b.v)).map((x) => ({ ...x, v: Number(x.v) }))).toEqual(rows); // v is BIGINT where inferred from JSON
    }
  });
  it("rejects unknown and all-columns partitioning", async () => {
    await expect(write("v INT", [{ v: 1 }], { format: "json", path: join(tempDir(), "o"), partitionBy: ["nope"] })).rejects.toMatchObject({ code: "UNRESOLVED_COLUMN" });
    await expect(write("v INT", [{ v: 1 }], { format: "json", path: join(tempDir(), "o"), partitionBy: ["v"] })).rejects.toMatchObject({ code: "ALL_PARTITION_COLUMNS_NOT_ALLOWED" });
  });
});

describe("save modes", () => {
  it("errorifexists, ignore, append and overwrite", async () => {
    const dir = join(tempDir(), "out");
    await write("v INT", [{ v: 1 }], { format: "json", path: dir });
    await expect(write("v INT", [{ v: 2 }], { format: "json", path: dir })).rejects.toMatchObject({ code: "PATH_ALREADY_EXISTS" });
    expect(await write("v INT", [{ v: 2 }], { format: "json", path: dir, mode: "ignore" })).toEqual([]);
    await write("v INT", [{ v: 3 }], { format: "json", path: dir, mode: "append" });
    expect((await read(spec("json", dir))).rows.map((r) => r.v).sort()).toEqual([1n, 3n]);
    await write("v INT", [{ v: 4 }], { format: "json", path: dir, mode: "overwrite" });
    expect((await read(spec("json", dir))).rows).toEqual([{ v: 4n }]);
    expect(existsSync(join(dir, "_temporary"))).toBe(false);
  });
  it("a failed write leaves no data files behind", async () => {
    const dir = join(tempDir(), "out");
    await expect(write("a INT, b INT", [{ a: 1, b: 2 }], { format: "text", path: dir })).rejects.toMatchObject({ code: "UNSUPPORTED_DATA_SOURCE_SCHEMA" });
    expect(readdirSync(dir)).toEqual([]);
  });
  it("rejects bad write options", async () => {
    await expect(write("v INT", [{ v: 1 }], { format: "parquet", path: join(tempDir(), "o"), options: { compression: "lzma" } })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    await expect(write("v INT", [{ v: 1 }], { format: "csv", path: join(tempDir(), "o"), options: { header: "maybe" } })).rejects.toMatchObject({ code: "INVALID_OPTION" });
  });
});

describe("streamed writes", () => {
  /** An input that yields `good` rows over several batches, then fails as an interrupted task does. */
  const failingPlan = (good: number): ExecutionPlan => ({
    name: "FailingExec",
    schema: StructType.fromDDL("v INT, p STRING"),
    children: [],
    describe: () => "FailingExec",
    async *execute() {
      for (let i = 0; i < good; i += 10) yield batchFromRows(StructType.fromDDL("v INT, p STRING"), Array.from({ length: 10 }, (_, k) => ({ v: i + k, p: String((i + k) % 3) })));
      throw new SluiceError("execution", "TASK_INTERRUPTED", "stopped");
    },
  });

  it.each(["parquet", "json", "csv"])("%s: input failing mid-write leaves no files and no _SUCCESS", async (format) => {
    const dir = join(tempDir(), "out");
    await expect(writeFiles(failingPlan(50), testCtx(), { format, path: dir, mode: "errorifexists", options: {}, partitionBy: ["p"] })).rejects.toMatchObject({ code: "TASK_INTERRUPTED" });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("the streaming sink's writer renames nothing when its input fails, and writes no file for no rows", async () => {
    const dir = tempDir();
    const S = StructType.fromDDL("v INT, p STRING");
    await expect(writeDataFiles(S, failingPlan(30).execute(testCtx()), dir, { format: "json", options: {}, partitionBy: [] })).rejects.toMatchObject({ code: "TASK_INTERRUPTED" });
    expect(readdirSync(dir)).toEqual([]);
    expect(await writeDataFiles(S, [], dir, { format: "parquet", options: {}, partitionBy: [] })).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("an empty write keeps the schema: a Parquet file, a CSV header, a gzip member", async () => {
    const pq = join(tempDir(), "pq");
    await write("id INT, name STRING", [], { format: "parquet", path: pq });
    expect((await read(spec("parquet", pq))).ddl).toBe("id INT, name STRING");
    const csv = join(tempDir(), "csv");
    await write("id INT, name STRING", [], { format: "csv", path: csv, options: { header: "true" } });
    expect(readFileSync(dataFile(csv), "utf8")).toBe("id,name\n");
    const gz = join(tempDir(), "gz");
    await write("id INT", [], { format: "json", path: gz, options: { compression: "gzip" } });
    expect(gunzipSync(readFileSync(dataFile(gz))).toString()).toBe("");
  });

  it("gzip JSON written batch by batch decompresses to every line", async () => {
    const dir = join(tempDir(), "out");
    const rows = Array.from({ length: 2500 }, (_, v) => ({ v }));
    await write("v INT", rows, { format: "json", path: dir, options: { compression: "gzip" } });
    expect(gunzipSync(readFileSync(dataFile(dir))).toString()).toBe(rows.map((r) => JSON.stringify(r) + "\n").join(""));
  });
});

describe("files written by PySpark", () => {
  it.each([
    ["json", DDL],
    ["parquet", DDL],
    ["csv", FLAT],
  ])("%s reads back the rows PySpark wrote", async (format, ddl) => {
    const r = await read(spec(format, TESTDATA + "pyspark/" + format, format === "csv" ? { header: "true" } : {}, ddl));
    expect(r.rows).toEqual(format === "csv" ? ROWS.map(flat) : ROWS);
  });
  it("parquet schema from PySpark's footer (INT96 timestamps as µs)", async () => {
    const r = await read(spec("parquet", TESTDATA + "pyspark/parquet"));
    expect(r.ddl).toBe(DDL);
  });
});

describe("maxRecordsPerFile", () => {
  const rows = [1, 2, 3, 4, 5].map((id) => ({ id, p: id % 2 }));
  it("starts a folder's next file (-c001, -c002, …) every N rows, as Spark names them", async () => {
    const dir = join(tempDir(), "out");
    await write("id INT, p INT", rows, { format: "json", path: dir, options: { maxRecordsPerFile: "2" } });
    const names = readdirSync(dir).filter((n) => n.startsWith("part-")).sort();
    expect(names.map((n) => n.replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/, "U"))).toEqual(["part-00000-U-c000.json", "part-00000-U-c001.json", "part-00000-U-c002.json"]);
    expect(names.map((n) => readFileSync(join(dir, n), "utf8").trim().split("\n").length)).toEqual([2, 2, 1]);
    expect((await read(spec("json", dir, {}, "id INT, p INT"))).rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
  });
  it("counts per partition folder; 0 means no limit", async () => {
    const dir = join(tempDir(), "out");
    await write("id INT, p INT", rows, { format: "parquet", path: dir, options: { maxRecordsPerFile: "2" }, partitionBy: ["p"] });
    expect(readdirSync(join(dir, "p=1")).filter((n) => n.startsWith("part-")).length).toBe(2); // ids 1, 3, 5
    expect(readdirSync(join(dir, "p=0")).filter((n) => n.startsWith("part-")).length).toBe(1); // ids 2, 4
    const one = join(tempDir(), "out");
    await write("id INT, p INT", rows, { format: "csv", path: one, options: { maxRecordsPerFile: "0" } });
    expect(readdirSync(one).filter((n) => n.startsWith("part-")).length).toBe(1);
  });
  it("a value that is not an integer is INVALID_OPTION", async () => {
    await expect(write("id INT, p INT", rows, { format: "json", path: join(tempDir(), "out"), options: { maxRecordsPerFile: "many" } })).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining("maxRecordsPerFile") });
  });
});
