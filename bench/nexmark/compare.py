"""Reads the JSON lines both engines printed, checks that both wrote the same rows per query
(canonical.py), and prints events/s per engine and the ratio Sluice / PySpark.
Usage: python bench/nexmark/compare.py RESULTS OUT  (OUT/sluice/<q> and OUT/pyspark/<q>)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from canonical import digest, rows  # noqa: E402

results = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
out = sys.argv[2]
queries = list(dict.fromkeys(r["query"] for r in results))
print(f"\n{'query':<6} {'sluice ev/s':>12} {'pyspark ev/s':>13} {'ratio':>6}  rows (sluice/pyspark)  same rows")
failed = False
for q in queries:
    s = next((r for r in results if r["engine"] == "sluice" and r["query"] == q), None)
    p = next((r for r in results if r["engine"] == "pyspark" and r["query"] == q), None)
    if s is None or p is None or "error" in s or "error" in p:
        why = "; ".join(f"{r['engine']}: {r['error']} {r.get('message', '')}" for r in (s, p) if r and "error" in r)
        print(f"{q:<6} not run on both engines: {why or 'missing result'}")
        continue
    rs, rp = rows(os.path.join(out, "sluice"), q), rows(os.path.join(out, "pyspark"), q)
    same = rs == rp
    failed |= not same
    a, b = s["events"] / s["seconds"], p["events"] / p["seconds"]
    print(f"{q:<6} {a:>12.0f} {b:>13.0f} {a / b:>6.2f}  {len(rs):>9} / {len(rp):<9}  {'yes ' + digest(rs)[:12] if same else 'NO'}")
sys.exit(1 if failed else 0)
