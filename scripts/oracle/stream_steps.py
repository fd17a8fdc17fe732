"""What gen_stream_joins.py and gen_groups_with_state.py share: a local PySpark session, and one
oracle step — run a streaming DataFrame with trigger(availableNow) (or trigger(once), one batch)
on a checkpoint and record per micro-batch its output rows (sorted JSON, timestamps as ISO-8601
UTC with ms), the watermark and the state operators' metrics, optionally followed by named custom
metrics (test/joins/oracle-steps.ts reads the same shape from Sluice).
"""
import json
import os
from datetime import datetime, timezone

from pyspark.errors import StreamingQueryException
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


ATTEMPTS = 20


def run_step(df, mode, checkpoint, once=False, custom=()):
    """One oracle step. On a loaded machine a Python worker (the pandas oracles') can miss Spark's
    10 s connect-back; the query then fails before it commits the batch, and the step is run again
    on the same checkpoint, which re-runs that batch from its offsets: the record is the same
    (up to ATTEMPTS times)."""
    batches = {}
    progress = []

    def collect(bdf, bid):
        batches[bid] = sorted(json.dumps(plain(r.asDict(recursive=True)), sort_keys=True) for r in bdf.collect())

    for attempt in range(ATTEMPTS):
        q = df.writeStream.outputMode(mode).foreachBatch(collect).option("checkpointLocation", checkpoint).trigger(**({"once": True} if once else {"availableNow": True})).start()
        try:
            q.awaitTermination()
            progress += q.recentProgress
            break
        except StreamingQueryException as e:
            if "Python worker failed to connect back" not in str(e) or attempt == ATTEMPTS - 1:
                raise
            progress += q.recentProgress
    return [
        {
            "batchId": p["batchId"],
            "rows": batches.get(p["batchId"], []),
            "watermark": p["eventTime"].get("watermark"),
            "state": [[s["operatorName"], s["numRowsTotal"], s["numRowsUpdated"], s["numRowsRemoved"], s["numRowsDroppedByWatermark"]] + [s["customMetrics"][c] for c in custom] for s in p["stateOperators"]],
        }
        for p in progress
    ]


def file_steps(spark, sc, base_ms, build, mode, tmp, once=False, custom=()):
    """The step loop of the groups-with-state-style scenarios: per step, drop one JSON file of
    (user, seconds after base_ms, v) rows into one folder, build the query over the folder (with the
    scenario's watermark, if any) and run it as one oracle step on the same checkpoint (run_step's
    once and custom as given)."""
    folder = os.path.join(tmp, "in")
    os.makedirs(folder)
    steps = []
    for i, rows in enumerate(sc["steps"]):
        with open(os.path.join(folder, "step%02d.json" % i), "w") as h:
            for user, sec, v in rows:
                ts = datetime.fromtimestamp((base_ms + sec * 1000) / 1000, tz=timezone.utc).isoformat().replace("+00:00", "Z")
                h.write(json.dumps({"user": user, "ts": ts, "v": v}) + "\n")
        df = spark.readStream.format("json").schema("user STRING, ts TIMESTAMP, v INT").load(folder)
        if sc.get("watermark"):
            df = df.withWatermark("ts", sc["watermark"])
        steps.append(run_step(build(df), mode, os.path.join(tmp, "chk"), once, custom))
    return steps


def write_golden(path, out):
    """Write a golden file as these oracles do: sorted keys, indent 1, a trailing newline."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as h:
        json.dump(out, h, indent=1, sort_keys=True)
        h.write("\n")
