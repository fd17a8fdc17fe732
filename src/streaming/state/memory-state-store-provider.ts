/**
 * The default state store provider: the whole state in a Map, checkpointed as one delta file per
 * version (`N.delta`: the puts and removes of batch N-1→N) plus a snapshot (`N.snapshot`) every
 * `minDeltasForSnapshot` versions, in `<checkpoint>/state/<operator>/<partition>[/<store>]/`.
 *
 * Loading version V: newest snapshot S ≤ V, then deltas S+1..V. The provider keeps the last
 * committed map in memory, so the next batch opens it without reading files; a batch's writes go
 * to an overlay and are applied on commit — commit costs what the batch changed.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SluiceError } from "../../common/errors.js";
import { writeFileAtomic } from "../checkpoint/atomic-file.js";
import { decodeValue, encodeValue } from "./state-codec.js";
import type { StateSchema, StateStore, StateStoreConf, StateStoreId, StateStoreMetrics, StateStoreProvider, StateValue } from "./state-store.js";
import { checkStateSchema } from "./state-schema.js";

const TOMBSTONE = Symbol("removed");
type Pending = StateValue | typeof TOMBSTONE;

export function storeDir(id: StateStoreId): string {
  const base = join(id.checkpointRoot, String(id.operatorId), String(id.partitionId));
  return id.storeName === "default" ? base : join(base, id.storeName);
}

export class MemoryStateStoreProvider implements StateStoreProvider {
  readonly dir: string;
  /** The last committed (or loaded) version and its map. */
  #loadedVersion = -1;
  #map = new Map<string, StateValue>();
  #lastCommitTimeMs = 0;

  constructor(
    readonly id: StateStoreId,
    readonly schema: StateSchema,
    readonly conf: StateStoreConf,
  ) {
    this.dir = storeDir(id);
    checkStateSchema(id, schema);
  }

  async getStore(version: number): Promise<StateStore> {
    if (version !== this.#loadedVersion) {
      this.#map = this.load(version);
      this.#loadedVersion = version;
    }
    return new MemoryStateStore(this, version, this.#map);
  }

  /** @internal Called by the store: write N.delta, then apply the overlay to the shared map. */
  commitVersion(version: number, pending: Map<string, Pending>, map: Map<string, StateValue>): number {
    const lines = ["v1"];
    const { valueSchema } = this.schema;
    for (const [k, v] of pending) lines.push(JSON.stringify(v === TOMBSTONE ? ["r", k] : ["p", k, encodeValue(valueSchema, v)]));
    const next = version + 1;
    writeFileAtomic(join(this.dir, `${next}.delta`), lines.join("\n"));
    for (const [k, v] of pending) {
      if (v === TOMBSTONE) map.delete(k);
      else map.set(k, v);
    }
    this.#loadedVersion = next;
    this.#map = map;
    return next;
  }

  /** @internal */
  set lastCommitTimeMs(ms: number) {
    this.#lastCommitTimeMs = ms;
  }
  get lastCommitTimeMs(): number {
    return this.#lastCommitTimeMs;
  }

  private files(): { deltas: Set<number>; snapshots: number[] } {
    const deltas = new Set<number>();
    const snapshots: number[] = [];
    if (!existsSync(this.dir)) return { deltas, snapshots };
    for (const f of readdirSync(this.dir)) {
      const m = /^(\d+)\.(delta|snapshot)$/.exec(f);
      if (!m) continue;
      if (m[2] === "delta") deltas.add(Number(m[1]));
      else snapshots.push(Number(m[1]));
    }
    snapshots.sort((a, b) => a - b);
    return { deltas, snapshots };
  }

  private readLines(file: string): string[] {
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n");
    if (lines[0] !== "v1") throw new SluiceError("input", "STATE_CORRUPT", `State file ${file} is corrupt: no v1 header`, { file });
    return lines.slice(1).filter((l) => l !== "");
  }

  /** Rebuild version `version` from the newest snapshot at or below it and the deltas after it. */
  private load(version: number): Map<string, StateValue> {
    const map = new Map<string, StateValue>();
    if (version === 0) return map;
    const { deltas, snapshots } = this.files();
    const base = snapshots.filter((s) => s <= version).pop() ?? 0;
    const { valueSchema } = this.schema;
    try {
      if (base > 0) {
        const file = join(this.dir, `${base}.snapshot`);
        for (const l of this.readLines(file)) {
          const [k, v] = JSON.parse(l) as [string, unknown[]];
          map.set(k, decodeValue(valueSchema, v));
        }
      }
      for (let v = base + 1; v <= version; v++) {
        const file = join(this.dir, `${v}.delta`);
        if (!deltas.has(v)) {
          throw new SluiceError("input", "STATE_VERSION_MISSING", `Cannot load state version ${version}: ${file} is missing (the state checkpoint is incomplete)`, { file });
        }
        for (const l of this.readLines(file)) {
          const e = JSON.parse(l) as ["p", string, unknown[]] | ["r", string];
          if (e[0] === "p") map.set(e[1], decodeValue(valueSchema, e[2]));
          else map.delete(e[1]);
        }
      }
    } catch (e) {
      if (e instanceof SluiceError) throw e;
      throw new SluiceError("input", "STATE_CORRUPT", `State for operator ${this.id.operatorId} partition ${this.id.partitionId} is corrupt: ${(e as Error).message}`, { file: this.dir }, { cause: e });
    }
    return map;
  }

  deltasSinceSnapshot(): number {
    const { snapshots } = this.files();
    return this.#loadedVersion - (snapshots[snapshots.length - 1] ?? 0);
  }

  /** Snapshot the loaded version when enough deltas accumulated; delete files no longer needed. */
  async doMaintenance(): Promise<void> {
    const v = this.#loadedVersion;
    if (v <= 0) return;
    if (this.deltasSinceSnapshot() >= this.conf.minDeltasForSnapshot) {
      const { valueSchema } = this.schema;
      const lines = ["v1"];
      for (const [k, val] of this.#map) lines.push(JSON.stringify([k, encodeValue(valueSchema, val)]));
      writeFileAtomic(join(this.dir, `${v}.snapshot`), lines.join("\n"));
    }
    // Keep what is needed to load any of the last minVersionsToRetain versions.
    const oldest = v - this.conf.minVersionsToRetain + 1;
    if (oldest <= 1) return;
    const { deltas, snapshots } = this.files();
    const keepFrom = snapshots.filter((s) => s <= oldest).pop();
    if (keepFrom === undefined) return;
    for (const d of deltas) if (d <= keepFrom) rmSync(join(this.dir, `${d}.delta`), { force: true });
    for (const s of snapshots) if (s < keepFrom) rmSync(join(this.dir, `${s}.snapshot`), { force: true });
  }

  async close(): Promise<void> {}
}

class MemoryStateStore implements StateStore {
  readonly #pending = new Map<string, Pending>();
  #updated = 0;
  #removed = 0;
  #done = false;

  constructor(
    private readonly provider: MemoryStateStoreProvider,
    readonly version: number,
    private readonly base: Map<string, StateValue>,
  ) {}

  get(key: string): StateValue | undefined {
    const p = this.#pending.get(key);
    if (p === TOMBSTONE) return undefined;
    return p ?? this.base.get(key);
  }
  put(key: string, value: StateValue): void {
    this.#pending.set(key, value);
    this.#updated++;
  }
  remove(key: string): void {
    if (this.get(key) === undefined) return;
    this.#pending.set(key, TOMBSTONE);
    this.#removed++;
  }
  *iterator(): IterableIterator<[string, StateValue]> {
    for (const [k, v] of this.base) {
      const p = this.#pending.get(k);
      if (p === undefined) yield [k, v];
      else if (p !== TOMBSTONE) yield [k, p];
    }
    for (const [k, p] of this.#pending) if (p !== TOMBSTONE && !this.base.has(k)) yield [k, p];
  }
  *prefixScan(prefix: string): IterableIterator<[string, StateValue]> {
    for (const e of this.iterator()) if (e[0].startsWith(prefix)) yield e;
  }
  async commit(): Promise<number> {
    if (this.#done) throw new SluiceError("internal", "STATE_STORE_CLOSED", `State store version ${this.version} was already committed or aborted`);
    const t = performance.now();
    const next = this.provider.commitVersion(this.version, this.#pending, this.base);
    this.provider.lastCommitTimeMs = performance.now() - t;
    this.#done = true;
    return next;
  }
  abort(): void {
    this.#pending.clear();
    this.#done = true;
  }
  metrics(): StateStoreMetrics {
    let total = this.base.size;
    for (const [k, p] of this.#pending) {
      const inBase = this.base.has(k);
      if (p === TOMBSTONE && inBase) total--;
      else if (p !== TOMBSTONE && !inBase) total++;
    }
    return {
      numRowsTotal: total,
      numRowsUpdated: this.#updated,
      numRowsRemoved: this.#removed,
      // Rough: key chars × 2 + 64 bytes per entry for the value array and map slot.
      memoryUsedBytes: total * 96,
      commitTimeMs: this.provider.lastCommitTimeMs,
      numDeltaFilesSinceSnapshot: this.provider.deltasSinceSnapshot(),
    };
  }
}
