"""Record where PySpark puts a streaming query's checkpoint for odd query names.

With spark.sql.streaming.checkpointLocation = <root> and no checkpointLocation option, Spark
uses <root>/<queryName> (a random UUID when there is no name). This script starts a `noop`
query over the rate source for each name and records the folder that received the checkpoint
`metadata` file, relative to <root> (so "../.." means two levels above the root), or the error.
Writes src/session/query-checkpoint.golden.json, which query-checkpoint.test.ts reads.
Run: .oracle/venv/bin/python scripts/oracle/query_name_checkpoints.py
"""
import glob
import json
import os
import shutil
import tempfile

import pyspark
from pyspark.sql import SparkSession

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "src", "session", "query-checkpoint.golden.json")
NAMES = ["daily_counts", "../..", "..", ".", "x/y", "a\\b", "", None]

spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
base = tempfile.mkdtemp()
root = os.path.join(base, "a", "b", "root")
os.makedirs(root)
spark.conf.set("spark.sql.streaming.checkpointLocation", root)
cases = []
for name in NAMES:
    case = {"queryName": name}
    try:
        w = spark.readStream.format("rate").load().writeStream.format("noop")
        if name is not None:
            w = w.queryName(name)
        q = w.start()
        q.processAllAvailable()
        q.stop()
        dirs = sorted({os.path.dirname(p) for p in glob.glob(base + "/**/metadata", recursive=True)})
        rel = [os.path.relpath(d, root) for d in dirs]
        case["checkpointRelativeToRoot"] = "<uuid>" if name is None and len(rel) == 1 else rel[0] if len(rel) == 1 else rel
        for d in dirs:
            shutil.rmtree(d)
    except Exception as e:  # record PySpark's refusal
        case["error"] = str(e).splitlines()[0]
    cases.append(case)
spark.stop()
shutil.rmtree(base, ignore_errors=True)
with open(OUT, "w") as f:
    json.dump({"pyspark": pyspark.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(json.dumps(cases, indent=1))
