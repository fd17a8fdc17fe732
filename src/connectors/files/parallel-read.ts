/**
 * Ordered, prefetching reads of JSON/CSV files in worker threads, so decoding (JSON.parse, CSV
 * tokenizing, value conversion) runs beside the operators on the main thread.
 *   1. `readFilesInOrder` decides: json/csv, threads > 0 and listed bytes ≥ minBytes read in
 *      workers; anything else reads in-process with the given per-file reader, as before.
 *   2. Files (or byte-range pieces of a large JSON lines file) go to idle workers of a small pool
 *      created lazily once per process, at most 2 × threads ahead of the one being consumed; a
 *      unit that finds no idle worker (another scan holds them) is read in-process.
 *   3. Batches are yielded in file order, then record order; a worker posts at most WINDOW batches
 *      ahead of what the consumer took (acks), so buffered memory stays bounded.
 *   4. A reader error arrives after the batches that preceded it and is thrown as the same
 *      SluiceError; a worker that dies fails its files with PARALLEL_READ_WORKER_FAILED.
 *   5. A unit's malformed-record counts are added to ctx.malformedRecords when it is done.
 * Workers are unref()ed while idle, so they never keep the process alive.
 */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch } from "../../columnar/column-batch.js";
import { type ErrorContext, executionError } from "../../common/errors.js";
import { type TaskContext, throwIfAborted } from "../../physical/execution-plan.js";
import { dataTypeToJson } from "../../types/json-schema.js";
import type { StructType } from "../../types/struct-type.js";
import type { VectorValues } from "../../columnar/vector.js";
import { codecOf } from "./compression.js";
import { type ByteRange, PIECE_BYTES, planPieces, readJsonRange, shiftErrorLine, splittable } from "./file-pieces.js";
import type { JoinedStrings, MainToWorker, WireColumn, WorkerToMain } from "./parallel-read-protocol.js";
import { fromWireError, spawnWorkerEntry } from "../../common/worker-thread.js";
import { hadoopConfInEffect } from "../../fs/file-systems.js";

/** `sluice.files.parallelRead.*` as the scan sees them. */
export interface ParallelReadConfig {
  /** Worker threads decoding files; 0 reads in-process. */
  readonly threads: number;
  /** Listed bytes below which reading stays in-process (starting workers does not pay). */
  readonly minBytes: number;
  /** Size of the byte-range pieces a large JSON lines file is cut into (default PIECE_BYTES). */
  readonly pieceBytes?: number;
}

export const DEFAULT_PARALLEL_READ: ParallelReadConfig = { threads: Math.min(2, availableParallelism()), minBytes: 32 * 1024 * 1024 };

/** Batches a worker may post ahead of the consumer, per file. */
const WINDOW = 4;

export interface FileToRead {
  readonly path: string;
  readonly sizeBytes: number;
}

/** The in-process reader of one file (file-source.ts `readFileBatches`). */
export type ReadOneFile = (format: string, path: string, schema: StructType, options: Readonly<Record<string, string>>, ctx: TaskContext) => AsyncIterable<ColumnBatch>;

export interface FileBatch {
  /** Index into the `files` given. */
  readonly fileIndex: number;
  readonly batch: ColumnBatch;
}

interface Task {
  readonly id: number;
  readonly path: string;
  readonly worker: PoolWorker;
  readonly batches: WireColumn[][];
  readonly rows: number[];
  done: boolean;
  /** Lines the worker read, and its malformed records (set when done). */
  lines: number;
  malformed: number;
  dropped: number;
  error: Error | undefined;
  /** The reading generator, woken by every message of its tasks. */
  readonly reader: Reader;
}

interface Reader {
  wake: (() => void) | undefined;
}

interface PoolWorker {
  readonly worker: Worker;
  /** Tasks sent and not yet finished on the worker side. */
  active: number;
  dead: boolean;
}

const pool: PoolWorker[] = [];
const tasks = new Map<number, Task>();
let nextId = 1;

function wakeTask(t: Task): void {
  const w = t.reader.wake;
  t.reader.wake = undefined;
  w?.();
}

function setActive(p: PoolWorker, delta: number): void {
  const before = p.active;
  p.active += delta;
  if (before === 0 && p.active > 0) p.worker.ref();
  else if (before > 0 && p.active === 0) p.worker.unref();
}

function fromWireValues(v: VectorValues | JoinedStrings): VectorValues {
  if (!("joined" in v)) return v;
  const { joined, lengths } = v;
  const out = new Array<string>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const end = at + lengths[i]!;
    out[i] = joined.slice(at, end);
    at = end;
  }
  return out;
}

function workerFailed(p: PoolWorker, why: string): void {
  if (p.dead) return;
  p.dead = true;
  const k = pool.indexOf(p);
  if (k >= 0) pool.splice(k, 1);
  for (const t of tasks.values()) {
    if (t.worker !== p || t.done || t.error) continue;
    const context: ErrorContext = { file: t.path };
    t.error = executionError("PARALLEL_READ_WORKER_FAILED", `The file reader thread failed while reading ${t.path}: ${why}. Retry, or read in-process with sluice.files.parallelRead.threads=0.`, context);
    wakeTask(t);
  }
  p.active = 0;
  p.worker.unref();
}

function startWorker(): PoolWorker {
  const p: PoolWorker = { worker: spawnWorkerEntry(import.meta.url, "read-worker"), active: 0, dead: false };
  p.worker.on("message", (m: WorkerToMain) => {
    const t = tasks.get(m.id);
    if (!t) return; // cancelled
    if (m.t === "batch") {
      t.batches.push(m.columns as WireColumn[]);
      t.rows.push(m.numRows);
    } else {
      if (m.t === "done") {
        t.done = true;
        t.lines = m.lines;
        t.malformed = m.malformed;
        t.dropped = m.dropped;
      }
      else t.error = fromWireError(m.error);
      setActive(p, -1);
    }
    wakeTask(t);
  });
  p.worker.on("error", (e: Error) => workerFailed(p, e.message));
  p.worker.on("exit", (code) => workerFailed(p, `the thread exited with code ${code}`));
  p.worker.unref(); // after the listeners: adding a "message" listener refs the worker's port again
  return p;
}

/**
 * An idle worker among the first `threads` (the pool grows to that size), or undefined. Files go
 * only to idle workers: a file queued behind a busy one would wait while another worker idles.
 */
function idleWorker(threads: number): PoolWorker | undefined {
  if (cannotSpawn) return undefined;
  try {
    while (pool.length < threads) pool.push(startWorker());
  } catch {
    // No way to start the entry here (e.g. TypeScript sources run without tsx): read in-process.
    cannotSpawn = true;
  }
  for (let i = 0; i < pool.length && i < threads; i++) if (pool[i]!.active === 0) return pool[i];
  return undefined;
}

let cannotSpawn = false;

function send(p: PoolWorker, m: MainToWorker): void {
  if (!p.dead) p.worker.postMessage(m);
}

/** Whether `files` should be read in workers under `conf`. */
export function useParallelRead(format: string, files: readonly FileToRead[], conf: ParallelReadConfig): boolean {
  const f = format.toLowerCase();
  if ((f !== "json" && f !== "csv") || conf.threads <= 0 || files.length === 0) return false;
  let bytes = 0;
  for (const x of files) bytes += x.sizeBytes;
  return bytes >= conf.minBytes;
}

/**
 * The batches of `files` in file order, then record order, each tagged with its file's index:
 * the same rows and errors as reading file after file with `readOne`. Stopping early (a LIMIT,
 * cancellation) cancels what is still in flight.
 */
export async function* readFilesInOrder(
  format: string,
  files: readonly FileToRead[],
  schema: StructType,
  options: Readonly<Record<string, string>>,
  ctx: TaskContext,
  readOne: ReadOneFile,
): AsyncGenerator<FileBatch> {
  const conf = ctx.parallelRead ?? DEFAULT_PARALLEL_READ;
  if (!useParallelRead(format, files, conf)) {
    for (let i = 0; i < files.length; i++) {
      throwIfAborted(ctx);
      for await (const batch of readOne(format, files[i]!.path, schema, options, ctx)) yield { fileIndex: i, batch };
    }
    return;
  }
  const threads = Math.floor(conf.threads);
  /** Units (files or pieces) dispatched and not yet consumed, the current one included: bounds buffered memory. */
  const depth = 2 * threads;
  const fmt = format.toLowerCase() as "json" | "csv";
  const wireSchema = dataTypeToJson(schema);
  const timeZone = options.timeZone ?? ctx.eval.timeZone;
  const units = readUnits(files, threads > 1 && splittable(fmt, options) ? (conf.pieceBytes ?? PIECE_BYTES) : 0);
  const reader: Reader = { wake: undefined };
  /** Per unit: its worker task, or undefined when it was read in-process. */
  const started: (Task | undefined)[] = [];
  /** Send the next units to idle workers, at most `depth` ahead of unit `i`. */
  const fill = (i: number): void => {
    while (started.length < units.length && started.length - i < depth) {
      const worker = idleWorker(threads);
      if (!worker) return;
      const u = units[started.length]!;
      const t: Task = { id: nextId++, path: u.path, worker, batches: [], rows: [], done: false, lines: 0, malformed: 0, dropped: 0, error: undefined, reader };
      tasks.set(t.id, t);
      started.push(t);
      setActive(worker, 1);
      send(worker, { t: "read", id: t.id, format: fmt, path: u.path, schema: wireSchema, options, timeZone, batchSize: ctx.batchSize, window: WINDOW, hadoopConf: hadoopConfInEffect(u.path), ...(u.range ? { range: u.range } : {}) });
    }
  };
  /** Lines in the earlier pieces of the current file (added to a piece's error lines). */
  let linesBefore = 0;
  try {
    for (let i = 0; i < units.length; i++) {
      throwIfAborted(ctx);
      const u = units[i]!;
      if (!u.range || u.range.start === 0) linesBefore = 0;
      fill(i);
      const t = started[i];
      if (started.length === i) {
        // Every worker is busy with another scan's files: read this one here rather than wait.
        started.push(undefined);
        const out = { lines: 0 };
        const batches = u.range ? readJsonRange(u.path, u.range, schema, options, timeZone, ctx.batchSize, out, ctx.malformedRecords) : readOne(format, u.path, schema, options, ctx);
        try {
          for await (const batch of batches) yield { fileIndex: u.fileIndex, batch };
        } catch (e) {
          throw shiftErrorLine(e as Error, u.path, linesBefore);
        }
        linesBefore += out.lines;
        continue;
      }
      if (!t) continue;
      for (;;) {
        fill(i);
        const cols = t.batches.shift();
        if (cols) {
          const n = t.rows.shift()!;
          send(t.worker, { t: "ack", id: t.id });
          const columns = schema.fields.map((f, k) => ({ type: f.type, length: n, values: fromWireValues(cols[k]!.values), validity: cols[k]!.validity }));
          yield { fileIndex: u.fileIndex, batch: makeBatch(schema, columns, n) };
          continue;
        }
        if (t.error) throw shiftErrorLine(t.error, u.path, linesBefore);
        if (t.done) break;
        await new Promise<void>((res) => (reader.wake = res));
      }
      linesBefore += t.lines;
      if (ctx.malformedRecords) {
        ctx.malformedRecords.malformed += t.malformed;
        ctx.malformedRecords.dropped += t.dropped;
      }
      tasks.delete(t.id);
    }
  } finally {
    for (const t of started) {
      if (!t || !tasks.has(t.id)) continue;
      tasks.delete(t.id);
      if (!t.done && !t.error) {
        send(t.worker, { t: "cancel", id: t.id });
        setActive(t.worker, -1);
      }
    }
  }
}

interface ReadUnit {
  readonly fileIndex: number;
  readonly path: string;
  readonly range?: ByteRange;
}

/** Files, the large ones cut into byte-range pieces of about `pieceBytes` (0: none). */
function readUnits(files: readonly FileToRead[], pieceBytes: number): ReadUnit[] {
  const out: ReadUnit[] = [];
  files.forEach((f, fileIndex) => {
    const pieces = pieceBytes > 0 && codecOf(f.path) === undefined ? planPieces(f.sizeBytes, pieceBytes) : undefined;
    if (!pieces) out.push({ fileIndex, path: f.path });
    else for (const range of pieces) out.push({ fileIndex, path: f.path, range });
  });
  return out;
}

/** Workers started so far and how many files each is reading (for tests and diagnostics). */
export function parallelReadPoolState(): { workers: number; active: number } {
  return { workers: pool.length, active: pool.reduce((s, p) => s + p.active, 0) };
}

/** Stop every pool worker (files they are reading fail with PARALLEL_READ_WORKER_FAILED); the next read starts new ones. */
export async function terminateParallelReadWorkers(): Promise<void> {
  await Promise.all(pool.splice(0).map((p) => p.worker.terminate()));
}
