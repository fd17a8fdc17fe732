/**
 * A Parquet file written as its rows arrive, so a write's memory does not grow with its input.
 *   1. `write(batch)` collects batches until COALESCE_ROWS rows, then hands them to parquet-wasm's
 *      streaming encoder (started with the first rows) as Arrow record batches; it waits while
 *      the encoder is busy (back-pressure), so at most one chunk is in flight.
 *   2. The encoder groups the rows into row groups (ROW_GROUP_ROWS in parquet-format.ts), encodes
 *      and compresses each in WebAssembly memory and streams the bytes to the file as each ends.
 *   3. `close()` encodes what is left and writes the footer; a file with no rows is written in
 *      one go with just the schema. `abort()` ends the encoder and may leave a partial file,
 *      which the caller removes or never lists.
 */
import { fileSystemFor } from "../../fs/file-systems.js";
import { openWriteStream } from "../../fs/write-stream.js";
import { Writable } from "node:stream";
import * as pw from "parquet-wasm";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";
import { type ParquetCodec, encodeParquet, parquetIPC, parquetWriterProperties } from "./parquet-format.js";

/** Rows gathered before one hand-off to the encoder (the engine's default batch size). */
const COALESCE_ROWS = 65536;

export class ParquetFileWriter {
  #pending: ColumnBatch[] = [];
  #pendingRows = 0;
  #rows = 0;
  /** The encoder's input, opened with the first rows. */
  #ctrl: ReadableStreamDefaultController<pw.RecordBatch> | undefined;
  #finished: Promise<void> | undefined;
  #wantMore: (() => void) | undefined;
  #failure: { error: unknown } | undefined;
  /** Bytes the encoder has produced (the file's size once closed). */
  #bytes = 0;

  constructor(
    readonly path: string,
    readonly schema: StructType,
    readonly codec: ParquetCodec,
  ) {}

  /** Rows written so far. */
  get numRows(): number {
    return this.#rows;
  }

  async write(batch: ColumnBatch): Promise<void> {
    this.#throwIfFailed();
    if (batch.numRows === 0) return;
    this.#pending.push(batch);
    this.#pendingRows += batch.numRows;
    this.#rows += batch.numRows;
    if (this.#pendingRows >= COALESCE_ROWS) await this.#flush();
  }

  /** Finish the file (footer included); returns its size in bytes. */
  async close(): Promise<number> {
    this.#throwIfFailed();
    if (this.#rows === 0) {
      const bytes = encodeParquet(this.schema, [], this.codec);
      fileSystemFor(this.path).create(this.path, bytes, { overwrite: true });
      return bytes.length;
    }
    if (this.#pending.length > 0) await this.#flush();
    this.#ctrl!.close();
    await this.#finished;
    return this.#bytes;
  }

  /** Stop encoding after a failure elsewhere; a partial file is the caller's to remove. */
  async abort(reason: unknown): Promise<void> {
    if (!this.#failure) {
      this.#failure = { error: reason };
      this.#ctrl?.error(reason);
    }
    await this.#finished?.catch(() => undefined);
  }

  #open(): ReadableStreamDefaultController<pw.RecordBatch> {
    let ctrl!: ReadableStreamDefaultController<pw.RecordBatch>;
    const input = new ReadableStream<pw.RecordBatch>({ start: (c) => void (ctrl = c), pull: () => this.#wake() }, { highWaterMark: 1 });
    this.#finished = pw.transformParquetStream(input, parquetWriterProperties(this.codec, this.schema)).then((bytes) => bytes.pipeThrough(this.#counter()).pipeTo(Writable.toWeb(openWriteStream(this.path))));
    this.#finished.catch((error: unknown) => {
      this.#failure ??= { error };
      this.#wake();
    });
    return (this.#ctrl = ctrl);
  }

  async #flush(): Promise<void> {
    const ctrl = this.#ctrl ?? this.#open();
    const ipc = parquetIPC(this.schema, this.#pending);
    this.#pending = [];
    this.#pendingRows = 0;
    for (const rb of pw.Table.fromIPCStream(ipc).recordBatches()) {
      ctrl.enqueue(rb);
      while ((ctrl.desiredSize ?? 1) <= 0 && !this.#failure) await new Promise<void>((resolve) => (this.#wantMore = resolve));
      this.#throwIfFailed();
    }
  }

  #counter(): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream({ transform: (chunk, c) => void ((this.#bytes += chunk.byteLength), c.enqueue(chunk)) });
  }

  #wake(): void {
    const w = this.#wantMore;
    this.#wantMore = undefined;
    w?.();
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }
}
