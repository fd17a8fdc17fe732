/**
 * Child of big-input.test.ts, run under a small `--max-old-space-size`: one stateless pipeline
 * over a JSON lines input much larger than that heap, then prints DONE and what the query
 * reported. Args: mode (stream-parquet | stream-delta | stream-foreachBatch | batch-parquet |
 * batch-delta), input folder, output folder, checkpoint folder.
 */
import { join } from "node:path";
import { Session } from "../../src/index.js";
import type { StreamingQueryProgress } from "../../src/streaming/progress/progress.js";
import { BIG_INPUT_SCHEMA, bigInputQuery } from "./big-input-data.js";

const [mode, input, out, chk] = process.argv.slice(2) as [string, string, string, string];
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const query = bigInputQuery;

async function main(): Promise<void> {
  if (mode.startsWith("batch-")) {
    const df = query(spark.read.schema(BIG_INPUT_SCHEMA).json(input));
    if (mode === "batch-parquet") await df.write.parquet(out);
    else await df.write.format("delta").save(out);
    console.log("DONE");
    return;
  }
  const w = query(spark.readStream.schema(BIG_INPUT_SCHEMA).json(input)).writeStream.option("checkpointLocation", chk).trigger({ availableNow: true });
  const q =
    mode === "stream-foreachBatch"
      ? await w.foreachBatch(async (df, batchId) => df.write.parquet(join(out, `batch-${batchId}`))).start()
      : await w.format(mode === "stream-delta" ? "delta" : "parquet").start(out);
  await q.awaitTermination();
  const p = (q.recentProgress as readonly StreamingQueryProgress[]).map((r) => ({ batchId: r.batchId, numInputRows: r.numInputRows, numOutputRows: r.sink.numOutputRows }));
  console.log(`PROGRESS ${JSON.stringify(p)}`);
  console.log("DONE");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
