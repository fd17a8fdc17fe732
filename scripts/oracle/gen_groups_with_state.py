"""Record PySpark's applyInPandasWithState (Spark's flatMapGroupsWithState for Python) per batch.

Scenarios: test/stateful/groups-with-state-scenarios.json. Each has one JSON file stream
(user STRING, ts TIMESTAMP, v INT) and steps; each step drops one file and runs the query with
trigger(availableNow) (processing-time timeouts: trigger(once), below) on the same checkpoint (so
every step is a restart). The per-key function is chosen by the scenario's "function" (the Sluice
test implements the same ones):
  - "sessions": EventTimeTimeout; a key's state (first, last event time in ms, count) closes 30 s
    after its last event, emitting one row; append mode.
  - "running-count": NoTimeout; emits (user, count so far) on every call; update mode.
  - "remove-at-10": NoTimeout; sums v, emits and removes the state once the sum reaches 10; append.
  - "idle-timeout": ProcessingTimeTimeout; counts a key's rows, emits (user, n, timed_out) on
    every call and sets a 1 ms timeout; a timed-out key is emitted and removed; update mode.
    Processing-time timeouts make PySpark 4.0.1 run a batch without data on every trigger, so
    trigger(availableNow) never ends: its steps run with trigger(once), one batch each. Batch
    times are wall-clock times, and two batches are always more than 1 ms apart, so a key
    without rows in the next batch times out there, however fast the machine is.
Recorded per step and batch: output rows (sorted), watermark, state metrics.
Output: test/stateful/golden/groups-with-state.json. Scenario names as arguments record only
those, keeping the others' records from the golden file.
Run from the repository root: bash scripts/oracle/setup.sh --pandas &&
.oracle/pandas-venv/bin/python scripts/oracle/gen_groups_with_state.py (pandas 2.2.3 and pyarrow
18.1.0, requirements-pandas.txt: pandas 3 / pyarrow 26 fail inside PySpark 4.0.1's Arrow serializer).
"""
import json
import os
import shutil
import sys
import tempfile
import time

os.environ["TZ"] = "UTC"
os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers need this venv's pandas and pyarrow
os.environ["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.abspath(__file__)), os.environ.get("PYTHONPATH", "")])
time.tzset()

import pandas as pd  # noqa: E402
import pyspark  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql.streaming.state import GroupStateTimeout  # noqa: E402
from stream_steps import local_session, run_step  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = os.path.join(ROOT, "test", "stateful", "groups-with-state-scenarios.json")
OUT = os.path.join(ROOT, "test", "stateful", "golden", "groups-with-state.json")
BASE_MS = 1704067200000  # 2024-01-01T00:00:00Z: event times in the scenarios are seconds after it


def ms(ts):
    return int(pd.Timestamp(ts).timestamp() * 1000)


def sessions(key, pdfs, state):
    if state.hasTimedOut:
        first, last, n = state.get
        state.remove()
        yield pd.DataFrame({"user": [key[0]], "first_ms": [first], "last_ms": [last], "n": [n]})
        return
    times = [ms(t) for pdf in pdfs for t in pdf["ts"]]
    old = state.getOption
    first = min(times + ([old[0]] if old else []))
    last = max(times + ([old[1]] if old else []))
    n = len(times) + (old[2] if old else 0)
    state.update((first, last, n))
    state.setTimeoutTimestamp(last + 30000)


def running_count(key, pdfs, state):
    n = sum(len(pdf) for pdf in pdfs) + (state.get[0] if state.exists else 0)
    state.update((n,))
    yield pd.DataFrame({"user": [key[0]], "n": [n]})


def remove_at_10(key, pdfs, state):
    total = sum(int(v) for pdf in pdfs for v in pdf["v"]) + (state.get[0] if state.exists else 0)
    if total >= 10:
        state.remove()
        yield pd.DataFrame({"user": [key[0]], "total": [total]})
    else:
        state.update((total,))


def idle_timeout(key, pdfs, state):
    if state.hasTimedOut:
        n = state.get[0]
        state.remove()
        yield pd.DataFrame({"user": [key[0]], "n": [n], "timed_out": [True]})
        return
    n = sum(len(pdf) for pdf in pdfs) + (state.get[0] if state.exists else 0)
    state.update((n,))
    state.setTimeoutDuration(1)
    yield pd.DataFrame({"user": [key[0]], "n": [n], "timed_out": [False]})


# function → (function, output schema, state schema, output mode, timeout, trigger(once)?)
FUNCTIONS = {
    "sessions": (sessions, "user STRING, first_ms LONG, last_ms LONG, n INT", "first_ms LONG, last_ms LONG, n INT", "append", GroupStateTimeout.EventTimeTimeout, False),
    "running-count": (running_count, "user STRING, n INT", "n INT", "update", GroupStateTimeout.NoTimeout, False),
    "remove-at-10": (remove_at_10, "user STRING, total INT", "total INT", "append", GroupStateTimeout.NoTimeout, False),
    "idle-timeout": (idle_timeout, "user STRING, n INT, timed_out BOOLEAN", "n INT", "update", GroupStateTimeout.ProcessingTimeTimeout, True),
}


def run(spark, sc):
    tmp = tempfile.mkdtemp(prefix="sluice-oracle-gws-")
    try:
        folder = os.path.join(tmp, "in")
        os.makedirs(folder)
        fn, out_schema, state_schema, mode, timeout, once = FUNCTIONS[sc["function"]]
        steps = []
        for i, rows in enumerate(sc["steps"]):
            with open(os.path.join(folder, "step%02d.json" % i), "w") as h:
                for user, sec, v in rows:
                    h.write(json.dumps({"user": user, "ts": pd.Timestamp(BASE_MS + sec * 1000, unit="ms", tz="UTC").isoformat().replace("+00:00", "Z"), "v": v}) + "\n")
            df = spark.readStream.format("json").schema("user STRING, ts TIMESTAMP, v INT").load(folder)
            if sc.get("watermark"):
                df = df.withWatermark("ts", sc["watermark"])
            out = df.groupBy("user").applyInPandasWithState(fn, out_schema, state_schema, mode, timeout)
            steps.append(run_step(out, mode, os.path.join(tmp, "chk"), once))
        return steps
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    # Workers fork from a daemon that has pandas and pyarrow loaded already (preloading_daemon.py).
    SparkSession.builder.config("spark.python.daemon.module", "preloading_daemon")
    spark = local_session()
    wanted = set(sys.argv[1:])
    kept = {}
    if wanted:
        with open(OUT) as h:
            kept = json.load(h)["scenarios"]
    out = {"pyspark": pyspark.__version__, "scenarios": {}}
    with open(SCENARIOS) as h:
        for sc in json.load(h):
            if wanted and sc["name"] not in wanted:
                out["scenarios"][sc["name"]] = kept[sc["name"]]
                continue
            out["scenarios"][sc["name"]] = run(spark, sc)
            print(sc["name"], file=sys.stderr)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as h:
        json.dump(out, h, indent=1, sort_keys=True)
        h.write("\n")


if __name__ == "__main__":
    main()
