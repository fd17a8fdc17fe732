"""PySpark side of bench/object-store-bench.ts (local[2]): the JDBC cases on the same PostgreSQL,
and the S3 cases on the same S3 test server (through Hadoop's S3A connector, hadoop-aws at the
version of the Hadoop client pyspark ships, from Maven Central on first use).

Writes the events of EVENTS_JSONL (cached first, outside the timing) to the table bench_pyspark
with df.write.jdbc (mode overwrite), then reads the table back with spark.read.jdbc and an
aggregate that needs every row. As on the Sluice side, each step runs twice and the faster run
counts. The PostgreSQL JDBC driver comes from Maven Central on first use
(spark.jars.packages, the version scripts/oracle/gen_jdbc.py uses). Prints one JSON line per case:
{"engine":"pyspark","case":"jdbc-write"|"jdbc-read"|"parquet-groupby"|"file-sink","store":"s3"?,"rows":N,"seconds":S}.
S3 cases: parquet-groupby reads S3_PARQUET and counts per user_id; file-sink streams the JSON
files of STREAM_IN (availableNow) into Parquet under S3_ROOT, its checkpoint there too.
Usage: python bench/object_store_pyspark.py JDBC_URL USER PASSWORD EVENTS_JSONL [S3_ENDPOINT S3_PARQUET S3_ROOT STREAM_IN]
"""
import json
import sys
import time
import uuid

from pyspark.sql import SparkSession, functions as F

url, user, password, jsonl = sys.argv[1:5]
s3 = sys.argv[5:9]
DRIVER = "org.postgresql:postgresql:42.7.14"
HADOOP_AWS = "org.apache.hadoop:hadoop-aws:3.4.1"  # pyspark 4.0.1's jars are Hadoop 3.4.1
SCHEMA = "event_id STRING, user_id STRING, kind STRING, amount DOUBLE, ts TIMESTAMP"
spark = (
    SparkSession.builder.master("local[2]")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.jars.packages", DRIVER + ("," + HADOOP_AWS if s3 else ""))
)
if s3:
    # the keys bench/object-store-bench.ts gives Sluice, as Hadoop reads them
    for k, v in {
        "endpoint": s3[0],
        "path.style.access": "true",
        "access.key": "bench",
        "secret.key": "bench-secret",
        "endpoint.region": "us-east-1",
        "connection.ssl.enabled": "false",
    }.items():
        spark = spark.config("spark.hadoop.fs.s3a." + k, v)
spark = spark.getOrCreate()
props = {"user": user, "password": password, "driver": "org.postgresql.Driver"}


def report(case, rows, seconds, store=None):
    r = {"engine": "pyspark", "case": case, "rows": rows, "seconds": seconds}
    if store:
        r["store"] = store
    print(json.dumps(r), flush=True)


def best(fn):
    """The faster of two runs of fn, in seconds, and fn's last result."""
    seconds, out = float("inf"), None
    for _ in range(2):
        t = time.time()
        out = fn()
        seconds = min(seconds, time.time() - t)
    return seconds, out


df = spark.read.schema(SCHEMA).json(jsonl).cache()
n = df.count()
seconds, _ = best(lambda: df.write.jdbc(url, "bench_pyspark", mode="overwrite", properties=props))
report("jdbc-write", n, seconds)
seconds, row = best(lambda: spark.read.jdbc(url, "bench_pyspark", properties=props).agg(F.count("event_id").alias("n"), F.sum("amount"), F.max("ts")).collect()[0])
report("jdbc-read", row["n"], seconds)
if s3:
    _, parquet, root, stream_in = s3
    events = spark.read.parquet(parquet)
    n = events.count()
    seconds, _ = best(lambda: events.groupBy("user_id").count().collect())
    report("parquet-groupby", n, seconds, "s3")

    def file_sink():
        out = f"{root}/{uuid.uuid4()}"
        q = (
            spark.readStream.schema(SCHEMA).json(stream_in)
            .writeStream.format("parquet").option("checkpointLocation", out + "/_chk")
            .trigger(availableNow=True).start(out + "/table")
        )
        q.awaitTermination()
        return out

    seconds, out = best(file_sink)
    report("file-sink", spark.read.parquet(out + "/table").count(), seconds, "s3")
spark.stop()
