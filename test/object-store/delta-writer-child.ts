/**
 * Child process for the concurrent-writers test: appends `count` one-row commits to the Delta
 * table at TABLE (on the S3 test server, reached through the AWS environment: AWS_ENDPOINT_URL,
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), rows `{ writer, i }`. Prints DONE.
 * Usage: delta-writer-child.ts TABLE WRITER COUNT
 */
import { Session } from "../../src/index.js";

const [table, writer, count] = process.argv.slice(2) as [string, string, string];
const spark = Session.builder().config("spark.hadoop.fs.s3a.path.style.access", "true").getOrCreate();
for (let i = 0; i < Number(count); i++) {
  await spark.createDataFrame([{ writer, i }], "writer STRING, i INT").write.format("delta").mode("append").save(table);
}
process.stdout.write("DONE\n");
