/**
 * Sluice side of the benchmarks; the same cases as bench/pyspark_bench.py. Prints one JSON line
 * per case: {"engine":"sluice","case":...,"rows":N,"seconds":S}.
 * Usage: tsx bench/sluice-bench.ts DATA_DIR [case ...]
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session, Window, col, functions as F } from "../src/index.js";

const [data, ...wanted] = process.argv.slice(2) as [string, ...string[]];
const cases = wanted.length > 0 ? wanted : ["groupby-count-parquet", "groupby-bigint-parquet", "groupby-decimal-parquet", "window-rank-parquet", "json-filter-groupby", "stream-json-to-parquet", "stream-startup", "stream-window-count", "stream-dedup", "delta-sink"];
// BENCH_MASTER (e.g. local[1]) sets the worker threads; the default is the library's, local[*].
const builder = Session.builder().config("spark.sql.session.timeZone", "UTC");
const spark = (process.env.BENCH_MASTER ? builder.master(process.env.BENCH_MASTER) : builder).getOrCreate();
const SCHEMA = "event_id STRING, user_id STRING, kind STRING, amount DOUBLE, ts TIMESTAMP";
const DECIMAL_COLUMNS = ["CAST(abs(hash(user_id)) AS DECIMAL(12,2)) / 100 AS k", "CAST(amount AS DECIMAL(12,2)) AS amt"];

const report = (c: string, rows: number, seconds: number, extra: Record<string, number> = {}): void =>
  void process.stdout.write(JSON.stringify({ engine: "sluice", case: c, rows, seconds, ...extra }) + "\n");
/** Lines in a file, counted on bytes (a large file does not fit in one JS string). */
function lines(p: string): number {
  const b = readFileSync(p);
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 10) n++;
  return b.length > 0 && b[b.length - 1] !== 10 ? n + 1 : n;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

for (const c of cases) {
  if (c === "groupby-count-parquet") {
    const df = spark.read.parquet(join(data, "events.parquet"));
    const n = await df.count();
    report(c, n, await timed(() => df.groupBy("user_id").count().collect()));
  } else if (c === "groupby-bigint-parquet") {
    // BIGINT keys past 2^53 (xxhash64 of the 10k user ids), written once as Parquet INT64 outside the timing
    const keys = join(data, "bigint-keys.parquet");
    if (!existsSync(keys)) await spark.read.parquet(join(data, "events.parquet")).select(F.xxhash64(col("user_id")).alias("k"), col("amount")).write.parquet(keys);
    const df = spark.read.parquet(keys);
    const n = await df.count();
    report(c, n, await timed(() => df.groupBy("k").agg(F.count("amount"), F.sum("amount")).collect()));
  } else if (c === "groupby-decimal-parquet") {
    // DECIMAL(12,2) keys and amounts (money), written once as Parquet INT64 decimals outside the timing
    const decimals = join(data, "decimal-keys.parquet");
    if (!existsSync(decimals)) await spark.read.parquet(join(data, "events.parquet")).selectExpr(...DECIMAL_COLUMNS).write.parquet(decimals);
    const df = spark.read.parquet(decimals);
    const n = await df.count();
    report(c, n, await timed(() => df.groupBy("k").agg(F.count("amt"), F.sum("amt")).collect()));
  } else if (c === "window-rank-parquet") {
    const df = spark.read.parquet(join(data, "events.parquet"));
    const n = await df.count();
    const w = Window.partitionBy("user_id").orderBy(col("amount").desc());
    report(c, n, await timed(() => df.withColumn("r", F.row_number().over(w)).filter("r <= 3").count()));
  } else if (c === "json-filter-groupby") {
    const path = join(data, "events.jsonl");
    const n = lines(path);
    report(c, n, await timed(() => spark.read.schema(SCHEMA).json(path).filter("kind = 'buy'").groupBy("user_id").agg(F.sum("amount")).collect()));
  } else if (c === "stream-json-to-parquet" || c === "stream-startup") {
    const tmp = mkdtempSync(join(tmpdir(), "bench-sluice-"));
    const src = join(data, c === "stream-json-to-parquet" ? "stream-in" : "stream-small");
    const n = readdirSync(src).reduce((s, f) => s + lines(join(src, f)), 0);
    let firstBatch = 0;
    spark.streams.addListener({ onQueryProgress: () => void (firstBatch ||= performance.now()) });
    const t = performance.now();
    const q = await spark.readStream
      .schema(SCHEMA)
      .json(src)
      .filter("amount > 1")
      .withColumn("day", F.to_date(col("ts")))
      .writeStream.format("parquet")
      .option("checkpointLocation", join(tmp, "chk"))
      .trigger({ availableNow: true })
      .start(join(tmp, "out"));
    await q.awaitTermination();
    // performance.now() counts from process start (timeOrigin), like the Python side's START.
    report(c, n, (performance.now() - t) / 1000, { firstBatchSecondsFromProcessStart: firstBatch / 1000 });
    rmSync(tmp, { recursive: true, force: true });
  } else if (c === "stream-window-count" || c === "stream-dedup") {
    const tmp = mkdtempSync(join(tmpdir(), "bench-sluice-"));
    const src = join(data, "stream-in");
    const n = readdirSync(src).reduce((s, f) => s + lines(join(src, f)), 0);
    const df = spark.readStream.schema(SCHEMA).json(src).withWatermark("ts", "1 minute");
    const out = c === "stream-window-count" ? df.groupBy(F.window(col("ts"), "1 minute"), col("kind")).count() : df.dropDuplicatesWithinWatermark(["event_id"]);
    const t = performance.now();
    const q = await out.writeStream
      .foreachBatch(() => undefined) // like Spark's noop sink: the query runs, nothing is written
      .option("checkpointLocation", join(tmp, "chk"))
      .trigger({ availableNow: true })
      .start();
    await q.awaitTermination();
    report(c, n, (performance.now() - t) / 1000);
    rmSync(tmp, { recursive: true, force: true });
  } else if (c === "delta-sink") {
    const tmp = mkdtempSync(join(tmpdir(), "bench-sluice-"));
    const src = join(data, "stream-in");
    const n = readdirSync(src).reduce((s, f) => s + lines(join(src, f)), 0);
    const t = performance.now();
    const q = await spark.readStream
      .schema(SCHEMA)
      .json(src)
      .writeStream.format("delta")
      .option("checkpointLocation", join(tmp, "chk"))
      .trigger({ availableNow: true })
      .start(join(tmp, "table"));
    await q.awaitTermination();
    report(c, n, (performance.now() - t) / 1000);
    rmSync(tmp, { recursive: true, force: true });
  }
}
await spark.stop();
