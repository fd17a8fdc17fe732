/**
 * Child process for the crash test: file source → transform → JSON file sink with a checkpoint.
 * Runs until every file present at start has been processed, prints DONE, exits 0. The parent
 * kills it with SIGKILL at random moments and starts it again.
 */
import { Session, col, functions as F } from "../../src/index.js";

const [inDir, outDir, chkDir] = process.argv.slice(2) as [string, string, string];
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const q = await spark.readStream
  .schema("id INT, v DOUBLE")
  .option("maxFilesPerTrigger", 2)
  .json(inDir)
  .withColumn("w", col("v").multiply(2))
  .filter(F.col("id").geq(0))
  .writeStream.format("json")
  .option("checkpointLocation", chkDir)
  .trigger({ availableNow: true })
  .start(outDir);
await q.awaitTermination();
process.stdout.write("DONE\n");
