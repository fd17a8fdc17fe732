/**
 * Child process for the Delta crash test: file source → windowed aggregation → Delta sink with a
 * checkpoint, trigger availableNow. Prints DONE and exits 0 when every input file is processed.
 * Usage: crash-child.ts IN TABLE CHECKPOINT
 */
import { Session, col, functions as F } from "../../src/index.js";

const [inDir, table, chkDir] = process.argv.slice(2) as [string, string, string];
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const q = await spark.readStream
  .schema("id INT, v DOUBLE, ts TIMESTAMP")
  .option("maxFilesPerTrigger", 2)
  .json(inDir)
  .withWatermark("ts", "5 seconds")
  .groupBy(F.window(col("ts"), "10 seconds"))
  .agg(F.count("*").alias("n"), F.sum("v").alias("total"))
  .select(col("window.start").alias("start"), col("n"), col("total"))
  .writeStream.format("delta")
  .outputMode("append")
  .option("checkpointLocation", chkDir)
  .trigger({ availableNow: true })
  .start(table);
await q.awaitTermination();
process.stdout.write("DONE\n");
