/**
 * A Delta log whose add (or remove) action names a file outside the table is refused on every
 * read path — batch, time travel, streaming from the snapshot and streaming from a version, and
 * from a checkpoint — with
 * an error naming the table, the commit file, the version and the path. The outside file exists
 * and holds a readable row, so a reader that followed the path would return an extra row.
 */
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session, type SluiceError } from "../../src/index.js";
import { writeCheckpoint } from "../../src/delta/checkpoint.js";
import { loadSnapshot } from "../../src/delta/snapshot.js";
import { errorOf } from "../../src/delta/test-helpers.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());

const COMMIT_1 = "00000000000000000001.json";

/** A table at version 0 (row id=1) plus a hand-written commit 1 with `action` on `path(outside)`. */
async function tableWithCommit1(action: "add" | "remove", path: (outsideFile: string) => string) {
  const d = mkdtempSync(join(tmpdir(), "sluice-delta-escape-"));
  const table = join(d, "t");
  await spark.createDataFrame([{ id: 1 }], "id BIGINT").write.format("delta").save(table);
  const dataFile = readdirSync(table).find((n) => n.endsWith(".parquet"))!;
  const outside = join(d, "outside.parquet");
  copyFileSync(join(table, dataFile), outside);
  const logPath = path(outside);
  const file = { path: logPath, partitionValues: {}, size: 1, modificationTime: Date.now(), dataChange: true };
  const commit = [{ commitInfo: { timestamp: Date.now(), operation: "WRITE" } }, { [action]: action === "add" ? file : { path: logPath, deletionTimestamp: Date.now(), dataChange: true } }];
  writeFileSync(join(table, "_delta_log", COMMIT_1), commit.map((a) => JSON.stringify(a)).join("\n") + "\n");
  return { table, logPath };
}

function expectEscapeError(e: SluiceError | null, table: string, logPath: string, action: string): void {
  expect(e?.code).toBe("DELTA_PATH_OUTSIDE_TABLE");
  expect(e?.context).toMatchObject({ path: logPath, version: 1, action, file: join(table, "_delta_log", COMMIT_1) });
  expect(e?.message).toContain(table);
  expect(e?.message).toContain(COMMIT_1);
  expect(e?.message).toContain("version 1");
  expect(e?.message).toContain(`"${logPath}"`);
}

let queryNo = 0;
async function streamError(table: string, options: Record<string, string> = {}): Promise<SluiceError | null> {
  const q = await spark.readStream.format("delta").options(options).load(table).writeStream.format("memory").queryName(`escape_${queryNo++}`).start();
  await q.awaitTermination(20).catch(() => undefined);
  const e = q.exception as SluiceError | null;
  if (q.isActive) await q.stop();
  return e;
}

const FORMS: [string, (outside: string) => string][] = [
  ["a ../ path", () => "../outside.parquet"],
  ["a URL-encoded ..%2F path", () => "..%2Foutside.parquet"],
  ["an absolute path", (outside) => outside],
  ["a file:// URI", (outside) => `file://${outside}`],
];

describe("Delta add paths that leave the table", () => {
  it.each(FORMS)("%s is refused by batch, time-travel and streaming reads", async (_label, form) => {
    const { table, logPath } = await tableWithCommit1("add", form);
    expectEscapeError(await errorOf(() => spark.read.format("delta").load(table).collect()), table, logPath, "add");
    expectEscapeError(await errorOf(() => spark.read.format("delta").option("versionAsOf", 1).load(table).collect()), table, logPath, "add");
    // the version before the bad commit is still readable
    expect(await spark.read.format("delta").option("versionAsOf", 0).load(table).collect()).toEqual([{ id: 1n }]);
    expectEscapeError(await streamError(table), table, logPath, "add");
    expectEscapeError(await streamError(table, { startingVersion: "1" }), table, logPath, "add");
  });
});

describe("Delta remove paths that leave the table", () => {
  it("are refused too (a remove names a file of this table)", async () => {
    const { table, logPath } = await tableWithCommit1("remove", () => "../outside.parquet");
    expectEscapeError(await errorOf(() => spark.read.format("delta").load(table).collect()), table, logPath, "remove");
    expectEscapeError(await streamError(table, { startingVersion: "1" }), table, logPath, "remove");
  });
});

describe("Delta checkpoint paths that leave the table", () => {
  it("are refused naming the checkpoint file", async () => {
    const d = mkdtempSync(join(tmpdir(), "sluice-delta-escape-"));
    const table = join(d, "t");
    await spark.createDataFrame([{ id: 1 }], "id BIGINT").write.format("delta").save(table);
    const snap = await loadSnapshot(table);
    writeCheckpoint({ ...snap, files: snap.files.map((f) => ({ ...f, path: "../outside.parquet" })) });
    const checkpoint = join(table, "_delta_log", "00000000000000000000.checkpoint.parquet");
    const e = await errorOf(() => spark.read.format("delta").load(table).collect());
    expect(e).toMatchObject({ code: "DELTA_PATH_OUTSIDE_TABLE", context: { file: checkpoint, version: 0, action: "add", path: "../outside.parquet" } });
    expect(e.message).toContain(checkpoint);
  });
});
