/**
 * Worker-thread entry for parallel file reads (see parallel-read.ts). It owns no state beyond the
 * tasks the main thread sends, and runs them one after another:
 *   1. `read` {id, format, path, schema (JSON form), options, timeZone, batchSize, window, hadoopConf}:
 *      adopt the session's Hadoop configs (how to reach an object store), read the file with the
 *      same in-process reader (json or csv) and post each batch as plain data, its
 *      typed-array buffers transferred (never copied); strings and objects are structured-cloned.
 *   2. After `window` batches not yet acknowledged it waits for an `ack` (one per batch the main
 *      thread consumed), so memory stays bounded however slow the consumer is.
 *   3. `cancel` stops a task between batches (closing its file); errors are posted as plain data
 *      and re-created on the main side as the same SluiceError (kind, code, message, context).
 *   4. `done` carries the lines read and the malformed records counted.
 */
import { parentPort } from "node:worker_threads";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { storageOf } from "../../columnar/vector.js";
import { dataTypeFromJson } from "../../types/json-schema.js";
import { StructType } from "../../types/struct-type.js";
import { readCsvFile } from "./csv-format.js";
import { readJsonRange } from "./file-pieces.js";
import { readJsonFile } from "./json-format.js";
import { parseCsvReadOptions, parseJsonReadOptions } from "./options.js";
import type { MainToWorker, WireColumn, WorkerToMain } from "./parallel-read-protocol.js";
import { toWireError } from "../../common/worker-thread.js";
import { adoptSessionHadoopConf } from "../../fs/file-systems.js";
import { type MalformedCounts, noMalformedRecords } from "./row-assembler.js";

interface Running {
  readonly id: number;
  outstanding: number;
  cancelled: boolean;
  wake: (() => void) | undefined;
}

const port = parentPort;
if (!port) throw new Error("read-worker.ts must run in a worker thread");

const queue: Extract<MainToWorker, { t: "read" }>[] = [];
const running = new Map<number, Running>();
let busy = false;

const post = (m: WorkerToMain, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

/** A batch as plain data plus the distinct buffers to transfer. */
function toWire(b: ColumnBatch): { columns: WireColumn[]; transfer: ArrayBuffer[] } {
  const buffers = new Set<ArrayBuffer>();
  const columns = b.columns.map((c): WireColumn => {
    const v = c.values;
    if (c.validity && c.validity.buffer instanceof ArrayBuffer) buffers.add(c.validity.buffer);
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) buffers.add(v.buffer);
      return { values: v, validity: c.validity };
    }
    if (storageOf(c.type) !== "str") return { values: v, validity: c.validity };
    const strs = v as string[];
    const lengths = new Int32Array(strs.length);
    for (let i = 0; i < strs.length; i++) lengths[i] = strs[i]?.length ?? 0;
    buffers.add(lengths.buffer);
    return { values: { joined: strs.join(""), lengths }, validity: c.validity };
  });
  return { columns, transfer: [...buffers] };
}

function readerFor(m: Extract<MainToWorker, { t: "read" }>, out: { lines: number }, counts: MalformedCounts): AsyncIterable<ColumnBatch> {
  const schema = new StructType((dataTypeFromJson(m.schema) as StructType).fields);
  if (m.range) return readJsonRange(m.path, m.range, schema, m.options, m.timeZone, m.batchSize, out, counts);
  if (m.format === "json") return readJsonFile(m.path, schema, parseJsonReadOptions(m.options), m.timeZone, m.batchSize, counts);
  return readCsvFile(m.path, schema, parseCsvReadOptions(m.options), m.timeZone, m.batchSize, counts);
}

async function run(m: Extract<MainToWorker, { t: "read" }>): Promise<void> {
  const r: Running = { id: m.id, outstanding: 0, cancelled: false, wake: undefined };
  running.set(m.id, r);
  const out = { lines: 0 };
  const counts = noMalformedRecords();
  adoptSessionHadoopConf(m.hadoopConf);
  try {
    for await (const b of readerFor(m, out, counts)) {
      if (r.cancelled) return;
      const { columns, transfer } = toWire(b);
      post({ t: "batch", id: m.id, numRows: b.numRows, columns }, transfer);
      r.outstanding++;
      while (r.outstanding >= m.window && !r.cancelled) await new Promise<void>((res) => (r.wake = res));
      if (r.cancelled) return;
    }
    post({ t: "done", id: m.id, lines: out.lines, ...counts });
  } catch (e) {
    if (!r.cancelled) post({ t: "error", id: m.id, error: toWireError(e) });
  } finally {
    running.delete(m.id);
  }
}

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    for (let m = queue.shift(); m; m = queue.shift()) await run(m);
  } finally {
    busy = false;
  }
}

port.on("message", (m: MainToWorker) => {
  if (m.t === "read") {
    queue.push(m);
    void drain();
    return;
  }
  const r = running.get(m.id);
  if (m.t === "cancel") {
    const k = queue.findIndex((q) => q.id === m.id);
    if (k >= 0) queue.splice(k, 1);
    if (r) r.cancelled = true;
  } else if (r) r.outstanding--;
  if (r?.wake) {
    const w = r.wake;
    r.wake = undefined;
    w();
  }
});
