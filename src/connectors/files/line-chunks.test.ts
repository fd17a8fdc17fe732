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
