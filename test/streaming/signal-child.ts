/**
 * Child process for the signal test: file source → stateless | windowed | dedup → json file |
 * Delta | foreachBatch sink with a checkpoint, trigger availableNow; prints DONE when the input is
 * processed. With `handle`, SIGINT and SIGTERM call `query.stop()` (as an application that shuts
 * down cleanly does) and print STOPPED; with `default`, Node's default action ends the process.
 * Prints STARTED once the query runs (the parent times its signal from then).
 * Usage: signal-child.ts PIPELINE SINK IN OUT CHECKPOINT handle|default
 */
import { Session, col, functions as F } from "../../src/index.js";
import { writeBatchFile } from "../support/sink-rows.js";

const [pipeline, sink, inDir, outDir, chkDir, handling] = process.argv.slice(2) as [string, string, string, string, string, string];
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const input = spark.readStream.schema("id INT, key INT, v DOUBLE, ts TIMESTAMP").option("maxFilesPerTrigger", 2).json(inDir);
const df =
  pipeline === "windowed"
    ? input
        .withWatermark("ts", "5 seconds")
        .groupBy(F.window(col("ts"), "10 seconds"))
        .agg(F.count("*").alias("n"), F.sum("v").alias("total"))
        .select(col("window.start").alias("start"), col("n"), col("total"))
    : pipeline === "dedup"
      ? input.withWatermark("ts", "5 seconds").dropDuplicatesWithinWatermark(["key"]).select("key", "v")
      : input.withColumn("w", col("v").multiply(2));
const writer = df.writeStream.outputMode("append").option("checkpointLocation", chkDir).trigger({ availableNow: true });
const q =
  sink === "foreachBatch"
    ? await writer.foreachBatch(async (batch, batchId) => writeBatchFile(outDir, batchId, await batch.collect())).start()
    : await writer.format(sink).start(outDir);
let stopping = false;
if (handling === "handle") {
  const stop = () => {
    stopping = true;
    void q.stop().then(() => {
      process.stdout.write(q.exception ? `FAILED ${q.exception.message}\n` : "STOPPED\n");
      process.exit(q.exception ? 1 : 0);
    });
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
process.stdout.write("STARTED\n");
await q.awaitTermination();
if (!stopping) {
  process.stdout.write("DONE\n");
  process.exit(0);
}
