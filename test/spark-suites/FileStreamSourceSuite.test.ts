/**
 * Scenarios of Spark's FileStreamSourceSuite (sql/core/.../streaming/FileStreamSourceSuite.scala),
 * in our own code: the schema rule, read limits and file ordering, maxFileAge, fileNameOnly,
 * cleanSource (archive layout, overlapping archive folder refused, delete), user schemas made
 * nullable, partition columns named in the user schema, a glob that matches nothing yet. The
 * doubtful answers are PySpark 4.0.1's, recorded by scripts/oracle/gen_spark_suite_files.py in
 * golden/files.json (paths there start with $ROOT, the scenario's temporary folder).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type DataFrame, Session } from "../../src/index.js";
import { StructType } from "../../src/types/struct-type.js";

const here = dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(join(here, "golden", "files.json"), "utf8")) as Record<string, any>;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const newRoot = (): string => realpathSync(mkdtempSync(join(tmpdir(), "sluice-fss-")));
const nowSec = Math.floor(Date.now() / 1000);

function put(path: string, rows: object[], mtimeSec?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, rows.map((r) => JSON.stringify(r) + "\n").join(""));
  if (mtimeSec !== undefined) utimesSync(path, mtimeSec, mtimeSec);
}
/** Rows as the oracle prints them: Python's json.dumps(row, sort_keys=True). */
const pyJson = (r: Record<string, unknown>): string => "{" + Object.keys(r).sort().map((k) => `"${k}": ${JSON.stringify(typeof r[k] === "bigint" ? Number(r[k]) : r[k])}`).join(", ") + "}";

/** Runs `df` into foreachBatch; `more` adds input between the first and the second processAllAvailable. */
async function run(df: DataFrame, root: string, more?: () => void): Promise<string[][]> {
  const batches: string[][] = [];
  const q = await df.writeStream
    .foreachBatch(async (b) => void batches.push((await b.collect()).map(pyJson).sort()))
    .option("checkpointLocation", mkdtempSync(join(root, "chk-")))
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

describe("FileStreamSourceSuite", () => {
  it("a schema is required unless spark.sql.streaming.schemaInference is on", async () => {
    const root = newRoot();
    put(join(root, "in", "a.json"), [{ v: 1 }]);
    expect(() => spark.readStream.json(join(root, "in"))).toThrowError(expect.objectContaining({ code: "STREAMING_SCHEMA_REQUIRED" }));
    spark.conf.set("spark.sql.streaming.schemaInference", "true");
    try {
      const df = spark.readStream.json(join(root, "in"));
      expect(df.columns).toEqual(["v"]);
      expect(await run(df, root)).toEqual([['{"v": 1}']]);
    } finally {
      spark.conf.unset("spark.sql.streaming.schemaInference");
    }
  });

  it("maxFilesPerTrigger: one file per batch, oldest first", async () => {
    const root = newRoot();
    for (let i = 0; i < 3; i++) put(join(root, "in", `f${i}.json`), [{ v: i }], nowSec - 100 + i * 10);
    expect(await run(stream().option("maxFilesPerTrigger", 1).json(join(root, "in")), root)).toEqual([['{"v": 0}'], ['{"v": 1}'], ['{"v": 2}']]);
  });

  it("latestFirst with maxFilesPerTrigger: newest first (PySpark 4.0.1)", async () => {
    const root = newRoot();
    for (let i = 0; i < 3; i++) put(join(root, "in", `f${i}.json`), [{ v: i }], nowSec - 100 + i * 10);
    expect(await run(stream().option("latestFirst", "true").option("maxFilesPerTrigger", 1).json(join(root, "in")), root)).toEqual(golden["latestFirst-batches"]);
  });

  it("maxFileAge: a later file older than the newest seen by more than the age is skipped (PySpark 4.0.1)", async () => {
    const root = newRoot();
    const dir = join(root, "in");
    put(join(dir, "old.json"), [{ v: 1 }], nowSec - 7200);
    put(join(dir, "new.json"), [{ v: 2 }], nowSec);
    const rows = await run(stream().option("maxFileAge", "1h").json(dir), root, () => {
      put(join(dir, "older.json"), [{ v: 3 }], nowSec - 10800);
      put(join(dir, "newer.json"), [{ v: 4 }], nowSec + 10);
    });
    expect(rows.flat().sort()).toEqual(golden["maxFileAge-rows"]);
  });

  it("fileNameOnly: a file whose name an earlier batch read is skipped, wherever it is (PySpark 4.0.1)", async () => {
    for (const only of ["true", "false"]) {
      const root = newRoot();
      const dir = join(root, "in");
      put(join(dir, "x", "same.json"), [{ v: 1 }]);
      const rows = await run(stream().option("fileNameOnly", only).json(join(dir, "*")), root, () => {
        put(join(dir, "y", "same.json"), [{ v: 2 }]);
        put(join(dir, "y", "other.json"), [{ v: 3 }]);
      });
      expect(rows.flat().sort(), `fileNameOnly=${only}`).toEqual(golden[`fileNameOnly-${only}-rows`]);
    }
  });

  it("cleanSource=archive: a file lands at <archive>/<its full path> once the next batch starts (PySpark 4.0.1)", async () => {
    const root = newRoot();
    const src = join(root, "a1", "in");
    const archive = join(root, "a1", "archive");
    mkdirSync(archive, { recursive: true });
    put(join(src, "sub", "f1.json"), [{ v: 1 }]);
    put(join(src, "f0.json"), [{ v: 0 }]);
    const df = stream().option("cleanSource", "archive").option("sourceArchiveDir", archive).option("recursiveFileLookup", "true").json(src);
    await run(df, root, () => put(join(src, "f2.json"), [{ v: 2 }]));
    const walk = (d: string): string[] => (existsSync(d) ? readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.startsWith(".") ? [] : [join(d, f)])) : []);
    const rel = (p: string) => p.replaceAll(root, "$ROOT");
    expect(walk(archive).map(rel).sort()).toEqual(golden["archive-files"]);
    expect(walk(src).map(rel).sort()).toEqual(golden["archive-left-in-source"]);
  });

  it("cleanSource=archive refuses an archive folder the source pattern could match (Spark's words)", async () => {
    const root = newRoot();
    const src = join(root, "a2", "in");
    put(join(src, "x", "f.json"), [{ v: 1 }]);
    const message = (golden["archive-overlap-error"] as string).replace(/^.*requirement failed: /, "").replace(/ SQLSTATE.*$/, "").replace(/\.$/, "");
    for (const [pattern, archiveDir] of [[join(src, "*"), join(src, "archived")], [src, join(src, "x", "archive")]]) {
      // Sluice checks when the query starts; Spark fails the query in its first batch (README).
      await expect(run(stream().option("cleanSource", "archive").option("sourceArchiveDir", archiveDir!).json(pattern!), root)).rejects.toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining(message) });
    }
    // An archive folder beside the source folder is fine.
    await expect(run(stream().option("cleanSource", "archive").option("sourceArchiveDir", join(root, "a2", "archive")).json(src), root)).resolves.toBeDefined();
  });

  it("cleanSource=delete removes a batch's files once the next batch starts", async () => {
    const root = newRoot();
    const src = join(root, "in");
    put(join(src, "a.json"), [{ v: 1 }]);
    await run(stream().option("cleanSource", "delete").json(src), root, () => put(join(src, "b.json"), [{ v: 2 }]));
    expect(readdirSync(src).sort()).toEqual(["b.json"]);
  });

  it("bad options are refused at start, every one named", async () => {
    const root = newRoot();
    mkdirSync(join(root, "in"));
    await expect(run(stream().option("maxFilesPerTrigger", 0).option("cleanSource", "bogus").json(join(root, "in")), root)).rejects.toMatchObject({
      code: "INVALID_OPTION",
      message: expect.stringMatching(/maxFilesPerTrigger=0.*cleanSource=bogus/),
    });
  });

  it("a user schema becomes nullable (spark.sql.streaming.fileSource.schema.forceNullable, PySpark 4.0.1)", () => {
    const root = newRoot();
    put(join(root, "in", "f.json"), [{ v: 1 }]);
    const schema = new StructType().add("v", "int", false);
    expect(spark.readStream.schema(schema).json(join(root, "in")).schema.fields.map((f) => [f.name, f.nullable])).toEqual(golden["force-nullable"]);
    spark.conf.set("spark.sql.streaming.fileSource.schema.forceNullable", "false");
    try {
      expect(spark.readStream.schema(schema).json(join(root, "in")).schema.fields[0]!.nullable).toBe(false);
    } finally {
      spark.conf.unset("spark.sql.streaming.fileSource.schema.forceNullable");
    }
  });

  it("a partition column named in the user schema is filled from the folder names (PySpark 4.0.1)", async () => {
    const root = newRoot();
    put(join(root, "in", "p=1", "a.json"), [{ v: 1 }]);
    put(join(root, "in", "p=2", "b.json"), [{ v: 2 }]);
    expect(await run(stream("v INT, p INT").json(join(root, "in")), root)).toEqual(golden["partition-column-rows"]);
  });

  it("a glob that matches nothing yet is accepted; files that appear later are read (PySpark 4.0.1)", async () => {
    const root = newRoot();
    const dir = join(root, "g");
    mkdirSync(dir);
    const rows = await run(stream().json(join(dir, "*", "*.json")), root, () => put(join(dir, "x", "f.json"), [{ v: 8 }]));
    expect(rows.flat()).toEqual(golden["glob-nothing-then-rows"]);
  });
});
