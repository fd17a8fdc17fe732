/**
 * State larger than memory (`spark.sql.streaming.stateStore.providerClass` = "leveldb"): the
 * working state lives in an embedded LevelDB (classic-level, loaded only when chosen) under
 * `<store dir>/_leveldb`, while the checkpoint files are the same delta/snapshot files as the
 * in-memory provider — so the files stay the source of truth and both providers read each
 * other's checkpoints. When the checkpoint is on an object store, the DB lives in a local temp
 * folder instead (removed on close) and only the files go to the store. The DB records which
 * version it holds; opening another version rebuilds it from the files. The DB is a working copy for one run: a new provider (a query start) deletes
 * whatever an earlier run left there, so across restarts only the checksummed files are trusted
 * (LevelDB does not verify its table blocks by default, and a damaged DB may not open at all).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLocalPath, localPathOf } from "../../fs/path.js";
import { checkStateSchema } from "./state-schema.js";
import { type Pending, TOMBSTONE, cleanupStateFiles, deltasSinceSnapshot, replayVersion, writeDelta, writeSnapshot } from "./state-files.js";
import { storeDir } from "./memory-state-store-provider.js";
import { OverlayStore } from "./overlay-store.js";
import { decodeValue, encodeValue } from "./state-codec.js";
import type { StateSchema, StateStore, StateStoreConf, StateStoreId, StateStoreProvider, StateValue } from "./state-store.js";

const VERSION_KEY = "\u0000version";
const COUNT_KEY = "\u0000count";

interface Level {
  open(): Promise<void>;
  close(): Promise<void>;
  clear(): Promise<void>;
  getSync(key: string): string | undefined;
  batch(ops: { type: "put" | "del"; key: string; value?: string }[]): Promise<void>;
  iterator(opts?: { gte?: string; lt?: string }): { nextv(n: number): Promise<[string, string][]>; close(): Promise<void> };
}

export class LevelDbStateStoreProvider implements StateStoreProvider {
  readonly dir: string;
  #db: Level | null = null;
  /** The DB's folder, while it is open. */
  #dbDir: string | null = null;
  #lastCommitTimeMs = 0;

  constructor(
    readonly id: StateStoreId,
    readonly schema: StateSchema,
    readonly conf: StateStoreConf,
  ) {
    this.dir = storeDir(id);
    checkStateSchema(this.dir, id, schema);
  }

  private async db(): Promise<Level> {
    if (!this.#db) {
      const { ClassicLevel } = await import("classic-level");
      const dir = isLocalPath(this.dir) ? join(localPathOf(this.dir), "_leveldb") : mkdtempSync(join(tmpdir(), "sluice-leveldb-"));
      rmSync(dir, { recursive: true, force: true });
      this.#dbDir = dir;
      const db = new ClassicLevel<string, string>(dir) as unknown as Level;
      await db.open();
      this.#db = db;
    }
    return this.#db;
  }

  private loadedVersion(db: Level): number {
    const v = db.getSync(VERSION_KEY);
    return v === undefined ? -1 : Number(v);
  }

  async getStore(version: number): Promise<StateStore> {
    const db = await this.db();
    if (this.loadedVersion(db) !== version) await this.rebuild(db, version);
    const { enc, dec } = this.codec();
    const getRaw = (k: string): string | undefined => db.getSync("k" + k);
    return new OverlayStore(version, {
      get: (k) => {
        const s = getRaw(k);
        return s === undefined ? undefined : dec(s);
      },
      has: (k) => getRaw(k) !== undefined,
      size: () => Number(db.getSync(COUNT_KEY) ?? "0"),
      entries: (prefix) => scan(db, "k" + (prefix ?? ""), dec),
      commit: (pending) => this.commitVersion(db, version, pending, enc),
      metrics: () => ({ commitTimeMs: this.#lastCommitTimeMs, numDeltaFilesSinceSnapshot: deltasSinceSnapshot(this.dir, this.loadedVersion(db)) }),
    });
  }

  /** Values are stored as JSON through the schema codec (binary, maps and NaN survive). */
  private codec(): { enc: (v: StateValue) => string; dec: (s: string) => StateValue } {
    const schema = this.schema.valueSchema;
    return { enc: (v) => JSON.stringify(encodeValue(schema, v)), dec: (s) => decodeValue(schema, JSON.parse(s) as unknown[]) };
  }

  private async rebuild(db: Level, version: number): Promise<void> {
    const { enc } = this.codec();
    await db.clear();
    let ops: { type: "put" | "del"; key: string; value?: string }[] = [];
    const live = new Set<string>();
    replayVersion(this.dir, version, this.schema.valueSchema, (k, v) => {
      if (v === undefined) {
        live.delete(k);
        ops.push({ type: "del", key: "k" + k });
      } else {
        live.add(k);
        ops.push({ type: "put", key: "k" + k, value: enc(v) });
      }
    });
    for (let i = 0; i < ops.length; i += 10_000) await db.batch(ops.slice(i, i + 10_000));
    ops = [];
    await db.batch([
      { type: "put", key: COUNT_KEY, value: String(live.size) },
      { type: "put", key: VERSION_KEY, value: String(version) },
    ]);
  }

  private async commitVersion(db: Level, version: number, pending: Map<string, Pending>, enc: (v: StateValue) => string): Promise<number> {
    const t = performance.now();
    const next = version + 1;
    writeDelta(this.dir, next, pending, this.schema.valueSchema, this.conf.compressionCodec ?? "none");
    let count = Number(db.getSync(COUNT_KEY) ?? "0");
    const ops: { type: "put" | "del"; key: string; value?: string }[] = [];
    for (const [k, v] of pending) {
      const exists = db.getSync("k" + k) !== undefined;
      if (v === TOMBSTONE) {
        if (exists) count--;
        ops.push({ type: "del", key: "k" + k });
      } else {
        if (!exists) count++;
        ops.push({ type: "put", key: "k" + k, value: enc(v) });
      }
    }
    ops.push({ type: "put", key: COUNT_KEY, value: String(count) }, { type: "put", key: VERSION_KEY, value: String(next) });
    await db.batch(ops);
    this.#lastCommitTimeMs = performance.now() - t;
    return next;
  }

  async doMaintenance(): Promise<void> {
    const db = await this.db();
    const v = this.loadedVersion(db);
    if (v <= 0) return;
    if (deltasSinceSnapshot(this.dir, v) >= this.conf.minDeltasForSnapshot) {
      const entries: [string, StateValue][] = [];
      for await (const chunk of scan(db, "k", this.codec().dec)) entries.push(...chunk);
      writeSnapshot(this.dir, v, entries, this.schema.valueSchema, this.conf.compressionCodec ?? "none");
    }
    cleanupStateFiles(this.dir, v, this.conf);
  }

  async close(): Promise<void> {
    await this.#db?.close();
    this.#db = null;
    if (this.#dbDir !== null && !isLocalPath(this.dir)) rmSync(this.#dbDir, { recursive: true, force: true });
    this.#dbDir = null;
  }
}

/** Entries with keys starting with `prefix` (keys carry a one-letter namespace, stripped here), in chunks. */
async function* scan(db: Level, prefix: string, dec: (s: string) => StateValue): AsyncIterable<[string, StateValue][]> {
  const it = db.iterator({ gte: prefix, lt: prefix + "\uffff" });
  try {
    for (;;) {
      const chunk = await it.nextv(1000);
      if (chunk.length === 0) return;
      yield chunk.map(([k, v]) => [k.slice(1), dec(v)]);
    }
  } finally {
    await it.close();
  }
}
