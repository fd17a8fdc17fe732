/**
 * CPU time per thread of Sluice's Spark Connect client for one kind of call, `df.columns` on a
 * new DataFrame (one AnalyzePlan through the synchronous bridge), as docs/spark-connect.md reports
 * it: the calls' wall time and each thread's user+system time per call, read from Linux's
 * /proc/self/task/<tid>/stat (10 ms ticks, so use a few hundred calls). The main thread is the
 * process id; the bridge's worker is the thread whose time grows with the main thread's.
 * Usage: node --import tsx bench/connect/thread-cpu.ts sc://host:port [calls]
 */
import { readFileSync, readdirSync } from "node:fs";
import { Session } from "../../src/index.js";

const [remote, calls = "400"] = process.argv.slice(2) as [string, string?];
const n = Number(calls);
const spark = Session.builder().remote(remote).getOrCreate();
const columns = (i: number): string[] => spark.range(10).selectExpr(`id + ${i} AS y`).columns;

/** Milliseconds of CPU (user + system) of each live thread of this process. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10); // utime, stime in clock ticks of 10 ms
  }
  return out;
}

for (let i = 0; i < 50; i++) columns(i); // connection, worker start, first compilations
const before = threadCpu();
const t = performance.now();
for (let i = 0; i < n; i++) columns(i);
const wall = (performance.now() - t) / n;
const after = threadCpu();
console.log(`df.columns: ${wall.toFixed(2)} ms per call; CPU ms per call by thread (${process.pid} is the main thread):`);
for (const [tid, ms] of after) {
  const per = (ms - (before.get(tid) ?? 0)) / n;
  if (per > 0) console.log(`  ${tid}: ${per.toFixed(3)}`);
}
await spark.stop();
