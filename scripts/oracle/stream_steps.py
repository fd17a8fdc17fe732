"""What gen_stream_joins.py and gen_groups_with_state.py share: a local PySpark session, and one
oracle step — run a streaming DataFrame with trigger(availableNow) on a checkpoint and record per
micro-batch its output rows (sorted JSON, timestamps as ISO-8601 UTC with ms), the watermark and
the state operators' metrics (test/joins/oracle-steps.ts reads the same shape from Sluice).
"""
import json

from pyspark.sql import SparkSession


def local_session():
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def plain(v):
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (v.microsecond // 1000)
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return v


def run_step(df, mode, checkpoint):
    batches = {}

    def collect(bdf, bid):
        batches[bid] = sorted(json.dumps(plain(r.asDict(recursive=True)), sort_keys=True) for r in bdf.collect())

    q = df.writeStream.outputMode(mode).foreachBatch(collect).option("checkpointLocation", checkpoint).trigger(availableNow=True).start()
    q.awaitTermination()
    return [
        {
            "batchId": p["batchId"],
            "rows": batches.get(p["batchId"], []),
            "watermark": p["eventTime"].get("watermark"),
            "state": [[s["operatorName"], s["numRowsTotal"], s["numRowsUpdated"], s["numRowsRemoved"], s["numRowsDroppedByWatermark"]] for s in p["stateOperators"]],
        }
        for p in q.recentProgress
    ]
