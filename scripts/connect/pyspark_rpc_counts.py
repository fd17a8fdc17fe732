"""Count the RPCs PySpark's Spark Connect client sends for a few everyday calls, as JSON.

Each scenario runs on a fresh DataFrame; every call on the client's gRPC stub is counted by
method name, and background ReleaseExecute calls are given time to go out before the count is
taken. test/connect/rpc-counts.test.ts holds Sluice's client to the same number of AnalyzePlan
and ExecutePlan calls (and at most as many ReleaseExecute calls) per scenario, so an extra round
trip shows as a test failure.

Run from the repository root against a Spark Connect server (npm run connect:start):
  .oracle/venv/bin/python scripts/connect/pyspark_rpc_counts.py sc://127.0.0.1:PORT > test/connect/pyspark-rpc-counts.json
"""
import json
import sys
import time

from pyspark.sql import SparkSession

spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
stub = spark.client._stub
calls = []
for name in ["ExecutePlan", "AnalyzePlan", "Config", "ReleaseExecute", "ReattachExecute", "Interrupt", "FetchErrorDetails"]:
    def counted(orig=getattr(stub, name), name=name):
        def call(*args, **kwargs):
            calls.append(name)
            return orig(*args, **kwargs)
        return call
    setattr(stub, name, counted())


def count(scenario):
    """The RPCs `scenario` sends, by method, once the client's background releases are out."""
    time.sleep(1)
    calls.clear()
    scenario()
    time.sleep(1)
    out = {}
    for c in calls:
        out[c] = out.get(c, 0) + 1
    return dict(sorted(out.items()))


def schema_read_three_times():
    df = spark.range(10).selectExpr("id + 2 AS y")
    df.columns
    df.schema
    df.columns


def collect_then_schema():
    df = spark.range(10).selectExpr("id + 3 AS y")
    df.collect()
    df.columns


def schema_kept_by_row_operations():
    df = spark.range(10).selectExpr("id + 4 AS y")
    df.columns
    df.filter("y > 5").orderBy("y").limit(3).distinct().unionByName(df).columns


spark.sql("SELECT 0 AS x").collect()  # the session's first calls (conf, version) are not counted
result = {
    "pyspark": spark.version,
    "scenarios": {
        "schema of a new DataFrame": count(lambda: spark.range(10).selectExpr("id + 1 AS y").columns),
        "schema read three times": count(schema_read_three_times),
        "spark.sql(query).collect()": count(lambda: spark.sql("SELECT 1 AS x").collect()),
        "collect then schema": count(collect_then_schema),
        "schema kept by row operations": count(schema_kept_by_row_operations),
    },
}
print(json.dumps(result, indent=2))
spark.stop()
