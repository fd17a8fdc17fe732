/**
 * The feature-table pattern: a stream of purchase events keeps per-user features up to date in
 * two places, an offline Delta table (for training) and an online PostgreSQL table (for serving).
 *
 *   events (JSON files arriving in <folder>/events/, or JSON records on a Kafka topic)
 *     → stateless features: is_large = amount >= 100
 *     → stream–static join with the users table (<folder>/users.json: user_id, segment)
 *     → foreachBatch:
 *         1. aggregate the batch per user and MERGE it into the Delta table <folder>/features,
 *            adding to the stored counts;
 *         2. upsert the merged rows of the batch's users into PostgreSQL (`online_features`).
 *
 * Both steps add to or overwrite state, so a batch applied twice would double count. Each is made
 * exactly-once with the batch id as the idempotence key: the Delta merge carries the txn
 * (appId, batchId) and the PostgreSQL write `txnAppId`/`txnVersion`, recorded in the same
 * transaction as the rows. A batch that re-runs after a crash (its work committed, the checkpoint
 * not yet) is skipped by whichever side already holds it. The upsert writes the rows as the Delta
 * table holds them after this batch, so the online table equals the offline one.
 *
 *   npx tsx examples/feature-table.ts <folder> <jdbc-url> [--kafka <bootstrap> <topic>]
 *       (PGUSER, PGPASSWORD from the environment)
 *
 * Without `<folder>/events/`, a small sample (events and users) is written there first. The query
 * runs with trigger availableNow, one file per batch, and stops when every file is in. With
 * `--kafka`, the events are the topic's records instead, from the earliest offset, 5 records per
 * batch: each record's value is one event as JSON, as a line of the sample's files (the example
 * reads the topic; produce the events to it first, e.g. the sample's lines).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type DataFrame, DeltaTable, Session, col, functions as F } from "../src/index.js";

export const EVENT_SCHEMA = "user_id STRING, amount DOUBLE, ts TIMESTAMP";
export const USER_SCHEMA = "user_id STRING, segment STRING";
export const FEATURE_SCHEMA = "user_id STRING, segment STRING, events BIGINT, large_events BIGINT, total_amount DOUBLE, last_seen TIMESTAMP";
/** The online table and the app id both sides record their batch ids under. */
export const ONLINE_TABLE = "online_features";
export const APP_ID = "feature-table-example";

export interface OnlineStore {
  readonly url: string;
  readonly user: string;
  readonly password: string;
}

/** Create the (empty) Delta feature table when it does not exist yet. */
export async function ensureFeatureTable(spark: Session, tablePath: string): Promise<DeltaTable> {
  if (!DeltaTable.isDeltaTable(spark, tablePath)) {
    await spark.createDataFrame([], FEATURE_SCHEMA).write.format("delta").mode("ignore").save(tablePath);
  }
  return DeltaTable.forPath(spark, tablePath);
}

/** Where the events come from: JSON files in a folder, or JSON record values on a Kafka topic. */
export type EventInput = { readonly kind: "files"; readonly dir: string } | { readonly kind: "kafka"; readonly bootstrap: string; readonly topic: string };

/** The events as a stream of EVENT_SCHEMA rows: one file, or 5 Kafka records, per batch. */
export function events(spark: Session, input: EventInput): DataFrame {
  if (input.kind === "files") return spark.readStream.schema(EVENT_SCHEMA).option("maxFilesPerTrigger", 1).json(input.dir);
  return spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", input.bootstrap)
    .option("subscribe", input.topic)
    .option("startingOffsets", "earliest")
    .option("maxOffsetsPerTrigger", 5)
    .load()
    .select(F.from_json(col("value").cast("string"), EVENT_SCHEMA).alias("e"))
    .select("e.*");
}

/** The stream's rows with their stateless features and the user's segment (stream–static join). */
export function enrichedEvents(spark: Session, input: EventInput, usersFile: string): DataFrame {
  const users = spark.read.schema(USER_SCHEMA).json(usersFile);
  return events(spark, input)
    .withColumn("is_large", col("amount").geq(100))
    .join(users, ["user_id"], "left");
}

/**
 * The foreachBatch function: merge the batch's per-user aggregates into the Delta table (txn
 * appId/batchId), then upsert those users' merged rows into PostgreSQL (txnAppId/txnVersion).
 */
export function upsertFeatures(spark: Session, tablePath: string, online: OnlineStore): (batch: DataFrame, batchId: number) => Promise<void> {
  return async (batch, batchId) => {
    const table = await ensureFeatureTable(spark, tablePath);
    const updates = batch
      .groupBy("user_id")
      .agg(
        F.max("segment").alias("segment"),
        F.count("*").alias("events"),
        F.sum(F.when(col("is_large"), 1).otherwise(0)).cast("bigint").alias("large_events"),
        F.sum("amount").alias("total_amount"),
        F.max("ts").alias("last_seen"),
      );
    await table
      .alias("t")
      .merge(updates.alias("s"), "t.user_id = s.user_id")
      .whenMatchedUpdate({
        segment: "coalesce(s.segment, t.segment)",
        events: "t.events + s.events",
        large_events: "t.large_events + s.large_events",
        total_amount: "t.total_amount + s.total_amount",
        last_seen: "greatest(t.last_seen, s.last_seen)",
      })
      .whenNotMatchedInsertAll()
      .execute({ txnAppId: APP_ID, txnVersion: batchId });
    const merged = spark.read.format("delta").load(tablePath).join(updates.select("user_id"), ["user_id"], "leftsemi");
    await merged.write
      .format("jdbc")
      .mode("append")
      .options({ ...online, dbtable: ONLINE_TABLE, upsertKey: "user_id", txnAppId: APP_ID, txnVersion: batchId })
      .save();
  };
}

/** A small sample: 6 files of events for 4 users (one not in users.json), and the users table. */
export function writeSample(folder: string): void {
  mkdirSync(join(folder, "events"), { recursive: true });
  writeFileSync(join(folder, "users.json"), ["u0:gold", "u1:silver", "u2:gold"].map((s) => JSON.stringify({ user_id: s.split(":")[0], segment: s.split(":")[1] })).join("\n") + "\n");
  const t0 = Date.UTC(2025, 0, 1);
  for (let f = 0; f < 6; f++) {
    const rows = Array.from({ length: 5 }, (_, i) => ({ user_id: `u${(f + i) % 4}`, amount: 40 * i + f, ts: new Date(t0 + (f * 5 + i) * 1000).toISOString() }));
    writeFileSync(join(folder, "events", `e${f}.json`), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  }
}

async function main(): Promise<void> {
  const [folder, url, flag, bootstrap, topic] = process.argv.slice(2);
  if (!folder || !url || (flag !== undefined && (flag !== "--kafka" || !bootstrap || !topic))) {
    throw new Error("usage: npx tsx examples/feature-table.ts <folder> <jdbc-url> [--kafka <bootstrap> <topic>]   (PGUSER, PGPASSWORD from the environment)");
  }
  if (!existsSync(join(folder, "events"))) writeSample(folder);
  const input: EventInput = flag ? { kind: "kafka", bootstrap: bootstrap!, topic: topic! } : { kind: "files", dir: join(folder, "events") };
  const online = { url, user: process.env.PGUSER ?? "", password: process.env.PGPASSWORD ?? "" };
  const spark = Session.builder().appName("feature-table").config("spark.sql.session.timeZone", "UTC").config("spark.sql.shuffle.partitions", 2).getOrCreate();
  spark.streams.addListener({ onQueryProgress: (e) => void process.stdout.write(`PROGRESS batch ${e.progress.batchId}\n`) });
  const table = join(folder, "features");
  const query = await enrichedEvents(spark, input, join(folder, "users.json"))
    .writeStream.foreachBatch(upsertFeatures(spark, table, online))
    .option("checkpointLocation", join(folder, "checkpoint"))
    .trigger({ availableNow: true })
    .start();
  await query.awaitTermination();
  await spark.read.format("delta").load(table).orderBy("user_id").show();
  await spark.stop();
  process.stdout.write("DONE\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
