/** Prints bench/kafka.sh's results side by side: Sluice, PySpark and the ratio per case. */
import { readFileSync } from "node:fs";

type Result = { engine: string; case: string } & Record<string, number>;
// The JVM may print terminal colour codes before a line of PySpark's results.
const results = readFileSync(process.argv[2]!, "utf8")
  .split("\n")
  .map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""))
  .filter((l) => l.startsWith("{"))
  .map((l) => JSON.parse(l) as Result);
const pick = (engine: string, c: string, i = 0): Result | undefined => results.filter((r) => r.engine === engine && r.case === c)[i];
const row = (label: string, s: number | undefined, p: number | undefined, better: "higher" | "lower"): void => {
  const ratio = s === undefined || p === undefined ? NaN : better === "higher" ? s / p : p / s;
  console.log(`${label.padEnd(34)} ${(s ?? NaN).toFixed(1).padStart(12)} ${(p ?? NaN).toFixed(1).padStart(12)} ${ratio.toFixed(2).padStart(8)}x`);
};
console.log(`\n${"measure".padEnd(34)} ${"sluice".padStart(12)} ${"pyspark".padStart(12)} ${"sluice is".padStart(9)}`);
const [s, p] = [pick("sluice", "kafka-to-delta"), pick("pyspark", "kafka-to-delta")];
row("kafka-to-delta rows/s", s && s.rows / s.seconds, p && p.rows / p.seconds, "higher");
for (const c of ["kafka-sink", "kafka-sink-transactional"]) {
  const r = pick("sluice", c);
  row(`${c} rows/s (Sluice only)`, r && r.rows / r.seconds, undefined, "higher");
}
for (const trig of ["micro-batch", "continuous"]) {
  const [ls, lp] = [pick("sluice", `latency-${trig}`), pick("pyspark", `latency-${trig}`)];
  row(`latency ${trig} p50 ms`, ls?.p50Ms, lp?.p50Ms, "lower");
  row(`latency ${trig} p90 ms`, ls?.p90Ms, lp?.p90Ms, "lower");
  row(`latency ${trig} p99 ms`, ls?.p99Ms, lp?.p99Ms, "lower");
  row(`latency ${trig} max ms`, ls?.maxMs, lp?.maxMs, "lower");
  for (const e of ["sluice", "pyspark"]) {
    const load = pick(e, `load-${trig}`) as { loadAverage?: string } | undefined;
    if (load) console.log(`  (${e}: load average ${load.loadAverage} when its feed started)`);
  }
  if (ls && lp) console.log(`  (delivered of the events fed: sluice ${ls.delivered}/${ls.events}, pyspark ${lp.delivered}/${lp.events})`);
}
// The first batch-duration line of each engine is its micro-batch run (continuous reports none).
const [bs, bp] = [pick("sluice", "batch-duration"), pick("pyspark", "batch-duration")];
row(`micro-batch triggerExecution ms`, bs?.medianMs, bp?.medianMs, "lower");
const part = (r: Result | undefined, k: string): number | undefined => (r as { parts?: Record<string, number> } | undefined)?.parts?.[k];
for (const k of ["latestOffset", "addBatch", "walCommit", "commitOffsets"]) row(`  of which ${k} ms`, part(bs, k), part(bp, k), "lower");
if (bs && bp) console.log(`  (median rows per batch: sluice ${bs.medianRows}, pyspark ${bp.medianRows})`);
for (const [i, trig] of ["micro-batch", "continuous"].entries()) {
  const st = pick("sluice", "stalls", i);
  if (st) console.log(`sluice ${trig} stalls: ${JSON.stringify(st.eventLoopDelayMs)} event-loop delay ms, gc ${JSON.stringify(st.gc)}`);
}
console.log("(ratios: how many times faster Sluice is; > 1 favours Sluice)");
