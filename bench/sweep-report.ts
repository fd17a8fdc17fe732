/**
 * The size sweep of bench/run.sh (BENCH_SWEEP=1): reads the JSON lines each engine printed per
 * case at 1x, 4x and 16x the input (`scale` added by run.sh) and prints, per case and engine, the
 * seconds at each scale and the time growth t(4x)/t(1x) and t(16x)/t(1x) — 4 and 16 mean time
 * grows as the work does; less, that fixed costs (start-up, planning) still weigh at 1x.
 * Usage: sweep-report.ts RESULTS
 */
import { readFileSync } from "node:fs";

interface Result { scale: number; engine: string; case: string; rows: number; seconds: number }
const results = readFileSync(process.argv[2]!, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Result);
const seconds = (engine: string, c: string, scale: number): number => results.find((r) => r.engine === engine && r.case === c && r.scale === scale)?.seconds ?? NaN;
console.log(`\n${"case".padEnd(26)} ${"engine".padEnd(8)} ${"1x s".padStart(8)} ${"4x s".padStart(8)} ${"16x s".padStart(8)} ${"t4/t1".padStart(7)} ${"t16/t1".padStart(7)}`);
for (const c of [...new Set(results.map((r) => r.case))]) {
  for (const engine of ["sluice", "pyspark"]) {
    const [a, b, d] = [1, 4, 16].map((m) => seconds(engine, c, m)) as [number, number, number];
    console.log(`${c.padEnd(26)} ${engine.padEnd(8)} ${a.toFixed(2).padStart(8)} ${b.toFixed(2).padStart(8)} ${d.toFixed(2).padStart(8)} ${(b / a).toFixed(2).padStart(7)} ${(d / a).toFixed(2).padStart(7)}`);
  }
}
