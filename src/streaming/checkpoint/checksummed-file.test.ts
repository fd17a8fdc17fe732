import { mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-file.js";
import { CHECKPOINT_FILE, checksummedPieces, readChecksummed } from "./checksummed-file.js";
import { crc32, crc32Table } from "./crc32.js";

const tmp = () => mkdtempSync(join(tmpdir(), "sluice-crc-"));
const write = (file: string, name: string, body: string[]) => writeFileAtomic(file, checksummedPieces(name, body));

describe("crc32", () => {
  it("is the IEEE CRC-32 (check value of '123456789'), incremental, and the table version agrees with zlib's", () => {
    const data = Buffer.from("123456789");
    expect(crc32(data)).toBe(0xcbf43926);
    expect(crc32Table(data)).toBe(0xcbf43926);
    expect(crc32(data.subarray(4), crc32(data.subarray(0, 4)))).toBe(0xcbf43926);
    const big = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff));
    const z = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
    if (z) expect(crc32Table(big)).toBe(z(big));
    expect(crc32Table(big.subarray(100), crc32Table(big.subarray(0, 100)))).toBe(crc32(big));
  });
});

describe("checksummed files", () => {
  it("round-trips a body written in pieces; v1 files without a trailer still load", () => {
    const dir = tmp();
    write(join(dir, "7.delta"), "7.delta", ["a\nb\n", "c"]);
    expect(readChecksummed(join(dir, "7.delta"), CHECKPOINT_FILE)).toEqual({ version: 2, body: "a\nb\nc" });
    write(join(dir, "empty"), "empty", []);
    expect(readChecksummed(join(dir, "empty"), CHECKPOINT_FILE).body).toBe("");
    writeFileSync(join(dir, "old"), "v1\nx\ny");
    expect(readChecksummed(join(dir, "old"), CHECKPOINT_FILE)).toEqual({ version: 1, body: "x\ny" });
  });

  it("refuses every truncation of a v2 file, naming the file and the fix", () => {
    const dir = tmp();
    const file = join(dir, "3");
    write(file, "3", ['{"a":1}\n{"b":2}']);
    const whole = readFileSync(file);
    for (let n = 0; n < whole.length; n++) {
      writeFileSync(file, whole.subarray(0, n));
      expect(() => readChecksummed(file, CHECKPOINT_FILE), `cut at ${n}`).toThrowError(
        expect.objectContaining({ code: "CHECKPOINT_CORRUPT", message: expect.stringMatching(/3 is .*new checkpointLocation/) }),
      );
    }
  });

  it("refuses a file with a line cut out, a changed byte, garbage, a rename, or a newer version", () => {
    const dir = tmp();
    const file = join(dir, "1");
    write(file, "1", ["x\ny\nz"]);
    const text = readFileSync(file, "utf8");
    const corruptCase = (content: string | Buffer) => {
      writeFileSync(file, content);
      expect(() => readChecksummed(file, CHECKPOINT_FILE)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_CORRUPT", context: { file } }));
    };
    corruptCase(text.replace("y\n", ""));
    corruptCase(text.replace("z", "Z"));
    corruptCase(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    corruptCase(text + "\n");
    writeFileSync(file, text);
    renameSync(file, join(dir, "2"));
    expect(() => readChecksummed(join(dir, "2"), CHECKPOINT_FILE)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_CORRUPT", message: expect.stringContaining("renamed") }));
    writeFileSync(file, "v3\nx");
    expect(() => readChecksummed(file, CHECKPOINT_FILE)).toThrowError(expect.objectContaining({ code: "CHECKPOINT_VERSION_UNSUPPORTED" }));
  });
});
