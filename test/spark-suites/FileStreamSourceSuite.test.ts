/**
 * Scenarios of Spark's FileStreamSourceSuite (sql/core/.../streaming/FileStreamSourceSuite.scala),
 * in our own code: the schema rule, read limits and file ordering, maxFileAge, fileNameOnly,
 * cleanSource (archive layout, overlapping archive folder refused, delete), user schemas made
 * nullable, partition columns named in the user schema, a glob that matches nothing yet. The
 * doubtful answers are PySpark 4.0.1's, recorded by scripts/oracle/gen_spark_suite_files.py in
 * golden/files.json (paths there start with $ROOT, the scenario's temporary folder).
 * The scenarios run with the input files and the checkpoint on the local disk, the S3 test server
 * and Azurite (test/support/object-stores.ts), the files written through the file-system layer.
 * Those that set modification times stay local-only (see there).
 */
import { readFileSync, utimesSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { childNames, fileSystemFor } from "../../src/fs/file-systems.js";
import { isLocalPath, joinPath, parseUri } from "../../src/fs/path.js";
import { type DataFrame, Session } from "../../src/index.js";
import { StructType } from "../../src/types/struct-type.js";
import { BUCKET, STORES, type Store, storeRoot, stopObjectStores } from "../support/object-stores.js";

const here = dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(join(here, "golden", "files.json"), "utf8")) as Record<string, any>;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(async () => {
  await spark.stop();
  await stopObjectStores();
});
const nowSec = Math.floor(Date.now() / 1000);

/** Writes `rows` as JSON lines to `path` (any store); `mtimeSec` sets a local file's modification time. */
function put(path: string, rows: object[], mtimeSec?: number): void {
  fileSystemFor(path).create(path, rows.map((r) => JSON.stringify(r) + "\n").join(""), { overwrite: true });
  if (mtimeSec !== undefined) utimesSync(path, mtimeSec, mtimeSec);
}
/** Rows as the oracle prints them: Python's json.dumps(row, sort_keys=True). */
const pyJson = (r: Record<string, unknown>): string => "{" + Object.keys(r).sort().map((k) => `"${k}": ${JSON.stringify(typeof r[k] === "bigint" ? Number(r[k]) : r[k])}`).join(", ") + "}";

let checkpoints = 0;
/** Runs `df` into foreachBatch; `more` adds input between the first and the second processAllAvailable. */
async function run(df: DataFrame, root: string, more?: () => void): Promise<string[][]> {
  const batches: string[][] = [];
  const q = await df.writeStream
    .foreachBatch(async (b) => void batches.push((await b.collect()).map(pyJson).sort()))
    .option("checkpointLocation", joinPath(root, `chk-${checkpoints++}`))
    .start();
  try {
    await q.processAllAvailable();
    if (more) {
      more();
      await q.processAllAvailable();
    }
  } finally {
    await q.stop();
  }
  return batches.filter((b) => b.length > 0);
}
const stream = (schema = "v INT") => spark.readStream.schema(schema);

describe.each(STORES)("FileStreamSourceSuite on %s", (store: Store) => {
  const newRoot = (): Promise<string> => storeRoot(store);

  it("a schema is required unless spark.sql.streaming.schemaInference is on", async () => {
    const root = await newRoot();
    put(joinPath(root, "in", "a.json"), [{ v: 1 }]);
    expect(() => spark.readStream.json(joinPath(root, "in"))).toThrowError(expect.objectContaining({ code: "STREAMING_SCHEMA_REQUIRED" }));
    spark.conf.set("spark.sql.streaming.schemaInference", "true");
    try {
      const df = spark.readStream.json(joinPath(root, "in"));
      expect(df.columns).toEqual(["v"]);
      expect(await run(df, root)).toEqual([['{"v": 1}']]);
    } finally {
      spark.conf.unset("spark.sql.streaming.schemaInference");
    }
  });

  it("maxFilesPerTrigger: one file per batch, oldest first (same times: by path)", async () => {
    const root = await newRoot();
    for (let i = 0; i < 3; i++) put(joinPath(root, "in", `f${i}.json`), [{ v: i }]);
    expect(await run(stream().option("maxFilesPerTrigger", 1).json(joinPath(root, "in")), root)).toEqual([['{"v": 0}'], ['{"v": 1}'], ['{"v": 2}']]);
  });

  it("fileNameOnly: a file whose name an earlier batch read is skipped, wherever it is (PySpark 4.0.1)", async () => {
    for (const only of ["true", "false"]) {
      const root = await newRoot();
      const dir = joinPath(root, "in");
      put(joinPath(dir, "x", "same.json"), [{ v: 1 }]);
      const rows = await run(stream().option("fileNameOnly", only).json(joinPath(dir, "*")), root, () => {
        put(joinPath(dir, "y", "same.json"), [{ v: 2 }]);
        put(joinPath(dir, "y", "other.json"), [{ v: 3 }]);
      });
      expect(rows.flat().sort(), `fileNameOnly=${only}`).toEqual(golden[`fileNameOnly-${only}-rows`]);
    }
  });

  it("cleanSource=archive: a file lands at <archive>/<its full path> once the next batch starts (PySpark 4.0.1)", async () => {
    const root = await newRoot();
    const src = joinPath(root, "a1", "in");
    const archive = joinPath(root, "a1", "archive");
    fileSystemFor(archive).mkdirs(archive);
    put(joinPath(src, "sub", "f1.json"), [{ v: 1 }]);
    put(joinPath(src, "f0.json"), [{ v: 0 }]);
    const df = stream().option("cleanSource", "archive").option("sourceArchiveDir", archive).option("recursiveFileLookup", "true").json(src);
    await run(df, root, () => put(joinPath(src, "f2.json"), [{ v: 2 }]));
    const walk = (d: string): string[] => fileSystemFor(d).listStatus(d).flatMap((s) => (s.isDirectory ? walk(s.path) : s.path.split("/").pop()!.startsWith(".") ? [] : [s.path]));
    // A golden path is <archive><the file's path>: on a store the path part of its URI, as Spark's archiver.
    const rootPath = isLocalPath(root) ? root : `/${parseUri(root).key}`;
    const ours = (p: string) => p.replace("$ROOT", root).replace("$ROOT", rootPath);
    expect(walk(archive).sort()).toEqual((golden["archive-files"] as string[]).map(ours));
    expect(walk(src).sort()).toEqual((golden["archive-left-in-source"] as string[]).map(ours));
  });

  it("cleanSource=archive refuses an archive folder the source pattern could match, or on another file system (Spark's words)", async () => {
    const root = await newRoot();
    const src = joinPath(root, "a2", "in");
    put(joinPath(src, "x", "f.json"), [{ v: 1 }]);
    const message = (golden["archive-overlap-error"] as string).replace(/^.*requirement failed: /, "").replace(/ SQLSTATE.*$/, "").replace(/\.$/, "");
    for (const [pattern, archiveDir] of [[joinPath(src, "*"), joinPath(src, "archived")], [src, joinPath(src, "x", "archive")]]) {
      // Sluice checks when the query starts; Spark fails the query in its first batch (README).
      await expect(run(stream().option("cleanSource", "archive").option("sourceArchiveDir", archiveDir!).json(pattern!), root)).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining(message) });
    }
    // An archive folder on another file system (scheme and bucket) than the source is refused too.
    const elsewhere = store === "local" ? `s3a://${BUCKET}/archive` : joinPath(await storeRoot("local"), "archive");
    await expect(run(stream().option("cleanSource", "archive").option("sourceArchiveDir", elsewhere).json(src), root)).rejects.toMatchObject({
      code: "INVALID_OPTION",
      message: expect.stringContaining(`Base archive path is located on a different file system than the source files. source path: ${src} / base archive path: ${elsewhere}`),
    });
    // An archive folder beside the source folder is fine.
    await expect(run(stream().option("cleanSource", "archive").option("sourceArchiveDir", joinPath(root, "a2", "archive")).json(src), root)).resolves.toBeDefined();
  });

  it("cleanSource=delete removes a batch's files once the next batch starts", async () => {
    const root = await newRoot();
    const src = joinPath(root, "in");
    put(joinPath(src, "a.json"), [{ v: 1 }]);
    await run(stream().option("cleanSource", "delete").json(src), root, () => put(joinPath(src, "b.json"), [{ v: 2 }]));
    expect(childNames(src).sort()).toEqual(["b.json"]);
  });

  it("bad options are refused at start, every one named", async () => {
    const root = await newRoot();
    const dir = joinPath(root, "in");
    put(joinPath(dir, "a.json"), [{ v: 1 }]); // an object store's folder exists once it holds a file
    await expect(run(stream().option("maxFilesPerTrigger", 0).option("cleanSource", "bogus").json(dir), root)).rejects.toMatchObject({
      code: "INVALID_OPTION",
      message: expect.stringMatching(/maxFilesPerTrigger=0.*cleanSource=bogus/),
    });
  });

  it("a user schema becomes nullable (spark.sql.streaming.fileSource.schema.forceNullable, PySpark 4.0.1)", async () => {
    const root = await newRoot();
    put(joinPath(root, "in", "f.json"), [{ v: 1 }]);
    const schema = new StructType().add("v", "int", false);
    expect(spark.readStream.schema(schema).json(joinPath(root, "in")).schema.fields.map((f) => [f.name, f.nullable])).toEqual(golden["force-nullable"]);
    spark.conf.set("spark.sql.streaming.fileSource.schema.forceNullable", "false");
    try {
      expect(spark.readStream.schema(schema).json(joinPath(root, "in")).schema.fields[0]!.nullable).toBe(false);
    } finally {
      spark.conf.unset("spark.sql.streaming.fileSource.schema.forceNullable");
    }
  });

  it("a partition column named in the user schema is filled from the folder names (PySpark 4.0.1)", async () => {
    const root = await newRoot();
    put(joinPath(root, "in", "p=1", "a.json"), [{ v: 1 }]);
    put(joinPath(root, "in", "p=2", "b.json"), [{ v: 2 }]);
    expect(await run(stream("v INT, p INT").json(joinPath(root, "in")), root)).toEqual(golden["partition-column-rows"]);
  });

  it("a glob that matches nothing yet is accepted; files that appear later are read (PySpark 4.0.1)", async () => {
    const root = await newRoot();
    const dir = joinPath(root, "g");
    fileSystemFor(dir).mkdirs(dir);
    const rows = await run(stream().json(joinPath(dir, "*", "*.json")), root, () => put(joinPath(dir, "x", "f.json"), [{ v: 8 }]));
    expect(rows.flat()).toEqual(golden["glob-nothing-then-rows"]);
  });
});

// Local only: these scenarios order and age files by modification times the test sets, and an
// object store sets an object's last-modified time itself, when the object is written.
describe("FileStreamSourceSuite on local (modification times set by the test)", () => {
  it("latestFirst with maxFilesPerTrigger: newest first (PySpark 4.0.1)", async () => {
    const root = await storeRoot("local");
    for (let i = 0; i < 3; i++) put(joinPath(root, "in", `f${i}.json`), [{ v: i }], nowSec - 100 + i * 10);
    expect(await run(stream().option("latestFirst", "true").option("maxFilesPerTrigger", 1).json(joinPath(root, "in")), root)).toEqual(golden["latestFirst-batches"]);
  });

  it("maxFileAge: a later file older than the newest seen by more than the age is skipped (PySpark 4.0.1)", async () => {
    const root = await storeRoot("local");
    const dir = joinPath(root, "in");
    put(joinPath(dir, "old.json"), [{ v: 1 }], nowSec - 7200);
    put(joinPath(dir, "new.json"), [{ v: 2 }], nowSec);
    const rows = await run(stream().option("maxFileAge", "1h").json(dir), root, () => {
      put(joinPath(dir, "older.json"), [{ v: 3 }], nowSec - 10800);
      put(joinPath(dir, "newer.json"), [{ v: 4 }], nowSec + 10);
    });
    expect(rows.flat().sort()).toEqual(golden["maxFileAge-rows"]);
  });
});
