/**
 * Sluice side of the Nexmark benchmark. Usage: tsx bench/nexmark/sluice-nexmark.ts INPUT OUT q...
 * Runs each query over INPUT (generator.ts's layout) into OUT/<q> (Parquet, append, availableNow)
 * and prints one JSON line per query: {"engine":"sluice","query":q,"events":N,"seconds":S}, or
 * {"engine":"sluice","query":q,"error":CODE,"message":...} when Sluice cannot run it.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Session, SluiceError } from "../../src/index.js";
import { QUERY_INPUTS, QUERY_NAMES, nexmarkQuery } from "./queries.js";

/** Runs query q over `input` into `out/<q>`, returning the seconds from start to the end of the stream. */
export async function runNexmarkQuery(spark: Session, input: string, out: string, q: string): Promise<number> {
  for (const d of [q, `${q}-checkpoint`]) rmSync(join(out, d), { recursive: true, force: true });
  const t = performance.now();
  const query = await nexmarkQuery(spark, input, q)
    .writeStream.format("parquet")
    .outputMode("append")
    .option("checkpointLocation", join(out, `${q}-checkpoint`))
    .trigger({ availableNow: true })
    .start(join(out, q));
  await query.awaitTermination();
  return (performance.now() - t) / 1000;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, out, ...wanted] = process.argv.slice(2) as [string, string, ...string[]];
  const counts = JSON.parse(readFileSync(join(input, "counts.json"), "utf8")) as Record<string, number>;
  const builder = Session.builder().config("spark.sql.session.timeZone", "UTC");
  const spark = (process.env.BENCH_MASTER ? builder.master(process.env.BENCH_MASTER) : builder).getOrCreate();
  for (const q of wanted.length > 0 ? wanted : QUERY_NAMES) {
    const events = (QUERY_INPUTS[q] ?? []).reduce((s, k) => s + counts[k]!, 0);
    try {
      const seconds = await runNexmarkQuery(spark, input, out, q);
      process.stdout.write(JSON.stringify({ engine: "sluice", query: q, events, seconds }) + "\n");
    } catch (e) {
      if (!(e instanceof SluiceError)) throw e;
      process.stdout.write(JSON.stringify({ engine: "sluice", query: q, events, error: e.code, message: e.message.split("\n")[0] }) + "\n");
    }
  }
  await spark.stop();
}
