/**
 * Large line-oriented files (JSON lines, CSV without multi-line records) read in chunks of whole
 * lines, so a file larger than V8's maximum string length (~512 MiB) can be read and memory
 * stays bounded. A line ends at `\n`, `\r\n` or a lone `\r`, as in Hadoop's LineRecordReader that
 * Spark reads these files with. Each chunk knows the line number it starts at, for error messages,
 * and whether its bytes are valid UTF-8 (invalid bytes decode to U+FFFD; JSON readers must then
 * treat the records holding them as malformed, as Spark's byte-level JSON parser does).
 */
import { closeSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { isUtf8 } from "node:buffer";

export interface TextChunk {
  readonly text: string;
  /** 1-based line number of the chunk's first line. */
  readonly firstLine: number;
  /** False when some of the chunk's bytes were not valid UTF-8. */
  readonly validUtf8: boolean;
}

const CHUNK_BYTES = 8 << 20;
const LF = 10;
const CR = 13;

/** Line ends (`\n`, `\r\n`, lone `\r`) in b[0, end). A `\r` at `end - 1` counts as a line end. */
export function countLineEnds(b: Uint8Array, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = b[i];
    if (c === LF || (c === CR && b[i + 1] !== LF)) n++;
  }
  return n;
}

/** The decoded text of b, with its UTF-8 validity. */
export function decodeUtf8(b: Uint8Array): { text: string; validUtf8: boolean } {
  return { text: Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8"), validUtf8: isUtf8(b) };
}

/**
 * The end (exclusive) of the last complete line in `data`, or -1. A `\r` as the last byte is not
 * yet complete: a `\n` may follow in the next read.
 */
function lastLineEnd(data: Buffer): number {
  for (let i = data.length - 1; i >= 0; i--) {
    const c = data[i];
    if (c === LF) return i + 1;
    if (c === CR && i < data.length - 1) return i + 1;
  }
  return -1;
}

/** Split what was read so far at its last line end; the tail is carried into the next chunk. */
function cut(data: Buffer, line: number): { chunk?: TextChunk; carry: Buffer; line: number } {
  const end = lastLineEnd(data);
  if (end < 0) return { carry: Buffer.from(data), line };
  const chunk = { ...decodeUtf8(data.subarray(0, end)), firstLine: line };
  return { chunk, carry: Buffer.from(data.subarray(end)), line: line + countLineEnds(data, end) };
}

export async function* readLineChunks(path: string, chunkBytes = CHUNK_BYTES): AsyncGenerator<TextChunk> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    let carry: Buffer = Buffer.alloc(0);
    let line = 1;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      const r = cut(carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead), line);
      carry = r.carry;
      line = r.line;
      if (r.chunk) yield r.chunk;
    }
    if (carry.length > 0) yield { ...decodeUtf8(carry), firstLine: line };
  } finally {
    await fh.close();
  }
}

export function* readLineChunksSync(path: string, chunkBytes = CHUNK_BYTES): Generator<TextChunk> {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    let carry: Buffer = Buffer.alloc(0);
    let line = 1;
    for (;;) {
      const bytesRead = readSync(fd, buf, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      const r = cut(carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead), line);
      carry = r.carry;
      line = r.line;
      if (r.chunk) yield r.chunk;
    }
    if (carry.length > 0) yield { ...decodeUtf8(carry), firstLine: line };
  } finally {
    closeSync(fd);
  }
}
