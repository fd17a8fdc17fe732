"""Record what delta-rs and Delta-Spark do with Delta add paths that leave the table (and legit ones).

For each form, a table is written with deltalake (row x=1), then commit 1 is hand-written with an
add whose path is the form; a Parquet file with row x=99 exists outside the table (and x=7
inside it, as inside.parquet). Records the file URIs delta-rs resolves and the rows it reads, or
its error, and the rows Delta-Spark (delta-spark pip package, PySpark local[1]) reads, or its
error. Writes test/delta-e2e/escaping-paths.golden.json (paths shown relative to <base>).
Run: .oracle/venv/bin/python scripts/oracle/delta_escaping_paths.py
"""
import importlib.metadata
import json
import os
import shutil
import tempfile

import deltalake
import delta
import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake
from pyspark.sql import SparkSession

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "delta-e2e", "escaping-paths.golden.json")

base = tempfile.mkdtemp()
outside = os.path.join(base, "outside.parquet")
pq.write_table(pa.table({"x": pa.array([99], pa.int64())}), outside)
builder = (
    SparkSession.builder.master("local[1]")
    .config("spark.ui.enabled", "false")
    .config("spark.ui.showConsoleProgress", "false")
    .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
    .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
)
spark = delta.configure_spark_with_delta_pip(builder).getOrCreate()
FORMS = {
    "../ relative outside": lambda t: "../outside.parquet",
    "URL-encoded ..%2F outside": lambda t: "..%2Foutside.parquet",
    "absolute path outside": lambda t: outside,
    "file:// URI outside": lambda t: "file://" + outside,
    "absolute path inside": lambda t: os.path.join(t, "inside.parquet"),
    "sub/../ staying inside": lambda t: "sub/../inside.parquet",
    "relative inside": lambda t: "inside.parquet",
}
rel = lambda s: s.replace(base, "<base>")
cases = []
for i, (label, form) in enumerate(FORMS.items()):
    t = os.path.join(base, f"t{i}")
    write_deltalake(t, pa.table({"x": pa.array([1], pa.int64())}))
    pq.write_table(pa.table({"x": pa.array([7], pa.int64())}), os.path.join(t, "inside.parquet"))
    path = form(t)
    add = {"add": {"path": path, "partitionValues": {}, "size": os.path.getsize(outside), "modificationTime": 1, "dataChange": True}}
    with open(os.path.join(t, "_delta_log", "00000000000000000001.json"), "w") as f:
        f.write(json.dumps({"commitInfo": {"timestamp": 1, "operation": "WRITE"}}) + "\n" + json.dumps(add) + "\n")
    case = {"form": label, "path": rel(path)}
    try:
        dt = DeltaTable(t)
        case["fileUris"] = sorted(rel(u) for u in dt.file_uris() if "part-" not in u)
        case["rows"] = sorted(dt.to_pyarrow_table().column("x").to_pylist())
    except Exception as e:  # delta-rs's refusal
        case["error"] = type(e).__name__ + ": " + rel(str(e).splitlines()[0])
    try:
        case["deltaSparkRows"] = sorted(r.x for r in spark.read.format("delta").load(t).collect())
    except Exception as e:  # Delta-Spark's refusal
        case["deltaSparkError"] = rel(str(e).splitlines()[0])
    cases.append(case)
spark.stop()
shutil.rmtree(base, ignore_errors=True)
with open(OUT, "w") as f:
    json.dump({"deltalake": deltalake.__version__, "delta-spark": importlib.metadata.version("delta-spark"), "cases": cases}, f, indent=1)
    f.write("\n")
print(json.dumps(cases, indent=1))
