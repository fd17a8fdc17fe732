"""Record delta-rs's view of every golden Delta table into test/delta/golden/<table>.json.

Usage: .oracle/venv/bin/python scripts/oracle/delta_golden.py [GOLDEN_DIR] [OUT_DIR]
Needs: deltalake (delta-rs Python, tested with 1.6.x) and pyarrow.
Each table is copied (with mtimes) to a temp dir first; the shared folder is never written.
For each table: the latest version, and every version from 0 up to it, as
{version, schema, protocol, partitionColumns, configuration, files: [{path, size, partitionValues, numRecords}]}
or {error: "<ExceptionClass>: message"} when delta-rs refuses it.
"""
import json, os, shutil, sys, tempfile, urllib.parse

import deltalake
from deltalake import DeltaTable

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GOLDEN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(ROOT), "shared", "delta-golden")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "test", "delta", "golden")


def jsonable(v):
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)


def canon(v):
    """Typed partition value -> canonical text: bool true/false, timestamp as µs since epoch, others str()."""
    import datetime
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        d = v - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return str((d.days * 86400 + d.seconds) * 1000000 + d.microseconds)
    if isinstance(v, float):
        return repr(v)
    return str(v)


def view(root, version=None):
    try:
        dt = DeltaTable(root, version=version)
        proto = dt.protocol()
        md = dt.metadata()
        actions = dt.get_add_actions(flatten=False).to_pylist() if hasattr(dt.get_add_actions(flatten=False), "to_pylist") else None
        if actions is None:
            import pyarrow as pa
            actions = pa.table(dt.get_add_actions(flatten=False)).to_pylist()
        files = []
        prefix = "file://" + os.path.abspath(root) + "/"
        for a in actions:
            path = a["path"]
            pv = a.get("partition_values") or a.get("partition") or {}
            if isinstance(pv, list):
                pv = dict(pv)
            files.append({
                "path": urllib.parse.unquote(path[len(prefix):]) if path.startswith(prefix) else path,
                "size": a.get("size_bytes"),
                "partitionValues": {k: canon(v) for k, v in (pv or {}).items()},
                "numRecords": a.get("num_records"),
            })
        files.sort(key=lambda f: f["path"])
        return {
            "version": dt.version(),
            "schema": json.loads(dt.schema().to_json()),
            "protocol": {
                "minReaderVersion": proto.min_reader_version,
                "minWriterVersion": proto.min_writer_version,
                "readerFeatures": proto.reader_features,
                "writerFeatures": proto.writer_features,
            },
            "partitionColumns": list(md.partition_columns),
            "configuration": dict(md.configuration),
            "files": files,
        }
    except Exception as e:  # delta-rs refuses the table: record why
        return {"error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}


def main():
    os.makedirs(OUT, exist_ok=True)
    names = sorted(n for n in os.listdir(GOLDEN) if os.path.isdir(os.path.join(GOLDEN, n)))
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            root = os.path.join(tmp, name)
            shutil.copytree(os.path.join(GOLDEN, name), root, copy_function=shutil.copy2)
            latest = view(root)
            versions = {}
            if "version" in latest:
                for v in range(0, latest["version"]):
                    versions[str(v)] = view(root, v)
        out = {"table": name, "deltalake": deltalake.__version__, "latest": latest, "versions": versions}
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(jsonable(out), f, indent=1, sort_keys=True)
            f.write("\n")
        print(name, latest.get("version", latest.get("error")))


if __name__ == "__main__":
    main()
