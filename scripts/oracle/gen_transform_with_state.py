"""Record PySpark's transformWithStateInPandas (Spark 4's transformWithState for Python) per batch.

Scenarios: test/transform-with-state/tws-scenarios.json, in the shape gen_groups_with_state.py
uses: one JSON file stream (user STRING, ts TIMESTAMP, v INT); each step drops one file and runs
the query with trigger(availableNow) (ProcessingTime mode: trigger(once), below) on the same
checkpoint, so every step is a restart. The
processors (the Sluice test implements the same ones):
  - "running-count": timeMode None; a ValueState count per user, emitted on every call; update mode.
  - "event-timer": timeMode EventTime; each call replaces the user's timer with one at its latest
    event + 10 s and keeps that event time; the timer emits (user, last_ms, expiry_ms) and clears
    the state; append mode. Step 2 moves the watermark exactly onto u1's timer (20 s), so the
    golden says whether a timer at the watermark fires.
  - "ttl": timeMode ProcessingTime; per user a ValueState, a ListState and a MapState with a TTL
    of 1 ms, and a ValueState with a TTL of one day; each call counts into them and emits what it
    sees; update mode. Also records numValuesRemovedDueToTTLExpiry.
  - "processing-timer": timeMode ProcessingTime; each call emits the user's row count and
    registers a timer at the batch time + 1 ms, which emits (user, "timer") when it fires;
    update mode. Also records numRegisteredTimers, numExpiredTimers and numDeletedTimers (a fired
    timer is deleted: counted there). PySpark 4.0.1's Python operator reports numExpiredTimers 0
    although timers fire (the Scala operator, and Sluice's, count them): the test leaves it out.
ProcessingTime mode makes PySpark 4.0.1 run a batch without data on every trigger, so
trigger(availableNow) never ends there; those two run each step with trigger(once), one batch.
Batch times are wall-clock times, so the TTLs and timer delays are either 1 ms (two batches are
always further apart: expired or fired in the next batch) or one day (never within the run): the
answer does not depend on how fast the machine is.
Recorded per step and batch: output rows (sorted), watermark, state metrics (stream_steps.py).
Output: test/transform-with-state/golden/transform-with-state.json. Scenario names as arguments
record only those, keeping the others' records from the golden file.
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


SHORT_TTL_MS = 1
LONG_TTL_MS = 24 * 3600 * 1000


class Ttl(StatefulProcessor):
    def init(self, handle):
        self.short = handle.getValueState("short", "n LONG", SHORT_TTL_MS)
        self.long = handle.getValueState("long", "n LONG", LONG_TTL_MS)
        self.events = handle.getListState("events", "v INT", SHORT_TTL_MS)
        self.seen = handle.getMapState("seen", "v INT", "n LONG", SHORT_TTL_MS)

    def handleInputRows(self, key, rows, timerValues):
        vs = [int(v) for pdf in rows for v in pdf["v"]]
        short = len(vs) + (self.short.get()[0] if self.short.exists() else 0)
        long = len(vs) + (self.long.get()[0] if self.long.exists() else 0)
        self.short.update((short,))
        self.long.update((long,))
        self.events.appendList([(v,) for v in vs])
        for v in vs:
            self.seen.updateValue((v,), ((self.seen.getValue((v,))[0] if self.seen.containsKey((v,)) else 0) + 1,))
        events = len(list(self.events.get()))
        seen = len(list(self.seen.keys()))
        yield pd.DataFrame({"user": [key[0]], "short": [short], "long": [long], "events": [events], "seen": [seen]})

    def close(self):
        pass


class ProcessingTimer(StatefulProcessor):
    def init(self, handle):
        self.handle = handle

    def handleInputRows(self, key, rows, timerValues):
        n = sum(len(pdf) for pdf in rows)
        self.handle.registerTimer(timerValues.getCurrentProcessingTimeInMs() + 1)
        yield pd.DataFrame({"user": [key[0]], "event": ["input"], "n": [n]})

    def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
        yield pd.DataFrame({"user": [key[0]], "event": ["timer"], "n": [len(list(self.handle.listTimers()))]})

    def close(self):
        pass


# function → (processor, output schema, output mode, time mode, trigger(once)?, custom metrics recorded)
PROCESSORS = {
    "running-count": (RunningCount, "user STRING, n LONG", "update", "None", False, ()),
    "event-timer": (EventTimer, "user STRING, last_ms LONG, expiry_ms LONG", "append", "EventTime", False, ()),
    "ttl": (Ttl, "user STRING, short LONG, long LONG, events LONG, seen LONG", "update", "ProcessingTime", True, ("numValuesRemovedDueToTTLExpiry",)),
    "processing-timer": (ProcessingTimer, "user STRING, event STRING, n LONG", "update", "ProcessingTime", True, ("numRegisteredTimers", "numExpiredTimers", "numDeletedTimers")),
}


def run(spark, sc):
    tmp = tempfile.mkdtemp(prefix="sluice-oracle-tws-")
    try:
        cls, out_schema, mode, time_mode, once, custom = PROCESSORS[sc["function"]]
        build = lambda df: df.groupBy("user").transformWithStateInPandas(statefulProcessor=cls(), outputStructType=out_schema, outputMode=mode.capitalize(), timeMode=time_mode)  # noqa: E731
        return file_steps(spark, sc, BASE_MS, build, mode, tmp, once, custom)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    # Workers fork from a daemon that has pandas and pyarrow loaded already (preloading_daemon.py).
    SparkSession.builder.config("spark.python.daemon.module", "preloading_daemon")
    spark = local_session()
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
    wanted = set(sys.argv[1:])
    kept = {}
    if wanted:
        with open(OUT) as h:
            kept = json.load(h)["scenarios"]
    out = {"pyspark": pyspark.__version__, "pandas": pd.__version__, "scenarios": {}}
    with open(SCENARIOS) as h:
        for sc in json.load(h):
            if wanted and sc["name"] not in wanted:
                out["scenarios"][sc["name"]] = kept[sc["name"]]
                continue
            out["scenarios"][sc["name"]] = run(spark, sc)
            print(sc["name"], file=sys.stderr)
    write_golden(OUT, out)


if __name__ == "__main__":
    main()
