/**
 * Byte-range pieces of a JSON lines file: together they hold every line exactly once, and a split
 * read gives the rows and errors (with the file's own line numbers) of a whole-file read.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TaskContext } from "../../physical/execution-plan.js";
import { StructType } from "../../types/struct-type.js";
import { readFileBatches } from "./file-source.js";
import { planPieces, readLineRange, splittable } from "./file-pieces.js";
import { readFilesInOrder } from "./parallel-read.js";
import { read, spec, tempDir, testCtx } from "./test-support.js";

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
});
