/**
 * A streaming DataFrame fed by an `AsyncIterable` of rows — an object-mode `Readable`, an async
 * generator, a message-queue client's iterator (docs/node-streams.md):
 *   1. rows are pulled from the iterable as fast as it yields them and gathered into blocks of at
 *      most `maxRowsPerBlock` (a block also closes after `flushIntervalMs` without reaching it);
 *   2. each block is appended to a session memory stream, so a micro-batch reads whole blocks and
 *      the query's offsets count blocks, as Spark's MemoryStream;
 *   3. `done` resolves when the iterable ends and its last block is added, and rejects with
 *      NODE_STREAM_FAILED when the iterable throws or yields something that is not a row object.
 * Like Spark's MemoryStream and socket source the rows live only in memory: a restarted query
 * cannot read them again, so this source is for pipelines that own their input's replay.
 */
import { SluiceError } from "../../common/errors.js";
import type { DataFrame } from "../../dataframe/dataframe.js";
import type { StructTypeLike } from "../../types/data-type.js";

/** What this source needs of the session (Session.memoryStream). */
export interface MemoryStreamFactory {
  memoryStream(schema: string | StructTypeLike): { addData(rows: readonly Record<string, unknown>[]): number; toDF(): DataFrame };
}

/** Options of {@link streamFromAsyncIterable}: how many rows make a block at most, and how long a partial block waits. */
export interface AsyncIterableSourceOptions {
  /** Rows per block (default 10,000). */
  readonly maxRowsPerBlock?: number;
  /** A partial block is added after this long (default 100 ms). */
  readonly flushIntervalMs?: number;
}

/** What {@link streamFromAsyncIterable} returns: the streaming DataFrame over the iterable's rows, and a promise of the iterable's end. */
export interface AsyncIterableStream {
  /** The streaming DataFrame over the rows. */
  readonly df: DataFrame;
  /** Resolves once every row is added; rejects when the iterable fails. */
  readonly done: Promise<void>;
}

/** Start pulling `rows` into a streaming DataFrame of `schema` (a DDL string or StructType). */
export function streamFromAsyncIterable(spark: MemoryStreamFactory, rows: AsyncIterable<unknown>, schema: string | StructTypeLike, opts: AsyncIterableSourceOptions = {}): AsyncIterableStream {
  const maxRows = opts.maxRowsPerBlock ?? 10_000;
  const flushMs = opts.flushIntervalMs ?? 100;
  if (!Number.isInteger(maxRows) || maxRows <= 0) throw new SluiceError("config", "INVALID_OPTION", `maxRowsPerBlock must be a positive integer, got ${maxRows}`, { option: "maxRowsPerBlock" });
  if (!(flushMs > 0)) throw new SluiceError("config", "INVALID_OPTION", `flushIntervalMs must be a positive number, got ${flushMs}`, { option: "flushIntervalMs" });
  if (typeof (rows as { [Symbol.asyncIterator]?: unknown })?.[Symbol.asyncIterator] !== "function") {
    throw new SluiceError("config", "NOT_ASYNC_ITERABLE", "streamFromAsyncIterable needs an AsyncIterable of row objects (an async generator or an object-mode Readable)");
  }
  const stream = spark.memoryStream(schema);
  let block: Record<string, unknown>[] = [];
  const flush = (): void => {
    if (block.length === 0) return;
    stream.addData(block);
    block = [];
  };
  const timer = setInterval(flush, flushMs);
  timer.unref();
  const pump = async (): Promise<void> => {
    let n = 0;
    try {
      for await (const row of rows) {
        if (row === null || typeof row !== "object" || Array.isArray(row) || ArrayBuffer.isView(row)) {
          throw new SluiceError("input", "NODE_STREAM_NOT_A_ROW", `Row ${n} of the iterable is ${row === null ? "null" : Array.isArray(row) ? "an array" : ArrayBuffer.isView(row) ? "bytes (use an object-mode stream of row objects)" : typeof row}, not a row object`, { row: n });
        }
        block.push(row as Record<string, unknown>);
        n++;
        if (block.length >= maxRows) flush();
      }
      flush();
    } catch (e) {
      throw new SluiceError("input", "NODE_STREAM_FAILED", `The AsyncIterable source failed after ${n} rows: ${(e as Error).message}`, { rows: n }, { cause: e });
    } finally {
      clearInterval(timer);
    }
  };
  return { df: stream.toDF(), done: pump() };
}
