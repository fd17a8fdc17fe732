"""Record, on PySpark 4.0.1's applyInPandasWithState, the state metrics of FlatMapGroupsWithStateSuite's
running count: per key, count its rows; the third row of a key removes its state (flatMapGroupsWithState
emits nothing for it, mapGroupsWithState emits -1); update mode, NoTimeout. The suite's four steps
(a | a b | a b | a c), each a restart on the same checkpoint, as in the Scala suite's StopStream/StartStream.
Recorded per step and batch: output rows, watermark and [operator, total, updated, removed, dropped]
(stream_steps.run_step). Output: test/spark-suites/golden/groups-with-state.json, read by
test/spark-suites/FlatMapGroupsWithStateSuite.test.ts.
Run from the repository root: bash scripts/oracle/setup.sh --pandas &&
.oracle/pandas-venv/bin/python scripts/oracle/gen_spark_suite_groups_with_state.py
"""
import os
import sys
import tempfile

os.environ["TZ"] = "UTC"
os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers need this venv's pandas and pyarrow
os.environ["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.abspath(__file__)), os.environ.get("PYTHONPATH", "")])

import pandas as pd  # noqa: E402
import pyspark  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql.streaming.state import GroupStateTimeout  # noqa: E402
from stream_steps import local_session, run_step, write_golden  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "spark-suites", "golden", "groups-with-state.json")
STEPS = [["a"], ["a", "b"], ["a", "b"], ["a", "c"]]


def running_count(emit_removal):
    def fn(key, pdfs, state):
        count = sum(len(pdf) for pdf in pdfs) + (state.get[0] if state.exists else 0)
        if count == 3:
            state.remove()
            if emit_removal:
                yield pd.DataFrame({"key": [key[0]], "value": ["-1"]})
            return
        state.update((count,))
        yield pd.DataFrame({"key": [key[0]], "value": [str(count)]})

    return fn


def run(spark, emit_removal):
    with tempfile.TemporaryDirectory(prefix="sluice-oracle-suite-gws-") as tmp:
        folder = os.path.join(tmp, "in")
        os.makedirs(folder)
        steps = []
        for i, values in enumerate(STEPS):
            with open(os.path.join(folder, "step%02d.txt" % i), "w") as h:
                h.write("".join(v + "\n" for v in values))
            df = spark.readStream.format("text").load(folder)
            out = df.groupBy("value").applyInPandasWithState(running_count(emit_removal), "key STRING, value STRING", "count LONG", "update", GroupStateTimeout.NoTimeout)
            steps.append(run_step(out, "update", os.path.join(tmp, "chk")))
        return steps


def main():
    # As gen_groups_with_state.py: workers fork from a daemon with pandas and pyarrow preloaded.
    SparkSession.builder.config("spark.python.daemon.module", "preloading_daemon")
    spark = local_session()
    scenarios = {name: run(spark, emit_removal) for name, emit_removal in (("flatMapGroupsWithState", False), ("mapGroupsWithState", True))}
    write_golden(OUT, {"pyspark": pyspark.__version__, "scenarios": scenarios})


if __name__ == "__main__":
    main()
