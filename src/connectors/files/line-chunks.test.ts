import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readLineChunks, readLineChunksSync } from "./line-chunks.js";

describe("line chunks", () => {
  const file = join(mkdtempSync(join(tmpdir(), "sluice-chunks-")), "f.txt");
  const lines = ["alpha", "β-two", "", "gamma gamma", "δ"];
  writeFileSync(file, lines.join("\n")); // no trailing newline: the tail is its own chunk

  it("cuts only at newlines, keeps multi-byte characters whole, and numbers lines", async () => {
    for (const size of [1, 3, 7, 64]) {
      const chunks = [];
      for await (const c of readLineChunks(file, size)) chunks.push(c);
      expect(chunks.map((c) => c.text).join("")).toBe(lines.join("\n"));
      for (const c of chunks) expect(lines[c.firstLine - 1]).toBe(c.text.split("\n")[0]);
      expect([...readLineChunksSync(file, size)]).toEqual(chunks);
    }
  });
});

describe("line ends and UTF-8 validity", () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-chunks-"));

  it("ends lines at \\n, \\r\\n and a lone \\r, never splitting a \\r\\n across chunks", async () => {
    const file = join(dir, "cr.txt");
    const text = "a\r\nbb\rccc\n\rd\r\r\ne";
    writeFileSync(file, text);
    // Lines: a | bb | ccc | (blank) | d | (blank) | e — first lines of chunks must be line starts.
    const starts = [0, 3, 6, 10, 11, 13, 15];
    for (const size of [1, 2, 3, 5, 64]) {
      const chunks = [];
      for await (const c of readLineChunks(file, size)) chunks.push(c);
      expect(chunks.map((c) => c.text).join("")).toBe(text);
      for (const c of chunks) {
        expect(c.text.startsWith("\n")).toBe(false);
        const at = chunks.slice(0, chunks.indexOf(c)).reduce((n, x) => n + x.text.length, 0);
        expect(starts[c.firstLine - 1]).toBe(at);
      }
      expect([...readLineChunksSync(file, size)]).toEqual(chunks);
    }
  });

  it("flags the chunks holding bytes that are not UTF-8", async () => {
    const file = join(dir, "utf8.txt");
    writeFileSync(file, Buffer.concat([Buffer.from("ok \u00e9\n"), Buffer.from([0x62, 0xff, 0x0a]), Buffer.from("\ufffd fine\n")]));
    const chunks = [...readLineChunksSync(file, 4)];
    expect(chunks.map((c) => [c.firstLine, c.validUtf8])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    expect(chunks[1]!.text).toBe("b\ufffd\n");
  });
});
