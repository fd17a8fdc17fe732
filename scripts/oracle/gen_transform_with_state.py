"""Record PySpark's transformWithStateInPandas (Spark 4's transformWithState for Python) per batch.

Scenarios: test/transform-with-state/tws-scenarios.json, in the shape gen_groups_with_state.py
uses: one JSON file stream (user STRING, ts TIMESTAMP, v INT); each step drops one file and runs
the query with trigger(availableNow) on the same checkpoint, so every step is a restart. The
processors (the Sluice test implements the same ones):
  - "running-count": timeMode None; a ValueState count per user, emitted on every call; update mode.
  - "event-timer": timeMode EventTime; each call replaces the user's timer with one at its latest
    event + 10 s and keeps that event time; the timer emits (user, last_ms, expiry_ms) and clears
    the state; append mode. Step 2 moves the watermark exactly onto u1's timer (20 s), so the
    golden says whether a timer at the watermark fires.
No TTL scenario: TTL needs timeMode ProcessingTime, and with it PySpark 4.0.1 runs a batch without
data on every trigger, so trigger(availableNow) never ends (seen here: hundreds of empty batches).
Recorded per step and batch: output rows (sorted), watermark, state metrics (stream_steps.py).
Output: test/transform-with-state/golden/transform-with-state.json.
Needs pandas and pyarrow versions PySpark 4.0.1's Arrow serializer works with (pandas 3 / pyarrow
26 fail in it), kept apart from the main venv's pyarrow 26 (requirements-pandas.txt):
  bash scripts/oracle/setup.sh --pandas && .oracle/pandas-venv/bin/python scripts/oracle/gen_transform_with_state.py
"""
import json
import os
import shutil
import sys
import tempfile
import time

os.environ["TZ"] = "UTC"
os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers need this Python's pandas and pyarrow
os.environ["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.abspath(__file__)), os.environ.get("PYTHONPATH", "")])
time.tzset()

import pandas as pd  # noqa: E402
import pyspark  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql.streaming import StatefulProcessor  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stream_steps import file_steps, local_session, write_golden  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.join(ROOT, "test", "transform-with-state", "tws-scenarios.json")
OUT = os.path.join(ROOT, "test", "transform-with-state", "golden", "transform-with-state.json")
BASE_MS = 1704067200000  # 2024-01-01T00:00:00Z: event times in the scenarios are seconds after it


def ms(ts):
    return int(pd.Timestamp(ts).timestamp() * 1000)


class RunningCount(StatefulProcessor):
    def init(self, handle):
        self.count = handle.getValueState("count", "n LONG")

    def handleInputRows(self, key, rows, timerValues):
        n = sum(len(pdf) for pdf in rows) + (self.count.get()[0] if self.count.exists() else 0)
        self.count.update((n,))
        yield pd.DataFrame({"user": [key[0]], "n": [n]})

    def close(self):
        pass


class EventTimer(StatefulProcessor):
    def init(self, handle):
        self.handle = handle
        self.last = handle.getValueState("last", "ms LONG")

    def handleInputRows(self, key, rows, timerValues):
        times = [ms(t) for pdf in rows for t in pdf["ts"]]
        last = max(times + ([self.last.get()[0]] if self.last.exists() else []))
        for t in list(self.handle.listTimers()):
            self.handle.deleteTimer(t)
        self.handle.registerTimer(last + 10000)
        self.last.update((last,))
        return iter([])

    def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
        last = self.last.get()[0]
        self.last.clear()
        yield pd.DataFrame({"user": [key[0]], "last_ms": [last], "expiry_ms": [expiredTimerInfo.getExpiryTimeInMs()]})

    def close(self):
        pass


PROCESSORS = {
    "running-count": (RunningCount, "user STRING, n LONG", "update", "None"),
    "event-timer": (EventTimer, "user STRING, last_ms LONG, expiry_ms LONG", "append", "EventTime"),
}


def run(spark, sc):
    tmp = tempfile.mkdtemp(prefix="sluice-oracle-tws-")
    try:
        cls, out_schema, mode, time_mode = PROCESSORS[sc["function"]]
        build = lambda df: df.groupBy("user").transformWithStateInPandas(statefulProcessor=cls(), outputStructType=out_schema, outputMode=mode.capitalize(), timeMode=time_mode)  # noqa: E731
        return file_steps(spark, sc, BASE_MS, build, mode, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    # Workers fork from a daemon that has pandas and pyarrow loaded already (preloading_daemon.py).
    SparkSession.builder.config("spark.python.daemon.module", "preloading_daemon")
    spark = local_session()
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
    out = {"pyspark": pyspark.__version__, "pandas": pd.__version__, "scenarios": {}}
    with open(SCENARIOS) as h:
        for sc in json.load(h):
            out["scenarios"][sc["name"]] = run(spark, sc)
            print(sc["name"], file=sys.stderr)
    write_golden(OUT, out)


if __name__ == "__main__":
    main()
