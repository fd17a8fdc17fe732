/**
 * Reads the JSON lines both engines printed (run.sh: "sluice" at local[N], "sluice-1" at
 * local[1], "pyspark"; plus each engine's peakRssKb over its process tree) and prints rows/s per engine, the ratio
 * Sluice / PySpark, Sluice's scaling from 1 to N threads (speed-up, efficiency = speed-up / N)
 * and the peak RSS of both engines. Usage: compare.ts RESULTS [N].
 */
import { readFileSync } from "node:fs";

interface Result { engine: string; case: string; rows: number; seconds: number; firstBatchSecondsFromProcessStart?: number; peakRssKb?: number }
const results = readFileSync(process.argv[2]!, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Result);
const threads = Number(process.argv[3] ?? 2);
const cases = [...new Set(results.map((r) => r.case))];
const rate = (r?: Result): number => (r ? r.rows / r.seconds : NaN);
const find = (engine: string, c: string): Result | undefined => results.find((r) => r.engine === engine && r.case === c && r.rows !== undefined);
const rssMb = (engine: string, c: string): string => {
  const kb = results.find((r) => r.engine === engine && r.case === c && r.peakRssKb !== undefined)?.peakRssKb;
  return kb === undefined ? "-" : (kb / 1024).toFixed(0);
};
console.log(`\n${"case".padEnd(26)} ${"sluice rows/s".padStart(14)} ${"pyspark rows/s".padStart(15)} ${"ratio".padStart(7)}  ${"1 thread".padStart(10)} ${"speed-up".padStart(9)} ${"effic.".padStart(7)}  ${"RSS MB s/p".padStart(11)}`);
for (const c of cases) {
  const s = find("sluice", c);
  const p = find("pyspark", c);
  const one = find("sluice-1", c);
  const up = rate(s) / rate(one);
  const scaling = one ? `${rate(one).toFixed(0).padStart(10)} ${up.toFixed(2).padStart(9)} ${(up / threads).toFixed(2).padStart(7)}` : " ".repeat(28);
  console.log(`${c.padEnd(26)} ${rate(s).toFixed(0).padStart(14)} ${rate(p).toFixed(0).padStart(15)} ${(rate(s) / rate(p)).toFixed(2).padStart(7)}  ${scaling}  ${`${rssMb("sluice", c)}/${rssMb("pyspark", c)}`.padStart(11)}`);
  if (s?.firstBatchSecondsFromProcessStart !== undefined && p?.firstBatchSecondsFromProcessStart !== undefined) {
    const [a, b] = [s.firstBatchSecondsFromProcessStart, p.firstBatchSecondsFromProcessStart];
    console.log(`${"  first batch after start".padEnd(26)} ${a.toFixed(2).padStart(13)}s ${b.toFixed(2).padStart(14)}s ${(b / a).toFixed(2).padStart(6)}x sooner`);
  }
}
