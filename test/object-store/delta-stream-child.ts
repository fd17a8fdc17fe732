/**
 * Child process for the object-store crash test: JSON files (local) → a projection (append mode)
 * or an aggregation (complete mode, its state on the store too) → Delta sink, with the checkpoint
 * and the table both on the S3 test server (reached through the AWS environment), trigger
 * availableNow, one file per batch. Prints PROGRESS after each batch and DONE when every file is in.
 * Usage: delta-stream-child.ts IN TABLE CHECKPOINT projection|aggregation
 */
import { Session, col, functions as F } from "../../src/index.js";

const [inDir, table, chk, kind] = process.argv.slice(2) as [string, string, string, "projection" | "aggregation"];
const spark = Session.builder()
  .config("spark.sql.session.timeZone", "UTC")
  .config("spark.sql.shuffle.partitions", "2")
  .config("spark.hadoop.fs.s3a.path.style.access", "true")
  .getOrCreate();
spark.streams.addListener({ onQueryProgress: () => void process.stdout.write("PROGRESS\n") });
const input = spark.readStream.schema("id INT, v DOUBLE").option("maxFilesPerTrigger", 1).json(inDir);
const out =
  kind === "projection"
    ? input.select(col("id"), col("v").multiply(2).alias("v2")).writeStream.outputMode("append")
    : input.groupBy(col("id").mod(7).alias("k")).agg(F.count("*").alias("n"), F.sum("v").alias("s")).writeStream.outputMode("complete");
const q = await out.format("delta").option("checkpointLocation", chk).trigger({ availableNow: true }).start(table);
await q.awaitTermination();
process.stdout.write("DONE\n");
