"""Record what delta-rs does with Delta add paths that leave the table (and with legit ones).

For each form, a table is written with deltalake (row x=1), then commit 1 is hand-written with an
add whose path is the form; a Parquet file with row x=99 exists outside the table (and x=7
inside it, as inside.parquet). Records the file URIs delta-rs resolves and the rows it reads, or
its error. Writes test/delta-e2e/escaping-paths.delta-rs.json (paths shown relative to <base>).
Run: .oracle/venv/bin/python scripts/oracle/delta_escaping_paths.py
"""
import json
import os
import shutil
import tempfile

import deltalake
import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "delta-e2e", "escaping-paths.delta-rs.json")

base = tempfile.mkdtemp()
outside = os.path.join(base, "outside.parquet")
pq.write_table(pa.table({"x": [99]}), outside)
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
    write_deltalake(t, pa.table({"x": [1]}))
    pq.write_table(pa.table({"x": [7]}), os.path.join(t, "inside.parquet"))
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
    cases.append(case)
shutil.rmtree(base, ignore_errors=True)
with open(OUT, "w") as f:
    json.dump({"deltalake": deltalake.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(json.dumps(cases, indent=1))
