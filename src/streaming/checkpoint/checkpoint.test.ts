import { afterAll, describe, expect, it } from "vitest";
import { childNames, fileSystemFor } from "../../fs/file-systems.js";
import { joinPath as join } from "../../fs/path.js";
import { STORES, storeRoot, stopObjectStores } from "../../../test/support/object-stores.js";
import { CommitLog } from "./commit-log.js";
import { OffsetSeqLog } from "./offset-seq-log.js";
import { readOrCreateStreamMetadata } from "./stream-metadata.js";
import { writeFileAtomic } from "./atomic-file.js";
import { crc32Table } from "./crc32.js";

// The same cases on the local disk, the S3 test server and Azurite (test/support/object-stores.ts).
afterAll(stopObjectStores);
const readFileSync = (f: string, _enc: "utf8"): string => fileSystemFor(f).open(f).toString("utf8");
const writeFileSync = (f: string, data: string): void => void fileSystemFor(f).create(f, data, { overwrite: true });

describe.each(STORES)("checkpoint logs on %s", (store) => {
  const tmp = (): Promise<string> => storeRoot(store);

  it("writes offsets entries once, with a version line and a checksum line, and reads them back", async () => {
    const dir = await tmp();
    const log = new OffsetSeqLog(join(dir, "offsets"));
    const entry = { offsets: ['{"logOffset":3}', null], metadata: { batchWatermarkMs: 5, batchTimestampMs: 1000, conf: { a: "1" } } };
    expect(log.add(0, entry)).toBe(true);
    expect(log.add(0, { ...entry, offsets: ["9"] })).toBe(false);
    const body = 'v2\n{"batchWatermarkMs":5,"batchTimestampMs":1000,"conf":{"a":"1"}}\n{"logOffset":3}\n-\n';
    // The CRC-32 covers the file name, a NUL byte and everything before the checksum line.
    const crc = crc32Table(Buffer.from(`0\u0000${body}`)).toString(16).padStart(8, "0");
    expect(readFileSync(join(dir, "offsets", "0"), "utf8")).toBe(`${body}#crc32=${crc}`);
    expect(log.get(0)).toEqual(entry);
    expect(log.get(1)).toBeUndefined();
    expect(childNames(join(dir, "offsets"))).toEqual(["0"]);
  });

  it("lists, finds the latest and purges old entries", async () => {
    const log = new CommitLog(join(await tmp(), "commits"));
    for (const i of [0, 1, 2, 10]) log.add(i, { nextBatchWatermarkMs: i });
    expect(log.listBatchIds()).toEqual([0, 1, 2, 10]);
    expect(log.getLatest()).toEqual({ batchId: 10, entry: { nextBatchWatermarkMs: 10 } });
    log.purge(2);
    expect(log.listBatchIds()).toEqual([2, 10]);
  });

  it("refuses a truncated or corrupt entry, naming the file", async () => {
    const dir = await tmp();
    const log = new OffsetSeqLog(dir);
    writeFileSync(join(dir, "0"), 'v1\n{"batchWatermarkMs":0,"batchTi');
    expect(() => log.get(0)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_CORRUPT", message: expect.stringContaining(join(dir, "0")) }));
    writeFileSync(join(dir, "1"), "garbage");
    expect(() => log.get(1)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_CORRUPT" }));
    writeFileSync(join(dir, "2"), 'v9\n{"batchWatermarkMs":0,"batchTimestampMs":0}');
    expect(() => log.get(2)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_VERSION_UNSUPPORTED" }));
    const commits = new CommitLog(dir);
    writeFileSync(join(dir, "3"), "v1\n{}");
    expect(() => commits.get(3)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_CORRUPT" }));
    // a damaged commit entry can be deleted: its batch then runs again
    commits.add(4, { nextBatchWatermarkMs: 0 });
    writeFileSync(join(dir, "4"), readFileSync(join(dir, "4"), "utf8").slice(0, -2));
    expect(() => commits.get(4)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_CORRUPT", message: expect.stringContaining("Delete it to run that batch again") }));
  });

  it("keeps the query id stable and rejects a different query on the same checkpoint", async () => {
    const dir = await tmp();
    const a = readOrCreateStreamMetadata(dir, ["memory:0"], "memory");
    const b = readOrCreateStreamMetadata(dir, ["memory:0"], "memory");
    expect(b.id).toBe(a.id);
    expect(() => readOrCreateStreamMetadata(dir, ["json:/in"], "memory")).toThrowError(
      expect.objectContaining({ code: "CHECKPOINT_INCOMPATIBLE_QUERY" }),
    );
  });

  it("atomic writes replace whole files and createOnly never overwrites", async () => {
    const f = join(await tmp(), "x", "f");
    expect(writeFileAtomic(f, "one")).toBe(true);
    expect(writeFileAtomic(f, "two")).toBe(true);
    expect(readFileSync(f, "utf8")).toBe("two");
    expect(writeFileAtomic(f, "three", { createOnly: true })).toBe(false);
    expect(readFileSync(f, "utf8")).toBe("two");
  });
});
