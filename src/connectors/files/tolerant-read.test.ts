import { copyFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { batchToRows } from "../../columnar/column-batch.js";
import { StructType } from "../../types/struct-type.js";
import { readFileBatches } from "./file-source.js";
import { tempDir, testCtx } from "./test-support.js";
import { readFilesTolerantly } from "./tolerant-read.js";

const SCHEMA = StructType.fromDDL("id INT");
const none = { ignoreMissingFiles: false, ignoreCorruptFiles: false };

async function ids(format: string, paths: string[], tol = none, schema = SCHEMA): Promise<[number, unknown][]> {
  const files = paths.map((path) => ({ path, sizeBytes: 1 }));
  const out: [number, unknown][] = [];
  for await (const { fileIndex, batch } of readFilesTolerantly(format, files, schema, {}, testCtx(), readFileBatches, tol)) {
    for (const r of batchToRows(batch)) out.push([fileIndex, r.id]);
  }
  return out;
}

describe("readFilesTolerantly", () => {
  it("a file gone when read is FILE_NOT_EXIST naming it, or skipped with ignoreMissingFiles; the others keep their index", async () => {
    const d = tempDir();
    const [a, b, c] = ["a", "b", "c"].map((n) => join(d, `${n}.json`));
    writeFileSync(a!, '{"id":1}\n');
    writeFileSync(c!, '{"id":3}\n');
    await expect(ids("json", [a!, b!, c!])).rejects.toMatchObject({ code: "FILE_NOT_EXIST", context: { file: b }, message: expect.stringContaining("ignoreMissingFiles") });
    expect(await ids("json", [a!, b!, c!], { ...none, ignoreMissingFiles: true })).toEqual([[0, 1], [2, 3]]);
    expect(await ids("json", [b!, b!, a!], { ...none, ignoreMissingFiles: true })).toEqual([[2, 1]]);
  });

  it("a damaged Parquet file fails, or is skipped with ignoreCorruptFiles; a missing one is not 'corrupt'", async () => {
    const d = tempDir();
    const good = join(d, "good.parquet");
    const bad = join(d, "bad.parquet");
    copyFileSync(new URL("../../../test/file-options/fixtures/a.parquet", import.meta.url).pathname, good);
    copyFileSync(good, bad);
    truncateSync(bad, 100);
    const schema = StructType.fromDDL("id INT, s STRING");
    await expect(ids("parquet", [good, bad], none, schema)).rejects.toMatchObject({ code: "FAILED_READ_FILE", context: { file: bad } });
    expect(await ids("parquet", [bad, good, bad], { ...none, ignoreCorruptFiles: true }, schema)).toEqual([[1, 1], [1, 2]]);
    rmSync(bad);
    await expect(ids("parquet", [bad, good], { ...none, ignoreCorruptFiles: true }, schema)).rejects.toMatchObject({ code: "FILE_NOT_EXIST" });
  });

  it("FAILFAST malformed records fail even with ignoreCorruptFiles (as Spark)", async () => {
    const d = tempDir();
    const a = join(d, "a.json");
    writeFileSync(a, '{"id":1}\n{oops\n');
    const files = [{ path: a, sizeBytes: 1 }];
    const run = async () => {
      for await (const _ of readFilesTolerantly("json", files, SCHEMA, { mode: "FAILFAST" }, testCtx(), readFileBatches, { ignoreMissingFiles: true, ignoreCorruptFiles: true })) void _;
    };
    await expect(run()).rejects.toMatchObject({ code: "MALFORMED_RECORD_IN_PARSING" });
  });
});
