/**
 * Child process for the object-store crash test: JSON files (local) → projection → Delta sink,
 * with the checkpoint and the table both on the S3 test server (reached through the AWS
 * environment), trigger availableNow, two files per batch. Prints DONE when every file is in.
 * Usage: delta-stream-child.ts IN TABLE CHECKPOINT
 */
import { Session, col } from "../../src/index.js";

const [inDir, table, chk] = process.argv.slice(2) as [string, string, string];
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.hadoop.fs.s3a.path.style.access", "true").getOrCreate();
const q = await spark.readStream
  .schema("id INT, v DOUBLE")
  .option("maxFilesPerTrigger", 2)
  .json(inDir)
  .select(col("id"), col("v").multiply(2).alias("v2"))
  .writeStream.format("delta")
  .option("checkpointLocation", chk)
  .trigger({ availableNow: true })
  .start(table);
await q.awaitTermination();
process.stdout.write("DONE\n");
