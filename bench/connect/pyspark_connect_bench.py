"""PySpark's Spark Connect client, the peer of sluice-connect-bench.ts: the same cases and sizes
against the same server. Prints one JSON line per case (bench/compare.ts).
Usage: python bench/connect/pyspark_connect_bench.py sc://host:port COLLECT_ROWS SMALL_QUERIES SCHEMA_CALLS RUNS case...
"""
import json
import sys
import time

from pyspark.sql import SparkSession

remote = sys.argv[1]
collect_rows, small_queries, schema_calls, runs = (int(a) for a in sys.argv[2:6])
spark = SparkSession.builder.remote(remote).getOrCreate()


def timed(fn):
    """The best of `runs` timed runs after one warm-up, as the Sluice side does."""
    fn()
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def report(case, rows, seconds):
    print(json.dumps({"engine": "pyspark", "case": case, "rows": rows, "seconds": seconds}), flush=True)


for case in sys.argv[6:]:
    if case == "connect-collect":
        df = spark.range(collect_rows).selectExpr("id", "id * 0.5 AS x", "concat('k', id % 1000) AS s")
        got = []
        report(case, collect_rows, timed(lambda: got.append(len(df.collect()))))
        assert got[-1] == collect_rows, got
    elif case == "connect-small-queries":
        report(case, small_queries, timed(lambda: [spark.sql(f"SELECT {i} AS x").collect() for i in range(small_queries)]))
    elif case == "connect-schema":
        report(case, schema_calls, timed(lambda: [spark.range(10).selectExpr(f"id + {i} AS y").columns for i in range(schema_calls)]))
    else:
        raise SystemExit(f"unknown case {case}")
spark.stop()
