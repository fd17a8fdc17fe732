/**
 * Byte-range pieces of a JSON lines file: together they hold every line exactly once, and a split
 * read gives the rows and errors (with the file's own line numbers) of a whole-file read.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TaskContext } from "../../physical/execution-plan.js";
import { StructType } from "../../types/struct-type.js";
import { createFileScanExec, readFileBatches } from "./file-source.js";
import { planPieces, planRowGroupPieces, readLineRange, splittable } from "./file-pieces.js";
import { parquetRowGroupBytes, readParquetFile } from "./parquet-format.js";
import { readFilesInOrder } from "./parallel-read.js";
import { read, scanNode, spec, tempDir, testCtx, writeParquetRowGroups } from "./test-support.js";

async function linesOf(path: string, size: number, pieceBytes: number, chunkBytes: number): Promise<{ lines: string[]; counts: number[] }> {
  const lines: string[] = [];
  const counts: number[] = [];
  for (const range of planPieces(size, pieceBytes) ?? [{ start: 0, end: size }]) {
    const out = { lines: 0 };
    let expectLine = 1;
    for await (const c of readLineRange(path, range, out, chunkBytes)) {
      expect(c.firstLine).toBe(expectLine);
      const ls = c.text.split("\n");
      if (ls[ls.length - 1] === "") ls.pop();
      lines.push(...ls);
      expectLine += ls.length;
    }
    counts.push(out.lines);
  }
  return { lines, counts };
}

describe("file pieces", () => {
  it("plans pieces only for files over 1.5 pieces; the last reads to the end", () => {
    expect(planPieces(150, 100)).toBeUndefined();
    expect(planPieces(400, 100)).toEqual([
      { start: 0, end: 100 },
      { start: 100, end: 200 },
      { start: 200, end: 300 },
      { start: 300, end: Number.MAX_SAFE_INTEGER },
    ]);
    expect(splittable("json", {})).toBe(true);
    expect(splittable("json", { multiLine: "true" })).toBe(false);
    expect(splittable("json", { lineSep: ";" })).toBe(false);
    expect(splittable("csv", {})).toBe(false);
  });

  it("pieces hold every line exactly once, whatever the cut points, chunk sizes and last newline", async () => {
    const d = tempDir();
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let trial = 0; trial < 30; trial++) {
      const want = Array.from({ length: 1 + rnd(60) }, (_, i) => (rnd(5) === 0 ? "" : `{"i":${i},"s":"${"é".repeat(rnd(30))}"}`));
      const text = want.join("\n") + (rnd(2) === 0 ? "\n" : "");
      const p = join(d, `t${trial}.json`);
      writeFileSync(p, text);
      const size = Buffer.byteLength(text);
      const { lines, counts } = await linesOf(p, size, 1 + rnd(80), 1 + rnd(50));
      expect(lines).toEqual(text.endsWith("\n") ? want : want.slice(0, want.length - (want[want.length - 1] === "" ? 1 : 0)));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(lines.length);
    }
  });

  const ctx = (threads: number): TaskContext => ({ ...testCtx(7), parallelRead: { threads, minBytes: 0, pieceBytes: 200 } });

  it("a split read gives the rows of a whole-file read", async () => {
    const d = tempDir();
    const lines = Array.from({ length: 300 }, (_, i) => (i % 17 === 0 ? "" : JSON.stringify({ id: i, name: `n${i}`, v: i % 3 === 0 ? null : i / 3 })));
    writeFileSync(join(d, "a.json"), lines.join("\n"));
    writeFileSync(join(d, "b.json"), lines.slice(0, 50).join("\r\n") + "\r\n");
    const s = spec("json", d, {}, "id INT, name STRING, v DOUBLE");
    const base = await read(s, ctx(0));
    expect(base.rows.length).toBe(300 - 18 + 50 - 3);
    expect((await read(s, ctx(2))).rows).toEqual(base.rows);
  });

  it("FAILFAST in a later piece reports the file's own line number", async () => {
    const d = tempDir();
    const lines = Array.from({ length: 200 }, (_, i) => `{"a":${i}}`);
    lines[150] = '{"a":';
    lines[10] = "";
    const path = join(d, "a.json");
    writeFileSync(path, lines.join("\n") + "\n");
    const schema = StructType.fromDDL("a INT");
    const files = [{ path, sizeBytes: Buffer.byteLength(lines.join("\n") + "\n") }];
    const errorOf = async (c: TaskContext) => {
      try {
        for await (const _ of readFilesInOrder("json", files, schema, { mode: "FAILFAST" }, c, readFileBatches));
      } catch (e) {
        return e as Record<string, unknown>;
      }
      throw new Error("expected a failure");
    };
    const base = await errorOf(ctx(0));
    expect(base).toMatchObject({ code: "MALFORMED_RECORD_IN_PARSING", context: { file: path, line: 151 } });
    const split = await errorOf(ctx(2));
    expect({ message: split.message, context: split.context, code: split.code }).toEqual({ message: base.message, context: base.context, code: base.code });
  });

  it("row-group pieces: consecutive ranges of about pieceBytes, a single range for a file read whole", () => {
    expect(planRowGroupPieces([10, 10, 10, 10, 10], 20)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 5 },
    ]);
    expect(planRowGroupPieces([50, 1, 1], 20)).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 3 },
    ]);
    expect(planRowGroupPieces([5, 5], 20)).toBeUndefined();
    expect(planRowGroupPieces([100], 20)).toBeUndefined();
    expect(planRowGroupPieces([], 20)).toBeUndefined();
  });

  it("a Parquet file read by row-group ranges gives the rows of a whole-file read", async () => {
    const path = join(tempDir(), "groups.parquet");
    const ddl = "id BIGINT, s STRING, x DOUBLE";
    const rows = Array.from({ length: 2500 }, (_, i) => ({ id: BigInt(i), s: i % 7 === 0 ? null : `v${i % 13}`, x: i / 4 }));
    writeParquetRowGroups(path, ddl, rows, 300);
    const sizes = await parquetRowGroupBytes(path);
    expect(sizes).toHaveLength(9);
    const schema = StructType.fromDDL("x DOUBLE, id BIGINT");
    const all = (await read(spec("parquet", path))).rows.map((r) => ({ x: r.x, id: r.id }));
    for (const pieceBytes of [1, sizes[0]! * 2, sizes[0]! * 4]) {
      const got: Record<string, unknown>[] = [];
      for (const range of planRowGroupPieces(sizes, pieceBytes)!) {
        for await (const b of readParquetFile(path, schema, 128, range)) {
          expect(b.numRows).toBeLessThanOrEqual(128);
          for (let i = 0; i < b.numRows; i++) got.push({ x: b.columns[0]!.values[i], id: b.columns[1]!.values[i] });
        }
      }
      expect(got, `${pieceBytes}-byte pieces`).toEqual(all);
      // the scan's split gives the same ranges (a file up to one piece stays whole)
      const split = await createFileScanExec(scanNode(spec("parquet", path))).split(testCtx(), pieceBytes, false);
      expect(split.pieces.map((p) => (p.kind === "file" ? p.rowGroups : null))).toEqual(planRowGroupPieces(sizes, pieceBytes));
    }
    const whole = await createFileScanExec(scanNode(spec("parquet", path))).split(testCtx(), 1 << 30, false);
    expect(whole.pieces.map((p) => p.kind === "file" && p.rowGroups)).toEqual([undefined]);
    // ignoreCorruptFiles skips a damaged file as a whole, so such a read is not cut
    const tolerant = await createFileScanExec(scanNode(spec("parquet", path, { ignoreCorruptFiles: "true" }))).split(testCtx(), 1, false);
    expect(tolerant.pieces.map((p) => p.kind === "file" && p.rowGroups)).toEqual([undefined]);
  });

  it("a row-group piece of a damaged Parquet file fails naming the file", async () => {
    const path = join(tempDir(), "damaged.parquet");
    writeParquetRowGroups(path, "id INT", Array.from({ length: 1000 }, (_, i) => ({ id: i })), 100);
    const bytes = readFileSync(path);
    bytes.fill(0x55, 4, bytes.length - 2000);
    writeFileSync(path, bytes);
    const it = readParquetFile(path, StructType.fromDDL("id INT"), 64, { start: 2, end: 4 });
    await expect(it.next()).rejects.toMatchObject({ code: "FAILED_READ_FILE", context: { file: path } });
  });
});
