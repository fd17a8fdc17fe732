"""Record delta-rs's view of every golden Delta table into test/delta/golden/<table>.json.

Usage: .oracle/venv/bin/python scripts/oracle/delta_golden.py [GOLDEN_DIR] [OUT_DIR]
Needs: deltalake (delta-rs Python, tested with 1.6.x) and pyarrow.
Each table is copied (with mtimes) to a temp dir first; the shared folder is never written.
For each table: the latest version, and every version from 0 up to it, as
{version, schema, protocol, partitionColumns, configuration, files: [{path, size, partitionValues, numRecords}], rows}
or {error: "<ExceptionClass>: message"} when delta-rs refuses it.
Rows are read through delta-rs's DataFusion reader (QueryBuilder), which applies deletion vectors
and reads column-mapped and v2-checkpoint tables; each row is canonical JSON text (see row_text), the
list sorted. Above MAX_ROWS rows only {count, sha256} of the sorted texts joined by newlines is kept.
When delta-rs's metadata view works but its data read fails, rows is {"error": ...}.
"""
import base64, datetime, decimal, hashlib, json, math, os, shutil, struct, sys, tempfile, urllib.parse

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


MAX_ROWS = 300


def cell(v):
    """A value's canonical form: ints and decimals as plain digits, floats as the hex of their
    IEEE-754 double bits (NaN as "NaN"), dates ISO, timestamps as µs since the epoch (naive = UTC),
    binary as hex, structs as objects, lists as lists, maps as [key, value] pairs sorted by text."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "NaN" if math.isnan(v) else struct.pack(">d", v).hex()
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, datetime.datetime):
        return canon(v)
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).hex()
    if isinstance(v, dict):
        return {k: cell(x) for k, x in v.items()}
    if isinstance(v, list) and all(isinstance(e, tuple) and len(e) == 2 for e in v) and v:
        return sorted(([cell(k), cell(x)] for k, x in v), key=lambda kv: json.dumps(kv, sort_keys=True))
    if isinstance(v, (list, tuple)):
        return [cell(x) for x in v]
    raise TypeError(f"no canonical form for {type(v).__name__}")


def row_text(r):
    return json.dumps({k: cell(v) for k, v in r.items()}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def rows_of(dt):
    import pyarrow as pa
    from deltalake import QueryBuilder
    try:
        got = pa.table(QueryBuilder().register("t", dt).execute("SELECT * FROM t").read_all())
    except Exception as e:  # delta-rs reads the log but not the data
        return {"error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
    texts = sorted(row_text(r) for r in got.to_pylist())
    if len(texts) > MAX_ROWS:
        return {"count": len(texts), "sha256": hashlib.sha256("\n".join(texts).encode()).hexdigest()}
    return texts


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
            "rows": rows_of(dt),
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
