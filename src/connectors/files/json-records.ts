/**
 * The records of a JSON file, as Spark's JSON source splits them: one per line (`\n`, `\r\n` or a
 * lone `\r`, as Hadoop's LineRecordReader ends lines, or `lineSep`), blank lines skipped, or with
 * multiLine the whole file. A leading byte order mark is dropped from each record (Spark's parser
 * skips it), and a record holding bytes that are not UTF-8 is flagged (Spark's byte-level parser
 * rejects it). JSON lines are read in chunks, so files of any size work.
 */
import { SluiceError, inputError } from "../../common/errors.js";
import { readFileBytes, readFileBytesSync } from "./compression.js";
import { type TextChunk, decodeUtf8, readLineChunks, readLineChunksSync } from "./line-chunks.js";
import type { JsonReadOptions } from "./options.js";


export interface JsonRecord {
  readonly text: string;
  readonly line: number;
  /** The record held bytes that are not valid UTF-8 (a malformed record, as in Spark). */
  readonly invalidUtf8?: boolean;
}

export type RecordOptions = Pick<JsonReadOptions, "multiLine" | "lineSep">;

/**
 * Split one file's text into records: one per line (`\n`, `\r\n` or a lone `\r`, or `lineSep`),
 * blank ones skipped, a leading byte order mark dropped (Spark's readers skip it); with multiLine
 * the whole text. `validUtf8` false: records holding U+FFFD are taken for invalid bytes (a genuine
 * U+FFFD in the same chunk as an invalid byte is taken for one too).
 */
export function* jsonRecords(text: string, o: RecordOptions, validUtf8 = true): Generator<JsonRecord> {
  const record = (t: string, line: number): JsonRecord => {
    const rec = t.charCodeAt(0) === 0xfeff ? t.slice(1) : t;
    return !validUtf8 && rec.includes("\ufffd") ? { text: rec, line, invalidUtf8: true } : { text: rec, line };
  };
  if (o.multiLine) {
    if (text.trim() !== "") yield record(text, 1);
    return;
  }
  let pos = 0;
  let line = 1;
  const sep = o.lineSep;
  /** The next \r at or after pos (-1: none left); cached so LF-only text is searched once. */
  let cr = sep === undefined ? text.indexOf("\r") : -1;
  while (pos <= text.length) {
    let end: number;
    let next: number;
    if (sep !== undefined) {
      end = text.indexOf(sep, pos);
      next = end + sep.length;
    } else {
      if (cr >= 0 && cr < pos) cr = text.indexOf("\r", pos);
      const lf = text.indexOf("\n", pos);
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        end = cr;
        next = lf === cr + 1 ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
    }
    if (end < 0) {
      end = text.length;
      next = text.length + 1;
    }
    const rec = text.slice(pos, end);
    if (rec.trim() !== "") yield record(rec, line);
    line++;
    pos = next;
  }
}

/** Records of a file; JSON lines are read in chunks so files of any size work. */
export function* jsonFileRecordsSync(path: string, o: RecordOptions): Generator<JsonRecord> {
  if (o.multiLine || o.lineSep !== undefined) {
    const { text, validUtf8 } = decodeUtf8(readFileBytesSync(path));
    yield* jsonRecords(text, o, validUtf8);
    return;
  }
  for (const c of readLineChunksSync(path)) for (const r of jsonRecords(c.text, o, c.validUtf8)) yield { ...r, line: r.line + c.firstLine - 1 };
}

export async function* jsonFileRecords(path: string, o: RecordOptions): AsyncGenerator<JsonRecord> {
  if (o.multiLine || o.lineSep !== undefined) {
    const { text, validUtf8 } = decodeUtf8(await readFileBytes(path));
    yield* jsonRecords(text, o, validUtf8);
    return;
  }
  yield* chunkRecords(path, readLineChunks(path), o);
}

/** The JSON records of line chunks of `path`, numbered by file line; a read error names the file. */
export async function* chunkRecords(path: string, chunks: AsyncIterator<TextChunk>, o: RecordOptions): AsyncGenerator<JsonRecord> {
  try {
    for (;;) {
      let next: IteratorResult<TextChunk>;
      try {
        next = await chunks.next();
      } catch (e) {
        if (e instanceof SluiceError) throw e; // already names the file (e.g. a damaged compressed file)
        throw inputError("FAILED_READ_FILE", `Cannot read ${path}: ${(e as Error).message}`, { file: path }, e);
      }
      if (next.done) return;
      const c = next.value;
      for (const r of jsonRecords(c.text, o, c.validUtf8)) yield { ...r, line: r.line + c.firstLine - 1 };
    }
  } finally {
    // A consumer that stops early (LIMIT, a cancelled worker task) must still close the file.
    await chunks.return?.();
  }
}
