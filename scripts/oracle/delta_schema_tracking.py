"""delta-spark 4.0's Delta streaming source with schemaTrackingLocation across a RENAME COLUMN on a
column-mapped table, for src/connectors/delta/delta-schema-tracking.test.ts (facts it checks).

1. Create TABLE (id INT, name STRING) with column mapping (name mode), append rows (v1); stream it with
   trigger(availableNow) and schemaTrackingLocation CKPT/_schema into a Parquet sink at OUT.
2. Rename name → label (v2), append (v3); run the stream again: it fails with the error printed.
3. Run it again (the schema log holds the new schema): print the error (the non-additive change is blocked).
4. Set spark.databricks.delta.streaming.allowSourceColumnRename=always and run again.
5. Print each run's error (null when it ended normally), the sink's rows, the schema log files
   under CKPT/_schema and the offset log entries.
Run: .oracle/venv/bin/python scripts/oracle/delta_schema_tracking.py WORKDIR
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delta_spark_session import delta_spark  # noqa: E402


def run(spark, table, ckpt, out):
    """One availableNow run; its error text, or None."""
    q = (spark.readStream.format("delta").option("schemaTrackingLocation", os.path.join(ckpt, "_schema")).load(table)
         .writeStream.format("parquet").option("checkpointLocation", ckpt).trigger(availableNow=True).start(out))
    try:
        q.awaitTermination()
        return None
    except Exception as e:  # noqa: BLE001
        return str(e)[:4000]


def main(work):
    spark = delta_spark()
    table, ckpt, out = os.path.join(work, "t"), os.path.join(work, "ckpt"), os.path.join(work, "out")
    spark.sql(f"CREATE TABLE delta.`{table}` (id INT, name STRING) USING delta TBLPROPERTIES ('delta.columnMapping.mode'='name')")
    spark.sql(f"INSERT INTO delta.`{table}` VALUES (1, 'a')")
    res = {"first": run(spark, table, ckpt, out)}
    spark.sql(f"ALTER TABLE delta.`{table}` RENAME COLUMN name TO label")
    spark.sql(f"INSERT INTO delta.`{table}` VALUES (2, 'b')")
    res["afterRename"] = run(spark, table, ckpt, out)
    res["restart"] = run(spark, table, ckpt, out)
    spark.conf.set("spark.databricks.delta.streaming.allowSourceColumnRename", "always")
    res["unblocked"] = run(spark, table, ckpt, out)
    res["rows"] = sorted((json.dumps(r.asDict(), sort_keys=True) for r in spark.read.parquet(out).collect()))
    res["log"] = {p[len(work):]: open(p).read() for p in sorted(glob.glob(os.path.join(ckpt, "_schema", "**"), recursive=True)) if os.path.isfile(p) and not p.endswith(".crc")}
    res["offsets"] = {p[len(work):]: open(p).read() for p in sorted(glob.glob(os.path.join(ckpt, "offsets", "*"))) if not p.endswith(".crc")}
    print(json.dumps(res, indent=1))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
