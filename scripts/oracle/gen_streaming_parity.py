"""Record PySpark's behaviour for the streaming parity cases (stateless and stateful).

Runs each scenario of test/streaming/parity-scenarios.json in real PySpark (local[1], UTC) and
writes test/streaming/golden/streaming-parity.json: per scenario the rows each micro-batch read
(numInputRows), the sorted output rows, and the field names of the progress objects.
Run: bash scripts/oracle/setup.sh && .oracle/venv/bin/python scripts/oracle/gen_streaming_parity.py [name-prefix ...]
"""
import json
import os
import shutil
import sys
import tempfile

import pyspark
from pyspark.sql import SparkSession, functions as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.join(ROOT, "test", "streaming", "parity-scenarios.json")
OUT = os.path.join(ROOT, "test", "streaming", "golden", "streaming-parity.json")


def write_inputs(folder, files):
    os.makedirs(folder, exist_ok=True)
    for f in files:
        path = os.path.join(folder, f["name"])
        with open(path, "w") as h:
            h.write("".join(line + "\n" for line in f["lines"]))
        os.utime(path, (f["mtime"], f["mtime"]))


def keys(obj):
    return sorted(obj.keys())


def run(spark, sc):
    tmp = tempfile.mkdtemp(prefix="sluice-oracle-")
    try:
        inp = os.path.join(tmp, "in")
        write_inputs(inp, sc["files"])
        reader = spark.readStream.format(sc["format"]).schema(sc["schema"])
        for k, v in sc.get("options", {}).items():
            reader = reader.option(k, str(v))
        df = reader.load(inp)
        for step in sc.get("steps", []):
            op, args = step[0], step[1:]
            if op == "withWatermark":
                df = df.withWatermark(*args)
            elif op == "dropDuplicates":
                df = df.dropDuplicates(args[0])
            elif op == "dropDuplicatesWithinWatermark":
                df = df.dropDuplicatesWithinWatermark(args[0])
            elif op == "selectExpr":
                df = df.selectExpr(*args[0])
            elif op == "limit":
                df = df.limit(args[0])
            elif op == "orderBy":
                df = df.orderBy(F.col(args[0]).desc() if args[1] == "desc" else F.col(args[0]))
            elif op == "groupByAgg":
                df = df.groupBy(*[F.expr(e) for e in args[0]]).agg(*[F.expr(e) for e in args[1]])
            else:
                raise ValueError(op)
        if sc.get("selectExpr"):
            df = df.selectExpr(*sc["selectExpr"])
        if sc.get("filter"):
            df = df.filter(sc["filter"])
        batches = []

        def collect(bdf, bid):
            batches.append(sorted(json.dumps(r.asDict(recursive=True), sort_keys=True, default=str) for r in bdf.collect()))

        trigger = sc["trigger"]
        w = df.writeStream.outputMode(sc.get("outputMode", "append")).foreachBatch(collect).option("checkpointLocation", os.path.join(tmp, "chk"))
        w = w.trigger(availableNow=True) if trigger == "availableNow" else w.trigger(once=True)
        q = w.start()
        q.awaitTermination()
        progress = [p for p in q.recentProgress if p["numInputRows"] > 0 or p["batchId"] >= 0]
        result = {
            "numInputRows": [p["numInputRows"] for p in q.recentProgress],
            "batches": batches,
            "progressKeys": keys(q.recentProgress[0]) if progress else [],
            "durationKeys": keys(q.recentProgress[0]["durationMs"]) if progress else [],
            "sourceKeys": keys(q.recentProgress[0]["sources"][0]) if progress else [],
            "sinkKeys": keys(q.recentProgress[0]["sink"]) if progress else [],
            "watermarks": [p["eventTime"].get("watermark") for p in q.recentProgress],
            "stateOperators": [
                [[s["operatorName"], s["numRowsTotal"], s["numRowsUpdated"], s["numRowsRemoved"], s["numRowsDroppedByWatermark"]] for s in p["stateOperators"]]
                for p in q.recentProgress
            ],
        }
        if sc.get("options", {}).get("cleanSource") == "delete":
            result["remainingInputFiles"] = sorted(os.listdir(inp))
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_golden(path, out):
    """Write a golden JSON file (indent 1, trailing newline) and echo it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as h:
        json.dump(out, h, indent=1)
        h.write("\n")
    print(json.dumps(out, indent=1))


def local_spark():
    """The oracle session: local[1], UTC, one shuffle partition (as Sluice's single partition)."""
    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def main():
    spark = local_spark()
    with open(SCENARIOS) as h:
        scenarios = json.load(h)
    # With scenario-name prefixes as arguments, only those are re-run; the others keep their
    # recorded results (scenarios no longer in the JSON are dropped either way).
    only = sys.argv[1:]
    old = {}
    if only and os.path.exists(OUT):
        with open(OUT) as h:
            old = json.load(h)["scenarios"]
    out = {"pyspark": pyspark.__version__, "scenarios": {}}
    for sc in scenarios:
        if only and not any(sc["name"].startswith(p) for p in only) and sc["name"] in old:
            out["scenarios"][sc["name"]] = old[sc["name"]]
            continue
        out["scenarios"][sc["name"]] = run(spark, sc)
        print(sc["name"], out["scenarios"][sc["name"]]["numInputRows"], file=sys.stderr)
    with open(OUT, "w") as h:
        json.dump(out, h, indent=1, sort_keys=True)
        h.write("\n")


if __name__ == "__main__":
    main()
