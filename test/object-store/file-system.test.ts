/**
 * The FileSystem contract on the local disk, the S3 test server and Azurite: one suite,
 * parameterised by store.
 */
import { afterAll, describe, expect, it } from "vitest";
import { fileSystemFor } from "../../src/fs/file-systems.js";
import { joinPath } from "../../src/fs/path.js";
import { BUCKET, STORES, azuriteServer, storeRoot, stopObjectStores } from "../support/object-stores.js";

afterAll(stopObjectStores);

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
