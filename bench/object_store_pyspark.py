"""PySpark side of the JDBC cases of bench/object-store-bench.ts (local[2]), on the same PostgreSQL.

Writes the events of EVENTS_JSONL (cached first, outside the timing) to the table bench_pyspark
with df.write.jdbc (mode overwrite), then reads the table back with spark.read.jdbc and an
aggregate that needs every row. As on the Sluice side, each step runs twice and the faster run
counts. The PostgreSQL JDBC driver comes from Maven Central on first use
(spark.jars.packages, the version scripts/oracle/gen_jdbc.py uses). Prints one JSON line per case:
{"engine":"pyspark","case":"jdbc-write"|"jdbc-read","rows":N,"seconds":S}.
Usage: python bench/object_store_pyspark.py JDBC_URL USER PASSWORD EVENTS_JSONL
"""
import json
import sys
import time

from pyspark.sql import SparkSession, functions as F

url, user, password, jsonl = sys.argv[1:5]
DRIVER = "org.postgresql:postgresql:42.7.14"
SCHEMA = "event_id STRING, user_id STRING, kind STRING, amount DOUBLE, ts TIMESTAMP"
spark = (
    SparkSession.builder.master("local[2]")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.jars.packages", DRIVER)
    .getOrCreate()
)
props = {"user": user, "password": password, "driver": "org.postgresql.Driver"}


def report(case, rows, seconds):
    print(json.dumps({"engine": "pyspark", "case": case, "rows": rows, "seconds": seconds}), flush=True)


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
spark.stop()
