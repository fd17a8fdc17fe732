/**
 * Child process for the partitioned crash test: file source → deduplication within the watermark
 * (in 2 partition worker threads over 5 shuffle partitions) → JSON file sink with a checkpoint.
 * Runs until every file present at start is processed, prints DONE, exits 0; the parent kills it
 * with SIGKILL at random moments and starts it again.
 * Usage: crash-child.ts IN OUT CHECKPOINT
 */
import { Session } from "../../src/index.js";

const [inDir, outDir, chkDir] = process.argv.slice(2) as [string, string, string];
const spark = Session.builder().master("local[2]").config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", 5).getOrCreate();
const q = await spark.readStream
  .schema("id INT, v DOUBLE, ts TIMESTAMP")
  .option("maxFilesPerTrigger", 2)
  .json(inDir)
  .withWatermark("ts", "5 seconds")
  .dropDuplicatesWithinWatermark(["id"])
  .writeStream.format("json")
  .outputMode("append")
  .option("checkpointLocation", chkDir)
  .trigger({ availableNow: true })
  .start(outDir);
process.stdout.write("STARTED\n");
await q.awaitTermination();
process.stdout.write("DONE\n");
