/**
 * fs.s3a.* / fs.azure.* keys given as read/write options, as Spark merges a data source's options
 * into the Hadoop configuration of that read or write: the session's configs point at a dead
 * endpoint (nothing listens on 127.0.0.1:9), the options at the real test server, and every kind
 * of path must reach the server through its options: batch read (in-process and in read
 * workers), batch write, the streaming file source, the file sink, and Delta batch and streaming
 * reads and writes. Checkpoints mostly stay local; they use the session configs, as in Spark: two
 * tests check that a sink's and a source's options stay out of a checkpoint on S3.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AccountSASPermissions, SASProtocol, StorageSharedKeyCredential, generateAccountSASQueryParameters } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exactJson } from "../../src/columnar/values.js";
import { fileSystemFor, setSessionHadoopConf } from "../../src/fs/file-systems.js";
import { joinPath } from "../../src/fs/path.js";
import { Session } from "../../src/index.js";
import { AZURITE_ACCOUNT, AZURITE_KEY } from "../../scripts/azure/azurite.js";
import { azuriteServer, s3Server, storeRoot, stopObjectStores } from "../support/object-stores.js";

const DEAD = "http://127.0.0.1:9";
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
/** The options that reach the S3 test server (the session's keys and path style stay as they are). */
let s3: Record<string, string>;
const local = mkdtempSync(join(tmpdir(), "sluice-fs-options-"));

beforeAll(async () => {
  s3 = { "fs.s3a.endpoint": (await s3Server()).endpoint };
  spark.conf.set("spark.hadoop.fs.s3a.endpoint", DEAD);
});
afterAll(async () => {
  await spark.stop();
  await stopObjectStores();
});

const norm = (rows: Record<string, unknown>[]): string[] => rows.map((r) => exactJson(r)).sort();
const put = (path: string, data: string, options: Record<string, string>): void => void fileSystemFor(path, options).create(path, data, { overwrite: true });
/** The error `fn` fails with. */
async function failure(fn: () => unknown): Promise<{ code?: string; message: string }> {
  try {
    await fn();
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error("expected a failure");
}

describe("file-system keys as read/write options", () => {
  it("without the options the session's dead endpoint is used (so the other tests prove the options reach the store)", async () => {
    const root = await storeRoot("s3");
    put(joinPath(root, "in", "a.json"), '{"id":1}\n', s3);
    expect(await failure(() => spark.read.schema("id INT").json(joinPath(root, "in")).collect())).toMatchObject({ code: "FS_REQUEST_FAILED" });
  });

  it("batch reads: JSON and Parquet, in-process and decoded in read workers", async () => {
    const root = await storeRoot("s3");
    put(joinPath(root, "in", "a.json"), '{"id":1}\n{"id":2}\n', s3);
    expect(norm(await spark.read.options(s3).schema("id INT").json(joinPath(root, "in")).collect())).toEqual(norm([{ id: 1 }, { id: 2 }]));
    // schema inference lists and reads the files at load() too
    expect(norm(await spark.read.options(s3).json(joinPath(root, "in")).collect())).toEqual(norm([{ id: 1n }, { id: 2n }]));
    spark.conf.set("sluice.files.parallelRead.minBytes", "0");
    try {
      expect(norm(await spark.read.options(s3).schema("id INT").json(joinPath(root, "in")).collect())).toEqual(norm([{ id: 1 }, { id: 2 }]));
    } finally {
      spark.conf.unset("sluice.files.parallelRead.minBytes");
    }
    await spark.range(5).write.options(s3).parquet(joinPath(root, "pq"));
    expect(norm(await spark.read.options(s3).parquet(joinPath(root, "pq")).collect())).toEqual(norm([0n, 1n, 2n, 3n, 4n].map((id) => ({ id }))));
  });

  it("batch writes: every save mode's listing and upload use the write's options", async () => {
    const root = await storeRoot("s3");
    const out = joinPath(root, "out");
    await spark.range(3).write.options(s3).json(out);
    await spark.range(3, 4).write.options(s3).mode("append").json(out);
    expect(norm(await spark.read.options(s3).schema("id BIGINT").json(out).collect())).toEqual(norm([0n, 1n, 2n, 3n].map((id) => ({ id }))));
    await spark.range(1).write.options(s3).mode("overwrite").json(out);
    expect(fileSystemFor(out, s3).exists(joinPath(out, "_SUCCESS"))).toBe(true);
    expect(norm(await spark.read.options(s3).schema("id BIGINT").json(out).collect())).toEqual(norm([{ id: 0n }]));
  });

  it("the streaming file source lists and reads with its options", async () => {
    const root = await storeRoot("s3");
    put(joinPath(root, "in", "a.json"), '{"k":"a"}\n{"k":"b"}\n', s3);
    const q = await spark.readStream.options(s3).schema("k STRING").json(joinPath(root, "in"))
      .writeStream.format("memory").queryName("fs_options_source").option("checkpointLocation", join(local, "chk-source")).trigger({ availableNow: true }).start();
    await q.awaitTermination();
    expect(norm(await spark.table("fs_options_source").collect())).toEqual(norm([{ k: "a" }, { k: "b" }]));
  });

  it("the file sink writes its files and _spark_metadata with its options", async () => {
    const root = await storeRoot("s3");
    const input = join(local, "sink-in");
    put(join(input, "a.json"), '{"k":"a"}\n', {});
    const out = joinPath(root, "sink");
    const q = await spark.readStream.schema("k STRING").json(input)
      .writeStream.format("json").options(s3).option("checkpointLocation", join(local, "chk-sink")).trigger({ availableNow: true }).start(out);
    await q.awaitTermination();
    expect(fileSystemFor(out, s3).exists(joinPath(out, "_spark_metadata", "0"))).toBe(true);
    expect(norm(await spark.read.options(s3).schema("k STRING").json(out).collect())).toEqual(norm([{ k: "a" }]));
  });

  it("Delta: batch write and read, the streaming sink and the streaming source", async () => {
    const root = await storeRoot("s3");
    const table = joinPath(root, "t");
    await spark.range(3).write.format("delta").options(s3).save(table);
    expect(norm(await spark.read.format("delta").options(s3).load(table).collect())).toEqual(norm([0n, 1n, 2n].map((id) => ({ id }))));
    const input = join(local, "delta-in");
    put(join(input, "a.json"), '{"id":7}\n', {});
    const sink = joinPath(root, "sink");
    const w = await spark.readStream.schema("id BIGINT").json(input)
      .writeStream.format("delta").options(s3).option("checkpointLocation", join(local, "chk-delta-sink")).trigger({ availableNow: true }).start(sink);
    await w.awaitTermination();
    const r = await spark.readStream.format("delta").options(s3).load(sink)
      .writeStream.format("memory").queryName("fs_options_delta").option("checkpointLocation", join(local, "chk-delta-source")).trigger({ availableNow: true }).start();
    await r.awaitTermination();
    expect(norm(await spark.table("fs_options_delta").collect())).toEqual(norm([{ id: 7n }]));
  });

  it("a sink's options stay out of the checkpoint: the state of the aggregation above it goes to S3 with the session configs", async () => {
    spark.conf.set("spark.hadoop.fs.s3a.endpoint", s3["fs.s3a.endpoint"]!);
    try {
      const root = await storeRoot("s3");
      const input = join(local, "agg-in");
      put(join(input, "a.json"), '{"k":"a"}\n{"k":"a"}\n{"k":"b"}\n', {});
      const out = join(local, "agg-out");
      const q = await spark.readStream.schema("k STRING").json(input).groupBy("k").count()
        .writeStream.format("delta").outputMode("complete").option("fs.s3a.endpoint", DEAD).option("checkpointLocation", joinPath(root, "chk")).trigger({ availableNow: true }).start(out);
      await q.awaitTermination();
      expect(norm(await spark.read.format("delta").load(out).collect())).toEqual(norm([{ k: "a", count: 2n }, { k: "b", count: 1n }]));
      expect(fileSystemFor(joinPath(root, "chk")).exists(joinPath(root, "chk", "state", "0"))).toBe(true);
    } finally {
      spark.conf.set("spark.hadoop.fs.s3a.endpoint", DEAD);
    }
  });

  it("a source's options apply to its own bucket only: its log and the state in a checkpoint in another bucket use the session configs", async () => {
    const endpoint = s3["fs.s3a.endpoint"]!;
    setSessionHadoopConf("spark.hadoop.fs.s3a.bucket.sluice-chk.endpoint", endpoint);
    try {
      const root = await storeRoot("s3");
      put(joinPath(root, "in", "a.json"), '{"k":"a"}\n{"k":"b"}\n{"k":"a"}\n', s3);
      const chk = `s3a://sluice-chk/${root.split("/").pop()}/chk`;
      // the source's options would send the checkpoint bucket's requests to the dead endpoint
      const q = await spark.readStream.options({ ...s3, "fs.s3a.bucket.sluice-chk.endpoint": DEAD }).schema("k STRING").json(joinPath(root, "in")).groupBy("k").count()
        .writeStream.format("memory").queryName("fs_options_chk").outputMode("complete").option("checkpointLocation", chk).trigger({ availableNow: true }).start();
      await q.awaitTermination();
      expect(norm(await spark.table("fs_options_chk").collect())).toEqual(norm([{ k: "a", count: 2n }, { k: "b", count: 1n }]));
      expect(fileSystemFor(chk).exists(joinPath(chk, "sources", "0", "0"))).toBe(true);
    } finally {
      setSessionHadoopConf("spark.hadoop.fs.s3a.bucket.sluice-chk.endpoint", undefined);
    }
  });

  it("Azure: an account key and Blob endpoint given as options win over the session's connection string", async () => {
    const { blobEndpoint } = await azuriteServer();
    const root = await storeRoot("azure");
    setSessionHadoopConf("spark.hadoop.fs.azure.connection.string", `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${DEAD}/${AZURITE_ACCOUNT};`);
    const az = { [`fs.azure.account.key.${AZURITE_ACCOUNT}.dfs.core.windows.net`]: AZURITE_KEY, "fs.azure.blob.endpoint": blobEndpoint };
    await spark.range(2).write.options(az).json(joinPath(root, "out"));
    expect(norm(await spark.read.options(az).schema("id BIGINT").json(joinPath(root, "out")).collect())).toEqual(norm([{ id: 0n }, { id: 1n }]));
  });

  it("Azure: a SAS token (ABFS fixed token, or WASB per container) and a connection string given as options reach the store", async () => {
    const { blobEndpoint } = await azuriteServer();
    const root = await storeRoot("azure"); // abfss://<container>@<account>.dfs.core.windows.net/<uuid>
    const container = /^abfss:\/\/([^@]+)@/.exec(root)![1]!;
    setSessionHadoopConf("spark.hadoop.fs.azure.connection.string", `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${DEAD}/${AZURITE_ACCOUNT};`);
    const sas = generateAccountSASQueryParameters(
      { expiresOn: new Date(Date.now() + 3_600_000), permissions: AccountSASPermissions.parse("rwdlac"), services: "b", resourceTypes: "sco", protocol: SASProtocol.HttpsAndHttp },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    ).toString();
    const abfsSas = { [`fs.azure.sas.fixed.token.${AZURITE_ACCOUNT}.dfs.core.windows.net`]: `?${sas}`, "fs.azure.blob.endpoint": blobEndpoint };
    await spark.range(2).write.options(abfsSas).json(joinPath(root, "sas"));
    expect(norm(await spark.read.options(abfsSas).schema("id BIGINT").json(joinPath(root, "sas")).collect())).toEqual(norm([{ id: 0n }, { id: 1n }]));
    // the same objects through wasbs:// with the container's SAS
    const wasb = root.replace(/^abfss:\/\/([^@]+)@([^.]+)\.dfs\./, "wasbs://$1@$2.blob.");
    const wasbSas = { [`fs.azure.sas.${container}.${AZURITE_ACCOUNT}.blob.core.windows.net`]: sas, "fs.azure.blob.endpoint": blobEndpoint };
    expect(norm(await spark.read.options(wasbSas).schema("id BIGINT").json(joinPath(wasb, "sas")).collect())).toEqual(norm([{ id: 0n }, { id: 1n }]));
    // a connection string as an option wins over the session's (dead) one
    const cs = { "fs.azure.connection.string": `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};` };
    await spark.range(3).write.options(cs).mode("overwrite").json(joinPath(root, "cs"));
    expect(norm(await spark.read.options(cs).schema("id BIGINT").json(joinPath(root, "cs")).collect())).toEqual(norm([{ id: 0n }, { id: 1n }, { id: 2n }]));
    // a SAS that lacks write permission is refused by the store, and the error says which path
    const readOnly = generateAccountSASQueryParameters(
      { expiresOn: new Date(Date.now() + 3_600_000), permissions: AccountSASPermissions.parse("rl"), services: "b", resourceTypes: "sco", protocol: SASProtocol.HttpsAndHttp },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    ).toString();
    const ro = { [`fs.azure.sas.fixed.token.${AZURITE_ACCOUNT}.dfs.core.windows.net`]: readOnly, "fs.azure.blob.endpoint": blobEndpoint };
    expect(norm(await spark.read.options(ro).schema("id BIGINT").json(joinPath(root, "sas")).collect())).toHaveLength(2);
    const refused = await failure(() => spark.range(1).write.options(ro).json(joinPath(root, "ro")));
    expect(refused).toMatchObject({ code: "FS_ACCESS_DENIED", message: expect.stringContaining(joinPath(root, "ro")) });
    expect(refused.message).not.toContain(readOnly);
  });

  it("a file-system key Sluice does not implement is refused by name, on reads, writes and Delta", async () => {
    const root = await storeRoot("s3");
    const bad = { ...s3, "fs.s3a.fast.upload": "true" };
    const named = { code: "FS_OPTION_UNSUPPORTED", message: expect.stringContaining("fs.s3a.fast.upload") };
    expect(await failure(() => spark.read.options(bad).schema("id INT").json(joinPath(root, "in")))).toMatchObject(named);
    expect(await failure(() => spark.range(1).write.options(bad).json(joinPath(root, "out")))).toMatchObject(named);
    expect(await failure(() => spark.range(1).write.format("delta").options(bad).save(joinPath(root, "t")))).toMatchObject(named);
    expect(await failure(() => spark.read.options(bad).schema("id INT").json(join(local, "nowhere")))).toMatchObject(named);
  });
});
