/**
 * Object stores and PostgreSQL, as ratios (bench/object-store.sh runs it):
 *   - parquet-groupby: spark.read.parquet(events).groupBy("user_id").count() with the file on the
 *     S3 test server vs on the local disk (ratio s3 / local of rows/s);
 *   - delta-sink: the stream-in JSON files through a streaming Delta sink (availableNow), table
 *     and checkpoint on S3 vs local;
 *   - jdbc-write / jdbc-read: the events of events.jsonl (cached first) written to PostgreSQL
 *     with df.write.format("jdbc") (overwrite) and read back with an aggregate over every row,
 *     vs PySpark's JDBC writer and reader (bench/object_store_pyspark.py) on the same server
 *     (ratio sluice / pyspark);
 *   - parquet-groupby and file-sink (the stream-in JSON through the streaming Parquet sink,
 *     output and checkpoint on S3) on S3 vs PySpark through Hadoop's S3A on the same S3 server
 *     (ratio sluice / pyspark).
 * Each timed step runs twice and the faster run counts (the first pays for JIT warm-up and, on
 * S3, the first connections). The servers are the tests' own (scripts/s3/server.ts,
 * test/support/postgres-server.ts) on 127.0.0.1, started here and stopped at the end. The S3
 * server keeps objects in memory on this machine, so the S3 ratios measure Sluice's object-store
 * path (requests, whole-object PUTs, the worker bridge), not a network.
 * Prints one JSON line per measurement, then the table.
 * Usage: tsx bench/object-store-bench.ts DATA_DIR
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { Session, functions as F } from "../src/index.js";
import { fileSystemFor } from "../src/fs/file-systems.js";
import { startS3Server, stopS3Server } from "../scripts/s3/server.js";
import { startPostgres } from "../test/support/postgres-server.js";

const [data] = process.argv.slice(2) as [string];
const SCHEMA = "event_id STRING, user_id STRING, kind STRING, amount DOUBLE, ts TIMESTAMP";
const tmp = mkdtempSync(join(tmpdir(), "bench-object-store-"));
const s3 = await startS3Server(join(tmp, "s3"), { ownerPid: process.pid });
const pg = await startPostgres();
const spark = Session.builder()
  .config("spark.sql.session.timeZone", "UTC")
  .config("spark.ui.enabled", false)
  .config("spark.sql.shuffle.partitions", 2)
  .config("spark.hadoop.fs.s3a.endpoint", s3.endpoint)
  .config("spark.hadoop.fs.s3a.path.style.access", "true")
  .config("spark.hadoop.fs.s3a.access.key", "bench")
  .config("spark.hadoop.fs.s3a.secret.key", "bench-secret")
  .getOrCreate();

interface Result {
  readonly engine: string;
  readonly case: string;
  readonly store?: string;
  readonly rows: number;
  readonly seconds: number;
}
const results: Result[] = [];
const report = (r: Result): void => {
  results.push(r);
  process.stdout.write(JSON.stringify(r) + "\n");
};
/** The faster of two runs of `fn`, in seconds. */
async function best(fn: () => Promise<unknown>): Promise<number> {
  let s = Infinity;
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    await fn();
    s = Math.min(s, (performance.now() - t) / 1000);
  }
  return s;
}
/** Lines in a file, counted on bytes. */
const lines = (p: string): number => readFileSync(p).reduce((n, b) => n + (b === 10 ? 1 : 0), 0);

try {
  // parquet-groupby: the same file locally and as one object on S3 (uploaded outside the timing)
  const localParquet = join(data, "events.parquet");
  const s3Parquet = `s3a://bench/${randomUUID()}/events.parquet`;
  fileSystemFor(s3Parquet).create(s3Parquet, readFileSync(localParquet), { overwrite: true });
  for (const [store, path] of [["local", localParquet], ["s3", s3Parquet]] as const) {
    const df = spark.read.parquet(path);
    const n = await df.count();
    report({ engine: "sluice", case: "parquet-groupby", store, rows: n, seconds: await best(() => df.groupBy("user_id").count().collect()) });
  }

  // delta-sink: each run writes a fresh table and checkpoint on the store
  const streamIn = join(data, "stream-in");
  const n = readdirSync(streamIn).reduce((s, f) => s + lines(join(streamIn, f)), 0);
  for (const [store, root] of [["local", () => join(mkdtempSync(join(tmp, "delta-")), "t")], ["s3", () => `s3a://bench/${randomUUID()}`]] as const) {
    const seconds = await best(async () => {
      const dir = root();
      const q = await spark.readStream.schema(SCHEMA).json(streamIn).writeStream.format("delta").option("checkpointLocation", `${dir}/_chk`).trigger({ availableNow: true }).start(`${dir}/table`);
      await q.awaitTermination();
    });
    report({ engine: "sluice", case: "delta-sink", store, rows: n, seconds });
  }

  // file-sink: the stream-in JSON files through the streaming Parquet file sink (availableNow),
  // output and checkpoint on S3, as PySpark does it below through S3A
  let sinkOut = "";
  const sinkSeconds = await best(async () => {
    sinkOut = `s3a://bench/${randomUUID()}`;
    const q = await spark.readStream.schema(SCHEMA).json(streamIn).writeStream.format("parquet").option("checkpointLocation", `${sinkOut}/_chk`).trigger({ availableNow: true }).start(`${sinkOut}/table`);
    await q.awaitTermination();
  });
  report({ engine: "sluice", case: "file-sink", store: "s3", rows: await spark.read.parquet(`${sinkOut}/table`).count(), seconds: sinkSeconds });

  // jdbc-write / jdbc-read against the same PostgreSQL as PySpark
  const jsonl = join(data, "events.jsonl");
  const jdbc = { url: pg.jdbcUrl, user: pg.user, password: pg.password, dbtable: "bench_sluice" };
  const events = spark.read.schema(SCHEMA).json(jsonl).cache();
  const rows = await events.count();
  report({ engine: "sluice", case: "jdbc-write", rows, seconds: await best(() => events.write.format("jdbc").options(jdbc).mode("overwrite").save()) });
  let read = 0;
  const readSeconds = await best(async () => {
    const [r] = await spark.read.format("jdbc").options(jdbc).load().agg(F.count("event_id").alias("n"), F.sum("amount"), F.max("ts")).collect();
    read = Number(r!.n);
  });
  report({ engine: "sluice", case: "jdbc-read", rows: read, seconds: readSeconds });
  const py = spawnSync(join(".oracle", "venv", "bin", "python"), ["bench/object_store_pyspark.py", pg.jdbcUrl, pg.user, pg.password, jsonl, s3.endpoint, s3Parquet, `s3a://bench/${randomUUID()}`, streamIn], { encoding: "utf8" });
  if (py.status !== 0) throw new Error(`PySpark side failed: ${py.stderr.slice(-2000)}`);
  for (const l of py.stdout.split("\n").filter((x) => x.startsWith("{"))) report(JSON.parse(l) as Result);
} finally {
  await spark.stop();
  await pg.stop();
  await stopS3Server(s3.pid);
}

const rate = (c: string, engine: string, store?: string): number => {
  const r = results.find((x) => x.case === c && x.engine === engine && x.store === store);
  return r ? r.rows / r.seconds : NaN;
};
console.log(`\n${"case".padEnd(18)} ${"rows/s".padStart(12)} ${"vs rows/s".padStart(12)}  ratio`);
for (const c of ["parquet-groupby", "delta-sink"]) {
  const [s3Rate, local] = [rate(c, "sluice", "s3"), rate(c, "sluice", "local")];
  console.log(`${c.padEnd(18)} ${s3Rate.toFixed(0).padStart(12)} ${local.toFixed(0).padStart(12)}  ${(s3Rate / local).toFixed(2)} (sluice on S3 / sluice local)`);
}
for (const c of ["jdbc-write", "jdbc-read"]) {
  const [s, p] = [rate(c, "sluice"), rate(c, "pyspark")];
  console.log(`${c.padEnd(18)} ${s.toFixed(0).padStart(12)} ${p.toFixed(0).padStart(12)}  ${(s / p).toFixed(2)} (sluice / pyspark, same PostgreSQL)`);
}
for (const c of ["parquet-groupby", "file-sink"]) {
  const [s, p] = [rate(c, "sluice", "s3"), rate(c, "pyspark", "s3")];
  console.log(`${c.padEnd(18)} ${s.toFixed(0).padStart(12)} ${p.toFixed(0).padStart(12)}  ${(s / p).toFixed(2)} (sluice / pyspark S3A, same S3 server)`);
}
