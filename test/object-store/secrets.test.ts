/**
 * Object-store secrets (fs.s3a.secret.key, fs.s3a.session.token) never appear in what Sluice
 * shows or keeps: errors of a failed request and of a refused option, explain() (also of a read
 * given the secret as an option), a streaming query's progress and every file of its checkpoint on S3.
 */
import { afterAll, describe, expect, it } from "vitest";
import { childNames, fileSystemFor, setSessionHadoopConf } from "../../src/fs/file-systems.js";
import { joinPath } from "../../src/fs/path.js";
import { Session } from "../../src/index.js";
import { s3Server, storeRoot, stopObjectStores } from "../support/object-stores.js";

const SECRET = "s3cr3t-" + Math.random().toString(36).slice(2);
const TOKEN = "t0k3n-" + Math.random().toString(36).slice(2);
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(async () => {
  await spark.stop();
  await stopObjectStores();
});

/** Every file under `dir` on its store, recursively. */
function allFiles(dir: string): string[] {
  const fs = fileSystemFor(dir);
  return fs.listStatus(dir).flatMap((s) => (s.isDirectory ? allFiles(s.path) : [s.path]));
}

/** The message, context and cause chain of `e`, as one string. */
const errorText = (e: unknown): string => JSON.stringify({ m: (e as Error).message, c: (e as { context?: unknown }).context, s: (e as Error).stack, cause: String((e as Error).cause ?? "") });

describe("object-store secrets", () => {
  it("a request that fails (nothing listens at the endpoint) names the path, never the secret key or token", async () => {
    const path = "s3a://sluice-test/x/y.json";
    let err: unknown;
    try {
      fileSystemFor(path, { "fs.s3a.endpoint": "http://127.0.0.1:9", "fs.s3a.path.style.access": "true", "fs.s3a.access.key": "AKIATEST", "fs.s3a.secret.key": SECRET, "fs.s3a.session.token": TOKEN }).open(path);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "FS_REQUEST_FAILED", message: expect.stringContaining(path) });
    expect(errorText(err)).not.toContain(SECRET);
    expect(errorText(err)).not.toContain(TOKEN);
  });

  it("a secret given as a read option stays out of explain() and of the error refusing another file-system key", async () => {
    const root = await storeRoot("s3");
    const input = joinPath(root, "in", "a.json");
    fileSystemFor(input).create(input, '{"id":1}\n', { overwrite: true });
    const df = spark.read.option("fs.s3a.secret.key", SECRET).option("fs.s3a.session.token", TOKEN).schema("id INT").json(joinPath(root, "in"));
    expect(df.explainString("extended")).not.toContain(SECRET);
    expect(df.explainString("extended")).not.toContain(TOKEN);
    let err: unknown;
    try {
      spark.read.option("fs.s3a.secret.key", SECRET).option("fs.s3a.fast.upload", "true").schema("id INT").json(joinPath(root, "in"));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "FS_OPTION_UNSUPPORTED", message: expect.stringContaining("fs.s3a.fast.upload") });
    expect(errorText(err)).not.toContain(SECRET);
  });

  it("explain(), progress and the checkpoint on S3 of a query run with session secrets hold none of them", async () => {
    await s3Server();
    setSessionHadoopConf("spark.hadoop.fs.s3a.session.token", TOKEN);
    spark.conf.set("spark.hadoop.fs.s3a.secret.key", SECRET); // the test server takes any key pair
    try {
      const root = await storeRoot("s3");
      const input = joinPath(root, "in", "a.json");
      fileSystemFor(input).create(input, '{"k":"a"}\n{"k":"b"}\n', { overwrite: true });
      const df = spark.readStream.schema("k STRING").json(joinPath(root, "in")).groupBy("k").count();
      expect(df.explainString("extended")).not.toContain(SECRET);
      const chk = joinPath(root, "chk");
      const q = await df.writeStream.format("memory").queryName("secrets_s3").outputMode("complete").option("checkpointLocation", chk).trigger({ availableNow: true }).start();
      await q.awaitTermination();
      expect((await spark.table("secrets_s3").collect()).length).toBe(2);
      const progress = JSON.stringify(q.recentProgress);
      expect(progress).not.toContain(SECRET);
      expect(progress).not.toContain(TOKEN);
      const files = allFiles(chk);
      expect(files.length).toBeGreaterThan(5);
      expect(childNames(chk)).toEqual(expect.arrayContaining(["commits", "metadata", "offsets", "sources", "state"]));
      for (const f of files) {
        const text = fileSystemFor(f).open(f).toString("latin1");
        expect(text, f).not.toContain(SECRET);
        expect(text, f).not.toContain(TOKEN);
      }
    } finally {
      spark.conf.set("spark.hadoop.fs.s3a.secret.key", "sluice-test-secret");
      setSessionHadoopConf("spark.hadoop.fs.s3a.session.token", undefined);
    }
  });
});
