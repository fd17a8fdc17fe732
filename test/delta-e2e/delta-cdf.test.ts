/**
 * Batch reads of the change data feed (readChangeFeed) of a table PySpark + delta-spark wrote with
 * delta.enableChangeDataFeed=true (cdf-table/, with INSERT, UPDATE, DELETE and MERGE commits):
 * the rows delta-spark's readChangeFeed returned for each version range
 * (cdf-table.golden.json, from scripts/oracle/delta_cdf.py), and the range errors; and the change
 * data Sluice's UPDATE, DELETE and MERGE write on that table, read back by Sluice and by PySpark +
 * delta-spark (scripts/oracle/delta_cdf_read.py).
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DeltaTable, Session } from "../../src/index.js";
import { errorOf } from "../../src/delta/test-helpers.js";
import { parseDeltaWriteOptions } from "../../src/connectors/delta/delta-options.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const PY = join(ROOT, ".oracle/venv/bin/python");
/** Tables Sluice's commands wrote change data to, for the delta-spark check. */
const written: string[] = [];
const TABLE = join(HERE, "cdf-table");
const golden = JSON.parse(readFileSync(join(HERE, "cdf-table.golden.json"), "utf8")) as {
  schema: string;
  reads: Record<string, Record<string, unknown>[]>;
  errors: Record<string, { class: string; message: string }>;
};
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());

const cdf = (options: Record<string, string | number>, path = TABLE) => {
  let r = spark.read.format("delta").option("readChangeFeed", "true");
  for (const [k, v] of Object.entries(options)) r = r.option(k, v);
  return r.load(path);
};
const plain = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "_commit_timestamp").map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]));
const sorted = (rows: Record<string, unknown>[]) => rows.map(plain).sort((a, b) => (JSON.stringify(a, Object.keys(a).sort()) < JSON.stringify(b, Object.keys(b).sort()) ? -1 : 1));

describe("readChangeFeed of a delta-spark table", () => {
  it("has the table's columns and _change_type, _commit_version, _commit_timestamp", () => {
    expect(cdf({ startingVersion: 0 }).schema.simpleString()).toBe(golden.schema);
  });

  it.each(Object.keys(golden.reads))("%s gives delta-spark's rows", async (range) => {
    const options = Object.fromEntries(range.split(",").map((kv) => kv.split("=") as [string, string]));
    expect(sorted(await cdf(options).collect())).toEqual(golden.reads[range]);
  });

  it("_commit_timestamp is one time per commit, increasing with the version", async () => {
    const rows = await cdf({ startingVersion: 0 }).collect();
    const byVersion = new Map<number, Set<number>>();
    for (const r of rows) byVersion.set(Number(r._commit_version), (byVersion.get(Number(r._commit_version)) ?? new Set()).add((r._commit_timestamp as Date).getTime()));
    const times = [...byVersion].sort((a, b) => a[0] - b[0]).map(([, t]) => [...t]);
    expect(times.every((t) => t.length === 1)).toBe(true);
    expect(times.flat()).toEqual([...times.flat()].sort((a, b) => a - b));
    const second = times[1]![0]!;
    expect(sorted(await cdf({ startingTimestamp: new Date(second).toISOString() }).collect())).toEqual(sorted(await cdf({ startingVersion: 1 }).collect()));
    expect(sorted(await cdf({ startingVersion: 0, endingTimestamp: new Date(second).toISOString() }).collect())).toEqual(sorted(await cdf({ startingVersion: 0, endingVersion: 1 }).collect()));
  });

  it("range errors as delta-spark's", async () => {
    expect(golden.errors["no starting point"]!.message).toContain("DELTA_NO_START_FOR_CDC_READ");
    expect((await errorOf(() => cdf({}).collect())).code).toBe("DELTA_NO_START_FOR_CDC_READ");
    expect(golden.errors["startingVersion past the latest"]!.message).toContain("Start version cannot be greater than the latest version");
    const past = await errorOf(() => cdf({ startingVersion: 9 }).collect());
    expect([past.code, past.message]).toEqual(["DELTA_INVALID_CDC_RANGE", expect.stringContaining("cannot be greater than the latest version of the table (4)")]);
    expect((await errorOf(() => cdf({ startingVersion: 0, versionAsOf: 1 }).collect())).code).toBe("DELTA_UNSUPPORTED_OPTION");
    const bare = await errorOf(() => spark.read.format("delta").option("startingVersion", 1).load(TABLE).collect());
    expect([bare.code, bare.message]).toEqual(["DELTA_UNSUPPORTED_OPTION", expect.stringContaining("readChangeFeed")]);
  });

  it("a table without the change feed fails with DELTA_MISSING_CHANGE_DATA", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sluice-cdf-")), "t");
    await spark.createDataFrame([{ id: 1n }], "id BIGINT").write.format("delta").save(path);
    const e = await errorOf(() => cdf({ startingVersion: 0 }, path).collect());
    expect([e.code, e.message]).toEqual(["DELTA_MISSING_CHANGE_DATA", expect.stringContaining("delta.enableChangeDataFeed")]);
  });

  it("Sluice's UPDATE, DELETE and MERGE on the table write the change data delta-spark's did", async () => {
    const copy = sluiceWritten();
    const t = DeltaTable.forPath(spark, copy);
    expect(await t.update("id = 2", { v: "'B'" })).toBe(1);
    expect(await t.delete("id = 3")).toBe(1);
    const src = spark.createDataFrame([{ id: 1n, v: "A", p: "x" }, { id: 6n, v: "f", p: "y" }, { id: 4n, v: "gone", p: "y" }], "id BIGINT, v STRING, p STRING");
    await t.alias("t").merge(src.alias("s"), "t.id = s.id").whenMatchedDelete("s.v = 'gone'").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
    for (const range of Object.keys(golden.reads)) {
      const options = Object.fromEntries(range.split(",").map((kv) => kv.split("=") as [string, string]));
      expect(sorted(await cdf(options, copy).collect()), range).toEqual(golden.reads[range]);
    }
    const log = (v: number) => readFileSync(join(copy, "_delta_log", `${String(v).padStart(20, "0")}.json`), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
    const cdc = log(2).flatMap((a) => (a.cdc ? [a.cdc] : []));
    expect(cdc).toEqual([{ path: expect.stringMatching(/^_change_data\/p=x\/cdc-00000-.*\.c000\.snappy\.parquet$/), partitionValues: { p: "x" }, size: expect.any(Number), dataChange: false }]);
    expect(log(2)[0]!.commitInfo!.operationMetrics).toMatchObject({ numAddedChangeFiles: "1" });
    expect(log(4)[0]!.commitInfo!.operationMetrics).toMatchObject({ numTargetChangeFilesAdded: "2" });
    written.push(copy);
  });

  it("a whole-file DELETE on a change-feed table writes no change data: its removes are the feed", async () => {
    const copy = sluiceWritten();
    expect(await DeltaTable.forPath(spark, copy).delete("p = 'y'")).toBe(2);
    expect(sorted(await cdf({ startingVersion: 2 }, copy).collect())).toEqual([
      { _change_type: "delete", _commit_version: 2, id: 3, p: "y", v: "c" },
      { _change_type: "delete", _commit_version: 2, id: 4, p: "y", v: "d" },
    ]);
    expect(readFileSync(join(copy, "_delta_log", "00000000000000000002.json"), "utf8")).not.toContain('"cdc"');
  });
});

describe("a table Sluice creates with option delta.enableChangeDataFeed", () => {
  it("records the feed from its first version, as delta-spark's table does", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sluice-cdf-")), "t");
    const rows = (r: [number, string, string][]) => spark.createDataFrame(r.map(([id, v, p]) => ({ id: BigInt(id), v, p })), "id BIGINT, v STRING, p STRING");
    await rows([[1, "a", "x"], [2, "b", "x"], [3, "c", "y"], [4, "d", "y"]]).write.format("delta").partitionBy("p").option("delta.enableChangeDataFeed", "true").save(path);
    await rows([[5, "e", "x"]]).write.format("delta").mode("append").save(path);
    const first = JSON.parse(readFileSync(join(path, "_delta_log", "00000000000000000000.json"), "utf8").split("\n").find((l) => l.includes('"protocol"'))!) as unknown;
    expect(first).toEqual({ protocol: { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["changeDataFeed", "invariants", "appendOnly"] } });
    const t = DeltaTable.forPath(spark, path);
    await t.update("id = 2", { v: "'B'" });
    await t.delete("id = 3");
    await t.alias("t").merge(rows([[1, "A", "x"], [6, "f", "y"], [4, "gone", "y"]]).alias("s"), "t.id = s.id").whenMatchedDelete("s.v = 'gone'").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
    expect(sorted(await cdf({ startingVersion: 0 }, path).collect())).toEqual(golden.reads["startingVersion=0"]);
    written.push(path);
  });

  it("refuses the option where it would do nothing or is not a boolean", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sluice-cdf-")), "t");
    const df = spark.createDataFrame([{ id: 1n }], "id BIGINT");
    await df.write.format("delta").save(path);
    const later = await errorOf(() => df.write.format("delta").mode("append").option("delta.enableChangeDataFeed", "true").save(path));
    expect([later.code, later.message]).toEqual(["DELTA_UNSUPPORTED_OPTION", expect.stringContaining("exists with delta.enableChangeDataFeed=false")]);
    await df.write.format("delta").mode("append").option("delta.enableChangeDataFeed", "false").save(path);
    const bad = await errorOf(() => df.write.format("delta").option("delta.enableChangeDataFeed", "yes").save(join(path, "..", "u")));
    expect([bad.code, bad.message]).toEqual(["INVALID_OPTION", expect.stringContaining("delta.enableChangeDataFeed=yes (must be 'true' or 'false')")]);
    const stream = await errorOf(() => parseDeltaWriteOptions({ "delta.enableChangeDataFeed": "true" }, "streaming write"));
    expect([stream.code, stream.message]).toEqual(["DELTA_UNSUPPORTED_OPTION", expect.stringContaining("set by the batch write that creates the table")]);
  });
});

describe("change data Sluice wrote", () => {
  it.skipIf(!existsSync(PY))("is read by PySpark + delta-spark with the rows Sluice reads", async () => {
    expect(written.length).toBe(2);
    const out = JSON.parse(execFileSync(PY, [join(ROOT, "scripts/oracle/delta_cdf_read.py"), ...written], { encoding: "utf8", maxBuffer: 16 << 20, stdio: ["ignore", "pipe", "pipe"] })) as Record<string, unknown>;
    for (const path of written) expect(out[path]).toEqual(sorted(await cdf({ startingVersion: 0 }, path).collect()));
  }, 300_000);
});

/** A copy of the delta-spark table at version 1 (its create and append), for Sluice's commands to continue. */
function sluiceWritten(): string {
  const copy = join(mkdtempSync(join(tmpdir(), "sluice-cdf-")), "t");
  cpSync(TABLE, copy, { recursive: true });
  for (const v of [2, 3, 4]) rmSync(join(copy, "_delta_log", `${String(v).padStart(20, "0")}.json`));
  return copy;
}
