/**
 * Sluice's Spark Connect client against a server; the same cases as pyspark_connect_bench.py,
 * which runs PySpark's own Connect client against the same server. Both clients send the same
 * plans, so the server's work is equal and the ratio measures the client: plan encoding, gRPC,
 * Arrow decoding into rows, round-trip overhead. Prints one JSON line per case (bench/compare.ts).
 * Usage: tsx bench/connect/sluice-connect-bench.ts sc://host:port [case ...]
 */
import { Session } from "../../src/index.js";
import { CASES, COLLECT_ROWS, RUNS, SCHEMA_CALLS, SMALL_QUERIES } from "./cases.js";

const [remote, ...wanted] = process.argv.slice(2) as [string, ...string[]];
const cases = wanted.length > 0 ? wanted : CASES;
const spark = Session.builder().remote(remote).getOrCreate();
const report = (c: string, rows: number, seconds: number): void =>
  void process.stdout.write(JSON.stringify({ engine: "sluice", case: c, rows, seconds }) + "\n");

/** The best of RUNS timed runs after one warm-up (server-side caches, client JIT): the machine's load varies. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return best;
}

for (const c of cases) {
  if (c === "connect-collect") {
    // Arrow batches → row objects: 2M rows of a BIGINT, a DOUBLE and a STRING
    const df = spark.range(COLLECT_ROWS).selectExpr("id", "id * 0.5 AS x", "concat('k', id % 1000) AS s");
    let n = 0;
    report(c, COLLECT_ROWS, await timed(async () => (n = (await df.collect()).length)));
    if (n !== COLLECT_ROWS) throw new Error(`collect returned ${n} rows`);
  } else if (c === "connect-small-queries") {
    // round-trip cost: many one-row queries, one after another
    report(c, SMALL_QUERIES, await timed(async () => {
      for (let i = 0; i < SMALL_QUERIES; i++) await spark.sql(`SELECT ${i} AS x`).collect();
    }));
  } else if (c === "connect-schema") {
    // AnalyzePlan round trips: the schema of a freshly built plan each time
    report(c, SCHEMA_CALLS, await timed(async () => {
      for (let i = 0; i < SCHEMA_CALLS; i++) void spark.range(10).selectExpr(`id + ${i} AS y`).columns;
    }));
  } else throw new Error(`unknown case ${c}`);
}
await spark.stop();
