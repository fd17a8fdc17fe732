"""A query's output rows in one canonical form, whichever engine wrote the Parquet files: each row a
list (integers as numbers, fractional numbers and decimals as strings with 4 decimals, timestamps
as epoch microseconds, strings as they are; columns in name order), the rows sorted. Both engines' outputs are read by
this same code (pyarrow), so the comparison does not depend on either engine's reader.
Usage: python bench/nexmark/canonical.py OUT q  → the rows of OUT/<q> as JSON.
"""
import datetime
import decimal
import glob
import hashlib
import json
import os
import sys

import pyarrow.parquet as pq

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def value(v):
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        return f"{v:.4f}"
    if isinstance(v, decimal.Decimal):
        return f"{v:.4f}"
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        d = v - EPOCH
        return (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds
    raise TypeError(f"no canonical form for {type(v).__name__}")


def rows(out, q):
    files = sorted(glob.glob(os.path.join(out, q, "*.parquet")))
    result = []
    for f in files:
        t = pq.read_table(f)
        names = sorted(t.column_names)
        for r in t.to_pylist():
            result.append([value(r[n]) for n in names])
    return sorted(result, key=compact)


def compact(r):
    """A row as compact JSON (as JavaScript's JSON.stringify writes it): the sort key and the digest's text."""
    return json.dumps(r, separators=(",", ":"))


def digest(rr):
    """sha256 of the sorted canonical rows, one compact JSON line each."""
    return hashlib.sha256("\n".join(compact(r) for r in rr).encode()).hexdigest()


if __name__ == "__main__":
    print(json.dumps(rows(sys.argv[1], sys.argv[2])))
