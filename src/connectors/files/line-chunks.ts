/**
 * Large line-oriented files (JSON lines, CSV without multi-line records) read in chunks of whole
 * lines, so a file larger than V8's maximum string length (~512 MiB) can be read and memory
 * stays bounded. Each chunk knows the line number it starts at, for error messages.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";

export interface TextChunk {
  readonly text: string;
  /** 1-based line number of the chunk's first line. */
  readonly firstLine: number;
}

const CHUNK_BYTES = 8 << 20;
const NL = 10;

function countNewlines(b: Uint8Array, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (b[i] === NL) n++;
  return n;
}

/** Split what was read so far at its last newline; the tail is carried into the next chunk. */
function cut(data: Buffer, line: number): { chunk?: TextChunk; carry: Buffer; line: number } {
  const last = data.lastIndexOf(NL);
  if (last < 0) return { carry: Buffer.from(data), line };
  const chunk = { text: data.toString("utf8", 0, last + 1), firstLine: line };
  return { chunk, carry: Buffer.from(data.subarray(last + 1)), line: line + countNewlines(data, last + 1) };
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
    if (carry.length > 0) yield { text: carry.toString("utf8"), firstLine: line };
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
    if (carry.length > 0) yield { text: carry.toString("utf8"), firstLine: line };
  } finally {
    closeSync(fd);
  }
}
