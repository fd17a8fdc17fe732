/**
 * The Kafka → Delta reference pipeline (docs/kafka.md, "Reference pipeline"):
 *   1. read the topic (kafka source, at most 50 offsets per micro-batch);
 *   2. from_json with a schema in PERMISSIVE mode: a record that does not fit keeps its text in
 *      `_corrupt_record`;
 *   3. malformed records → the dead-letter Delta table (a second query on the same topic);
 *   4. good records → watermark 10 minutes → dropDuplicatesWithinWatermark("event_id") →
 *      5-minute windows (count, sum of amount) → the aggregate Delta table, append mode;
 *   5. each query checkpoints under `checkpoint/`, so a restart (or a crash) resumes exactly.
 * Run it: `npm run kafka:start`, then
 *   KAFKA_BOOTSTRAP=127.0.0.1:PORT npx tsx examples/reference-pipeline/producer.ts
 *   KAFKA_BOOTSTRAP=127.0.0.1:PORT npx tsx examples/reference-pipeline/pipeline.ts
 * or `sluice run examples/reference-pipeline/pipeline.ts` (the default export).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DataFrame, Session, type StreamingQuery, type Trigger, col, functions as F } from "../../src/index.js";

export const EVENT_SCHEMA = "event_id STRING, user STRING, amount BIGINT, ts TIMESTAMP, _corrupt_record STRING";

export interface ReferencePipelineOptions {
  readonly bootstrap: string;
  readonly topic: string;
  /** Folder holding `aggregates/`, `dead_letter/` and `checkpoint/`. */
  readonly root: string;
  readonly trigger?: Trigger;
}

/** The topic's records parsed with from_json (PERMISSIVE); `raw` keeps the value text. */
export function parsedEvents(spark: Session, o: ReferencePipelineOptions): DataFrame {
  return spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", o.bootstrap)
    .option("subscribe", o.topic)
    .option("startingOffsets", "earliest")
    .option("maxOffsetsPerTrigger", 50)
    .load()
    .select(col("value").cast("string").alias("raw"))
    .select(col("raw"), F.from_json(col("raw"), EVENT_SCHEMA, { mode: "PERMISSIVE" }).alias("e"))
    .select("raw", "e.*");
}

/** Start both queries; resolves to [aggregates, deadLetter]. */
export async function startReferencePipeline(spark: Session, o: ReferencePipelineOptions): Promise<StreamingQuery[]> {
  const events = parsedEvents(spark, o);
  const trigger = o.trigger ?? { processingTime: "1 second" };
  const aggregates = await events
    .filter(col("_corrupt_record").isNull())
    .withWatermark("ts", "10 minutes")
    .dropDuplicatesWithinWatermark(["event_id"])
    .groupBy(F.window(col("ts"), "5 minutes"))
    .agg(F.count("*").alias("events"), F.sum("amount").alias("amount"))
    .select(col("window.start").alias("window_start"), col("window.end").alias("window_end"), "events", "amount")
    .writeStream.format("delta")
    .outputMode("append")
    .queryName("reference_aggregates")
    .option("checkpointLocation", join(o.root, "checkpoint", "aggregates"))
    .trigger(trigger)
    .start(join(o.root, "aggregates"));
  const deadLetter = await events
    .filter(col("_corrupt_record").isNotNull())
    .select(col("raw").alias("value"), F.current_timestamp().alias("seen_at"))
    .writeStream.format("delta")
    .queryName("reference_dead_letter")
    .option("checkpointLocation", join(o.root, "checkpoint", "dead_letter"))
    .trigger(trigger)
    .start(join(o.root, "dead_letter"));
  return [aggregates, deadLetter];
}

/** One line per batch: rows, watermark and the Kafka lag figures of the source's metrics. */
export function progressLine(q: StreamingQuery): string | undefined {
  const p = q.lastProgress;
  if (!p) return undefined;
  const m = p.sources[0]?.metrics ?? {};
  return `${q.name} batch ${p.batchId}: ${p.numInputRows} rows, watermark ${p.eventTime.watermark ?? "-"}, offsets behind latest min/avg/max ${m.minOffsetsBehindLatest ?? "-"}/${m.avgOffsetsBehindLatest ?? "-"}/${m.maxOffsetsBehindLatest ?? "-"}`;
}

const fromEnv = (): ReferencePipelineOptions => ({
  bootstrap: process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092",
  topic: process.env.TOPIC ?? "events",
  root: process.env.OUT ?? "./reference-pipeline-out",
});

/** `sluice run examples/reference-pipeline/pipeline.ts` */
export default (spark: Session): Promise<StreamingQuery[]> => startReferencePipeline(spark, fromEnv());

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const spark = Session.builder().appName("kafka-reference-pipeline").config("spark.sql.session.timeZone", "UTC").getOrCreate();
  const queries = await startReferencePipeline(spark, fromEnv());
  const seen = new Map<string, number>();
  const timer = setInterval(() => {
    for (const q of queries) {
      const id = q.lastProgress?.batchId ?? -1;
      if (id !== (seen.get(q.name ?? "") ?? -1)) {
        seen.set(q.name ?? "", id);
        console.log(progressLine(q));
      }
    }
  }, 1000);
  process.on("SIGINT", () => {
    clearInterval(timer);
    void Promise.all(queries.map((q) => q.stop())).then(() => process.exit(0));
  });
  console.log(`Reading ${fromEnv().topic}; writing Delta tables under ${fromEnv().root}. Ctrl-C stops.`);
}
