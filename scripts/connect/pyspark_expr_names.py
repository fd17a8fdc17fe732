"""Column names and types PySpark's Spark Connect client gets for SQL expression text and casts, as JSON.

PySpark sends `expr()`/`selectExpr()`/`filter(str)` text as Expression.ExpressionString and a
cast to a type name as Cast.type_str (a DataType as Cast.type), so the server's parser and session
conf decide names and types. test/connect/expression-text.test.ts runs the same calls through
Sluice's client and expects these names and dtypes.

Run from the repository root against a Spark Connect server (npm run connect:start):
  .oracle/venv/bin/python scripts/connect/pyspark_expr_names.py sc://127.0.0.1:PORT > test/connect/pyspark-expr-names.json
"""
import json
import sys

from pyspark.sql import SparkSession, functions as F
from pyspark.sql.types import TimestampType

spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
spark.conf.set("spark.sql.session.timeZone", "UTC")
r = spark.range(4)

cases = {
    # text Sluice's own parser also reads: the names are the server's
    "selectExpr": r.selectExpr("id + 1", "id::string", "CAST(id AS DOUBLE) / 2 AS half", "'a' || id", "id IS DISTINCT FROM 1", "count(*) OVER ()"),
    "expr": r.select(F.expr("id * 2"), F.expr("upper('x') AS u"), F.expr("id % 3").alias("m")),
    # Spark-only syntax (an ordered-set aggregate, a scalar subquery)
    "withinGroup": r.selectExpr("percentile_cont(0.5) WITHIN GROUP (ORDER BY id)"),
    "subqueryFilter": r.filter("id < (SELECT max(id) FROM range(3))"),
}
spark.conf.set("spark.sql.timestampType", "TIMESTAMP_NTZ")
s = spark.sql("SELECT '2024-01-02 03:04:05' AS s")
cases["castUnderNtz"] = s.select(F.col("s").cast("timestamp").alias("by_name"), F.col("s").cast(TimestampType()).alias("by_type"), F.expr("CAST(s AS TIMESTAMP)"))
out = {name: {"columns": df.columns, "dtypes": [t for _, t in df.dtypes], "count": df.count()} for name, df in cases.items()}
spark.conf.unset("spark.sql.timestampType")
print(json.dumps(out, indent=1))
