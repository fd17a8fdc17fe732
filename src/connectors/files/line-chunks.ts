/**
 * Large line-oriented files (JSON lines, CSV without multi-line records) read in chunks of whole
 * lines, so a file larger than V8's maximum string length (~512 MiB) can be read and memory
 * stays bounded. A line ends at `\n`, `\r\n` or a lone `\r`, as in Hadoop's LineRecordReader that
 * Spark reads these files with. Each chunk knows the line number it starts at, for error messages,
 * and whether its bytes are valid UTF-8 (invalid bytes decode to U+FFFD; JSON readers must then
 * treat the records holding them as malformed, as Spark's byte-level JSON parser does).
 */
import { closeSync, openSync, readSync } from "node:fs";
import { openPositionedReader } from "../../fs/positioned-reader.js";
import { isLocalPath } from "../../fs/path.js";
import { isUtf8 } from "node:buffer";
import { codecOf, decompressedChunks, readFileBytesSync } from "./compression.js";

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

/** Whole-line chunks of a sequence of byte blocks (carrying a cut line into the next block). */
function* linesOf(blocks: Iterable<Buffer>, state: { carry: Buffer; line: number }): Generator<TextChunk> {
  for (const block of blocks) {
    const r = cut(state.carry.length > 0 ? Buffer.concat([state.carry, block]) : block, state.line);
    state.carry = r.carry;
    state.line = r.line;
    if (r.chunk) yield r.chunk;
  }
}

/** The rest of a file once its blocks are done: a last line without a line end. */
function* rest(state: { carry: Buffer; line: number }): Generator<TextChunk> {
  if (state.carry.length > 0) yield { ...decodeUtf8(state.carry), firstLine: state.line };
}

/** `buf` in blocks of `size` bytes. */
function* blocksOf(buf: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < buf.length; at += size) yield buf.subarray(at, at + size);
}

/** Chunks of whole lines of `path`; a `.gz` or `.deflate` file is decompressed as it is read (compression.ts). */
export async function* readLineChunks(path: string, chunkBytes = CHUNK_BYTES): AsyncGenerator<TextChunk> {
  const state = { carry: Buffer.alloc(0), line: 1 };
  const codec = codecOf(path);
  if (codec !== undefined) {
    for await (const block of decompressedChunks(path, codec)) yield* linesOf([block], state);
    yield* rest(state);
    return;
  }
  const fh = await openPositionedReader(path);
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      yield* linesOf([buf.subarray(0, bytesRead)], state);
    }
    yield* rest(state);
  } finally {
    await fh.close();
  }
}

/** As readLineChunks, synchronously; a compressed file (or one on an object store) is read whole first. */
export function* readLineChunksSync(path: string, chunkBytes = CHUNK_BYTES): Generator<TextChunk> {
  const state = { carry: Buffer.alloc(0), line: 1 };
  if (codecOf(path) !== undefined || !isLocalPath(path)) {
    yield* linesOf(blocksOf(readFileBytesSync(path), chunkBytes), state);
    yield* rest(state);
    return;
  }
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const bytesRead = readSync(fd, buf, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      yield* linesOf([buf.subarray(0, bytesRead)], state);
    }
    yield* rest(state);
  } finally {
    closeSync(fd);
  }
}
