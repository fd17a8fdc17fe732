/**
 * Batch file reads on the local disk, the S3 test server and Azurite (one parameterised suite):
 * folder listing with partition folders and globs, JSON split into byte-range pieces, CSV,
 * gzip, files decoded in worker threads, Parquet footers read by ranged reads, and a Parquet
 * row-group piece reading only its row groups' bytes and the footer.
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it, vi } from "vitest";
import { batchToRows } from "../../src/columnar/column-batch.js";
import { readParquetFile } from "../../src/connectors/files/parquet-format.js";
import { writeParquetRowGroups } from "../../src/connectors/files/test-support.js";
import { ObjectStoreFileSystem } from "../../src/fs/object-store-file-system.js";
import { StructType } from "../../src/types/struct-type.js";
import { exactJson } from "../../src/columnar/values.js";
import { childNames, fileSystemFor } from "../../src/fs/file-systems.js";
import { joinPath } from "../../src/fs/path.js";
import { planPieces, readLineRange } from "../../src/connectors/files/file-pieces.js";
import { Session } from "../../src/index.js";
import { STORES, storeRoot, stopObjectStores } from "../support/object-stores.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(async () => {
  await spark.stop();
  await stopObjectStores();
});

const norm = (rows: Record<string, unknown>[]): string[] => rows.map((r) => exactJson(r)).sort();
const put = (path: string, data: string | Uint8Array): void => void fileSystemFor(path).create(path, data, { overwrite: true });

describe.each(STORES)("file reads on %s", (store) => {
  it("JSON and CSV folders with partition folders, a glob and a gzip file", async () => {
    const root = await storeRoot(store);
    put(joinPath(root, "j", "day=d1", "a.json"), '{"id":1}\n{"id":2}\n');
    put(joinPath(root, "j", "day=d2", "b.json.gz"), gzipSync('{"id":3}\n'));
    put(joinPath(root, "j", "_ignored.json"), '{"id":99}\n');
    expect(norm(await spark.read.schema("id INT").json(joinPath(root, "j")).collect())).toEqual(norm([{ id: 1, day: "d1" }, { id: 2, day: "d1" }, { id: 3, day: "d2" }]));
    expect(norm(await spark.read.schema("id INT").json(joinPath(root, "j", "day=*", "*.json")).collect())).toEqual(norm([{ id: 1 }, { id: 2 }]));
    put(joinPath(root, "c", "x.csv"), "id,name\n1,a\n2,b\n");
    expect(norm(await spark.read.option("header", true).schema("id INT, name STRING").csv(joinPath(root, "c")).collect())).toEqual(norm([{ id: 1, name: "a" }, { id: 2, name: "b" }]));
  });

  it("a file read in byte-range pieces gives every line once, as the parallel reader splits it", async () => {
    const root = await storeRoot(store);
    const lines = Array.from({ length: 400 }, (_, i) => JSON.stringify({ id: i, pad: "x".repeat(40) }));
    const path = joinPath(root, "big.json");
    put(path, lines.join("\n") + "\n");
    const ranges = planPieces(fileSystemFor(path).getFileStatus(path)!.length, 4096)!;
    expect(ranges.length).toBeGreaterThan(3);
    const got: string[] = [];
    for (const r of ranges) for await (const chunk of readLineRange(path, r, { lines: 0 }, 1000)) got.push(...chunk.text.split("\n").filter((l) => l !== ""));
    expect(got).toEqual(lines);
  });

  it("a batch aggregate under local[2] reads its pieces (JSON byte ranges, Parquet files) from the store in the workers", async () => {
    const root = await storeRoot(store);
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ k: i % 7, n: i }));
    put(joinPath(root, "pa", "day=d1", "a.json"), lines.slice(0, 200).join("\n") + "\n");
    put(joinPath(root, "pa", "day=d2", "b.json"), lines.slice(200).join("\n") + "\n");
    const conf = { "spark.master": "local[2]", "sluice.execution.parallelScan.minBytes": "0", "sluice.execution.parallelScan.pieceBytes": "512" };
    for (const [k, v] of Object.entries(conf)) spark.conf.set(k, v);
    try {
      const df = spark.read.schema("k INT, n INT").json(joinPath(root, "pa")).groupBy("day", "k").agg({ n: "sum" });
      expect(df.explainString()).toContain("ParallelAggregateExec");
      const expected = [0, 1, 2, 3, 4, 5, 6].flatMap((k) => ["d1", "d2"].map((day) => {
        const ns = Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 7 === k && (day === "d1" ? i < 200 : i >= 200));
        return { day, k, "sum(n)": BigInt(ns.reduce((a, b) => a + b, 0)) };
      }));
      expect(norm(await df.collect())).toEqual(norm(expected));
      // two Parquet files (a piece each)
      for (const day of ["d1", "d2"]) await spark.read.schema("k INT, n INT").json(joinPath(root, "pa", `day=${day}`)).write.mode("append").parquet(joinPath(root, "pq"));
      const pq = spark.read.parquet(joinPath(root, "pq")).groupBy("k").count();
      expect(pq.explainString()).toContain("ParallelAggregateExec");
      expect(norm(await pq.collect())).toEqual(norm([0, 1, 2, 3, 4, 5, 6].map((k) => ({ k, count: BigInt(Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 7 === k).length) }))));
    } finally {
      for (const k of Object.keys(conf)) spark.conf.unset(k);
    }
  });

  it("JSON and CSV files decoded in worker threads (parallelRead) reach the store with the session's configs", async () => {
    const root = await storeRoot(store);
    for (let f = 0; f < 3; f++) put(joinPath(root, "w", `f${f}.json`), Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: f * 100 + i })).join("\n") + "\n");
    put(joinPath(root, "wc", "a.csv"), "id\n1\n2\n");
    spark.conf.set("sluice.files.parallelRead.minBytes", "0");
    try {
      expect((await spark.read.schema("id INT").json(joinPath(root, "w")).collect()).map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(norm(await spark.read.option("header", true).schema("id INT").csv(joinPath(root, "wc")).collect())).toEqual(norm([{ id: 1 }, { id: 2 }]));
    } finally {
      spark.conf.unset("sluice.files.parallelRead.minBytes");
    }
  });

  it("a Parquet row-group piece reads the footer and its row groups' bytes only, by ranged reads", async () => {
    const root = await storeRoot(store);
    const local = join(mkdtempSync(join(tmpdir(), "sluice-pq-groups-")), "g.parquet");
    const ddl = "id INT, s STRING";
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: i, s: `v${(i * 31) % 500}` }));
    writeParquetRowGroups(local, ddl, rows, 250);
    const path = joinPath(root, "groups", "g.parquet");
    put(path, readFileSync(local));
    const size = fileSystemFor(path).getFileStatus(path)!.length;
    const read = async (groups?: { start: number; end: number }) => {
      const out: Record<string, unknown>[] = [];
      for await (const b of readParquetFile(path, StructType.fromDDL(ddl), 1000, groups)) out.push(...batchToRows(b));
      return out;
    };
    const whole = await read();
    let bytes = 0;
    const count = (b: Buffer): Buffer => ((bytes += b.length), b);
    const localFs = fileSystemFor(local);
    const openLocal = localFs.open.bind(localFs);
    const openStore = ObjectStoreFileSystem.prototype.open;
    vi.spyOn(localFs, "open").mockImplementation((p, r) => count(openLocal(p, r)));
    vi.spyOn(ObjectStoreFileSystem.prototype, "open").mockImplementation(function (this: ObjectStoreFileSystem, p, r) {
      return count(openStore.call(this, p, r));
    });
    try {
      expect(await read({ start: 3, end: 4 })).toEqual(whole.slice(750, 1000));
      // one of 8 row groups, plus the footer twice (schema, chunk offsets): well under half the file
      expect(bytes).toBeGreaterThan(0);
      expect(bytes).toBeLessThan(size / 2);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("Parquet: schema from the footer, rows from the file; a missing path fails naming it", async () => {
    const root = await storeRoot(store);
    const local = mkdtempSync(join(tmpdir(), "sluice-pq-"));
    await spark.createDataFrame([{ id: 7, name: "p" }], "id INT, name STRING").write.mode("overwrite").parquet(join(local, "p"));
    for (const f of readdirSync(join(local, "p")).filter((n) => n.endsWith(".parquet"))) put(joinPath(root, "p", f), readFileSync(join(local, "p", f)));
    const df = spark.read.parquet(joinPath(root, "p"));
    expect(df.columns).toEqual(["id", "name"]);
    expect(norm(await df.collect())).toEqual(norm([{ id: 7, name: "p" }]));
    expect(() => spark.read.parquet(joinPath(root, "nope"))).toThrowError(expect.objectContaining({ code: "PATH_NOT_FOUND", message: expect.stringContaining(joinPath(root, "nope")) }));
  });
});

describe.each(STORES)("streaming file source on %s", (store) => {
  it("readStream.json over a folder on the store reads every file once, one file per batch", async () => {
    const root = await storeRoot(store);
    put(joinPath(root, "in", "day=d1", "a.json"), '{"id":1}\n');
    put(joinPath(root, "in", "day=d2", "b.json"), '{"id":2}\n{"id":3}\n');
    const name = `stream_${store}`;
    const q = await spark.readStream.schema("id INT").option("maxFilesPerTrigger", 1).json(joinPath(root, "in")).writeStream.format("memory").queryName(name).option("checkpointLocation", joinPath(root, "chk")).trigger({ availableNow: true }).start();
    await q.awaitTermination();
    expect(norm(await spark.table(name).collect())).toEqual(norm([{ id: 1 }, { id: 2 }, { id: 3 }]));
    expect(childNames(joinPath(root, "chk", "commits"))).toEqual(["0", "1"]);
  });
});
