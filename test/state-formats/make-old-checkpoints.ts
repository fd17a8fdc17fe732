/**
 * Writes test/state-formats/old-checkpoints/{dedup,agg}: one batch of each fixture query, with
 * 3 shuffle partitions. Run once, with the code whose checkpoint format the fixture keeps:
 *   npx tsx test/state-formats/make-old-checkpoints.ts
 */
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Session } from "../../src/index.js";
import { BATCH0, SCHEMA, start } from "./old-checkpoint-queries.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "old-checkpoints");
rmSync(root, { recursive: true, force: true });
const spark = Session.builder().master("local[1]").config("spark.sql.shuffle.partitions", 3).config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate();
for (const which of ["dedup", "agg"] as const) {
  const input = spark.memoryStream(SCHEMA);
  input.addData(BATCH0);
  const q = await start(spark, input.toDF(), which, join(root, which), which);
  await q.processAllAvailable();
  await q.stop();
  console.log(which, await spark.table(which).collect());
}
await spark.stop();
