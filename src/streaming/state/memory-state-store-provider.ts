/**
 * The default state store provider: the whole state in a Map, checkpointed as one delta file per
 * version plus a snapshot every `minDeltasForSnapshot` versions (see state-files.ts), under
 * `<checkpoint>/state/<operator>/<partition>[/<store>]/`.
 *
 * The provider keeps the last committed map in memory, so the next batch opens it without
 * reading files; a batch's writes go to an overlay applied on commit — commit costs what the
 * batch changed. Opening any other version (a re-run after a crash) rebuilds it from the files.
 */
import { joinPath } from "../../fs/path.js";
import { checkStateSchema } from "./state-schema.js";
import { type Pending, TOMBSTONE, cleanupStateFiles, deltasSinceSnapshot, replayVersion, writeDelta, writeSnapshot } from "./state-files.js";
import type { StateSchema, StateStore, StateStoreConf, StateStoreId, StateStoreMetrics, StateStoreProvider, StateValue } from "./state-store.js";
import { OverlayStore } from "./overlay-store.js";

const SCAN_CHUNK = 4096;

export function storeDir(id: StateStoreId): string {
  const base = joinPath(id.checkpointRoot, String(id.operatorId), String(id.partitionId));
  return id.storeName === "default" ? base : joinPath(base, id.storeName);
}

export class MemoryStateStoreProvider implements StateStoreProvider {
  readonly dir: string;
  #loadedVersion = -1;
  #map = new Map<string, StateValue>();
  #lastCommitTimeMs = 0;

  constructor(
    readonly id: StateStoreId,
    readonly schema: StateSchema,
    readonly conf: StateStoreConf,
  ) {
    this.dir = storeDir(id);
    checkStateSchema(this.dir, id, schema);
  }

  async getStore(version: number): Promise<StateStore> {
    if (version !== this.#loadedVersion) {
      const map = new Map<string, StateValue>();
      replayVersion(this.dir, version, this.schema.valueSchema, (k, v) => (v === undefined ? map.delete(k) : map.set(k, v)));
      this.#map = map;
      this.#loadedVersion = version;
    }
    const map = this.#map;
    return new OverlayStore(version, {
      get: (k) => map.get(k),
      has: (k) => map.has(k),
      size: () => map.size,
      entries: async function* (prefix) {
        let chunk: [string, StateValue][] = [];
        for (const e of map) {
          if (prefix !== undefined && !e[0].startsWith(prefix)) continue;
          chunk.push(e);
          if (chunk.length === SCAN_CHUNK) {
            yield chunk;
            chunk = [];
          }
        }
        if (chunk.length > 0) yield chunk;
      },
      commit: async (pending) => this.commitVersion(version, pending),
      metrics: () => ({ commitTimeMs: this.#lastCommitTimeMs, numDeltaFilesSinceSnapshot: deltasSinceSnapshot(this.dir, this.#loadedVersion) }),
    });
  }

  private commitVersion(version: number, pending: Map<string, Pending>): number {
    const t = performance.now();
    const next = version + 1;
    writeDelta(this.dir, next, pending, this.schema.valueSchema, this.conf.compressionCodec ?? "none");
    if (this.#map.size === 0) {
      // Nothing committed yet (a first batch): the batch's map becomes the state, no copy.
      for (const [k, v] of pending) if (v === TOMBSTONE) pending.delete(k);
      this.#map = pending as Map<string, StateValue>;
    } else {
      for (const [k, v] of pending) {
        if (v === TOMBSTONE) this.#map.delete(k);
        else this.#map.set(k, v);
      }
    }
    this.#loadedVersion = next;
    this.#lastCommitTimeMs = performance.now() - t;
    return next;
  }

  async doMaintenance(): Promise<void> {
    const v = this.#loadedVersion;
    if (v <= 0) return;
    if (deltasSinceSnapshot(this.dir, v) >= this.conf.minDeltasForSnapshot) writeSnapshot(this.dir, v, this.#map, this.schema.valueSchema, this.conf.compressionCodec ?? "none");
    cleanupStateFiles(this.dir, v, this.conf);
  }

  async close(): Promise<void> {}
}

export type { StateStoreMetrics };
