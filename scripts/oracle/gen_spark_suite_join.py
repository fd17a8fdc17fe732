"""Record PySpark's answer for the StreamingJoinSuite scenarios where Sluice's port was doubtful
(test/spark-suites/StreamingJoinSuite.test.ts reads the golden).

Each scenario has a left and a right JSON file stream of integer `value`s; each step drops one file
per side and runs the query with trigger(availableNow) on the same checkpoint (stream_steps.py), so
every step records its micro-batches: output rows, watermark and the join's state metrics.
Output: test/spark-suites/golden/join.json.
Run from the repository root: .oracle/venv/bin/python scripts/oracle/gen_spark_suite_join.py
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
OUT = os.path.join(ROOT, "test", "spark-suites", "golden", "join.json")


def windowed(df, prefix, multiplier):
    return (
        df.selectExpr("value AS key", f"timestamp_seconds(value) AS {prefix}Time", f"value * {multiplier} AS {prefix}Value")
        .withWatermark(f"{prefix}Time", "10 seconds")
        .select("key", F.window(f"{prefix}Time", "10 seconds").alias("window"), f"{prefix}Value")
    )


def non_key_condition(left, right):
    """Left outer on key and window, with conditions on each side's value."""
    cond = "l.key = r.key AND l.window = r.window AND leftValue > 10 AND (rightValue < 300 OR rightValue > 1000)"
    joined = windowed(left, "left", 2).alias("l").join(windowed(right, "right", 3).alias("r"), F.expr(cond), "left_outer")
    return joined.selectExpr("l.key AS key", "CAST(l.window.end AS BIGINT) AS end", "leftValue", "rightValue")


def self_left_semi(left, _right):
    """One stream semi-joined with its even values, rightTime within 5 s after leftTime."""
    df = left.selectExpr("value", "timestamp_seconds(value) AS timestamp")
    l = df.selectExpr("value AS leftId", "timestamp AS leftTime").withWatermark("leftTime", "5 seconds")
    r = df.where("value % 2 = 0").selectExpr("value AS rightId", "timestamp AS rightTime").withWatermark("rightTime", "5 seconds")
    joined = l.join(r, F.expr("leftId = rightId AND rightTime >= leftTime AND rightTime <= leftTime + INTERVAL 5 SECONDS"), "left_semi")
    return joined.selectExpr("leftId", "CAST(leftTime AS INT) AS lt")


def null_safe(how):
    """Key value % 5 with 0 as null, 10 s windows, joined on `l.key <=> r.key` and the window."""

    def build(left, right):
        def side(df, prefix, multiplier):
            return (
                df.selectExpr("nullif(value % 5, 0) AS key", f"timestamp_seconds(value) AS {prefix}Time", f"value * {multiplier} AS {prefix}Value")
                .withWatermark(f"{prefix}Time", "10 seconds")
                .select("key", F.window(f"{prefix}Time", "10 seconds").alias("window"), f"{prefix}Value")
            )

        joined = side(left, "left", 2).alias("l").join(side(right, "right", 3).alias("r"), F.expr("l.key <=> r.key AND l.window = r.window"), how)
        return joined.selectExpr("l.key AS lkey", "r.key AS rkey", "CAST(l.window.end AS BIGINT) AS end", "leftValue", "rightValue")

    return build


NULL_SAFE_STEPS = [([1, 5, 10, 12], [1, 5, 10, 13]), ([40], [41])]

SCENARIOS = {
    "left-outer-non-key-condition": (
        non_key_condition,
        [([1, 2, 3], [1, 2, 3]), ([20], [21]), ([], [20]), ([40, 41], [40, 41]), ([70], [71]), ([], [70]), ([101, 102, 103], [101, 102, 103]), ([1000], [1001])],
    ),
    "self-left-semi": (self_left_semi, [(list(range(1, 6)), []), (list(range(6, 11)), []), (list(range(11, 16)), [])]),
    "null-safe-inner": (null_safe("inner"), NULL_SAFE_STEPS),
    "null-safe-left-outer": (null_safe("left_outer"), NULL_SAFE_STEPS),
    "null-safe-full-outer": (null_safe("full_outer"), NULL_SAFE_STEPS),
}


def run(spark, build, steps):
    tmp = tempfile.mkdtemp(prefix="sluice-oracle-suite-join-")
    try:
        out = []
        for i, (lv, rv) in enumerate(steps):
            for side, values in (("left", lv), ("right", rv)):
                folder = os.path.join(tmp, side)
                os.makedirs(folder, exist_ok=True)
                with open(os.path.join(folder, "step%02d.json" % i), "w") as h:
                    h.writelines(json.dumps({"value": v}) + "\n" for v in values)
            read = lambda side: spark.readStream.format("json").schema("value INT").load(os.path.join(tmp, side))  # noqa: E731
            out.append(run_step(build(read("left"), read("right")), "append", os.path.join(tmp, "chk")))
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    spark = local_session()
    out = {"pyspark": pyspark.__version__, "scenarios": {}}
    for name, (build, steps) in SCENARIOS.items():
        out["scenarios"][name] = {"steps": steps, "batches": run(spark, build, steps)}
    write_golden(OUT, out)


if __name__ == "__main__":
    main()
