"""Read the change data feed of Delta tables Sluice wrote, with real PySpark + delta-spark; print JSON.

Used by test/delta-e2e/delta-cdf.test.ts: one Spark session reads every table given. Each argument
is a table path; prints {"PATH": [row, ...]} with the rows of
spark.read.format("delta").option("readChangeFeed", "true").option("startingVersion", 0), sorted by
their JSON text, without _commit_timestamp (the test compares it to the log separately); a table
it cannot read fails the script.
Run: .oracle/venv/bin/python scripts/oracle/delta_cdf_read.py /tmp/table
Needs: pyspark 4.0.1 and delta-spark 4.0.0 (scripts/oracle/setup.sh).
"""
import json
import sys

from delta_spark_session import delta_spark


def changes(spark, path):
    df = spark.read.format("delta").option("readChangeFeed", "true").option("startingVersion", 0).load(path)
    rows = [{k: v for k, v in r.asDict().items() if k != "_commit_timestamp"} for r in df.collect()]
    return sorted(rows, key=lambda x: json.dumps(x, sort_keys=True))


if __name__ == "__main__":
    session = delta_spark()
    print(json.dumps({path: changes(session, path) for path in sys.argv[1:]}))
    session.stop()
