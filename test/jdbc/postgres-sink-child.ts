/**
 * Child process for the postgres sink's crash test: three queries over the same JSON files (one
 * file per batch), each into its own table with its own checkpoint — append without a key,
 * upsert by key (the last row of a key wins), and a running count per key in update mode.
 * Prints STARTED once they run and DONE when all three processed every file (availableNow).
 * Usage: postgres-sink-child.ts IN CHECKPOINT_ROOT JDBC_URL USER PASSWORD
 */
import { join } from "node:path";
import { Session } from "../../src/index.js";

const [inDir, chkRoot, url, user, password] = process.argv.slice(2) as [string, string, string, string, string];
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.sql.shuffle.partitions", 2).getOrCreate();
const input = () => spark.readStream.schema("id INT, key INT, v DOUBLE").option("maxFilesPerTrigger", 1).json(inDir);
const sink = (table: string, name: string) =>
  (df: ReturnType<typeof input>, mode: "append" | "update", key?: string) =>
    df.writeStream
      .format("postgres")
      .outputMode(mode)
      .options({ url, user, password, dbtable: table, ...(key ? { upsertKey: key } : {}) })
      .option("checkpointLocation", join(chkRoot, name))
      .trigger({ availableNow: true })
      .start();
const queries = [
  await sink("events", "append")(input(), "append"),
  await sink("latest", "upsert")(input(), "append", "key"),
  await sink("counts", "counts")(input().groupBy("key").count(), "update", "key"),
];
process.stdout.write("STARTED\n");
await Promise.all(queries.map((q) => q.awaitTermination()));
const failed = queries.find((q) => q.exception);
if (failed) {
  process.stderr.write(`FAILED ${failed.exception!.message}\n`);
  process.exit(1);
}
process.stdout.write("DONE\n");
process.exit(0);
