/**
 * Child process for the exactly-once Kafka sink test: Kafka topic IN → value upper-cased →
 * transactional Kafka sink into OUT, a few offsets per micro-batch, Trigger.AvailableNow. Prints
 * DONE when every record present at start was written; the parent kills it with SIGKILL at
 * random moments and starts it again.
 * Usage: sink-child.ts BOOTSTRAP IN OUT CHECKPOINT
 */
import { Session } from "../../src/index.js";

const [bootstrap, inTopic, outTopic, chk] = process.argv.slice(2) as [string, string, string, string];
const spark = Session.builder().config("spark.ui.enabled", "false").getOrCreate();
const q = await spark.readStream
  .format("kafka")
  .option("kafka.bootstrap.servers", bootstrap)
  .option("subscribe", inTopic)
  .option("startingOffsets", "earliest")
  .option("maxOffsetsPerTrigger", 7)
  .load()
  .selectExpr("key", "upper(CAST(value AS STRING)) AS value")
  .writeStream.format("kafka")
  .option("kafka.bootstrap.servers", bootstrap)
  .option("topic", outTopic)
  .option("kafka.transactional", "true")
  .option("checkpointLocation", chk)
  .trigger({ availableNow: true })
  .start();
await q.awaitTermination();
process.stdout.write("DONE\n");
process.exit(0);
