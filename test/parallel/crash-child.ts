/**
 * Child process for the partitioned crash test: file source → a stateful operator (in 2
 * partition worker threads over 5 shuffle partitions) → JSON file sink with a checkpoint. The
 * operator is `dedup` (deduplication within the watermark) or `aggregate` (a window aggregation
 * in append mode). Runs until every file present at start is processed, prints DONE, exits 0; the
 * parent kills it with SIGKILL at random moments and starts it again.
 * Usage: crash-child.ts dedup|aggregate IN OUT CHECKPOINT
 */
import { Session, col, functions as F } from "../../src/index.js";

const [operator, inDir, outDir, chkDir] = process.argv.slice(2) as ["dedup" | "aggregate", string, string, string];
const spark = Session.builder().master("local[2]").config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", 5).getOrCreate();
const input = spark.readStream.schema("id INT, v DOUBLE, ts TIMESTAMP").option("maxFilesPerTrigger", 2).json(inDir).withWatermark("ts", "5 seconds");
const stateful =
  operator === "dedup"
    ? input.dropDuplicatesWithinWatermark(["id"])
    : input
        .groupBy(F.window(col("ts"), "4 seconds"), F.expr("id % 7").alias("k"))
        .agg(F.count("*").alias("c"), F.sum("v").alias("s"))
        .select(col("window.start").alias("start"), col("k"), col("c"), col("s"));
const q = await stateful.writeStream.format("json").outputMode("append").option("checkpointLocation", chkDir).trigger({ availableNow: true }).start(outDir);
process.stdout.write("STARTED\n");
await q.awaitTermination();
process.stdout.write("DONE\n");
