/**
 * A Delta table with TIMESTAMP_NTZ columns, written by Sluice and read back by delta-rs
 * (scripts/oracle/delta_verify.py) and by PySpark 4.0.1 + delta-spark (scripts/oracle/spark_read.py):
 * the table lists the timestampNtz reader and writer feature at protocol (3, 7), as the Delta
 * protocol requires, and the wall-clock values (in a data column and as a partition value) come
 * back unchanged under a session zone that is not UTC. The three golden tables with NTZ columns
 * are read in golden-rows.test.ts. Needs the oracle venv (scripts/oracle/setup.sh).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
const PY = join(ROOT, ".oracle/venv/bin/python");
const spark = Session.builder().config("spark.sql.session.timeZone", "Asia/Tokyo").getOrCreate();
const dir = mkdtempSync(join(tmpdir(), "sluice-delta-ntz-"));
const table = join(dir, "t");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  if (!existsSync(PY)) throw new Error(`${PY} is missing: run bash scripts/oracle/setup.sh`);
  const df = spark.createDataFrame(
    [
      { id: 1n, t: "2024-03-10 02:30:00.123456", d: "2024-01-01 00:00:00" },
      { id: 2n, t: null, d: "2024-01-01 00:00:00" },
      { id: 3n, t: "1969-12-31 23:59:59", d: "2024-06-30 12:00:00" },
    ],
    "id BIGINT, t TIMESTAMP_NTZ, d TIMESTAMP_NTZ",
  );
  await df.write.format("delta").partitionBy("d").save(table);
}, 120_000);

describe("a Delta table with TIMESTAMP_NTZ columns", () => {
  it("lists the timestampNtz feature at protocol (3, 7) and reads back in Sluice with the wall clock", async () => {
    const log = readFileSync(join(table, "_delta_log", "00000000000000000000.json"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const protocol = log.find((a) => a.protocol)!.protocol as { minReaderVersion: number; minWriterVersion: number; readerFeatures: string[]; writerFeatures: string[] };
    expect([protocol.minReaderVersion, protocol.minWriterVersion]).toEqual([3, 7]);
    expect(protocol.readerFeatures).toContain("timestampNtz");
    expect(protocol.writerFeatures).toContain("timestampNtz");
    const rows = await spark.read.format("delta").load(table).selectExpr("id", "CAST(t AS STRING) AS t", "CAST(d AS STRING) AS d").orderBy("id").collect();
    expect(rows).toEqual([
      { id: 1n, t: "2024-03-10 02:30:00.123456", d: "2024-01-01 00:00:00" },
      { id: 2n, t: null, d: "2024-01-01 00:00:00" },
      { id: 3n, t: "1969-12-31 23:59:59", d: "2024-06-30 12:00:00" },
    ]);
  });

  it("delta-rs reads the same wall-clock values", () => {
    const out = JSON.parse(execFileSync(PY, [join(ROOT, "scripts/oracle/delta_verify.py"), table], { encoding: "utf8" })) as { protocol: number[]; rows: { id: number; t: string | null; d: string }[] };
    expect(out.protocol).toEqual([3, 7]);
    expect(out.rows).toEqual([
      { id: 1, t: "2024-03-10 02:30:00.123456", d: "2024-01-01 00:00:00" },
      { id: 2, t: null, d: "2024-01-01 00:00:00" },
      { id: 3, t: "1969-12-31 23:59:59", d: "2024-06-30 12:00:00" },
    ]);
  }, 120_000);

  it("PySpark with delta-spark reads TIMESTAMP_NTZ columns with the same values", () => {
    const out = JSON.parse(execFileSync(PY, [join(ROOT, "scripts/oracle/spark_read.py"), `delta=${table}`], { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "ignore"] })) as Record<string, { rows: unknown[]; schema: string }>;
    const r = out[table]!;
    expect(r.schema).toContain("t:timestamp_ntz");
    expect(r.schema).toContain("d:timestamp_ntz");
    expect(r.rows).toEqual([
      { d: "2024-01-01T00:00:00", id: 1, t: "2024-03-10T02:30:00.123456" },
      { d: "2024-01-01T00:00:00", id: 2, t: null },
      { d: "2024-06-30T12:00:00", id: 3, t: "1969-12-31T23:59:59" },
    ]);
  }, 600_000);
});
