"""Write a Delta table with the change data feed on, using real PySpark + delta-spark, and record
what delta-spark's readChangeFeed returns from it, for test/delta-e2e/delta-cdf.test.ts.

The table (test/delta-e2e/cdf-table/, committed) is partitioned by p, with
delta.enableChangeDataFeed=true, and gets: v0 create + 4 rows, v1 append, v2 UPDATE, v3 DELETE,
v4 MERGE (update, insert, delete). Recorded in test/delta-e2e/cdf-table.golden.json: the rows of
readChangeFeed for several startingVersion/endingVersion ranges, sorted, without
_commit_timestamp (a commit's timestamp is its log file's modification time, which a git
checkout does not keep; the test checks it against the log instead).
Run: .oracle/venv/bin/python scripts/oracle/delta_cdf.py
Needs: pyspark 4.0.1 and delta-spark 4.0.0 (scripts/oracle/setup.sh).
"""
import importlib.metadata
import json
import os
import shutil
import tempfile

from delta.tables import DeltaTable
from delta_spark_session import delta_spark

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLE = os.path.join(ROOT, "test", "delta-e2e", "cdf-table")
OUT = os.path.join(ROOT, "test", "delta-e2e", "cdf-table.golden.json")

spark = delta_spark()
path = os.path.join(tempfile.mkdtemp(), "t")
SCHEMA = "id BIGINT, v STRING, p STRING"


def df(rows):
    return spark.createDataFrame(rows, SCHEMA).coalesce(1)


df([(1, "a", "x"), (2, "b", "x"), (3, "c", "y"), (4, "d", "y")]).write.format("delta").partitionBy("p") \
    .option("delta.enableChangeDataFeed", "true").save(path)
df([(5, "e", "x")]).write.format("delta").mode("append").save(path)
t = DeltaTable.forPath(spark, path)
t.update("id = 2", {"v": "'B'"})
t.delete("id = 3")
t.alias("t").merge(df([(1, "A", "x"), (6, "f", "y"), (4, "gone", "y")]).alias("s"), "t.id = s.id") \
    .whenMatchedDelete("s.v = 'gone'").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute()


def changes(**opts):
    r = spark.read.format("delta").option("readChangeFeed", "true")
    for k, x in opts.items():
        r = r.option(k, str(x))
    rows = [{k: x for k, x in row.asDict().items() if k != "_commit_timestamp"} for row in r.load(path).collect()]
    return sorted(rows, key=lambda x: json.dumps(x, sort_keys=True))


reads = {
    "startingVersion=0": changes(startingVersion=0),
    "startingVersion=2": changes(startingVersion=2),
    "startingVersion=1,endingVersion=3": changes(startingVersion=1, endingVersion=3),
    "startingVersion=4,endingVersion=4": changes(startingVersion=4, endingVersion=4),
}
schema = spark.read.format("delta").option("readChangeFeed", "true").option("startingVersion", 0).load(path).schema.simpleString()
errors = {}
for name, opts in {"startingVersion past the latest": {"startingVersion": 9}, "no starting point": {}}.items():
    try:
        changes(**opts)
        errors[name] = None
    except Exception as e:
        errors[name] = {"class": type(e).__name__, "message": str(e).splitlines()[0][:300]}

shutil.rmtree(TABLE, ignore_errors=True)
shutil.copytree(path, TABLE, ignore=shutil.ignore_patterns("*.crc", ".*.crc"))
with open(OUT, "w") as f:
    json.dump({"pyspark": importlib.metadata.version("pyspark"), "delta-spark": importlib.metadata.version("delta-spark"),
               "schema": schema, "reads": reads, "errors": errors}, f, indent=1, sort_keys=True)
    f.write("\n")
print("wrote", OUT)
