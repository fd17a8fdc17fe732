"""Print delta-rs's view of one Delta table as JSON (used by test/delta/interop.test.ts).

Usage: python delta_verify.py TABLE_PATH [APP_ID]          -> read the table
       python delta_verify.py --write TABLE_PATH            -> write a small partitioned table with delta-rs
Needs: deltalake (1.x) and pyarrow.
"""
import json
import os, sys

from deltalake import DeltaTable, write_deltalake


def read(path, app_id):
    dt = DeltaTable(path)
    adds = dt.get_add_actions(flatten=True)
    try:
        import pyarrow as pa
        adds = pa.table(adds).to_pylist()
    except Exception:
        adds = adds.to_pylist()
    rows = dt.to_pyarrow_table().to_pylist()
    out = {
        "version": dt.version(),
        "protocol": [dt.protocol().min_reader_version, dt.protocol().min_writer_version],
        "partitionColumns": list(dt.metadata().partition_columns),
        "schema": json.loads(dt.schema().to_json()),
        "files": sorted(a["path"] for a in adds),
        "stats": sorted(
            [{"path": a["path"], "numRecords": a.get("num_records"), "minId": a.get("min.id"), "maxId": a.get("max.id"),
              "nullName": a.get("null_count.name")} for a in adds], key=lambda s: s["path"]),
        "history": [{"version": h.get("version"), "operation": h.get("operation"), "engineInfo": h.get("engineInfo")} for h in dt.history()],
        "txnVersion": dt.transaction_version(app_id) if app_id else None,
        "rows": sorted(rows, key=lambda r: r["id"]),
    }
    print(json.dumps(out, default=str))


def write(path):
    import pyarrow as pa
    for i in range(3):
        t = pa.table({"id": pa.array([i * 10 + j for j in range(5)], pa.int64()), "p": pa.array(["x" if i % 2 else "y"] * 5)})
        write_deltalake(path, t, mode="append", partition_by=["p"])
    print(json.dumps({"version": DeltaTable(path).version()}))


if __name__ == "__main__":
    if sys.argv[1] == "--write":
        write(sys.argv[2])
    else:
        read(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
    # Skip delta-rs's runtime teardown, which can abort ("terminate called without an active
    # exception") under load after the answer has been printed.
    sys.stdout.flush()
    os._exit(0)
