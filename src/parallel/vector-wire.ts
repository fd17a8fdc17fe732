/**
 * Columns crossing between threads (worker_threads postMessage). Typed storage travels in its
 * own ArrayBuffer, listed for transfer, so it moves instead of being copied; a string column
 * travels as one joined string plus each value's length (one copy of one string, instead of one
 * clone per value); a struct whose fields all have typed storage (a window's start and end, say)
 * travels as one typed column per field; other storage (other structs, arrays, binary) is
 * structured-cloned.
 *
 * `toWire` transfers: the vectors given must own their buffers (built by `take`, not views of a
 * batch still in use), because the sender's buffers are detached by the transfer.
 */
import { type Vector, type VectorValues, allocValues, makeVector, storageOf } from "../columnar/vector.js";
import { type ColumnBatch, makeBatch } from "../columnar/column-batch.js";
import type { DataType, StructField } from "../types/data-type.js";
import type { StructType } from "../types/struct-type.js";

export interface JoinedStrings {
  readonly joined: string;
  readonly lengths: Int32Array;
}

/** A struct column by field: `present[i]` = 0 where the struct value itself is null. */
export interface StructColumns {
  readonly present: Uint8Array;
  readonly fields: readonly { readonly values: VectorValues; readonly validity: Uint8Array }[];
}

export interface WireVector {
  readonly values: VectorValues | JoinedStrings | StructColumns;
  readonly validity: Uint8Array | null;
}

/** The fields of a struct type whose fields all have typed storage, else null. */
function typedStructFields(t: DataType): readonly StructField[] | null {
  if (t.kind !== "struct") return null;
  const typed = t.fields.every((f) => storageOf(f.type) !== "str" && storageOf(f.type) !== "obj");
  return typed ? t.fields : null;
}

function toStructColumns(fields: readonly StructField[], rows: readonly unknown[], own: (a: ArrayBufferView) => void): StructColumns {
  const n = rows.length;
  const present = new Uint8Array(n);
  const cols = fields.map((f) => ({ values: allocValues(f.type, n), validity: new Uint8Array(n) }));
  for (let i = 0; i < n; i++) {
    const row = rows[i] as Record<string, unknown> | null | undefined;
    if (row === null || row === undefined) continue;
    present[i] = 1;
    for (let k = 0; k < fields.length; k++) {
      const x = row[fields[k]!.name];
      if (x === null || x === undefined) continue;
      cols[k]!.validity[i] = 1;
      (cols[k]!.values as unknown[])[i] = typeof x === "boolean" ? (x ? 1 : 0) : x;
    }
  }
  own(present);
  for (const c of cols) {
    own(c.values as ArrayBufferView);
    own(c.validity);
  }
  return { present, fields: cols };
}

function fromStructColumns(fields: readonly StructField[], c: StructColumns): unknown[] {
  const out = new Array<unknown>(c.present.length);
  const bools = fields.map((f) => storageOf(f.type) === "bool");
  for (let i = 0; i < out.length; i++) {
    if (c.present[i] === 0) {
      out[i] = null;
      continue;
    }
    const row: Record<string, unknown> = {};
    for (let k = 0; k < fields.length; k++) {
      const f = c.fields[k]!;
      row[fields[k]!.name] = f.validity[i] === 0 ? null : bools[k] ? f.values[i] === 1 : f.values[i];
    }
    out[i] = row;
  }
  return out;
}

export function toWire(vectors: readonly Vector[]): { columns: WireVector[]; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const own = (a: ArrayBufferView | null): void => {
    if (a !== null && a.buffer instanceof ArrayBuffer) transfer.add(a.buffer);
  };
  const columns = vectors.map((v): WireVector => {
    own(v.validity);
    if (ArrayBuffer.isView(v.values)) {
      own(v.values);
      return { values: v.values, validity: v.validity };
    }
    const struct = typedStructFields(v.type);
    if (struct !== null) return { values: toStructColumns(struct, v.values, own), validity: v.validity };
    if (storageOf(v.type) !== "str") return { values: v.values, validity: v.validity };
    const strings = v.values as string[];
    const lengths = new Int32Array(strings.length);
    for (let i = 0; i < strings.length; i++) lengths[i] = strings[i]!.length;
    own(lengths);
    return { values: { joined: strings.join(""), lengths }, validity: v.validity };
  });
  return { columns, transfer: [...transfer] };
}

export function fromWire(columns: readonly WireVector[], types: readonly DataType[]): Vector[] {
  return columns.map((c, k) => {
    const v = c.values;
    if ("present" in v) return makeVector(types[k]!, fromStructColumns(typedStructFields(types[k]!)!, v), c.validity);
    if (!("joined" in v)) return makeVector(types[k]!, v, c.validity);
    const out = new Array<string>(v.lengths.length);
    let at = 0;
    for (let i = 0; i < out.length; i++) {
      const end = at + v.lengths[i]!;
      out[i] = v.joined.slice(at, end);
      at = end;
    }
    return makeVector(types[k]!, out, c.validity);
  });
}

/** A batch's rows as wire columns. */
export interface BatchWire {
  readonly numRows: number;
  readonly columns: readonly WireVector[];
}

/** Batches to the wire, with the buffers to transfer (each once): the batches are given up. */
export function batchesToWire(batches: readonly ColumnBatch[]): { batches: BatchWire[]; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const wire = batches.map((b) => {
    const w = toWire(b.columns);
    for (const t of w.transfer) transfer.add(t);
    return { numRows: b.numRows, columns: w.columns };
  });
  return { batches: wire, transfer: [...transfer] };
}

export function batchFromWire(w: BatchWire, schema: StructType): ColumnBatch {
  return makeBatch(
    schema,
    fromWire(
      w.columns,
      schema.fields.map((f) => f.type),
    ),
    w.numRows,
  );
}
