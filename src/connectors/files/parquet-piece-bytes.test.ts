/**
 * A Parquet row-group piece reads the footer and its row groups' column chunks only, through the
 * FileSystem layer's ranged reads, and decodes the same rows as those row groups of a whole-file
 * read: counted on the local file system's `open` over a file of 8 row groups.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { batchToRows } from "../../columnar/column-batch.js";
import { fileSystemFor } from "../../fs/file-systems.js";
import { StructType } from "../../types/struct-type.js";
import { readParquetFile } from "./parquet-format.js";
import { readFooter, rowGroupChunkRanges } from "./parquet-piece-bytes.js";
import { tempDir, writeParquetRowGroups } from "./test-support.js";

const DDL = "id INT, kind STRING, amount DOUBLE, note STRING";
const rows = Array.from({ length: 4000 }, (_, i) => ({ id: i, kind: ["view", "click", "buy"][i % 3], amount: i % 7 === 0 ? null : i * 1.5, note: `n${(i * 7919) % 1000}` }));

async function read(path: string, groups?: { start: number; end: number }): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const b of readParquetFile(path, StructType.fromDDL(DDL), 1024, groups)) out.push(...batchToRows(b));
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe("Parquet row-group pieces", () => {
  it("read only the footer and their row groups' bytes, and give those row groups' rows", async () => {
    const path = join(tempDir(), "groups.parquet");
    writeParquetRowGroups(path, DDL, rows, 500);
    const fs = fileSystemFor(path);
    const { size, footer } = readFooter(path);
    const footerLen = footer.length;
    const groups = rowGroupChunkRanges(footer);
    expect(groups.length).toBe(8);
    const whole = await read(path);
    expect(whole.length).toBe(4000);

    const reads: { offset: number; length: number }[] = [];
    const open = fs.open.bind(fs);
    vi.spyOn(fs, "open").mockImplementation((p, range) => {
      const b = open(p, range);
      reads.push(range ?? { offset: 0, length: b.length });
      return b;
    });
    for (const piece of [{ start: 0, end: 1 }, { start: 2, end: 5 }, { start: 7, end: 8 }]) {
      reads.length = 0;
      expect(await read(path, piece)).toEqual(whole.slice(piece.start * 500, piece.end * 500));
      const chunkBytes = groups.slice(piece.start, piece.end).flat().reduce((a, c) => a + c.length, 0);
      const readBytes = reads.reduce((a, r) => a + r.length, 0);
      // the footer (with its length and magic) twice: once for the schema, once for the chunk offsets
      expect(readBytes).toBeLessThanOrEqual(chunkBytes + 2 * (footerLen + 8) + 8);
      expect(readBytes).toBeLessThan(size * ((piece.end - piece.start) / 8) + 2 * (footerLen + 8) + 8);
      expect(reads.every((r) => r.length < size)).toBe(true);
    }
  });

  it("a piece asking for row groups the file lacks fails naming the file", async () => {
    const path = join(tempDir(), "two.parquet");
    writeParquetRowGroups(path, DDL, rows.slice(0, 1000), 500);
    await expect(read(path, { start: 1, end: 3 })).rejects.toMatchObject({ code: "FAILED_READ_FILE", message: expect.stringContaining("the file has 2 row groups, the piece asks for 1..2") });
    const bad = join(tempDir(), "bad.parquet");
    writeFileSync(bad, Buffer.from("PAR1 not a footer\u0005\u0000\u0000\u0000PAR1", "latin1"));
    await expect(read(bad, { start: 0, end: 1 })).rejects.toMatchObject({ code: "FAILED_READ_FILE" });
  });
});
