"""PySpark's side of bench/kafka.sh: the same queries as bench/kafka-bench.ts, on the same broker.

  throughput <bootstrap> <topic> <n>              Kafka -> Delta, availableNow, maxOffsetsPerTrigger 50000
  stream <bootstrap> <in> <out> <trigger> <stop>  Kafka -> Kafka map query until file <stop> exists
                                                  (micro-batch with asyncProgressTrackingEnabled | continuous)

PySpark 4.0.1 local[2], spark-sql-kafka-0-10 from .oracle/kafka-jars (fetched from Maven Central
by scripts/oracle/kafka/pom.xml, as scripts/oracle/kafka_batch_read.py does) and delta-spark.
Prints one JSON line per result.
"""
import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "oracle"))
from kafka_batch_read import fetch_jars  # noqa: E402  (the oracle's Maven fetch of the connector jars)


def session():
    from delta import configure_spark_with_delta_pip
    from pyspark.sql import SparkSession
    b = (SparkSession.builder.master("local[2]").config("spark.jars", ",".join(fetch_jars()))
         .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "2")
         .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
         .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog"))
    spark = configure_spark_with_delta_pip(b).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def out(o):
    print(json.dumps(o), flush=True)


def throughput(spark, bootstrap, topic, n):
    tmp = tempfile.mkdtemp(prefix="bench-kafka-pyspark-")
    t = time.perf_counter()
    q = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("subscribe", topic)
         .option("startingOffsets", "earliest").option("maxOffsetsPerTrigger", 50000).load()
         .selectExpr("CAST(value AS STRING) AS json", "timestamp")
         .selectExpr("from_json(json, 'id BIGINT, user STRING, amount BIGINT, kind STRING') AS e", "timestamp")
         .selectExpr("e.*", "timestamp")
         .writeStream.format("delta").option("checkpointLocation", os.path.join(tmp, "chk"))
         .trigger(availableNow=True).start(os.path.join(tmp, "table")))
    q.awaitTermination()
    seconds = time.perf_counter() - t
    rows = sum(p["numInputRows"] for p in q.recentProgress)
    if rows != n:
        sys.exit(f"read {rows} rows, expected {n}")
    out({"engine": "pyspark", "case": "kafka-to-delta", "rows": rows, "seconds": seconds,
         "batches": len([p for p in q.recentProgress if p["numInputRows"] > 0])})


def stream(spark, bootstrap, in_topic, out_topic, trigger, stop_file):
    tmp = tempfile.mkdtemp(prefix="bench-kafka-pyspark-")
    w = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("subscribe", in_topic)
         .option("startingOffsets", "earliest").load().selectExpr("value")
         .writeStream.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("topic", out_topic)
         .option("checkpointLocation", os.path.join(tmp, "chk")))
    # micro-batch: offsets and commits written at an interval, off each batch's path (as Sluice's side)
    w = w.trigger(continuous="1 second") if trigger == "continuous" else w.option("asyncProgressTrackingEnabled", "true")
    q = w.start()
    if trigger != "continuous":
        q.processAllAvailable()  # the first (empty) batch ran before the feed starts
    else:
        time.sleep(5)
    print("READY", file=sys.stderr, flush=True)
    while not os.path.exists(stop_file):  # the feed has ended (kafka.sh creates it)
        time.sleep(0.2)
    time.sleep(5)
    q.stop()
    batches = [p for p in q.recentProgress if p["numInputRows"] > 0]
    if batches:
        med = lambda xs: sorted(xs)[len(xs) // 2]
        out({"engine": "pyspark", "case": "batch-duration", "batches": len(batches), "medianRows": med([b["numInputRows"] for b in batches]),
             "medianMs": med([b["durationMs"]["triggerExecution"] for b in batches]),
             "parts": {k: med([b["durationMs"].get(k, 0) for b in batches]) for k in batches[0]["durationMs"]}})


def main():
    mode, bootstrap, *args = sys.argv[1:]
    spark = session()
    if mode == "throughput":
        throughput(spark, bootstrap, args[0], int(args[1]))
    elif mode == "stream":
        stream(spark, bootstrap, args[0], args[1], args[2], args[3])
    else:
        sys.exit(f"unknown mode {mode}")
    spark.stop()


if __name__ == "__main__":
    main()
