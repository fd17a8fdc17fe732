/**
 * Child process for the reference pipeline's crash test: runs both queries of
 * examples/reference-pipeline on the topic with Trigger.AvailableNow, prints STARTED once they
 * run, `PROGRESS n` after the n-th batch of this run (either query) and DONE when both finished.
 * The parent kills it with SIGKILL at random moments counted from a PROGRESS line, so the kill
 * lands while the queries still have batches to run, however fast or slow the machine is.
 * Usage: reference-child.ts BOOTSTRAP TOPIC ROOT
 */
import { startReferencePipeline } from "../../examples/reference-pipeline/pipeline.js";
import { Session } from "../../src/index.js";

const [bootstrap, topic, root] = process.argv.slice(2) as [string, string, string];
const spark = Session.builder().config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC").getOrCreate();
let batches = 0;
spark.streams.addListener({ onQueryProgress: () => void process.stdout.write(`PROGRESS ${++batches}\n`) });
const queries = await startReferencePipeline(spark, { bootstrap, topic, root, trigger: { availableNow: true } });
process.stdout.write("STARTED\n");
await Promise.all(queries.map((q) => q.awaitTermination()));
process.stdout.write("DONE\n");
process.exit(0);
