/**
 * A streaming query started through Spark Connect: file source → watermark → 10-second windows →
 * Delta sink, run once by the embedded engine and once by the server on the same input files.
 * Both tables must hold the same rows, and the remote handle and `spark.streams` must answer with
 * the embedded engine's typed shapes (progress reports, status, termination, failures).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DataFrame, Session, SluiceError, col, functions as F } from "../../src/index.js";
import type { StreamingQueryHandle } from "../../src/dataframe/executor.js";
import type { RemoteSession } from "../../src/connect/remote-session.js";
import { sharedConnectServer } from "./support/connect-server.js";

const SCHEMA = "id INT, k STRING, v DOUBLE, ts TIMESTAMP";
const local = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
let remote: RemoteSession;
let root: string;

beforeAll(async () => {
  remote = Session.builder().remote(await sharedConnectServer()).config("spark.sql.session.timeZone", "UTC").getOrCreate();
  root = mkdtempSync(join(tmpdir(), "sluice-connect-stream-"));
}, 240_000);
afterAll(async () => {
  await remote?.stop();
  await local.stop();
});

/** Input file `n`: 40 rows, one second apart, starting 40·n seconds after midnight. */
function writeInput(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  const lines = Array.from({ length: 40 }, (_, i) => {
    const id = n * 40 + i;
    return JSON.stringify({ id, k: `k${id % 3}`, v: id / 2, ts: new Date(Date.UTC(2024, 0, 1) + id * 1000).toISOString() });
  });
  writeFileSync(join(dir, `part-${n}.json`), lines.join("\n") + "\n");
}

const windowed = (input: DataFrame): DataFrame =>
  input
    .withWatermark("ts", "5 seconds")
    .groupBy(F.window(col("ts"), "10 seconds"), col("k"))
    .agg(F.count("*").alias("n"), F.sum("v").alias("total"))
    .select(col("window.start").alias("start"), col("window.end").alias("end"), col("k"), col("n"), col("total"));

interface Run {
  readonly table: string;
  readonly query: StreamingQueryHandle;
  readonly progress: NonNullable<StreamingQueryHandle["lastProgress"]>[];
}

/** Two input files, each followed by processAllAvailable, then stop: the windows the watermark closed land in Delta. */
async function runWindowed(spark: Session | RemoteSession, name: string): Promise<Run> {
  const dir = join(root, name);
  const input = join(dir, "in");
  writeInput(input, 0);
  const table = join(dir, "out");
  const query = await windowed(spark.readStream.schema(SCHEMA).json(input))
    .writeStream.format("delta")
    .outputMode("append")
    .queryName(`windowed_${name}`)
    .option("checkpointLocation", join(dir, "chk"))
    .start(table);
  await query.processAllAvailable();
  writeInput(input, 1);
  await query.processAllAvailable();
  const progress = query.recentProgress;
  await query.stop();
  return { table, query, progress };
}

/** Members whose keys are the source's, sink's or operator's own (Spark's and Sluice's differ), or JSON offsets: compared as "json". */
const FREE_FORM = new Set(["metrics", "customMetrics", "observedMetrics", "startOffset", "endOffset", "latestOffset"]);

/** The typed shape of a value: keys and member types, arrays by their first element. */
function shape(o: unknown): unknown {
  if (Array.isArray(o)) return o.length === 0 ? [] : [shape(o[0])];
  if (o === null || typeof o !== "object") return typeof o;
  const r = o as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(r)
      .filter((k) => typeof r[k] !== "function")
      .sort()
      .map((k) => [k, FREE_FORM.has(k) ? "json" : shape(r[k])]),
  );
}

const sorted = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
  [...rows].sort((a, b) => (a.start as Date).getTime() - (b.start as Date).getTime() || String(a.k).localeCompare(String(b.k)));

describe("streaming through Spark Connect", { timeout: 240_000 }, () => {
  let embedded: Run;
  let server: Run;

  beforeAll(async () => {
    embedded = await runWindowed(local, "embedded");
    server = await runWindowed(remote, "remote");
  }, 240_000);

  it("the remote windowed query writes the same Delta table as the embedded run", async () => {
    const mine = sorted(await local.read.format("delta").load(embedded.table).collect());
    // only windows the watermark closed: 80 rows over 0..79 s leave the watermark at 74 s
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r) => (r.end as Date).getTime() <= Date.UTC(2024, 0, 1) + 74_000)).toBe(true);
    expect(sorted(await local.read.format("delta").load(server.table).collect())).toEqual(mine);
    expect(sorted(await remote.read.format("delta").load(embedded.table).collect())).toEqual(mine);
  });

  it("progress reports have the embedded engine's typed shape", () => {
    const withRows = (r: Run): NonNullable<Run["progress"][number]> => r.progress.find((p) => p.numInputRows > 0 && p.stateOperators.length > 0)!;
    const mine = withRows(embedded);
    const theirs = withRows(server);
    expect(theirs).toBeDefined();
    expect(shape(theirs)).toEqual(shape(mine));
    expect(theirs.id).toBe(server.query.id);
    expect(theirs.runId).toBe(server.query.runId);
    expect(theirs.name).toBe("windowed_remote");
    expect(theirs.stateOperators[0]!.numRowsTotal).toBeGreaterThan(0);
    expect(typeof theirs.eventTime.watermark).toBe("string");
    // Spark's JSON rendering, as the embedded engine's: the top-level totals Spark sums over sources included
    expect(JSON.parse(theirs.json)).toMatchObject({ id: theirs.id, batchId: theirs.batchId, numInputRows: theirs.numInputRows });
    expect(JSON.parse(theirs.prettyJson)).toEqual(JSON.parse(theirs.json));
    expect(String(theirs)).toBe(theirs.prettyJson);
    // both runs saw the same 80 input rows
    const rows = (r: Run): number => r.progress.reduce((s, p) => s + p.numInputRows, 0);
    expect(rows(server)).toBe(rows(embedded));
    expect(rows(server)).toBe(80);
  });

  it("a stopped query's handle reports it inactive, with its last progress and no exception", async () => {
    const q = server.query;
    expect(q.isActive).toBe(false);
    expect(q.exception).toBeNull();
    expect(q.lastProgress?.batchId).toBe(server.progress[server.progress.length - 1]!.batchId);
    expect(shape(q.status)).toEqual(shape(embedded.query.status));
    expect(await q.awaitTermination()).toBe(true);
    expect(q.explainString()).toMatch(/== Physical Plan ==/);
  });

  it("spark.streams lists, gets and awaits the server's queries as the embedded manager does", async () => {
    for (const spark of [local, remote] as const) {
      const dir = join(root, `manager-${spark === local ? "embedded" : "remote"}`);
      writeInput(join(dir, "in"), 0);
      spark.streams.resetTerminated();
      const q = await spark.readStream.schema(SCHEMA).json(join(dir, "in")).writeStream.format("parquet").option("checkpointLocation", join(dir, "chk")).start(join(dir, "out"));
      expect(spark.streams.active.map((a) => a.id)).toContain(q.id);
      expect(spark.streams.get(q.id)?.runId).toBe(q.runId);
      expect(q.isActive).toBe(true);
      expect(await q.awaitTermination(0.2)).toBe(false);
      expect(await spark.streams.awaitAnyTermination(0.2)).toBe(false);
      await q.processAllAvailable();
      expect(q.lastProgress?.sink.description).toMatch(/FileSink|parquet/i);
      await q.stop();
      expect(await spark.streams.awaitAnyTermination()).toBe(true);
      expect(spark.streams.active.map((a) => a.id)).not.toContain(q.id);
      expect(spark.streams.get(q.id)).toBeNull();
      spark.streams.resetTerminated();
      expect(await spark.streams.awaitAnyTermination(0.2)).toBe(false);
    }
  });

  it("a failing query's error reaches awaitTermination, exception and awaitAnyTermination as a SluiceError", async () => {
    const codes: string[] = [];
    for (const spark of [local, remote] as const) {
      const dir = join(root, `failing-${spark === local ? "embedded" : "remote"}`);
      writeInput(join(dir, "in"), 0);
      spark.streams.resetTerminated();
      const q = await spark.readStream
        .schema(SCHEMA)
        .json(join(dir, "in"))
        .select(col("id").divide(col("id").minus(col("id"))).alias("boom"))
        .writeStream.format("parquet")
        .option("checkpointLocation", join(dir, "chk"))
        .start(join(dir, "out"));
      const err = await q.awaitTermination().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SluiceError);
      expect((err as SluiceError).code).toBe("DIVIDE_BY_ZERO");
      expect(q.isActive).toBe(false);
      expect(q.exception).toBeInstanceOf(SluiceError);
      expect(q.exception!.message).toMatch(/DIVIDE_BY_ZERO|[Dd]ivision by zero/);
      await expect(spark.streams.awaitAnyTermination()).rejects.toBeInstanceOf(SluiceError);
      spark.streams.resetTerminated();
      codes.push((q.exception as SluiceError).code);
    }
    expect(codes[1]).toBe(codes[0]);
  });
});
