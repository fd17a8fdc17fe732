/** Reads the JSON lines both engines printed and prints rows/s per engine and the ratio. */
import { readFileSync } from "node:fs";

interface Result { engine: string; case: string; rows: number; seconds: number; firstBatchSecondsFromProcessStart?: number }
const results = readFileSync(process.argv[2]!, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Result);
const cases = [...new Set(results.map((r) => r.case))];
const rate = (r?: Result): number => (r ? r.rows / r.seconds : NaN);
console.log(`\n${"case".padEnd(26)} ${"sluice rows/s".padStart(14)} ${"pyspark rows/s".padStart(15)} ${"ratio".padStart(7)}`);
for (const c of cases) {
  const s = results.find((r) => r.engine === "sluice" && r.case === c);
  const p = results.find((r) => r.engine === "pyspark" && r.case === c);
  console.log(`${c.padEnd(26)} ${rate(s).toFixed(0).padStart(14)} ${rate(p).toFixed(0).padStart(15)} ${(rate(s) / rate(p)).toFixed(2).padStart(7)}`);
  if (s?.firstBatchSecondsFromProcessStart !== undefined && p?.firstBatchSecondsFromProcessStart !== undefined) {
    const [a, b] = [s.firstBatchSecondsFromProcessStart, p.firstBatchSecondsFromProcessStart];
    console.log(`${"  first batch after start".padEnd(26)} ${a.toFixed(2).padStart(13)}s ${b.toFixed(2).padStart(14)}s ${(b / a).toFixed(2).padStart(6)}x sooner`);
  }
}
