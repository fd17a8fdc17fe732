"""Generate the benchmark inputs once, identically for both engines.

events.parquet — P events as one Parquet file (snappy), via pyarrow
events.jsonl   — the first J of them as JSON lines (~110 B each); stream-in/ the same split in 20 files
Columns: event_id, user_id (10k distinct), kind, amount, ts.
Usage: python bench/gen_data.py OUT_DIR P J
"""
import json
import os
import random
import sys

import pyarrow as pa
import pyarrow.parquet as pq

out, n, n_json = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out, exist_ok=True)
rnd = random.Random(42)
kinds = ["view", "click", "cart", "buy"]
base = 1_735_689_600_000  # 2025-01-01T00:00:00Z
ids, users, ks, amounts, ts = [], [], [], [], []
jsonl = os.path.join(out, "events.jsonl")
with open(jsonl, "w") as f:
    for i in range(n):
        t = base + i * 10 + rnd.randint(0, 9)
        e = {
            "event_id": f"e{i:09d}",
            "user_id": f"u{rnd.randint(0, 9999):05d}",
            "kind": kinds[rnd.randint(0, 3)],
            "amount": round(rnd.random() * 100, 2),
            "ts": f"{__import__('datetime').datetime.utcfromtimestamp(t / 1000).isoformat(timespec='milliseconds')}Z",
        }
        if i < n_json:
            f.write(json.dumps(e) + "\n")
        ids.append(e["event_id"]); users.append(e["user_id"]); ks.append(e["kind"]); amounts.append(e["amount"]); ts.append(t * 1000)
table = pa.table({
    "event_id": pa.array(ids, pa.string()),
    "user_id": pa.array(users, pa.string()),
    "kind": pa.array(ks, pa.string()),
    "amount": pa.array(amounts, pa.float64()),
    "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
})
pq.write_table(table, os.path.join(out, "events.parquet"), compression="snappy")
# the streaming benchmark reads a folder of files
os.makedirs(os.path.join(out, "stream-in"), exist_ok=True)
with open(jsonl) as src:
    lines = src.readlines()
chunk = max(1, len(lines) // 20)
for i in range(0, len(lines), chunk):
    with open(os.path.join(out, "stream-in", f"part-{i // chunk:03d}.json"), "w") as f:
        f.writelines(lines[i : i + chunk])
print(f"wrote {n} events to {out}")
