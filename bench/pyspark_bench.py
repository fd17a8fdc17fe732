"""PySpark side of the benchmarks (local[2], the machine's two cores). Prints one JSON line per case:
{"engine":"pyspark","case":...,"rows":N,"seconds":S}.
Usage: python bench/pyspark_bench.py DATA_DIR [case ...]
"""
import json
import os
import shutil
import sys
import tempfile
import time

START = time.time()
from pyspark.sql import SparkSession, Window, functions as F  # noqa: E402

data = sys.argv[1]
cases = sys.argv[2:] or ["groupby-count-parquet", "groupby-bigint-parquet", "groupby-decimal-parquet", "window-rank-parquet", "json-filter-groupby", "stream-json-to-parquet", "stream-startup", "stream-window-count", "stream-dedup", "delta-sink"]
builder = (
    SparkSession.builder.master("local[2]")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.driver.memory", "6g")
)
if "delta-sink" in cases:
    # delta-spark: its jars come from Maven Central on first use (ivy cache in ~/.ivy2)
    from delta import configure_spark_with_delta_pip

    builder = configure_spark_with_delta_pip(
        builder.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension").config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog"
        )
    )
spark = builder.getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
SCHEMA = "event_id STRING, user_id STRING, kind STRING, amount DOUBLE, ts TIMESTAMP"


def report(case, rows, seconds, **extra):
    print(json.dumps({"engine": "pyspark", "case": case, "rows": rows, "seconds": seconds, **extra}), flush=True)


def timed(fn):
    t = time.time()
    r = fn()
    return r, time.time() - t


for case in cases:
    if case == "groupby-count-parquet":
        df = spark.read.parquet(os.path.join(data, "events.parquet"))
        n = df.count()
        _, s = timed(lambda: df.groupBy("user_id").count().collect())
        report(case, n, s)
    elif case == "groupby-bigint-parquet":
        # BIGINT keys past 2^53 (xxhash64 of the 10k user ids), written once as Parquet INT64 outside the timing
        keys = os.path.join(data, "bigint-keys.parquet")
        if not os.path.exists(keys):
            spark.read.parquet(os.path.join(data, "events.parquet")).select(F.xxhash64("user_id").alias("k"), "amount").write.parquet(keys)
        df = spark.read.parquet(keys)
        n = df.count()
        _, s = timed(lambda: df.groupBy("k").agg(F.count("amount"), F.sum("amount")).collect())
        report(case, n, s)
    elif case == "groupby-decimal-parquet":
        # DECIMAL(12,2) keys and amounts (money), written once as Parquet INT64 decimals outside the timing
        decimals = os.path.join(data, "decimal-keys.parquet")
        if not os.path.exists(decimals):
            spark.read.parquet(os.path.join(data, "events.parquet")).selectExpr("CAST(abs(hash(user_id)) AS DECIMAL(12,2)) / 100 AS k", "CAST(amount AS DECIMAL(12,2)) AS amt").write.parquet(decimals)
        df = spark.read.parquet(decimals)
        n = df.count()
        _, s = timed(lambda: df.groupBy("k").agg(F.count("amt"), F.sum("amt")).collect())
        report(case, n, s)
    elif case == "window-rank-parquet":
        df = spark.read.parquet(os.path.join(data, "events.parquet"))
        n = df.count()
        w = Window.partitionBy("user_id").orderBy(F.col("amount").desc())
        _, s = timed(lambda: df.withColumn("r", F.row_number().over(w)).filter("r <= 3").count())
        report(case, n, s)
    elif case == "json-filter-groupby":
        path = os.path.join(data, "events.jsonl")
        n = sum(1 for _ in open(path))
        _, s = timed(lambda: spark.read.schema(SCHEMA).json(path).filter("kind = 'buy'").groupBy("user_id").agg(F.sum("amount")).collect())
        report(case, n, s)
    elif case in ("stream-json-to-parquet", "stream-startup"):
        tmp = tempfile.mkdtemp(prefix="bench-pyspark-")
        src = os.path.join(data, "stream-in" if case == "stream-json-to-parquet" else "stream-small")
        n = sum(sum(1 for _ in open(os.path.join(src, f))) for f in os.listdir(src))
        first = {}

        class L(__import__("pyspark.sql.streaming", fromlist=["StreamingQueryListener"]).StreamingQueryListener):
            def onQueryStarted(self, e): pass
            def onQueryProgress(self, e):
                first.setdefault("t", time.time())
            def onQueryIdle(self, e): pass
            def onQueryTerminated(self, e): pass

        spark.streams.addListener(L())
        t = time.time()
        q = (
            spark.readStream.schema(SCHEMA).json(src)
            .filter("amount > 1").withColumn("day", F.to_date("ts"))
            .writeStream.format("parquet").option("checkpointLocation", os.path.join(tmp, "chk"))
            .trigger(availableNow=True).start(os.path.join(tmp, "out"))
        )
        q.awaitTermination()
        s = time.time() - t
        report(case, n, s, firstBatchSecondsFromProcessStart=first.get("t", time.time()) - START)
        shutil.rmtree(tmp, ignore_errors=True)
    elif case in ("stream-window-count", "stream-dedup"):
        tmp = tempfile.mkdtemp(prefix="bench-pyspark-")
        src = os.path.join(data, "stream-in")
        n = sum(sum(1 for _ in open(os.path.join(src, f))) for f in os.listdir(src))
        df = spark.readStream.schema(SCHEMA).json(src).withWatermark("ts", "1 minute")
        if case == "stream-window-count":
            out = df.groupBy(F.window("ts", "1 minute"), "kind").count()
        else:
            out = df.dropDuplicatesWithinWatermark(["event_id"])
        t = time.time()
        q = (out.writeStream.format("noop").outputMode("append")
             .option("checkpointLocation", os.path.join(tmp, "chk")).trigger(availableNow=True).start())
        q.awaitTermination()
        report(case, n, time.time() - t)
        shutil.rmtree(tmp, ignore_errors=True)
    elif case == "delta-sink":
        tmp = tempfile.mkdtemp(prefix="bench-pyspark-")
        src = os.path.join(data, "stream-in")
        n = sum(sum(1 for _ in open(os.path.join(src, f))) for f in os.listdir(src))
        t = time.time()
        q = (spark.readStream.schema(SCHEMA).json(src).writeStream.format("delta")
             .option("checkpointLocation", os.path.join(tmp, "chk")).trigger(availableNow=True).start(os.path.join(tmp, "table")))
        q.awaitTermination()
        report(case, n, time.time() - t)
        shutil.rmtree(tmp, ignore_errors=True)
spark.stop()
