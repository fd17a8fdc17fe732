/**
 * ColumnBatch: rows of one schema held as one Vector per field. Immutable by convention:
 * kernels return new vectors and never write into their inputs.
 */
import { internalError } from "../common/errors.js";
import type { DataType } from "../types/data-type.js";
import { StructType } from "../types/struct-type.js";
import { fromRowValue, toRowValue } from "./values.js";
import { type Vector, allocValues, makeVector, storageOf, toInt64 } from "./vector.js";

export interface ColumnBatch {
  readonly schema: StructType;
  readonly columns: readonly Vector[];
  readonly numRows: number;
}

export function makeBatch(schema: StructType, columns: readonly Vector[], numRows?: number): ColumnBatch {
  const n = numRows ?? columns[0]?.length ?? 0;
  if (columns.length !== schema.length) throw internalError(`Batch has ${columns.length} columns, schema ${schema.length}`);
  for (const c of columns) if (c.length !== n) throw internalError(`Column length ${c.length} != batch rows ${n}`);
  return { schema, columns, numRows: n };
}

export const emptyBatch = (schema: StructType): ColumnBatch =>
  makeBatch(
    schema,
    schema.fields.map((f) => makeVector(f.type, allocValues(f.type, 0))),
    0,
  );

/** The engine value at row i (null when invalid). */
export function getValue(v: Vector, i: number): unknown {
  if (v.validity !== null && v.validity[i] === 0) return null;
  const x = v.values[i];
  return storageOf(v.type) === "bool" ? x === 1 : x;
}

/** Appends engine values and builds a Vector; grows geometrically. */
export class VectorBuilder {
  private values: ReturnType<typeof allocValues>;
  private validity: Uint8Array;
  private n = 0;
  private hasNull = false;
  private readonly storage;

  constructor(
    readonly type: DataType,
    capacity = 16,
  ) {
    this.storage = storageOf(type);
    this.values = allocValues(type, Math.max(capacity, 1));
    this.validity = new Uint8Array(Math.max(capacity, 1));
  }

  get length(): number {
    return this.n;
  }

  private grow(): void {
    const cap = this.values.length * 2;
    if (this.storage === "str" || this.storage === "obj") {
      (this.values as unknown[]).length = cap;
    } else {
      const next = allocValues(this.type, cap) as Float64Array;
      next.set(this.values as Float64Array);
      this.values = next;
    }
    const vv = new Uint8Array(cap);
    vv.set(this.validity);
    this.validity = vv;
  }

  /** Append an engine value (null for null). */
  append(x: unknown): void {
    if (this.n === this.values.length) this.grow();
    if (x === null || x === undefined) {
      this.hasNull = true;
      if (this.storage === "str") (this.values as string[])[this.n] = "";
      else if (this.storage === "obj") (this.values as unknown[])[this.n] = null;
    } else {
      this.validity[this.n] = 1;
      (this.values as unknown[])[this.n] = this.storage === "bool" ? (x ? 1 : 0) : this.storage === "i64" ? toInt64(x) : x;
    }
    this.n++;
  }

  /** Append row i of v. */
  appendFrom(v: Vector, i: number): void {
    this.append(getValue(v, i));
  }

  finish(): Vector {
    let values = this.values;
    if (this.storage === "str" || this.storage === "obj") (values as unknown[]).length = this.n;
    else values = (values as Float64Array).subarray(0, this.n);
    return makeVector(this.type, values, this.hasNull ? this.validity.subarray(0, this.n) : null);
  }
}

/** Build a vector from engine values. */
export function vectorFromValues(type: DataType, values: readonly unknown[]): Vector {
  const b = new VectorBuilder(type, values.length);
  for (const x of values) b.append(x);
  return b.finish();
}

/** Rows are gathered in the given order; index -1 yields null (used by outer joins). */
export function take(v: Vector, indices: Int32Array | readonly number[]): Vector {
  const n = indices.length;
  const out = allocValues(v.type, n);
  const src = v.values as unknown[];
  const dst = out as unknown[];
  let validity: Uint8Array | null = null;
  const needValidity = v.validity !== null || hasNegative(indices);
  if (needValidity) validity = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const i = indices[j]!;
    if (i < 0) continue;
    dst[j] = src[i];
    if (validity) validity[j] = v.validity === null ? 1 : v.validity[i]!;
  }
  if (storageOf(v.type) === "obj" && validity) for (let j = 0; j < n; j++) if (!validity[j]) dst[j] = null;
  return makeVector(v.type, out, validity);
}

function hasNegative(ix: Int32Array | readonly number[]): boolean {
  for (let j = 0; j < ix.length; j++) if (ix[j]! < 0) return true;
  return false;
}

/** Keep rows where mask[i] === 1. */
export function filterVector(v: Vector, mask: Uint8Array, count?: number): Vector {
  return take(v, maskToIndices(mask, count));
}

export function maskToIndices(mask: Uint8Array, count?: number): Int32Array {
  let n = count;
  if (n === undefined) {
    n = 0;
    for (let i = 0; i < mask.length; i++) n += mask[i]!;
  }
  const ix = new Int32Array(n);
  let j = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) ix[j++] = i;
  return ix;
}

export function sliceVector(v: Vector, start: number, end: number): Vector {
  const values =
    storageOf(v.type) === "str" || storageOf(v.type) === "obj"
      ? (v.values as unknown[]).slice(start, end)
      : (v.values as Float64Array).subarray(start, end);
  return makeVector(v.type, values, v.validity ? v.validity.subarray(start, end) : null);
}

export function concatVectors(type: DataType, parts: readonly Vector[]): Vector {
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = allocValues(type, n);
  const anyNull = parts.some((p) => p.validity !== null);
  const validity = anyNull ? new Uint8Array(n) : null;
  let off = 0;
  const typed = storageOf(type) !== "str" && storageOf(type) !== "obj";
  for (const p of parts) {
    if (typed) (out as Float64Array).set(p.values as Float64Array, off);
    else for (let i = 0; i < p.length; i++) (out as unknown[])[off + i] = p.values[i];
    if (validity) {
      if (p.validity) validity.set(p.validity, off);
      else validity.fill(1, off, off + p.length);
    }
    off += p.length;
  }
  return makeVector(type, out, validity);
}

export function takeBatch(b: ColumnBatch, indices: Int32Array | readonly number[]): ColumnBatch {
  return makeBatch(
    b.schema,
    b.columns.map((c) => take(c, indices)),
    indices.length,
  );
}

export function filterBatch(b: ColumnBatch, mask: Uint8Array): ColumnBatch {
  const ix = maskToIndices(mask);
  if (ix.length === b.numRows) return b;
  return takeBatch(b, ix);
}

export function sliceBatch(b: ColumnBatch, start: number, end: number): ColumnBatch {
  const e = Math.min(end, b.numRows);
  return makeBatch(
    b.schema,
    b.columns.map((c) => sliceVector(c, start, e)),
    Math.max(0, e - start),
  );
}

export function concatBatches(schema: StructType, batches: readonly ColumnBatch[]): ColumnBatch {
  if (batches.length === 0) return emptyBatch(schema);
  if (batches.length === 1) return batches[0]!;
  return makeBatch(
    schema,
    schema.fields.map((f, i) =>
      concatVectors(
        f.type,
        batches.map((b) => b.columns[i]!),
      ),
    ),
  );
}

/** Plain-object rows with user-facing values (Date, number, …). */
export function batchToRows(b: ColumnBatch): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = new Array(b.numRows);
  const fields = b.schema.fields;
  for (let i = 0; i < b.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < fields.length; c++) row[fields[c]!.name] = toRowValue(fields[c]!.type, getValue(b.columns[c]!, i));
    rows[i] = row;
  }
  return rows;
}

/** Build a batch from plain-object rows (missing keys are null); throws INVALID_ROW_VALUE. */
export function batchFromRows(schema: StructType, rows: readonly Record<string, unknown>[]): ColumnBatch {
  const builders = schema.fields.map((f) => new VectorBuilder(f.type, rows.length));
  for (const row of rows) {
    schema.fields.forEach((f, c) => builders[c]!.append(fromRowValue(f.type, row[f.name], f.name)));
  }
  return makeBatch(
    schema,
    builders.map((b) => b.finish()),
    rows.length,
  );
}

export { StructType };
