/**
 * The example batch job (the README's first command runs it): bundled orders and customers →
 * clean → join → aggregate → rank → Parquet, printed along the way. It reads malformed JSON lines
 * in PERMISSIVE mode and counts them instead of failing or losing them silently.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Session, Window, col, functions as F } from "../src/index.js";

const data = join(dirname(fileURLToPath(import.meta.url)), "data");
const spark = Session.builder().appName("orders-example").config("spark.sql.session.timeZone", "UTC").getOrCreate();

const orders = spark.read
  .schema("order_id STRING, customer_id STRING, product STRING, quantity INT, unit_price DOUBLE, ts TIMESTAMP, _corrupt_record STRING")
  .option("mode", "PERMISSIVE")
  .json(join(data, "orders.jsonl"));
const customers = spark.read.option("header", true).option("inferSchema", true).csv(join(data, "customers.csv"));

const malformed = await orders.filter(col("_corrupt_record").isNotNull()).count();
console.log(`orders: ${await orders.count()} lines, ${malformed} malformed (kept aside, not dropped silently)\n`);

const clean = orders
  .filter(col("_corrupt_record").isNull())
  .drop("_corrupt_record")
  .withColumn("revenue", col("quantity").multiply(col("unit_price")))
  .withColumn("day", F.to_date(col("ts")));

const byCity = clean
  .join(customers, "customer_id")
  .groupBy("city", "tier")
  .agg(F.count("*").alias("orders"), F.round(F.sum("revenue"), 2).alias("revenue"), F.countDistinct("customer_id").alias("customers"))
  .orderBy(col("revenue").desc());
console.log("Revenue by city and tier:");
await byCity.show();

const ranked = clean
  .groupBy("day", "product")
  .agg(F.sum("quantity").alias("units"))
  .withColumn("rank", F.rank().over(Window.partitionBy("day").orderBy(col("units").desc())))
  .filter(col("rank").leq(2))
  .orderBy("day", "rank");
console.log("Top two products per day:");
await ranked.show(14);

const out = join(mkdtempSync(join(tmpdir(), "sluice-example-")), "revenue_by_city");
await byCity.write.mode("overwrite").parquet(out);
console.log(`Wrote ${await spark.read.parquet(out).count()} rows of Parquet to ${out}`);
// The same data as a stream: daily revenue with a watermark, deduplicated, checkpointed.
const checkpoint = join(dirname(out), "checkpoint");
const daily = await spark.readStream
  .schema("order_id STRING, customer_id STRING, product STRING, quantity INT, unit_price DOUBLE, ts TIMESTAMP")
  .json(join(data, "orders.jsonl"))
  .filter(col("order_id").isNotNull())
  .withWatermark("ts", "1 hour")
  .dropDuplicatesWithinWatermark(["order_id"])
  .groupBy(F.window(col("ts"), "1 day"))
  .agg(F.count("*").alias("orders"), F.round(F.sum(col("quantity").multiply(col("unit_price"))), 2).alias("revenue"))
  .writeStream.format("memory")
  .queryName("daily_revenue")
  .outputMode("update")
  .option("checkpointLocation", checkpoint)
  .trigger({ availableNow: true })
  .start();
await daily.awaitTermination();
const p = daily.lastProgress as { batchId: number; numInputRows: number; eventTime: { watermark: string } };
console.log(`\nStreaming: batch ${p.batchId} read ${p.numInputRows} rows, watermark ${p.eventTime.watermark}; checkpoint in ${checkpoint}`);
await spark.table("daily_revenue").orderBy("window").show(10, false);
await spark.stop();
