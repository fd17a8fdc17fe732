/**
 * State store benchmark (issue 5): K keys, then batches that change 1% of them. Reports commit
 * time per batch against the number of changed keys and the total, for the in-memory and LevelDB
 * providers, and how long recovery (a fresh provider loading the latest version) takes.
 * Usage: tsx bench/state-bench.ts [keys=10000000] [batches=5]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LevelDbStateStoreProvider } from "../src/streaming/state/leveldb-state-store-provider.js";
import { MemoryStateStoreProvider } from "../src/streaming/state/memory-state-store-provider.js";
import type { StateStoreProvider } from "../src/streaming/state/state-store.js";
import { StructType } from "../src/types/struct-type.js";

const KEYS = Number(process.argv[2] ?? 10_000_000);
const BATCHES = Number(process.argv[3] ?? 5);
const schema = { keySchema: StructType.fromDDL("k STRING"), valueSchema: StructType.fromDDL("n BIGINT, s DOUBLE") };
const conf = { minDeltasForSnapshot: 10, minVersionsToRetain: 100 };

async function bench(name: string, make: (root: string) => StateStoreProvider): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "sluice-state-bench-"));
  const p = make(root);
  let t = performance.now();
  const s0 = await p.getStore(0);
  for (let i = 0; i < KEYS; i++) s0.put(`user-${i}`, [1, i]);
  await s0.commit();
  const loadMs = performance.now() - t;
  const commits: number[] = [];
  const changed = Math.max(1, Math.floor(KEYS / 100));
  for (let b = 1; b <= BATCHES; b++) {
    const s = await p.getStore(b);
    for (let j = 0; j < changed; j++) {
      const k = `user-${(j * 97 + b * 7919) % KEYS}`;
      const v = s.get(k)!;
      s.put(k, [(v[0] as number) + 1, (v[1] as number) + 0.5]);
    }
    t = performance.now();
    await s.commit();
    commits.push(performance.now() - t);
  }
  await p.close();
  t = performance.now();
  const fresh = make(root);
  const recovered = await fresh.getStore(BATCHES + 1);
  const recoveryMs = performance.now() - t;
  const total = recovered.metrics().numRowsTotal;
  await fresh.close();
  rmSync(root, { recursive: true, force: true });
  const avg = commits.reduce((a, b) => a + b, 0) / commits.length;
  console.log(
    JSON.stringify({ provider: name, keys: KEYS, changedPerBatch: changed, initialLoadAndCommitMs: Math.round(loadMs), avgCommitMsAt1Percent: Math.round(avg), commitPerChangedKeyUs: +((avg * 1000) / changed).toFixed(2), recoveryMs: Math.round(recoveryMs), recoveredRows: total }),
  );
}

const id = (root: string) => ({ checkpointRoot: root, operatorId: 0, partitionId: 0, storeName: "default" });
await bench("memory", (root) => new MemoryStateStoreProvider(id(root), schema, conf));
await bench("leveldb", (root) => new LevelDbStateStoreProvider(id(root), schema, conf));
