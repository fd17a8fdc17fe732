/**
 * local[1] against local[2] on a broadcast hash join and a partitioned window (issue 15), in one
 * process, alternating the two masters each round so machine load hits both alike; the worker
 * threads are started by a warm-up run first. In-memory rows; each query is collected whole, with
 * parallelScan.minBytes 1 MiB and pieceBytes 4 MiB so that these inputs run in the workers.
 *   - join: `rows` left rows (k, v) joined with 10,000 right rows on k (about 1 match each);
 *   - window: row_number and a running sum over PARTITION BY g ORDER BY o, `rows / 4` rows.
 * Prints the best seconds of each and the speed-up (local[1] / local[2]).
 * Usage: tsx bench/parallel-join-window-bench.ts [rows=1000000] [rounds=3]
 */
import { Session } from "../src/index.js";
import { RuntimeConfig } from "../src/session/runtime-config.js";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 3);

const QUERIES = {
  join: "SELECT l.v, r.s FROM l JOIN r ON l.k = r.k WHERE l.v % 3 <> 0",
  window: "SELECT g, o, row_number() OVER (PARTITION BY g ORDER BY o) AS rn, sum(o) OVER (PARTITION BY g ORDER BY o) AS run FROM w",
};

function session(master: string): Session {
  const s = new Session(new RuntimeConfig({ "spark.master": master, "spark.sql.session.timeZone": "UTC", "spark.ui.enabled": "false", "sluice.execution.parallelScan.minBytes": String(1 << 20), "sluice.execution.parallelScan.pieceBytes": String(4 << 20) }));
  s.createDataFrame(Array.from({ length: ROWS }, (_, i) => [(i * 7919) % 10_000, i]), "k INT, v BIGINT").createOrReplaceTempView("l");
  s.createDataFrame(Array.from({ length: 10_000 }, (_, i) => [i, `r${i}`]), "k INT, s STRING").createOrReplaceTempView("r");
  s.createDataFrame(Array.from({ length: ROWS / 4 }, (_, i) => [(i * 31) % 5_000, (i * 7) % 1_000]), "g INT, o INT").createOrReplaceTempView("w");
  return s;
}

async function seconds(s: Session, sql: string): Promise<number> {
  const t = performance.now();
  await s.sql(sql).toArrow();
  return (performance.now() - t) / 1000;
}

const sessions = { "local[1]": session("local[1]"), "local[2]": session("local[2]") };
for (const sql of Object.values(QUERIES)) await seconds(sessions["local[2]"], sql);
for (const [name, sql] of Object.entries(QUERIES)) {
  const best: Record<string, number> = { "local[1]": Infinity, "local[2]": Infinity };
  for (let r = 0; r < ROUNDS; r++) for (const m of r % 2 === 0 ? (["local[1]", "local[2]"] as const) : (["local[2]", "local[1]"] as const)) best[m] = Math.min(best[m]!, await seconds(sessions[m], sql));
  console.log(JSON.stringify({ case: name, rows: ROWS, local1s: +best["local[1]"]!.toFixed(3), local2s: +best["local[2]"]!.toFixed(3), speedUp: +(best["local[1]"]! / best["local[2]"]!).toFixed(2) }));
}
