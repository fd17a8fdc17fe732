"""Record PySpark's behaviour for stream-stream joins (Sluice issue 14).

Scenarios: test/joins/join-scenarios.json. Each has a left and a right JSON file stream and a list
of steps; each step drops one file per side and runs the query with trigger(availableNow) on the
same checkpoint, so every step is also a restart. Recorded per step and micro-batch: the output
rows (sorted), the watermark and the join's state metrics. test/joins/join-refusals.json lists
join shapes that Spark accepts or refuses (at start() or when the first batch is planned); the
error's first line is recorded.
Output: test/joins/golden/stream-joins.json.
Run from the repository root: .oracle/venv/bin/python scripts/oracle/gen_stream_joins.py
"""
import json
import os
import re
import shutil
import sys
import tempfile
import time

os.environ["TZ"] = "UTC"
time.tzset()

import pyspark  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from stream_steps import local_session, run_step  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.join(ROOT, "test", "joins", "join-scenarios.json")
REFUSALS = os.path.join(ROOT, "test", "joins", "join-refusals.json")
OUT = os.path.join(ROOT, "test", "joins", "golden", "stream-joins.json")
BASE_SEC = 1704067200  # 2024-01-01T00:00:00Z: event times in the scenarios are seconds after it


def iso(sec):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(BASE_SEC + sec)) + ".000Z"


def side_df(spark, folder, spec):
    df = spark.readStream.format("json").schema(spec["schema"]).load(folder)
    if spec.get("watermark"):
        df = df.withWatermark(*spec["watermark"])
    if spec.get("select"):
        df = df.selectExpr(*spec["select"])
    return df


def query(spark, tmp, sc):
    left = side_df(spark, os.path.join(tmp, "left"), sc["left"])
    right = side_df(spark, os.path.join(tmp, "right"), sc["right"])
    df = left.join(right, F.expr(sc["on"]), sc["how"])
    if sc.get("groupBy"):
        df = df.groupBy(*[F.col(c) for c in sc["groupBy"]]).agg(*[F.expr(a) for a in sc["agg"]])
    return df


def write_step(tmp, sc, i, step):
    for side in ("left", "right"):
        folder = os.path.join(tmp, side)
        os.makedirs(folder, exist_ok=True)
        names = [f.split(" ")[0] for f in sc[side]["schema"].split(", ")]
        with open(os.path.join(folder, "step%02d.json" % i), "w") as h:
            for row in step.get(side, []):
                rec = dict(zip(names, row))
                for k, v in rec.items():
                    if k.endswith("t") and isinstance(v, int):
                        rec[k] = iso(v)
                h.write(json.dumps(rec) + "\n")


def run(spark, sc):
    tmp = tempfile.mkdtemp(prefix="sluice-oracle-joins-")
    try:
        steps = []
        for i, step in enumerate(sc["steps"]):
            write_step(tmp, sc, i, step)
            os.makedirs(os.path.join(tmp, "left"), exist_ok=True)
            os.makedirs(os.path.join(tmp, "right"), exist_ok=True)
            out = run_step(query(spark, tmp, sc), "append", os.path.join(tmp, "chk"))
            steps.append(out)
        return steps
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def scrub(message):
    """Drop what changes from run to run (query ids, expression ids), so the golden is stable."""
    message = re.sub(r"\[id = [0-9a-f-]+, runId = [0-9a-f-]+\]", "[id = <id>, runId = <runId>]", message)
    return re.sub(r"#\d+", "", message)


def refusal(spark, case):
    tmp = tempfile.mkdtemp(prefix="sluice-oracle-joins-")
    try:
        sides = {}
        for side, schema, ts in (("left", "lk INT, lt TIMESTAMP, lv STRING", "lt"), ("right", "rk INT, rt TIMESTAMP, rv STRING", "rt")):
            folder = os.path.join(tmp, side)
            os.makedirs(folder)
            # One row per side, so that a micro-batch runs and planning-time refusals show too.
            with open(os.path.join(folder, "rows.json"), "w") as h:
                h.write(json.dumps({schema.split(" ")[0]: 1, ts: iso(10), side[0] + "v": "a"}) + "\n")
            reader = spark.read if case.get("static") == side else spark.readStream
            df = reader.format("json").schema(schema).load(folder)
            if side in case["watermarks"]:
                df = df.withWatermark(ts, "10 seconds")
            if case.get("windows"):
                df = df.selectExpr("*", "window(%s, '10 seconds') AS %sw" % (ts, side[0]))
            sides[side] = df
        df = sides["left"].join(sides["right"], F.expr(case["on"]), case["how"])
        if case.get("groupBy"):
            df = df.groupBy(*[F.expr(g) for g in case["groupBy"]]).count()
        if case.get("dedup"):
            df = df.dropDuplicates(case["dedup"])
        try:
            q = df.writeStream.outputMode(case.get("outputMode", "append")).format("noop").option("checkpointLocation", os.path.join(tmp, "chk")).trigger(availableNow=True).start()
            q.awaitTermination()
            return {"ok": True}
        except Exception as e:  # the refusal is the fact being recorded
            return {"ok": False, "error": scrub(str(e).split("\n")[0][:400])}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    spark = local_session()
    only = sys.argv[1:]
    old = {"scenarios": {}, "refusals": {}}
    if only and os.path.exists(OUT):
        with open(OUT) as h:
            old = json.load(h)
    out = {"pyspark": pyspark.__version__, "scenarios": {}, "refusals": {}}
    with open(SCENARIOS) as h:
        for sc in json.load(h):
            if only and sc["name"] not in only and sc["name"] in old["scenarios"]:
                out["scenarios"][sc["name"]] = old["scenarios"][sc["name"]]
                continue
            out["scenarios"][sc["name"]] = run(spark, sc)
            print(sc["name"], file=sys.stderr)
    with open(REFUSALS) as h:
        for case in json.load(h):
            if only and case["name"] not in only and case["name"] in old["refusals"]:
                out["refusals"][case["name"]] = old["refusals"][case["name"]]
                continue
            out["refusals"][case["name"]] = refusal(spark, case)
            print(case["name"], out["refusals"][case["name"]], file=sys.stderr)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as h:
        json.dump(out, h, indent=1, sort_keys=True)
        h.write("\n")


if __name__ == "__main__":
    main()
