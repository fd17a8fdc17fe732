/**
 * Child process for the crash test: file source → (transform | windowed aggregation | chained
 * stateful operators: window aggregation → dedup → aggregation per minute) → JSON file sink with a
 * checkpoint. Runs until every file present at start has been processed, prints DONE, exits 0.
 * The parent kills it with SIGKILL at random moments and starts it again.
 * Usage: crash-child.ts stateless|windowed|chained IN OUT CHECKPOINT
 */
import { Session, col, functions as F } from "../../src/index.js";

const [mode, inDir, outDir, chkDir] = process.argv.slice(2) as [string, string, string, string];
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
// The windowed mode decodes its files in worker threads (any size), so kills also land mid-hand-off.
if (mode === "windowed") spark.conf.set("sluice.files.parallelRead.minBytes", "0");
const input = spark.readStream.schema("id INT, v DOUBLE, ts TIMESTAMP").option("maxFilesPerTrigger", 2).json(inDir);
const windowed = input
  .withWatermark("ts", "5 seconds")
  .groupBy(F.window(col("ts"), "10 seconds"))
  .agg(F.count("*").alias("n"), F.sum("v").alias("total"));
const query =
  mode === "windowed"
    ? windowed.select(col("window.start").alias("start"), col("n"), col("total"))
    : mode === "chained"
      ? windowed
          .dropDuplicates(["window"])
          .groupBy(F.window(col("window"), "1 minute"))
          .agg(F.sum("n").alias("n"), F.sum("total").alias("total"))
          .select(col("window.start").alias("start"), col("n"), col("total"))
      : input.withColumn("w", col("v").multiply(2)).filter(F.col("id").geq(0));
const q = await query.writeStream
  .format("json")
  .outputMode("append")
  .option("checkpointLocation", chkDir)
  .trigger({ availableNow: true })
  .start(outDir);
await q.awaitTermination();
process.stdout.write("DONE\n");
