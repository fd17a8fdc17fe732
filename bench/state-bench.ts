/**
 * State store benchmark (issue 5): K keys, then batches that change 1% of them. Reports commit
 * time per batch against the number of changed keys and the total, for the in-memory and LevelDB
 * providers, and how long recovery (a fresh provider loading the latest version) takes, once with
 * plain state files and once gzip-compressed (spark.sql.streaming.stateStore.compression.codec),
 * with the bytes of a batch's delta file for each. Then the state keys of the streaming bench cases
 * (stream-dedup: one STRING; stream-window-count: a window struct and a STRING), json against
 * binary in the same run: keys built per second, and a deduplication kernel's rows per second
 * over fresh keys (hash tables, keys, partitioning, store lookups and puts; 32 partitions).
 * Usage: tsx bench/state-bench.ts [keys=10000000] [batches=5]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { batchFromRows } from "../src/columnar/column-batch.js";
import type { Vector } from "../src/columnar/vector.js";
import { DeduplicateKernel } from "../src/streaming/operators/deduplicate-kernel.js";
import { stateKeysOf } from "../src/streaming/operators/state-key.js";
import { LevelDbStateStoreProvider } from "../src/streaming/state/leveldb-state-store-provider.js";
import { MemoryStateStoreProvider } from "../src/streaming/state/memory-state-store-provider.js";
import { storeDir } from "../src/streaming/state/memory-state-store-provider.js";
import type { StateCompressionCodec, StateKeyFormat, StateStoreConf, StateStoreProvider } from "../src/streaming/state/state-store.js";
import { StructType } from "../src/types/struct-type.js";

const KEYS = Number(process.argv[2] ?? 10_000_000);
const BATCHES = Number(process.argv[3] ?? 5);
const schema = { keySchema: StructType.fromDDL("k STRING"), valueSchema: StructType.fromDDL("n BIGINT, s DOUBLE") };

async function bench(name: string, codec: StateCompressionCodec, make: (root: string, conf: StateStoreConf) => StateStoreProvider): Promise<void> {
  const conf = { minDeltasForSnapshot: 10, minVersionsToRetain: 100, compressionCodec: codec };
  const root = mkdtempSync(join(tmpdir(), "sluice-state-bench-"));
  const p = make(root, conf);
  let t = performance.now();
  const s0 = await p.getStore(0);
  for (let i = 0; i < KEYS; i++) s0.put(`user-${i}`, [1n, i]);
  await s0.commit();
  const loadMs = performance.now() - t;
  const commits: number[] = [];
  const changed = Math.max(1, Math.floor(KEYS / 100));
  for (let b = 1; b <= BATCHES; b++) {
    const s = await p.getStore(b);
    for (let j = 0; j < changed; j++) {
      const k = `user-${(j * 97 + b * 7919) % KEYS}`;
      const v = s.get(k)!;
      s.put(k, [(v[0] as bigint) + 1n, (v[1] as number) + 0.5]);
    }
    t = performance.now();
    await s.commit();
    commits.push(performance.now() - t);
  }
  await p.close();
  t = performance.now();
  const deltaBytes = Array.from({ length: BATCHES }, (_, b) => statSync(join(storeDir(id(root)), `${b + 2}.delta`)).size);
  const fresh = make(root, conf);
  const recovered = await fresh.getStore(BATCHES + 1);
  const recoveryMs = performance.now() - t;
  const total = recovered.metrics().numRowsTotal;
  await fresh.close();
  rmSync(root, { recursive: true, force: true });
  const avg = commits.reduce((a, b) => a + b, 0) / commits.length;
  console.log(
    JSON.stringify({ provider: name, codec, keys: KEYS, changedPerBatch: changed, initialLoadAndCommitMs: Math.round(loadMs), avgCommitMsAt1Percent: Math.round(avg), commitPerChangedKeyUs: +((avg * 1000) / changed).toFixed(2), recoveryMs: Math.round(recoveryMs), recoveredRows: total, avgDeltaBytesAt1Percent: Math.round(deltaBytes.reduce((a, b) => a + b, 0) / BATCHES) }),
  );
}

const id = (root: string) => ({ checkpointRoot: root, operatorId: 0, partitionId: 0, storeName: "default" });
for (const codec of ["none", "gzip"] as const) {
  await bench("memory", codec, (root, conf) => new MemoryStateStoreProvider(id(root), schema, conf));
  await bench("leveldb", codec, (root, conf) => new LevelDbStateStoreProvider(id(root), schema, conf));
}

/** Batches of 65536 rows of the bench cases' key columns: event ids, and (window, kind). */
function keyBatches(batches: number): { ids: Vector[][]; windows: Vector[][] } {
  const kinds = ["view", "click", "cart", "buy"];
  const ids: Vector[][] = [];
  const windows: Vector[][] = [];
  for (let b = 0; b < batches; b++) {
    const rows = Array.from({ length: 65536 }, (_, i) => {
      const n = b * 65536 + i;
      const start = new Date(1_735_689_600_000 + Math.floor(n / 6000) * 60_000);
      return { event_id: `e${String(n).padStart(9, "0")}`, window: { start, end: new Date(start.getTime() + 60_000) }, kind: kinds[n % 4] };
    });
    const batch = batchFromRows(StructType.fromDDL("event_id STRING, window STRUCT<start: TIMESTAMP, end: TIMESTAMP>, kind STRING"), rows);
    ids.push([batch.columns[0]!]);
    windows.push([batch.columns[1]!, batch.columns[2]!]);
  }
  return { ids, windows };
}

/** Rows per second of `run` over every batch, best of 3 rounds (the machine may be shared). */
function rate(batches: readonly Vector[][], run: (cols: readonly Vector[]) => void): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    for (const cols of batches) run(cols);
    best = Math.min(best, performance.now() - t);
  }
  return Math.round((batches.length * 65536) / (best / 1000));
}

async function dedupRate(batches: readonly Vector[][], format: StateKeyFormat): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), "sluice-key-bench-"));
  const partitions = 32;
  const stores = await Promise.all(Array.from({ length: partitions }, (_, p) => new MemoryStateStoreProvider({ ...id(root), partitionId: p }, { keySchema: StructType.fromDDL("event_id STRING"), valueSchema: StructType.fromDDL("t BIGINT") }, { minDeltasForSnapshot: 10, minVersionsToRetain: 100 }).getStore(0)));
  const t = performance.now();
  const kernel = new DeduplicateKernel([{ kind: "string" }], partitions, (p) => stores[p]!, 0, format);
  for (const cols of batches) kernel.process(cols, 65536, () => 0, null);
  const ms = performance.now() - t;
  rmSync(root, { recursive: true, force: true });
  return Math.round((batches.length * 65536) / (ms / 1000));
}

const { ids, windows } = keyBatches(8);
const keys: Record<string, unknown> = {};
for (const format of ["json", "binary"] as const) {
  let sink = 0;
  const build = (cols: readonly Vector[]) => {
    const keyOf = stateKeysOf(format, cols);
    for (let i = 0; i < 65536; i++) sink += keyOf(i).length;
  };
  keys[format] = {
    dedupKeysPerSecond: rate(ids, build),
    windowKeysPerSecond: rate(windows, build),
    dedupKernelRowsPerSecond: await dedupRate(ids, format),
    dedupKeyChars: stateKeysOf(format, ids[0]!)(0).length,
    windowKeyChars: stateKeysOf(format, windows[0]!)(0).length,
  };
  if (sink === 0) throw new Error("no keys were built");
}
console.log(JSON.stringify({ stateKeys: keys }));
