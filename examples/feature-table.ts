/**
 * The feature-table pattern: a stream of events keeps a Delta table of per-user features
 * (event count, total amount, last seen) up to date by upserting each micro-batch with
 * `foreachBatch` + `DeltaTable.merge` on the primary key.
 *
 * The merge adds to the stored counts, so running it twice for one batch would double count.
 * It is made exactly-once by the Delta `txn` action: each merge carries (appId, batchId), and a
 * batch the table already holds for this appId is skipped — e.g. when the query crashed after
 * the merge committed but before the checkpoint recorded the batch, and the batch re-runs.
 *
 *   npx tsx examples/feature-table.ts [folder]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DeltaTable, type DataFrame, Session, functions as F } from "../src/index.js";

export const FEATURE_SCHEMA = "user_id STRING, events BIGINT, total_amount DOUBLE, last_seen TIMESTAMP";

/** Create the (empty) features table when it does not exist yet. */
export async function ensureFeatureTable(spark: Session, tablePath: string): Promise<DeltaTable> {
  if (!DeltaTable.isDeltaTable(spark, tablePath)) {
    await spark.createDataFrame([], FEATURE_SCHEMA).write.format("delta").mode("ignore").save(tablePath);
  }
  return DeltaTable.forPath(spark, tablePath);
}

/**
 * The foreachBatch function: aggregate the batch per user, then merge into the table with the
 * txn (appId, batchId) so a re-run batch changes nothing.
 */
export function upsertFeatures(spark: Session, tablePath: string, appId: string): (batch: DataFrame, batchId: number) => Promise<void> {
  return async (batch, batchId) => {
    const table = await ensureFeatureTable(spark, tablePath);
    const updates = batch
      .groupBy("user_id")
      .agg(F.count("*").alias("events"), F.sum("amount").alias("total_amount"), F.max("ts").alias("last_seen"));
    await table
      .alias("t")
      .merge(updates.alias("s"), "t.user_id = s.user_id")
      .whenMatchedUpdate({
        events: "t.events + s.events",
        total_amount: "t.total_amount + s.total_amount",
        last_seen: "greatest(t.last_seen, s.last_seen)",
      })
      .whenNotMatchedInsertAll()
      .execute({ txnAppId: appId, txnVersion: batchId });
  };
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), "sluice-features-"));
  const spark = Session.builder().appName("feature-table").config("spark.sql.session.timeZone", "UTC").getOrCreate();
  const events = spark.memoryStream("user_id STRING, amount DOUBLE, ts TIMESTAMP");
  const table = join(dir, "features");
  const query = await events
    .toDF()
    .writeStream.foreachBatch(upsertFeatures(spark, table, "feature-table-example"))
    .option("checkpointLocation", join(dir, "checkpoint"))
    .start();
  const t0 = Date.UTC(2025, 0, 1);
  for (let b = 0; b < 3; b++) {
    events.addData(Array.from({ length: 5 }, (_, i) => ({ user_id: `u${i % 3}`, amount: 10 * b + i, ts: new Date(t0 + (b * 5 + i) * 1000) })));
    await query.processAllAvailable();
  }
  await query.stop();
  console.log(`Features in ${table}:`);
  await spark.read.format("delta").load(table).orderBy("user_id").show();
  await spark.stop();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
