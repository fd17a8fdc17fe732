import { randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { getValue } from "../columnar/column-batch.js";
import { readDeltaFiles } from "../connectors/delta/delta-scan.js";
import type { DeletionVectorDescriptor } from "./actions.js";
import {
  decodeRoaringBitmapArray,
  deletionVectorPath,
  encodeDeletionVectorFile,
  encodeRoaringBitmapArray,
  loadDeletionVector,
  uuidToZ85,
  z85Decode,
  z85Encode,
} from "./deletion-vector.js";
import { arrowToParquet } from "./parquet-io.js";
import { loadSnapshot } from "./snapshot.js";
import { errorOf, tempTable } from "./test-helpers.js";

const GOLDEN = join(import.meta.dirname, "..", "..", "..", "shared", "delta-golden", "dv-partitioned-with-checkpoint");

const sortedUnique = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);

describe("Z85", () => {
  it("encodes the ZeroMQ test vector and decodes it back", () => {
    const bytes = Uint8Array.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
    expect(z85Encode(bytes)).toBe("HelloWorld");
    expect([...z85Decode("HelloWorld")]).toEqual([...bytes]);
    expect([...z85Decode(z85Encode(Uint8Array.of(1, 2, 3)), 3)]).toEqual([1, 2, 3]); // padded to 4 bytes
  });

  it("refuses text that is not Z85", () => {
    expect(() => z85Decode("Hello")).not.toThrow();
    expect(() => z85Decode("Hell~")).toThrow(/not Z85/);
    expect(() => z85Decode("Hell")).toThrow(/multiple of 5/);
  });
});

describe("RoaringBitmapArray", () => {
  it("round-trips sparse, dense, run-free and 64-bit row indexes", () => {
    const dense = Array.from({ length: 10_000 }, (_, i) => 70_000 + i * 3); // > 4096 in one container: a bitset
    const cases = [[], [0], [5, 1, 5, 65535, 65536, 131071], dense, [1, 2 ** 32 + 7, 3 * 2 ** 32, 2 ** 40 + 65537]];
    for (const xs of cases) expect([...decodeRoaringBitmapArray(encodeRoaringBitmapArray(xs))]).toEqual(sortedUnique(xs));
  });

  it("reads run containers (cookie 12347), which Spark writes after runOptimize", () => {
    // magic, one bitmap with key 0; inside: cookie with 1 container, run flags 0b1, key 0 / cardinality 10, 1 run 5..14
    const b = Buffer.alloc(4 + 8 + 4 + 4 + 1 + 4 + 2 + 4);
    let p = b.writeInt32LE(1681511377, 0);
    p = b.writeBigInt64LE(1n, p);
    p = b.writeUInt32LE(0, p);
    p = b.writeUInt32LE(12347 | (0 << 16), p);
    p = b.writeUInt8(1, p);
    p = b.writeUInt16LE(0, p);
    p = b.writeUInt16LE(9, p);
    p = b.writeUInt16LE(1, p);
    p = b.writeUInt16LE(5, p);
    b.writeUInt16LE(9, p);
    expect([...decodeRoaringBitmapArray(b)]).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it("refuses a bad magic number, the native form, a truncated bitmap and decreasing keys", () => {
    const good = encodeRoaringBitmapArray([1, 2, 3]);
    const bad = Buffer.from(good);
    bad.writeInt32LE(42, 0);
    expect(() => decodeRoaringBitmapArray(bad)).toThrow(/magic number 42/);
    bad.writeInt32LE(1681511376, 0);
    expect(() => decodeRoaringBitmapArray(bad)).toThrow(/native/);
    expect(() => decodeRoaringBitmapArray(good.subarray(0, good.length - 1))).toThrow(/truncated/);
    const twice = Buffer.concat([Buffer.from(good.subarray(0, 12)), Buffer.from(good.subarray(12)), Buffer.from(good.subarray(12))]);
    twice.writeBigInt64LE(2n, 4);
    expect(() => decodeRoaringBitmapArray(twice)).toThrow(/not increasing/);
    expect(() => encodeRoaringBitmapArray([-1])).toThrow(/non-negative/);
  });
});

describe("deletion vectors written by Spark", () => {
  it("finds a 'u' vector's file from its Z85 UUID and reads it with its checksum", () => {
    const dv: DeletionVectorDescriptor = { storageType: "u", pathOrInlineDv: "SZYoUv7OW&PVt[Vm4y.s", offset: 1, sizeInBytes: 34, cardinality: 1 };
    const file = deletionVectorPath(GOLDEN, dv)!;
    expect(existsSync(file), `${file} exists`).toBe(true);
    expect(loadDeletionVector(GOLDEN, dv, "part-x.parquet").length).toBe(1);
    // the UUID encodes back to the same 20 characters
    const uuid = /deletion_vector_(.+)\.bin$/.exec(file)![1]!;
    expect(uuidToZ85(uuid)).toBe("SZYoUv7OW&PVt[Vm4y.s");
  });

  it("names the data file and the damage: checksum, size, cardinality, storage type", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-dv-"));
    cpSync(GOLDEN, dir, { recursive: true });
    const dv: DeletionVectorDescriptor = { storageType: "u", pathOrInlineDv: "SZYoUv7OW&PVt[Vm4y.s", offset: 1, sizeInBytes: 34, cardinality: 1 };
    const file = deletionVectorPath(dir, dv)!;
    const bytes = readFileSync(file);
    bytes[10] = bytes[10]! ^ 0xff;
    writeFileSync(file, bytes);
    const e = await errorOf(() => loadDeletionVector(dir, dv, "part-x.parquet"));
    expect(e.code).toBe("DELTA_DELETION_VECTOR_INVALID");
    expect(e.message).toContain("part-x.parquet");
    expect(e.message).toContain("checksum");
    expect((await errorOf(() => loadDeletionVector(GOLDEN, { ...dv, sizeInBytes: 30 }, "f"))).message).toContain("the log says 30");
    expect((await errorOf(() => loadDeletionVector(GOLDEN, { ...dv, cardinality: 2 }, "f"))).message).toContain("cardinality 2");
    expect((await errorOf(() => loadDeletionVector(GOLDEN, { ...dv, storageType: "x" }, "f"))).message).toContain("unknown deletion vector storageType");
    expect((await errorOf(() => loadDeletionVector(GOLDEN, { ...dv, pathOrInlineDv: "abc" }, "f"))).message).toContain("shorter than 20");
  });
});

describe("the Delta scan leaves out deleted rows", () => {
  it("applies inline ('i'), UUID ('u', with a random prefix) and absolute-path ('p') vectors written by the encoder", async () => {
    const table = tempTable();
    mkdirSync(join(table, "_delta_log"), { recursive: true });
    const add = (name: string, ids: number[], dv?: DeletionVectorDescriptor): string => {
      writeFileSync(join(table, name), arrowToParquet(tableFromArrays({ id: Int32Array.from(ids) })));
      return JSON.stringify({
        add: { path: name, partitionValues: {}, size: 1, modificationTime: 0, dataChange: true, stats: JSON.stringify({ numRecords: ids.length }), ...(dv ? { deletionVector: dv } : {}) },
      });
    };
    const onDisk = (rows: number[], where: string): { offset: number; sizeInBytes: number } => {
      const bitmap = encodeRoaringBitmapArray(rows);
      const f = encodeDeletionVectorFile(bitmap);
      mkdirSync(join(where, ".."), { recursive: true });
      writeFileSync(where, f.bytes);
      return { offset: f.offset, sizeInBytes: bitmap.length };
    };
    const inline = encodeRoaringBitmapArray([1, 3, 5]);
    const uuid = randomUUID();
    const u = onDisk([2], join(table, "ab", `deletion_vector_${uuid}.bin`));
    const pFile = join(table, "dv", "my.bin");
    const pv = onDisk([0, 9], pFile);
    const lines = [
      JSON.stringify({ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["deletionVectors"] } }),
      JSON.stringify({
        metaData: { id: randomUUID(), format: { provider: "parquet", options: {} }, schemaString: JSON.stringify({ type: "struct", fields: [{ name: "id", type: "integer", nullable: true, metadata: {} }] }), partitionColumns: [], configuration: {} },
      }),
      add("a.parquet", [0, 1, 2, 3, 4, 5, 6], { storageType: "i", pathOrInlineDv: z85Encode(inline), sizeInBytes: inline.length, cardinality: 3 }),
      add("b.parquet", [10, 11, 12], { storageType: "u", pathOrInlineDv: `ab${uuidToZ85(uuid)}`, ...u, cardinality: 1 }),
      add("c.parquet", Array.from({ length: 10 }, (_, i) => 20 + i), { storageType: "p", pathOrInlineDv: `file://${pFile}`, ...pv, cardinality: 2 }),
      add("d.parquet", [40]),
    ];
    writeFileSync(join(table, "_delta_log", "00000000000000000000.json"), lines.join("\n") + "\n");
    const snap = await loadSnapshot(table);
    const ids: number[] = [];
    for await (const b of readDeltaFiles(snap.files, snap.schema, snap.partitionColumns, 4)) {
      for (let r = 0; r < b.numRows; r++) ids.push(getValue(b.columns[0]!, r) as number);
    }
    expect(ids.sort((a, b) => a - b)).toEqual([0, 2, 4, 6, 10, 11, 21, 22, 23, 24, 25, 26, 27, 28, 40]);

    // a vector naming a row past the end of its file is refused, naming the file
    const past = encodeRoaringBitmapArray([3]);
    const bad = { ...snap.files.find((f) => f.path === "b.parquet")!, deletionVector: { storageType: "i", pathOrInlineDv: z85Encode(past), sizeInBytes: past.length, cardinality: 1 } };
    const e = await errorOf(async () => {
      for await (const _ of readDeltaFiles([bad], snap.schema, snap.partitionColumns, 4));
    });
    expect(e.code).toBe("DELTA_DELETION_VECTOR_INVALID");
    expect(e.message).toMatch(/b\.parquet .*deletes row 3, but the file has 3 rows/);
  });
});
