/**
 * Gather and concatenate kernels specialised per storage kind, for operators that move whole
 * columns by a permutation (WindowExec). `columnar/take` handles every storage in one loop over
 * `unknown[]`, which V8 cannot specialise: on 10M-row columns it costs ~100 ns per value, these
 * loops a few ns. Each loop reads one kind of array only, so its property accesses stay monomorphic.
 */
import type { Vector, VectorValues } from "../columnar/vector.js";
import { allocValues, makeVector, storageOf } from "../columnar/vector.js";
import type { DataType } from "../types/data-type.js";

/**
 * `v`'s rows at `rows` (every index must be in range; no null-producing -1 entries).
 * Equal to `take(v, rows)` for such indices.
 */
export function gatherVector(v: Vector, rows: Int32Array): Vector {
  const validity = v.validity === null ? null : gatherU8(v.validity, rows);
  let values: VectorValues;
  switch (storageOf(v.type)) {
    case "bool":
      values = gatherU8(v.values as Uint8Array, rows);
      break;
    case "i8":
    case "i16":
      values = gatherNumbers(v.values as Int8Array | Int16Array, rows);
      break;
    case "i32":
      values = gatherI32(v.values as Int32Array, rows);
      break;
    case "i64":
      values = gatherI64(v.values as BigInt64Array, rows);
      break;
    case "f64":
      values = gatherF64(v.values as Float64Array, rows);
      break;
    case "f32":
      values = gatherF32(v.values as Float32Array, rows);
      break;
    case "str":
      values = gatherStrings(v.values as string[], rows);
      break;
    case "obj":
      values = gatherObjects(v.values as unknown[], rows, validity);
      break;
  }
  return makeVector(v.type, values, validity);
}

function gatherU8(src: Uint8Array, rows: Int32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = src[rows[j]!]!;
  return out;
}
function gatherI32(src: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = src[rows[j]!]!;
  return out;
}
function gatherNumbers<T extends Int8Array | Int16Array>(src: T, rows: Int32Array): T {
  const out = new (src.constructor as new (n: number) => T)(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = src[rows[j]!]!;
  return out;
}
function gatherF64(src: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = src[rows[j]!]!;
  return out;
}
function gatherI64(src: BigInt64Array, rows: Int32Array): BigInt64Array {
  const out = new BigInt64Array(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = src[rows[j]!]!;
  return out;
}
function gatherF32(src: Float32Array, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = src[rows[j]!]!;
  return out;
}
function gatherStrings(src: readonly string[], rows: Int32Array): string[] {
  const out: string[] = [];
  for (let j = 0; j < rows.length; j++) out.push(src[rows[j]!]!);
  return out;
}
function gatherObjects(src: readonly unknown[], rows: Int32Array, validity: Uint8Array | null): unknown[] {
  const out: unknown[] = [];
  for (let j = 0; j < rows.length; j++) out.push(validity !== null && validity[j] === 0 ? null : src[rows[j]!]);
  return out;
}

/** One vector holding `parts` one after another (as `concatVectors`). */
export function concatVectorParts(type: DataType, parts: readonly Vector[]): Vector {
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((s, p) => s + p.length, 0);
  let validity: Uint8Array | null = null;
  if (parts.some((p) => p.validity !== null)) {
    validity = new Uint8Array(n);
    let off = 0;
    for (const p of parts) {
      if (p.validity !== null) validity.set(p.validity.subarray(0, p.length), off);
      else validity.fill(1, off, off + p.length);
      off += p.length;
    }
  }
  const storage = storageOf(type);
  if (storage === "str" || storage === "obj") {
    // Preallocated and filled, so the array keeps fast elements (pushing 10M values is slower).
    const out = new Array<unknown>(n).fill(null);
    let off = 0;
    for (const p of parts) {
      const src = p.values as readonly unknown[];
      for (let i = 0; i < p.length; i++) out[off++] = src[i];
    }
    return makeVector(type, out as VectorValues, validity);
  }
  const out = allocValues(type, n);
  let off = 0;
  for (const p of parts) {
    (out as Float64Array).set((p.values as Float64Array).subarray(0, p.length), off);
    off += p.length;
  }
  return makeVector(type, out, validity);
}

/** `v` without its validity bitmap when every row is valid (gathers then skip the bitmap). */
export function withoutAllValid(v: Vector): Vector {
  if (v.validity === null || v.validity.subarray(0, v.length).indexOf(0) !== -1) return v;
  return makeVector(v.type, v.values, null);
}

/** Where global rows live among parts: part index and row within the part. */
export interface PartRows {
  readonly partOf: Int32Array;
  readonly local: Int32Array;
}

/** Locates `rows` among parts whose first global rows are `bases` (plus a final total). */
export function locateRows(bases: Int32Array, rows: Int32Array): PartRows {
  const m = rows.length;
  const partOf = new Int32Array(m);
  const local = new Int32Array(m);
  const last = bases.length - 2;
  // Parts of one size (the last may differ): the part is a division away.
  const size = bases[1]!;
  let uniform = size > 0;
  for (let k = 1; k <= last && uniform; k++) uniform = bases[k]! === k * size;
  if (uniform) {
    for (let j = 0; j < m; j++) {
      const r = rows[j]!;
      const p = Math.min(last, Math.floor(r / size));
      partOf[j] = p;
      local[j] = r - bases[p]!;
    }
    return { partOf, local };
  }
  for (let j = 0; j < m; j++) {
    const r = rows[j]!;
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (bases[mid]! <= r) lo = mid;
      else hi = mid - 1;
    }
    partOf[j] = lo;
    local[j] = r - bases[lo]!;
  }
  return { partOf, local };
}

/**
 * Rows of a column split over several parts (e.g. the input batches of an operator), located by
 * `locateRows`, without concatenating the parts first. Equal to `gatherVector(concat(parts), rows)`.
 */
export function gatherFromParts(type: DataType, parts: readonly Vector[], at: PartRows): Vector {
  const { partOf, local } = at;
  const m = partOf.length;
  let validity: Uint8Array | null = null;
  if (parts.some((p) => p.validity !== null)) {
    validity = new Uint8Array(m);
    for (let j = 0; j < m; j++) {
      const v = parts[partOf[j]!]!.validity;
      validity[j] = v === null ? 1 : v[local[j]!]!;
    }
  }
  const storage = storageOf(type);
  if (storage === "str" || storage === "obj") {
    const srcs = parts.map((p) => p.values as readonly unknown[]);
    const out = new Array<unknown>(m).fill(null);
    const obj = storage === "obj";
    for (let j = 0; j < m; j++) out[j] = obj && validity !== null && validity[j] === 0 ? null : srcs[partOf[j]!]![local[j]!];
    return makeVector(type, out as VectorValues, validity);
  }
  const srcs = parts.map((p) => p.values as Float64Array);
  const out = allocValues(type, m);
  for (let j = 0; j < m; j++) (out as Float64Array)[j] = srcs[partOf[j]!]![local[j]!]!;
  return makeVector(type, out, validity);
}

/** Every `ref` column index anywhere inside `exprs` (a superset is harmless). */
export function referencedColumns(exprs: readonly unknown[]): Set<number> {
  const out = new Set<number>();
  const seen = new Set<object>();
  const walk = (x: unknown): void => {
    if (x === null || typeof x !== "object" || seen.has(x) || ArrayBuffer.isView(x)) return;
    seen.add(x);
    const o = x as Record<string, unknown>;
    if (o["kind"] === "ref" && typeof o["index"] === "number") out.add(o["index"]);
    for (const v of Array.isArray(x) ? x : Object.values(o)) walk(v);
  };
  for (const e of exprs) walk(e);
  return out;
}
