"""Record PySpark's answer for MultiStatefulOperatorsSuite's aggregation -> deduplication keyed by
window_time(window) (test/spark-suites/MultiStatefulOperatorsSuite.test.ts reads the golden): two
columns carry the event time there (the window and its window_time), which Sluice refused.

One JSON file stream of integer `value`s; each step drops one file and runs the query with
trigger(availableNow) on the same checkpoint (stream_steps.py), recording per micro-batch the
rows, the watermark and the state operators' metrics.
Output: test/spark-suites/golden/multi-stateful.json.
Run from the repository root: .oracle/venv/bin/python scripts/oracle/gen_spark_suite_multi_stateful.py
"""
import json
import os
import shutil
import tempfile
import time

os.environ["TZ"] = "UTC"
time.tzset()

import pyspark  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from stream_steps import local_session, run_step, write_golden  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "spark-suites", "golden", "multi-stateful.json")


def dedup_window_time(df):
    agg = (
        df.withColumn("eventTime", F.expr("timestamp_seconds(value)"))
        .withWatermark("eventTime", "0 seconds")
        .groupBy(F.window("eventTime", "5 seconds").alias("window"))
        .agg(F.count("*").alias("count"))
        .withColumn("windowEnd", F.expr("window.end"))
    )
    return (
        agg.withColumn("windowTime", F.expr("window_time(window)"))
        .withColumn("windowTimeMicros", F.expr("unix_micros(windowTime)"))
        .dropDuplicates(["count", "windowEnd", "windowTime"])
        .select(F.col("windowEnd").cast("long").alias("windowEnd"), F.col("windowTimeMicros").cast("long").alias("micros"), "count")
    )


SCENARIOS = {"agg-dedup-window-time": (dedup_window_time, [[1, 5, 10, 15], [16, 30]])}


def main():
    spark = local_session()
    out = {"pyspark": pyspark.__version__, "scenarios": {}}
    for name, (build, steps) in SCENARIOS.items():
        tmp = tempfile.mkdtemp(prefix="sluice-oracle-multi-")
        try:
            folder = os.path.join(tmp, "in")
            os.makedirs(folder)
            batches = []
            for i, values in enumerate(steps):
                with open(os.path.join(folder, "step%02d.json" % i), "w") as h:
                    h.writelines(json.dumps({"value": v}) + "\n" for v in values)
                df = spark.readStream.format("json").schema("value INT").load(folder)
                try:
                    batches.append(run_step(build(df), "append", os.path.join(tmp, "chk")))
                except Exception as e:  # noqa: BLE001 - the refusal is the answer to record
                    batches.append({"error": str(e).splitlines()[0]})
                    break
            out["scenarios"][name] = {"steps": steps, "batches": batches}
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    write_golden(OUT, out)


if __name__ == "__main__":
    main()
