/**
 * The FileSystem contract on the local disk, the S3 test server and Azurite: one suite,
 * parameterised by store.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListMultipartUploadsCommand, ListPartsCommand, S3Client } from "@aws-sdk/client-s3";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, describe, expect, it } from "vitest";
import { fileSystemFor } from "../../src/fs/file-systems.js";
import { joinPath } from "../../src/fs/path.js";
import { PART_BYTES, openWriteStream, uploadLocalFile } from "../../src/fs/write-stream.js";
import { BUCKET, STORES, azuriteServer, s3Server, storeRoot, stopObjectStores } from "../support/object-stores.js";

afterAll(stopObjectStores);

/** Parts of `path` the store holds but has not published: S3's in-progress multipart upload, Azure's uncommitted blocks. */
async function partsInFlight(store: "s3" | "azure" | "local", path: string): Promise<number> {
  const key = path.replace(/^[a-z0-9]+:\/\/[^/]+\//, "");
  if (store === "azure") {
    const blob = BlobServiceClient.fromConnectionString((await azuriteServer()).connectionString).getContainerClient(BUCKET).getBlockBlobClient(key);
    return (await blob.getBlockList("uncommitted")).uncommittedBlocks?.length ?? 0;
  }
  const client = new S3Client({ endpoint: (await s3Server()).endpoint, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: "t", secretAccessKey: "t" } });
  const uploads = (await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }))).Uploads ?? [];
  const parts = await Promise.all(uploads.map(async (u) => (await client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId: u.UploadId }))).Parts?.length ?? 0));
  return parts.reduce((a, b) => a + b, 0);
}

describe.each(STORES)("FileSystem on %s", (store) => {
  it("writes whole files, lists a folder's children and reads byte ranges", async () => {
    const root = await storeRoot(store);
    const fs = fileSystemFor(root);
    expect(fs.listStatus(root)).toEqual([]);
    expect(fs.exists(root)).toBe(false);
    expect(fs.create(joinPath(root, "a.txt"), "hello world", { overwrite: true })).toBe(true);
    expect(fs.create(joinPath(root, "sub", "b.bin"), [new Uint8Array([1, 2]), "3"], { overwrite: true })).toBe(true);
    const listed = fs.listStatus(root).map((s) => [s.path.slice(s.path.lastIndexOf("/") + 1), s.isDirectory, s.isDirectory ? 0 : s.length]);
    expect(listed).toEqual([
      ["a.txt", false, 11],
      ["sub", true, 0],
    ]);
    expect(fs.getFileStatus(joinPath(root, "sub"))?.isDirectory).toBe(true);
    expect(fs.open(joinPath(root, "a.txt")).toString()).toBe("hello world");
    expect(fs.open(joinPath(root, "a.txt"), { offset: 6, length: 5 }).toString()).toBe("world");
    expect(fs.open(joinPath(root, "a.txt"), { offset: 9, length: 100 }).toString()).toBe("ld");
    expect(fs.open(joinPath(root, "a.txt"), { offset: 50, length: 10 }).length).toBe(0);
    expect([...fs.open(joinPath(root, "sub", "b.bin"))]).toEqual([1, 2, 0x33]);
  });

  it.skipIf(store === "local")("a large file streams up in parts: nothing is visible until the stream ends, a failed one leaves nothing", async () => {
    const root = await storeRoot(store);
    const fs = fileSystemFor(root);
    const big = Buffer.alloc(PART_BYTES * 2 + 12345);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
    const p = joinPath(root, "big.bin");
    const w = openWriteStream(p);
    for (let at = 0; at < big.length; at += 1 << 20) await new Promise<void>((r, e) => w.write(big.subarray(at, at + (1 << 20)), (err) => (err ? e(err) : r())));
    expect(fs.getFileStatus(p)).toBeNull(); // two parts are up, the object is not
    expect(await partsInFlight(store, p)).toBe(2);
    await new Promise<void>((r, e) => {
      w.on("error", e);
      w.end(r);
    });
    expect(fs.getFileStatus(p)?.length).toBe(big.length);
    expect(fs.open(p).equals(big)).toBe(true);
    expect(fs.open(p, { offset: PART_BYTES - 2, length: 4 }).equals(big.subarray(PART_BYTES - 2, PART_BYTES + 2))).toBe(true);
    // a stream that fails after its first part: aborted, no object
    const q = joinPath(root, "failed.bin");
    const f = openWriteStream(q);
    await new Promise<void>((r) => f.write(big.subarray(0, PART_BYTES + 1), () => r()));
    const closed = new Promise((r) => f.on("close", r));
    f.on("error", () => undefined); // the writer's own failure, reported by whoever destroyed it
    f.destroy(new Error("the writer failed"));
    await closed;
    expect(fs.getFileStatus(q)).toBeNull();
    // a staged local file put in place the same way
    const local = join(mkdtempSync(join(tmpdir(), "sluice-upload-")), "f.bin");
    writeFileSync(local, big);
    uploadLocalFile(local, joinPath(root, "copied.bin"));
    expect(fs.open(joinPath(root, "copied.bin")).equals(big)).toBe(true);
  });

  it("put-if-absent: the second create of a path gets false and leaves the first content", async () => {
    const root = await storeRoot(store);
    const fs = fileSystemFor(root);
    const p = joinPath(root, "_delta_log", "00000000000000000000.json");
    expect(fs.create(p, "first", { overwrite: false })).toBe(true);
    expect(fs.create(p, "second", { overwrite: false })).toBe(false);
    expect(fs.open(p).toString()).toBe("first");
    expect(fs.create(p, "third", { overwrite: true })).toBe(true);
    expect(fs.open(p).toString()).toBe("third");
  });

  it("reading a missing file fails with FS_FILE_NOT_FOUND naming it; delete reports what it removed", async () => {
    const root = await storeRoot(store);
    const fs = fileSystemFor(root);
    const missing = joinPath(root, "nope.json");
    expect(() => fs.open(missing)).toThrow(expect.objectContaining({ code: "FS_FILE_NOT_FOUND", message: expect.stringContaining("nope.json") }));
    expect(fs.getFileStatus(missing)).toBeNull();
    fs.create(joinPath(root, "d", "x"), "1", { overwrite: true });
    fs.create(joinPath(root, "d", "e", "y"), "2", { overwrite: true });
    expect(fs.delete(missing, false)).toBe(false);
    expect(fs.delete(joinPath(root, "d"), true)).toBe(true);
    expect(fs.listStatus(root)).toEqual([]);
  });
});

describe("object-store errors", () => {
  it("a wrong Azure account key fails with FS_ACCESS_DENIED naming the path, never the key", async () => {
    const azurite = await azuriteServer();
    const key = Buffer.from("not-the-account-key-".repeat(3)).toString("base64");
    const path = `abfss://${BUCKET}@devstoreaccount1.dfs.core.windows.net/x`;
    const fs = fileSystemFor(path, { "fs.azure.account.key.devstoreaccount1.dfs.core.windows.net": key, "fs.azure.blob.endpoint": azurite.blobEndpoint });
    let err: unknown;
    try {
      fs.listStatus(path);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "FS_ACCESS_DENIED", message: expect.stringContaining(path) });
    expect(JSON.stringify({ m: (err as Error).message, c: (err as { context: unknown }).context })).not.toContain(key);
  });
});
