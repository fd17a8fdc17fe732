/**
 * A large JSON lines file split into byte ranges read independently (as Spark splits files), so
 * one big file also keeps every reader thread busy (a Parquet file splits by row groups instead:
 * planRowGroupPieces).
 *   1. `planPieces`: a file is cut at nominal offsets every PIECE_BYTES (no reading needed).
 *   2. A piece owns the lines that START inside its range: it skips the line that began before
 *      its start and reads on past its end to the end of its last line, so pieces never overlap
 *      and together hold every line exactly once.
 *   3. Line numbers inside a piece start at 1; the piece reports how many lines it holds, and the
 *      consumer, reading pieces in order, adds the lines of the earlier pieces to any error's line.
 */
import { openPositionedReader } from "../../fs/positioned-reader.js";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { SluiceError } from "../../common/errors.js";
import type { StructType } from "../../types/struct-type.js";
import { readJsonRecords } from "./json-format.js";
import { type JsonRecord, chunkRecords } from "./json-records.js";
import { type TextChunk, countLineEnds, decodeUtf8 } from "./line-chunks.js";
import { parseJsonReadOptions } from "./options.js";
import type { RowGroupRange } from "./parquet-format.js";
import type { MalformedCounts } from "./row-assembler.js";

/** Nominal piece size; files up to 1.5× this stay whole. */
export const PIECE_BYTES = 64 * 1024 * 1024;
const CHUNK_BYTES = 8 << 20;
const NL = 10;

export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Whether a file of `format` read with `options` may be split (JSON lines with "\n" separators). */
export function splittable(format: string, options: Readonly<Record<string, string>>): boolean {
  if (format.toLowerCase() !== "json") return false;
  const o = parseJsonReadOptions(options);
  return !o.multiLine && o.lineSep === undefined;
}

/** The byte ranges of a file of `sizeBytes`, or undefined to read it whole. */
export function planPieces(sizeBytes: number, pieceBytes = PIECE_BYTES): ByteRange[] | undefined {
  if (sizeBytes <= pieceBytes * 1.5) return undefined;
  const n = Math.round(sizeBytes / pieceBytes);
  const out: ByteRange[] = [];
  // The last piece reads to the end of the file, as a whole-file read does, even if it grew since listing.
  for (let k = 0; k < n; k++) out.push({ start: Math.floor((sizeBytes * k) / n), end: k === n - 1 ? Number.MAX_SAFE_INTEGER : Math.floor((sizeBytes * (k + 1)) / n) });
  return out;
}

/**
 * A Parquet file's row groups (their compressed sizes, in file order) cut into consecutive
 * ranges of about `pieceBytes`, or undefined to read the file whole (a single range).
 */
export function planRowGroupPieces(groupBytes: readonly number[], pieceBytes: number): RowGroupRange[] | undefined {
  const out: RowGroupRange[] = [];
  let start = 0;
  let bytes = 0;
  for (let g = 0; g < groupBytes.length; g++) {
    bytes += groupBytes[g]!;
    if (bytes >= pieceBytes) {
      out.push({ start, end: g + 1 });
      start = g + 1;
      bytes = 0;
    }
  }
  if (start < groupBytes.length) out.push({ start, end: groupBytes.length });
  return out.length > 1 ? out : undefined;
}

/**
 * Chunks of whole lines owned by `range` of `path` (firstLine relative to the range); when done,
 * `out.lines` holds the number of lines read.
 */
export async function* readLineRange(path: string, range: ByteRange, out: { lines: number }, chunkBytes = CHUNK_BYTES): AsyncGenerator<TextChunk> {
  const fh = await openPositionedReader(path);
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    let pos = range.start;
    if (pos > 0) {
      // The line that began before the range belongs to the previous piece.
      for (let at = pos - 1; ; ) {
        const { bytesRead } = await fh.read(buf, 0, chunkBytes, at);
        if (bytesRead === 0) return;
        const k = buf.subarray(0, bytesRead).indexOf(NL);
        if (k >= 0) {
          pos = at + k + 1;
          break;
        }
        at += bytesRead;
      }
    }
    if (pos >= range.end) return;
    let carry: Buffer = Buffer.alloc(0);
    let line = 1;
    for (let done = false; !done; ) {
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, pos);
      if (bytesRead === 0) break;
      let data = buf.subarray(0, bytesRead);
      // The last owned line ends at the first newline at or after end - 1.
      const from = Math.max(0, range.end - 1 - pos);
      if (from < bytesRead) {
        const q = data.indexOf(NL, from);
        if (q >= 0) {
          data = data.subarray(0, q + 1);
          done = true;
        }
      }
      pos += bytesRead;
      const all = carry.length > 0 ? Buffer.concat([carry, data]) : data;
      const last = all.lastIndexOf(NL);
      if (last < 0) {
        carry = Buffer.from(all);
        continue;
      }
      // Pieces are cut at \n only; the lines inside end at \n, \r\n or a lone \r, as when read whole.
      const n = countLineEnds(all, last + 1);
      const chunk = { ...decodeUtf8(all.subarray(0, last + 1)), firstLine: line };
      carry = Buffer.from(all.subarray(last + 1));
      yield chunk;
      line += n;
    }
    if (carry.length > 0) {
      yield { ...decodeUtf8(carry), firstLine: line };
      line += countLineEnds(carry, carry.length) + (carry[carry.length - 1] === NL || carry[carry.length - 1] === 13 ? 0 : 1);
    }
    out.lines = line - 1;
  } finally {
    await fh.close();
  }
}

function rangeRecords(path: string, range: ByteRange, out: { lines: number }): AsyncGenerator<JsonRecord> {
  return chunkRecords(path, readLineRange(path, range, out), { multiLine: false });
}

/** Batches of the JSON lines owned by `range` (lines in errors relative to the range; see `shiftErrorLine`). */
export function readJsonRange(
  path: string,
  range: ByteRange,
  schema: StructType,
  options: Readonly<Record<string, string>>,
  timeZone: string,
  batchSize: number,
  out: { lines: number },
  counts?: MalformedCounts,
): AsyncGenerator<ColumnBatch> {
  return readJsonRecords(rangeRecords(path, range, out), path, schema, parseJsonReadOptions(options), timeZone, batchSize, counts);
}

/** An error of a piece with its line made absolute by the `linesBefore` of the earlier pieces. */
export function shiftErrorLine(e: Error, path: string, linesBefore: number): Error {
  if (!(e instanceof SluiceError) || linesBefore === 0 || typeof e.context.line !== "number") return e;
  const line = e.context.line + linesBefore;
  const message = e.message.replace(`${path} at line ${e.context.line}`, `${path} at line ${line}`);
  return new SluiceError(e.kind, e.code, message, { ...e.context, line });
}
