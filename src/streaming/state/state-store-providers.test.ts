import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { toArray } from "../../common/async.js";
import { StructType } from "../../types/struct-type.js";
import { LevelDbStateStoreProvider } from "./leveldb-state-store-provider.js";
import { MemoryStateStoreProvider, storeDir } from "./memory-state-store-provider.js";
import type { StateSchema, StateStoreConf, StateStoreId, StateStoreProvider } from "./state-store.js";

const schema = { keySchema: StructType.fromDDL("k STRING"), valueSchema: StructType.fromDDL("n BIGINT, b BINARY, m MAP<STRING, DOUBLE>") };
const conf = { minDeltasForSnapshot: 3, minVersionsToRetain: 2 };
const newId = () => ({ checkpointRoot: mkdtempSync(join(tmpdir(), "sluice-state-")), operatorId: 0, partitionId: 0, storeName: "default" });

const providers = {
  memory: (id: StateStoreId, sc: StateSchema, c: StateStoreConf): StateStoreProvider => new MemoryStateStoreProvider(id, sc, c),
  leveldb: (id: StateStoreId, sc: StateSchema, c: StateStoreConf): StateStoreProvider => new LevelDbStateStoreProvider(id, sc, c),
};

describe.each(Object.entries(providers))("%s state store provider", (_name, make) => {
  it("commits versions, reads pending writes, and reloads any version from files", async () => {
    const id = newId();
    const p = make(id, schema, conf);
    const s0 = await p.getStore(0);
    s0.put("a", [1n, new Uint8Array([1, 2]), new Map([["x", 1.5]])]);
    s0.put("b", [2n, null, null]);
    expect(s0.get("a")?.[0]).toBe(1n);
    expect(s0.metrics()).toMatchObject({ numRowsTotal: 2, numRowsUpdated: 2, numRowsRemoved: 0 });
    expect(await s0.commit()).toBe(1);

    const s1 = await p.getStore(1);
    s1.remove("b");
    s1.put("c", [3n, null, null]);
    expect((await toArray(s1.iterator())).map(([k]) => k).sort()).toEqual(["a", "c"]);
    expect(await s1.commit()).toBe(2);

    // a fresh provider (a restart) rebuilds each version from the delta files
    await p.close();
    const q = make(id, schema, conf);
    const v1 = await q.getStore(1);
    expect((await toArray(v1.iterator())).map(([k]) => k).sort()).toEqual(["a", "b"]);
    expect(v1.get("a")).toEqual([1n, new Uint8Array([1, 2]), new Map([["x", 1.5]])]);
    const v2 = await q.getStore(2);
    expect((await toArray(v2.prefixScan("c")))).toEqual([["c", [3n, null, null]]]);
  });

  it("scans large states in chunks that see the batch's pending changes", async () => {
    const p = make(newId(), schema, conf);
    const s = await p.getStore(0);
    for (let i = 0; i < 5000; i++) s.put(`k${i}`, [BigInt(i), null, null]);
    await s.commit();
    const t = await p.getStore(1);
    t.remove("k1");
    t.put("k2", [-2, null, null]);
    t.put("new", [7, null, null]);
    const chunks = await toArray(t.scanChunks());
    expect(chunks.length).toBeGreaterThan(1);
    const all = new Map(chunks.flat());
    expect(all.size).toBe(5000);
    expect(all.has("k1")).toBe(false);
    expect(all.get("k2")).toEqual([-2, null, null]);
    expect(all.get("new")).toEqual([7, null, null]);
    expect(new Map((await toArray(t.scanChunks("k49"))).flat()).size).toBe(111); // k49, k490-k499, k4900-k4999
  });

  it("writes and reloads state files larger than one write piece (8192 lines)", async () => {
    const id = newId();
    const p = make(id, schema, { minDeltasForSnapshot: 1, minVersionsToRetain: 2 });
    const s = await p.getStore(0);
    for (let i = 0; i < 20000; i++) s.put(`k${i}`, [BigInt(i), null, null]);
    await s.commit();
    await p.doMaintenance(); // snapshot of version 1
    const t = await p.getStore(1);
    for (let i = 0; i < 16383; i++) t.remove(`k${i}`);
    await t.commit();
    await p.close();
    const again = make(id, schema, conf);
    const v1 = new Map((await toArray((await again.getStore(1)).scanChunks())).flat());
    expect(v1.size).toBe(20000);
    expect(v1.get("k19999")).toEqual([19999n, null, null]);
    const v2 = new Map((await toArray((await again.getStore(2)).scanChunks())).flat());
    expect([...v2.keys()].sort()).toEqual(Array.from({ length: 3617 }, (_, i) => `k${i + 16383}`).sort());
  });

  it("refuses a state file that was cut short, lost a line or was renamed, naming it", async () => {
    const id = newId();
    const p = make(id, schema, { minDeltasForSnapshot: 1, minVersionsToRetain: 10 });
    for (let v = 0; v < 2; v++) {
      const s = await p.getStore(v);
      for (let i = 0; i < 3; i++) s.put(`k${v}-${i}`, [i, null, null]);
      await s.commit();
      await p.doMaintenance();
    }
    await p.close();
    const dir = storeDir(id);
    const reopen = async (version: number) => {
      const q = make(id, schema, conf);
      try {
        return (await toArray((await q.getStore(version)).iterator())).length;
      } finally {
        await q.close();
      }
    };
    expect(await reopen(2)).toBe(6);
    const delta = join(dir, "2.delta");
    const text = readFileSync(delta, "utf8");
    const lines = text.split("\n");
    for (const damaged of [text.slice(0, text.lastIndexOf("\n")), [...lines.slice(0, 2), ...lines.slice(3)].join("\n")]) {
      writeFileSync(delta, damaged);
      renameSync(join(dir, "2.snapshot"), join(dir, "x")); // make version 2 load through the delta
      await expect(reopen(2)).rejects.toMatchObject({ code: "STATE_CORRUPT", context: { file: delta } });
      renameSync(join(dir, "x"), join(dir, "2.snapshot"));
    }
    writeFileSync(delta, text);
    // a snapshot renamed to a later version would pass for that version's state
    renameSync(join(dir, "1.snapshot"), join(dir, "3.snapshot"));
    await expect(reopen(3)).rejects.toMatchObject({ code: "STATE_CORRUPT", message: expect.stringContaining("renamed") });
    const schemaFile = join(dir, "_metadata", "schema");
    writeFileSync(schemaFile, readFileSync(schemaFile, "utf8").slice(0, 20));
    expect(() => make(id, schema, conf)).toThrowError(expect.objectContaining({ code: "STATE_CORRUPT", context: { file: schemaFile }, message: expect.stringContaining("delete it") }));
  });

  it("writes gzip state files with compressionCodec gzip, multi-member past a MiB, and reads either codec whatever its own conf", async () => {
    const id = newId();
    const gzip = { minDeltasForSnapshot: 1, minVersionsToRetain: 10, compressionCodec: "gzip" as const };
    const p = make(id, schema, gzip);
    const s = await p.getStore(0);
    for (let i = 0; i < 40000; i++) s.put(`key-${i}`, [BigInt(i), new Uint8Array([i & 255]), null]); // ~2 MiB of lines
    await s.commit();
    await p.doMaintenance(); // 1.snapshot
    await p.close();
    const plain = make(id, schema, { ...conf, compressionCodec: "none" }); // reads gzip, writes plain
    const t = await plain.getStore(1);
    t.put("key-7", [-7n, null, null]);
    await t.commit();
    await plain.close();
    const dir = storeDir(id);
    const head = (f: string) => readFileSync(join(dir, f)).subarray(0, 2).toString("hex");
    expect([head("1.delta"), head("1.snapshot"), head("2.delta")]).toEqual(["1f8b", "1f8b", "7632"]); // gzip, gzip, "v2"
    const small = make(id, schema, gzip); // a delta under 4 KiB stays plain even with gzip
    const u = await small.getStore(2);
    u.put("key-8", [-8n, null, null]);
    await u.commit();
    await small.close();
    expect(head("3.delta")).toBe("7632");
    const snapshot = readFileSync(join(dir, "1.snapshot"));
    expect(snapshot.length).toBeLessThan(gunzipSync(snapshot).length / 4);
    expect(snapshot.indexOf(Buffer.from([0x1f, 0x8b, 8]), 2)).toBeGreaterThan(0); // a second gzip member
    renameSync(join(dir, "1.delta"), join(dir, "1.moved")); // version 2 loads from the snapshot
    const again = make(id, schema, gzip);
    const v2 = new Map((await toArray((await again.getStore(2)).scanChunks())).flat());
    expect(new Map((await toArray((await again.getStore(3)).scanChunks())).flat()).get("key-8")).toEqual([-8n, null, null]);
    await again.close();
    expect(v2.size).toBe(40000);
    expect(v2.get("key-7")).toEqual([-7n, null, null]);
    expect(v2.get("key-39999")).toEqual([39999n, new Uint8Array([39999 & 255]), null]);
    // a damaged compressed file fails naming it
    const damaged = Buffer.from(snapshot);
    damaged[damaged.length >> 1] ^= 0xff;
    writeFileSync(join(dir, "1.snapshot"), damaged);
    const broken = make(id, schema, gzip);
    await expect(broken.getStore(2)).rejects.toMatchObject({ code: "STATE_CORRUPT", context: { file: join(dir, "1.snapshot") } });
    await broken.close();
  });

  it("abort drops the batch's changes", async () => {
    const p = make(newId(), schema, conf);
    const s = await p.getStore(0);
    s.put("a", [1, null, null]);
    await s.commit();
    const t = await p.getStore(1);
    t.put("z", [9, null, null]);
    t.remove("a");
    t.abort();
    const u = await p.getStore(1);
    expect((await toArray(u.iterator())).map(([k]) => k)).toEqual(["a"]);
  });

  it("writes snapshots every minDeltasForSnapshot versions and cleans old files", async () => {
    const id = newId();
    const p = make(id, schema, conf);
    for (let v = 0; v < 7; v++) {
      const s = await p.getStore(v);
      s.put(`k${v}`, [v, null, null]);
      await s.commit();
      await p.doMaintenance();
    }
    const files = readdirSync(storeDir(id)).filter((f) => f !== "_metadata").sort();
    expect(files).toContain("6.snapshot");
    expect(files).not.toContain("1.delta");
    await p.close();
    const fresh = make(id, schema, conf);
    expect((await toArray((await fresh.getStore(7)).iterator())).length).toBe(7);
  });

  it("commit cost follows changed keys: the delta file holds only the batch's changes", async () => {
    const id = newId();
    const p = make(id, schema, { minDeltasForSnapshot: 100, minVersionsToRetain: 100 });
    const s = await p.getStore(0);
    for (let i = 0; i < 1000; i++) s.put(`k${i}`, [BigInt(i), null, null]);
    await s.commit();
    const t = await p.getStore(1);
    t.put("k5", [55, null, null]);
    await t.commit();
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(join(storeDir(id), "2.delta"), "utf8").split("\n").length).toBe(3); // v2 line, the change, checksum line
  });

  it("takes a renamed or narrowed (NOT NULL) state column and refuses one that may now be null, naming it", async () => {
    const id = newId();
    const stored = { keySchema: StructType.fromDDL("k STRING"), valueSchema: StructType.fromDDL("k STRING, a0_0 BIGINT NOT NULL") };
    await make(id, stored, conf).close();
    await make(id, { keySchema: StructType.fromDDL("key STRING NOT NULL"), valueSchema: StructType.fromDDL("key STRING, a0_0 BIGINT NOT NULL") }, conf).close();
    expect(() => make(id, { ...stored, valueSchema: StructType.fromDDL("k STRING, a0_0 BIGINT") }, conf)).toThrowError(
      expect.objectContaining({
        code: "STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE",
        message: expect.stringContaining(`operator ${id.operatorId} was written with value (k STRING, a0_0 BIGINT NOT NULL), but the query now needs value (k STRING, a0_0 BIGINT): column 2 (a0_0) was BIGINT NOT NULL, now it may be null.`),
      }),
    );
  });

  it("fails clearly on a missing delta file or an incompatible schema", async () => {
    const id = newId();
    const p = make(id, schema, conf);
    const s = await p.getStore(0);
    s.put("a", [1, null, null]);
    await s.commit();
    await p.close();
    const { rmSync } = await import("node:fs");
    rmSync(join(storeDir(id), "1.delta"));
    rmSync(join(storeDir(id), "_leveldb"), { recursive: true, force: true });
    const q1 = make(id, schema, conf);
    await expect(q1.getStore(1)).rejects.toMatchObject({ code: "STATE_VERSION_MISSING" });
    await q1.close();
    expect(() => make(id, { ...schema, valueSchema: StructType.fromDDL("n INT") }, conf)).toThrowError(
      expect.objectContaining({ code: "STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE", message: expect.stringContaining("n INT") }),
    );
    writeFileSync(join(storeDir(id), "1.delta"), "garbage");
    const q2 = make(id, schema, conf);
    await expect(q2.getStore(1)).rejects.toMatchObject({ code: "STATE_CORRUPT", message: expect.stringContaining("1.delta") });
    await q2.close();
  });
});

describe("leveldb state store provider across restarts", () => {
  it("trusts only the checkpoint files: a damaged DB left by an earlier run is rebuilt from them", async () => {
    const id = newId();
    const p = new LevelDbStateStoreProvider(id, schema, conf);
    const s = await p.getStore(0);
    s.put("a", [1, null, null]);
    s.put("b", [2, null, null]);
    await s.commit();
    await p.close();
    const current = join(storeDir(id), "_leveldb", "CURRENT");
    expect(existsSync(current)).toBe(true);
    writeFileSync(current, "garbage");
    const q = new LevelDbStateStoreProvider(id, schema, conf);
    expect((await toArray((await q.getStore(1)).iterator())).map(([k]) => k).sort()).toEqual(["a", "b"]);
    await q.close();
  });
});
