/**
 * A partition worker (worker_threads): it owns the state stores of the shuffle partitions the
 * pool gives it (partition % threads), keeps them open between batches of a query run, and runs
 * the stateful kernels over the rows the main thread routes to those partitions. Messages:
 * partition-protocol.ts. Every request gets one reply, `ok` with its result or `error`.
 */
import { parentPort } from "node:worker_threads";
import type { Vector } from "../columnar/vector.js";
import { SluiceError } from "../common/errors.js";
import { AggregateKernel, aggregateLayoutFromWire } from "../streaming/operators/aggregate-kernel.js";
import { DeduplicateKernel } from "../streaming/operators/deduplicate-kernel.js";
import { LevelDbStateStoreProvider } from "../streaming/state/leveldb-state-store-provider.js";
import { MemoryStateStoreProvider } from "../streaming/state/memory-state-store-provider.js";
import { sumStoreMetrics } from "../streaming/state/partitioned-state-store.js";
import type { StateStore, StateStoreProvider } from "../streaming/state/state-store.js";
import type { DataType } from "../types/data-type.js";
import { dataTypeFromJson } from "../types/json-schema.js";
import { StructType } from "../types/struct-type.js";
import { toWireError } from "../common/worker-thread.js";
import type { AggregateFinished, FromWorker, StoreSpec, ToWorker, WithHadoopConf } from "./partition-protocol.js";
import { adoptSessionHadoopConf } from "../fs/file-systems.js";
import { type WireVector, fromWire, toWire } from "./vector-wire.js";

const port = parentPort;
if (!port) throw new Error("partition-worker.ts must run in a worker thread");

/** Open providers by `<run>/<operator>/<partition>`. */
const providers = new Map<string, StateStoreProvider>();

/** An aggregation's kernel, and the input ordinal of each touched group's first row. */
interface AggregateTask {
  readonly kernel: AggregateKernel;
  readonly firstOrdinals: number[];
}

interface OpenTask {
  readonly stores: Map<number, StateStore>;
  readonly providers: StateStoreProvider[];
  readonly kernel: DeduplicateKernel | AggregateTask;
}
const tasks = new Map<string, OpenTask>();

async function openStores(s: StoreSpec): Promise<{ stores: Map<number, StateStore>; providers: StateStoreProvider[] }> {
  const struct = (j: unknown): StructType => new StructType((dataTypeFromJson(j) as StructType).fields);
  const schema = { keySchema: struct(s.keySchema), valueSchema: struct(s.valueSchema) };
  const stores = new Map<number, StateStore>();
  const opened: StateStoreProvider[] = [];
  for (const partitionId of s.partitions) {
    const key = `${s.run}/${s.operatorId}/${partitionId}`;
    let p = providers.get(key);
    if (!p) {
      const id = { checkpointRoot: s.checkpointRoot, operatorId: s.operatorId, partitionId, storeName: "default" };
      p = s.providerKind === "leveldb" ? new LevelDbStateStoreProvider(id, schema, s.conf) : new MemoryStateStoreProvider(id, schema, s.conf);
      providers.set(key, p);
    }
    opened.push(p);
    stores.set(partitionId, await p.getStore(s.batchId));
  }
  return { stores, providers: opened };
}

function task(name: string): OpenTask {
  const t = tasks.get(name);
  if (!t) throw new SluiceError("internal", "PARTITION_TASK_UNKNOWN", `Partition task ${name} is not open in this worker`);
  return t;
}

const dedupTask = (name: string): OpenTask & { kernel: DeduplicateKernel } => {
  const t = task(name);
  if (!(t.kernel instanceof DeduplicateKernel)) throw new SluiceError("internal", "PARTITION_TASK_UNKNOWN", `Partition task ${name} is not a deduplication`);
  return t as OpenTask & { kernel: DeduplicateKernel };
};

const aggregateTask = (name: string): OpenTask & { kernel: AggregateTask } => {
  const t = task(name);
  if (t.kernel instanceof DeduplicateKernel) throw new SluiceError("internal", "PARTITION_TASK_UNKNOWN", `Partition task ${name} is not an aggregation`);
  return t as OpenTask & { kernel: AggregateTask };
};

/** Commit every store of a finished task (version batch + 1), let the providers snapshot and clean up, and sum the stores' metrics. */
async function commitTask(t: OpenTask): Promise<ReturnType<typeof sumStoreMetrics>> {
  const stores = [...t.stores.values()];
  for (const s of stores) await s.commit();
  for (const p of t.providers) await p.doMaintenance();
  return sumStoreMetrics(stores.map((s) => s.metrics()));
}

async function handle(m: ToWorker): Promise<{ result: unknown; transfer?: ArrayBuffer[] }> {
  switch (m.t) {
    case "dedup.open": {
      const { stores, providers: opened } = await openStores(m.store);
      const keyTypes = m.keyTypes.map((j) => dataTypeFromJson(j) as DataType);
      const kernel = new DeduplicateKernel(keyTypes, m.store.numPartitions, (p) => stores.get(p)!, m.expiryDelayUs, m.store.conf.keyFormat ?? "json");
      tasks.set(m.task, { stores, providers: opened, kernel });
      return { result: null };
    }
    case "dedup.process": {
      const t = dedupTask(m.task);
      const keys = fromWire(m.keys, t.kernel.keyTypes);
      const et = m.eventTimeUs;
      const keep = t.kernel.process(keys, m.numRows, et === null ? () => null : (i) => (Number.isNaN(et[i]!) ? null : et[i]!), null);
      return { result: { keep }, transfer: [keep.buffer as ArrayBuffer] };
    }
    case "dedup.finish": {
      const t = dedupTask(m.task);
      tasks.delete(m.task);
      if (m.evictAtOrBelowMs !== null) await DeduplicateKernel.evict([...t.stores.values()], m.evictAtOrBelowMs);
      return { result: { duplicates: t.kernel.duplicates, metrics: await commitTask(t) } };
    }
    case "agg.open": {
      const { stores, providers: opened } = await openStores(m.store);
      const kernel = new AggregateKernel(aggregateLayoutFromWire(m.layout), m.store.numPartitions, (p) => stores.get(p)!, { eval: m.eval }, m.store.conf.keyFormat ?? "json");
      tasks.set(m.task, { stores, providers: opened, kernel: { kernel, firstOrdinals: [] } });
      return { result: null };
    }
    case "agg.process": {
      const { kernel: t } = aggregateTask(m.task);
      const { layout } = t.kernel;
      const keys = fromWire(m.keys, layout.groupBy.map((e) => e.type));
      const args = m.args.map((cols, a) => fromWire(cols, layout.aggs[a]!.args.map((x) => x.type)));
      const before = t.kernel.numGroups;
      const gids = t.kernel.process(keys, args, m.masks, m.numRows);
      for (let i = 0; i < m.numRows; i++) if (gids[i]! >= before && gids[i]! === t.firstOrdinals.length) t.firstOrdinals.push(m.ordinals[i]!);
      return { result: null };
    }
    case "agg.finish": {
      const t = aggregateTask(m.task);
      tasks.delete(m.task);
      const partitions = [...t.stores.keys()];
      const out = await t.kernel.kernel.finish([...t.stores.values()], m.end);
      const transfer: ArrayBuffer[] = [];
      const wire = (columns: readonly Vector[]): WireVector[] => {
        const w = toWire(columns);
        transfer.push(...w.transfer);
        return w.columns;
      };
      let touched: AggregateFinished["touched"] = null;
      if (out.touched) {
        const firstOrdinals = Float64Array.from(t.kernel.firstOrdinals);
        transfer.push(firstOrdinals.buffer as ArrayBuffer);
        touched = { columns: wire(out.touched.columns), numRows: out.touched.numRows, firstOrdinals };
      }
      const result: AggregateFinished = {
        touched,
        stored: out.stored.map((b, i) => ({ partition: partitions[i]!, columns: wire(b.columns), numRows: b.numRows })),
        numGroups: t.kernel.kernel.numGroups,
        metrics: await commitTask(t),
      };
      return { result, transfer };
    }
    case "scan.partialAggregate": {
      // Loaded on first use: the file readers (Parquet's WebAssembly) are not needed by stateful tasks.
      const { runAggregateFragment } = await import("./aggregate-fragment.js");
      return runAggregateFragment(m.piece, m.fragment, m.eval, m.batchSize);
    }
    case "scan.rows": {
      const { runScanFragment } = await import("./scan-fragment.js");
      return runScanFragment(m.piece, m.steps, m.order, m.eval, m.batchSize);
    }
    case "join.broadcast": {
      const { registerBroadcast } = await import("./join-fragment.js");
      registerBroadcast(m.key, m.spec, m.build, m.eval);
      return { result: null };
    }
    case "scan.join": {
      const { runJoinFragment } = await import("./join-fragment.js");
      return runJoinFragment(m.piece, m.steps, m.broadcast, m.eval, m.batchSize);
    }
    case "join.release": {
      const { releaseBroadcast } = await import("./join-fragment.js");
      releaseBroadcast(m.key);
      return { result: null };
    }
    case "window.partitions": {
      const { runWindowFragment } = await import("./window-fragment.js");
      return runWindowFragment(m.fragment, m.rows, m.eval, m.batchSize);
    }
    case "release": {
      for (const name of [...tasks.keys()]) if (name.startsWith(`${m.run}/`)) tasks.delete(name);
      for (const [key, p] of [...providers]) {
        if (!key.startsWith(`${m.run}/`)) continue;
        providers.delete(key);
        await p.close();
      }
      return { result: null };
    }
  }
}

// One request at a time, in arrival order: a batch's process messages precede its finish.
let queue = Promise.resolve();
port.on("message", (m: ToWorker & WithHadoopConf) => {
  queue = queue.then(async () => {
    let reply: FromWorker;
    let transfer: ArrayBuffer[] = [];
    try {
      adoptSessionHadoopConf(m.hadoopConf);
      const r = await handle(m);
      reply = { t: "ok", id: m.id, result: r.result };
      transfer = r.transfer ?? [];
    } catch (e) {
      reply = { t: "error", id: m.id, error: toWireError(e) };
    }
    port.postMessage(reply, transfer);
  });
});
