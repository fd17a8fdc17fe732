"""PySpark's Spark Connect client, the peer of sluice-connect-bench.ts, which starts this script and
drives it over stdin so that both clients take turns on the same server under the same machine load.
Each line on stdin names a case; the script runs that case once and prints its seconds as one JSON
line on stdout. The cases are the same as the Sluice side's (bench/connect/cases.ts).
Usage: python bench/connect/pyspark_connect_bench.py sc://host:port COLLECT_ROWS SMALL_QUERIES SCHEMA_CALLS
"""
import json
import sys
import time

from pyspark.sql import SparkSession

remote = sys.argv[1]
collect_rows, small_queries, schema_calls = (int(a) for a in sys.argv[2:5])
spark = SparkSession.builder.remote(remote).getOrCreate()
collect_df = spark.range(collect_rows).selectExpr("id", "id * 0.5 AS x", "concat('k', id % 1000) AS s")


def run(case):
    if case == "connect-collect":
        n = len(collect_df.collect())
        assert n == collect_rows, n
    elif case == "connect-small-queries":
        for i in range(small_queries):
            spark.sql(f"SELECT {i} AS x").collect()
    elif case == "connect-schema":
        for i in range(schema_calls):
            spark.range(10).selectExpr(f"id + {i} AS y").columns
    else:
        raise SystemExit(f"unknown case {case}")


print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    case = line.strip()
    t = time.perf_counter()
    run(case)
    print(json.dumps({"case": case, "seconds": time.perf_counter() - t}), flush=True)
spark.stop()
