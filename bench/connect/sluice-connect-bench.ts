/**
 * Sluice's Spark Connect client against PySpark's, on one server, in turns: this script starts
 * pyspark_connect_bench.py as a child and, for each case, runs it once on each client as a
 * warm-up, then RUNS times on each, alternating which goes first (Sluice, PySpark, PySpark,
 * Sluice, ...), so a change of machine load between runs hits both clients alike. Both send the
 * same plans, so the server's work is equal and the ratio measures the client: plan encoding,
 * gRPC, Arrow decoding into rows, round trips.
 * Prints per case one JSON line per client for bench/compare.ts (`seconds` is the median run,
 * `bestSeconds` the fastest) and a line with both ratios.
 * Usage: tsx bench/connect/sluice-connect-bench.ts sc://host:port PYTHON [case ...]
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { Session } from "../../src/index.js";
import { CASES, COLLECT_ROWS, RUNS, SCHEMA_CALLS, SMALL_QUERIES } from "./cases.js";

const [remote, python, ...wanted] = process.argv.slice(2) as [string, string, ...string[]];
const cases = wanted.length > 0 ? wanted : CASES;
const spark = Session.builder().remote(remote).getOrCreate();

const peer = spawn(python, [new URL("./pyspark_connect_bench.py", import.meta.url).pathname, remote, String(COLLECT_ROWS), String(SMALL_QUERIES), String(SCHEMA_CALLS)], { stdio: ["pipe", "pipe", "ignore"] });
const peerLines = createInterface({ input: peer.stdout })[Symbol.asyncIterator]();
async function peerLine(): Promise<{ seconds?: number }> {
  const next = await peerLines.next();
  if (next.done === true) throw new Error(`the PySpark client exited (code ${peer.exitCode})`);
  return JSON.parse(next.value) as { seconds?: number };
}
/** One run of a case on PySpark's client, timed by the peer. */
async function pysparkRun(c: string): Promise<number> {
  peer.stdin.write(c + "\n");
  return (await peerLine()).seconds!;
}

const collectDf = spark.range(COLLECT_ROWS).selectExpr("id", "id * 0.5 AS x", "concat('k', id % 1000) AS s");
/** One run of a case on Sluice's client, in seconds. */
async function sluiceRun(c: string): Promise<number> {
  const t = performance.now();
  if (c === "connect-collect") {
    // Arrow batches → row objects: 2M rows of a BIGINT, a DOUBLE and a STRING
    const n = (await collectDf.collect()).length;
    if (n !== COLLECT_ROWS) throw new Error(`collect returned ${n} rows`);
  } else if (c === "connect-small-queries") {
    // round-trip cost: many one-row queries, one after another
    for (let i = 0; i < SMALL_QUERIES; i++) await spark.sql(`SELECT ${i} AS x`).collect();
  } else if (c === "connect-schema") {
    // AnalyzePlan round trips: the schema of a freshly built plan each time
    for (let i = 0; i < SCHEMA_CALLS; i++) void spark.range(10).selectExpr(`id + ${i} AS y`).columns;
  } else throw new Error(`unknown case ${c}`);
  return (performance.now() - t) / 1000;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ROWS: Record<string, number> = { "connect-collect": COLLECT_ROWS, "connect-small-queries": SMALL_QUERIES, "connect-schema": SCHEMA_CALLS };

await peerLine(); // the peer's session is up
for (const c of cases) {
  if (ROWS[c] === undefined) throw new Error(`unknown case ${c}`);
  await sluiceRun(c);
  await pysparkRun(c);
  const runs = { sluice: [] as number[], pyspark: [] as number[] };
  for (let r = 0; r < RUNS; r++) {
    if (r % 2 === 0) {
      runs.sluice.push(await sluiceRun(c));
      runs.pyspark.push(await pysparkRun(c));
    } else {
      runs.pyspark.push(await pysparkRun(c));
      runs.sluice.push(await sluiceRun(c));
    }
  }
  for (const engine of ["sluice", "pyspark"] as const) {
    const line = { engine, case: c, rows: ROWS[c], seconds: median(runs[engine]), bestSeconds: Math.min(...runs[engine]), runs: RUNS };
    process.stdout.write(JSON.stringify(line) + "\n");
  }
  const perOp = (s: number): string => `${((s * 1000) / ROWS[c]!).toPrecision(3)} ms`;
  const [sm, pm, sb, pb] = [median(runs.sluice), median(runs.pyspark), Math.min(...runs.sluice), Math.min(...runs.pyspark)];
  console.log(`# ${c}: per op median ${perOp(sm)} vs ${perOp(pm)}, best ${perOp(sb)} vs ${perOp(pb)}; Sluice ÷ PySpark speed: median ${(pm / sm).toFixed(2)}, best ${(pb / sb).toFixed(2)}`);
}
peer.stdin.end();
await new Promise((r) => peer.once("exit", r));
await spark.stop();
