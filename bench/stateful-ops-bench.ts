/**
 * Stream–stream join and session-window aggregation throughput, with json and with binary state
 * keys (`sluice.streaming.stateStore.keyFormat`) in one run, alternating, so machine load hits
 * both alike. Each run feeds memory streams batch by batch (32 shuffle partitions, local[1]: both
 * operators run on the main thread) and reports input rows per second, best of the rounds.
 *   - join: impressions ⋈ clicks on adId with an event-time range, watermarks on both sides,
 *     so state is evicted as it goes;
 *   - session: count per (session_window(ts, 30 s), user) in append mode.
 * Output goes to a memory table.
 * Usage: tsx bench/stateful-ops-bench.ts [rowsPerBatch=20000] [batches=6] [rounds=3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DataFrame, Session, col, expr, functions as F } from "../src/index.js";

const ROWS = Number(process.argv[2] ?? 20_000);
const BATCHES = Number(process.argv[3] ?? 6);
const ROUNDS = Number(process.argv[4] ?? 3);
const T0 = Date.UTC(2025, 0, 1);

type Case = "join" | "session";

async function runOnce(c: Case, format: "json" | "binary"): Promise<number> {
  const spark = Session.builder().master("local[1]").config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").config("sluice.streaming.stateStore.keyFormat", format).getOrCreate();
  const root = mkdtempSync(join(tmpdir(), "sluice-ops-bench-"));
  const left = spark.memoryStream("adId INT, user STRING, ts TIMESTAMP");
  const right = spark.memoryStream("clickAdId INT, clickTs TIMESTAMP");
  let df: DataFrame;
  if (c === "join") {
    const imps = left.toDF().withWatermark("ts", "10 seconds");
    const clicks = right.toDF().withWatermark("clickTs", "10 seconds");
    df = imps.join(clicks, expr("adId = clickAdId AND clickTs >= ts AND clickTs <= ts + interval 5 seconds"));
  } else {
    df = left.toDF().withWatermark("ts", "10 seconds").groupBy(F.session_window(col("ts"), "30 seconds"), col("user")).count();
  }
  const q = await df.writeStream.format("memory").queryName(`ops_${c}_${format}_${Math.random().toString(36).slice(2)}`).outputMode("append").option("checkpointLocation", join(root, "chk")).start();
  let ms = 0;
  for (let b = 0; b < BATCHES; b++) {
    // Each batch covers 20 s of event time; ad ids and users repeat within and across batches.
    const rows = Array.from({ length: ROWS }, (_, i) => {
      const n = b * ROWS + i;
      return { adId: n % 5000, user: `u${n % 3000}`, ts: new Date(T0 + Math.floor((n * 20_000) / ROWS)) };
    });
    left.addData(rows);
    if (c === "join") right.addData(rows.filter((_, i) => i % 2 === 0).map((r) => ({ clickAdId: r.adId, clickTs: new Date(r.ts.getTime() + 1000) })));
    const t = performance.now();
    await q.processAllAvailable();
    ms += performance.now() - t;
  }
  await q.stop();
  await spark.stop();
  rmSync(root, { recursive: true, force: true });
  return ms;
}

const best: Record<string, number> = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const c of ["join", "session"] as const) {
    for (const format of r % 2 === 0 ? (["json", "binary"] as const) : (["binary", "json"] as const)) {
      const ms = await runOnce(c, format);
      const key = `${c}/${format}`;
      best[key] = Math.min(best[key] ?? Infinity, ms);
    }
  }
}
const inputRows = { join: ROWS * BATCHES * 1.5, session: ROWS * BATCHES };
const out: Record<string, unknown> = {};
for (const c of ["join", "session"] as const) {
  const json = best[`${c}/json`]!;
  const binary = best[`${c}/binary`]!;
  out[c] = { jsonRowsPerSecond: Math.round(inputRows[c] / (json / 1000)), binaryRowsPerSecond: Math.round(inputRows[c] / (binary / 1000)), binaryOverJson: +(json / binary).toFixed(2) };
}
console.log(JSON.stringify({ rowsPerBatch: ROWS, batches: BATCHES, rounds: ROUNDS, ...out }));
