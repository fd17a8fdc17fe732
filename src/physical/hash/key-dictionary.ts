/**
 * Per-column key dictionaries: map the values of one key column to dense ids 0..size-1, in the
 * order they are first seen. Null is a value like any other (it gets an id); callers that must not
 * match nulls (joins) mask those rows themselves.
 *
 * Normalisation follows Spark's NormalizeFloatingNumbers: -0.0 equals 0.0 and every NaN equals
 * every other NaN. Numbers hash through typed open-addressing tables (no boxing, no strings);
 * strings use one Map per column; window structs by their two timestamps; other nested values
 * (arrays, structs, maps, binary) are keyed by a canonical string, built only for those types.
 */
import type { Vector } from "../../columnar/vector.js";
import { isWindowStruct } from "../../expr/functions/datetime.js";
import type { DataType } from "../../types/data-type.js";

export type DictionaryKind = "i32" | "i64" | "f64" | "bool" | "str" | "obj";

export interface KeyDictionary {
  readonly size: number;
  /**
   * Writes the id of rows 0..n-1 of `v` to `out`. With `insert`, unseen values get the next id;
   * without it they get -1.
   */
  encode(v: Vector, n: number, out: Int32Array, insert: boolean): void;
}

export function dictionaryKindOf(t: DataType): DictionaryKind {
  switch (t.kind) {
    case "byte":
    case "short":
    case "int":
    case "date":
      return "i32";
    case "bigint":
      return "i64";
    case "decimal": // exact unscaled values: int64 words up to 18 digits, digit strings beyond
      return t.precision <= 18 ? "i64" : "obj";
    case "double":
    case "float":
    case "timestamp":
    case "timestamp_ntz":
      return "f64";
    case "boolean":
      return "bool";
    case "string":
      return "str";
    default:
      return t.kind === "null" ? "bool" : "obj";
  }
}

export function createDictionary(kind: DictionaryKind, type: DataType): KeyDictionary {
  switch (kind) {
    case "i32":
      return new NumberDictionary(true);
    case "i64":
      return new LongDictionary();
    case "f64":
      return new NumberDictionary(false);
    case "bool":
      return new BoolDictionary();
    case "str":
      return new MapDictionary((v, i) => (v.values as string[])[i]!);
    case "obj":
      return isWindowStruct(type) ? new WindowDictionary() : new MapDictionary((v, i) => canonicalKey(type, (v.values as unknown[])[i]));
  }
}

const f64 = new Float64Array(1);
const f64Bits = new Int32Array(f64.buffer);

/** 32-bit mix of a number: exact for int32 values, from the bit pattern otherwise. */
export function hashNumber(x: number): number {
  let h: number;
  if ((x | 0) === x) h = x;
  else {
    f64[0] = x;
    h = f64Bits[0]! ^ Math.imul(f64Bits[1]!, 0x27d4eb2d);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Open addressing over Float64 keys (int32 and 64-bit numbers alike; NaN and -0.0 normalised). */
class NumberDictionary implements KeyDictionary {
  private keys = new Float64Array(64);
  private slots = new Int32Array(64); // id + 1; 0 = empty
  private mask = 63;
  private count = 0;
  private nullId = -1;

  constructor(private readonly int32: boolean) {}

  get size(): number {
    return this.count;
  }

  encode(v: Vector, n: number, out: Int32Array, insert: boolean): void {
    // a BIGINT column meets a DOUBLE key of a join as a double, as Spark's cast would
    const values = v.values instanceof BigInt64Array ? Float64Array.from(v.values.subarray(0, n), Number) : (v.values as Int32Array | Float64Array | Float32Array);
    const validity = v.validity;
    for (let i = 0; i < n; i++) {
      if (validity !== null && validity[i] === 0) {
        if (this.nullId < 0 && insert) this.nullId = this.count++;
        out[i] = this.nullId;
        continue;
      }
      let x = values[i]!;
      if (!this.int32) {
        if (x !== x) x = NaN;
        else if (x === 0) x = 0;
      }
      out[i] = this.find(x, insert);
    }
  }

  private find(x: number, insert: boolean): number {
    const keys = this.keys;
    const slots = this.slots;
    let s = hashNumber(x) & this.mask;
    for (;;) {
      const id = slots[s]!;
      if (id === 0) break;
      const k = keys[s]!;
      if (k === x || (k !== k && x !== x)) return id - 1;
      s = (s + 1) & this.mask;
    }
    if (!insert) return -1;
    const id = this.count++;
    keys[s] = x;
    slots[s] = id + 1;
    if (this.count * 2 > this.mask) this.grow();
    return id;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap);
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    for (let s = 0; s < oldKeys.length; s++) {
      const id = oldSlots[s]!;
      if (id === 0) continue;
      const x = oldKeys[s]!;
      let t = hashNumber(x) & this.mask;
      while (this.slots[t] !== 0) t = (t + 1) & this.mask;
      this.keys[t] = x;
      this.slots[t] = id;
    }
  }
}

/**
 * Open addressing over exact int64 keys, read as (low, high) int32 words of the BigInt64Array
 * (no bigint arithmetic per row). An INT column (a join's other side) is sign-extended.
 */
class LongDictionary implements KeyDictionary {
  private keys = new Int32Array(128); // low, high per slot
  private slots = new Int32Array(64); // id + 1; 0 = empty
  private mask = 63;
  private count = 0;
  private nullId = -1;

  get size(): number {
    return this.count;
  }

  encode(v: Vector, n: number, out: Int32Array, insert: boolean): void {
    const validity = v.validity;
    let words: Int32Array;
    if (v.values instanceof BigInt64Array) words = new Int32Array(v.values.buffer, v.values.byteOffset, 2 * n);
    else {
      const ints = v.values as Int32Array;
      words = new Int32Array(2 * n);
      for (let i = 0; i < n; i++) {
        words[2 * i] = ints[i]!;
        words[2 * i + 1] = ints[i]! < 0 ? -1 : 0;
      }
    }
    for (let i = 0; i < n; i++) {
      if (validity !== null && validity[i] === 0) {
        if (this.nullId < 0 && insert) this.nullId = this.count++;
        out[i] = this.nullId;
        continue;
      }
      out[i] = this.find(words[2 * i]!, words[2 * i + 1]!, insert);
    }
  }

  private static hash(lo: number, hi: number): number {
    return hashNumber(lo) ^ Math.imul(hashNumber(hi), 0x9e3779b1);
  }

  private find(lo: number, hi: number, insert: boolean): number {
    const keys = this.keys;
    let s = LongDictionary.hash(lo, hi) & this.mask;
    for (;;) {
      const id = this.slots[s]!;
      if (id === 0) break;
      if (keys[2 * s] === lo && keys[2 * s + 1] === hi) return id - 1;
      s = (s + 1) & this.mask;
    }
    if (!insert) return -1;
    const id = this.count++;
    keys[2 * s] = lo;
    keys[2 * s + 1] = hi;
    this.slots[s] = id + 1;
    if (this.count * 2 > this.mask) this.grow();
    return id;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    const cap = oldSlots.length * 2;
    this.keys = new Int32Array(2 * cap);
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    for (let s = 0; s < oldSlots.length; s++) {
      const id = oldSlots[s]!;
      if (id === 0) continue;
      const lo = oldKeys[2 * s]!;
      const hi = oldKeys[2 * s + 1]!;
      let t = LongDictionary.hash(lo, hi) & this.mask;
      while (this.slots[t] !== 0) t = (t + 1) & this.mask;
      this.keys[2 * t] = lo;
      this.keys[2 * t + 1] = hi;
      this.slots[t] = id;
    }
  }
}

type WindowValue = { readonly start: number | null; readonly end: number | null } | null;

/**
 * Window structs {start, end} (the keys of every window aggregation) by their two timestamps in
 * one open-addressing table: no string per row. A window with a null field (rare) is keyed by
 * its canonical string instead, in the same id space.
 */
class WindowDictionary implements KeyDictionary {
  private keys = new Float64Array(128); // start, end per slot
  private slots = new Int32Array(64); // id + 1; 0 = empty
  private mask = 63;
  private count = 0;
  private nullId = -1;
  private readonly partial = new Map<string, number>();

  get size(): number {
    return this.count;
  }

  encode(v: Vector, n: number, out: Int32Array, insert: boolean): void {
    const values = v.values as WindowValue[];
    const validity = v.validity;
    for (let i = 0; i < n; i++) {
      const w = validity !== null && validity[i] === 0 ? null : values[i]!;
      if (w === null) {
        if (this.nullId < 0 && insert) this.nullId = this.count++;
        out[i] = this.nullId;
      } else if (w.start === null || w.end === null) {
        const k = `${w.start}|${w.end}`;
        let id = this.partial.get(k);
        if (id === undefined && insert) this.partial.set(k, (id = this.count++));
        out[i] = id ?? -1;
      } else {
        out[i] = this.find(w.start === 0 ? 0 : w.start, w.end === 0 ? 0 : w.end, insert);
      }
    }
  }

  private static hash(start: number, end: number): number {
    return hashNumber(start) ^ Math.imul(hashNumber(end), 0x9e3779b1);
  }

  private find(start: number, end: number, insert: boolean): number {
    const keys = this.keys;
    let s = WindowDictionary.hash(start, end) & this.mask;
    for (;;) {
      const id = this.slots[s]!;
      if (id === 0) break;
      if (keys[2 * s] === start && keys[2 * s + 1] === end) return id - 1;
      s = (s + 1) & this.mask;
    }
    if (!insert) return -1;
    const id = this.count++;
    keys[2 * s] = start;
    keys[2 * s + 1] = end;
    this.slots[s] = id + 1;
    if (this.count * 2 > this.mask) this.grow();
    return id;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    const cap = oldSlots.length * 2;
    this.keys = new Float64Array(2 * cap);
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    for (let s = 0; s < oldSlots.length; s++) {
      const id = oldSlots[s]!;
      if (id === 0) continue;
      const start = oldKeys[2 * s]!;
      const end = oldKeys[2 * s + 1]!;
      let t = WindowDictionary.hash(start, end) & this.mask;
      while (this.slots[t] !== 0) t = (t + 1) & this.mask;
      this.keys[2 * t] = start;
      this.keys[2 * t + 1] = end;
      this.slots[t] = id;
    }
  }
}

class BoolDictionary implements KeyDictionary {
  private readonly ids = new Int32Array([-1, -1, -1]); // false, true, null
  private count = 0;

  get size(): number {
    return this.count;
  }

  encode(v: Vector, n: number, out: Int32Array, insert: boolean): void {
    const values = v.values as ArrayLike<unknown>;
    const validity = v.validity;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      const slot = (validity !== null && validity[i] === 0) || (x !== 0 && x !== 1) ? 2 : x;
      let id = this.ids[slot]!;
      if (id < 0 && insert) id = this.ids[slot] = this.count++;
      out[i] = id;
    }
  }
}

class MapDictionary implements KeyDictionary {
  private readonly map = new Map<string, number>();
  private nullId = -1;

  constructor(private readonly keyAt: (v: Vector, i: number) => string) {}

  get size(): number {
    return this.map.size + (this.nullId >= 0 ? 1 : 0);
  }

  encode(v: Vector, n: number, out: Int32Array, insert: boolean): void {
    const validity = v.validity;
    const map = this.map;
    for (let i = 0; i < n; i++) {
      if (validity !== null && validity[i] === 0) {
        if (this.nullId < 0 && insert) this.nullId = this.size;
        out[i] = this.nullId;
        continue;
      }
      const k = this.keyAt(v, i);
      let id = map.get(k);
      if (id === undefined) {
        if (!insert) {
          out[i] = -1;
          continue;
        }
        id = this.size;
        map.set(k, id);
      }
      out[i] = id;
    }
  }
}

/** A string equal for exactly the values Spark groups together (floats normalised). */
export function canonicalKey(t: DataType, v: unknown): string {
  if (v === null || v === undefined) return "~";
  switch (t.kind) {
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return v ? "t" : "f";
    case "binary": {
      let s = "b";
      for (const byte of v as Uint8Array) s += byte < 16 ? "0" + byte.toString(16) : byte.toString(16);
      return s;
    }
    case "array":
      return "[" + (v as unknown[]).map((e) => canonicalKey(t.elementType, e)).join(",") + "]";
    case "struct": {
      const o = v as Record<string, unknown>;
      return "{" + t.fields.map((f) => canonicalKey(f.type, o[f.name])).join(",") + "}";
    }
    case "map": {
      const parts: string[] = [];
      for (const [k, x] of v as Map<unknown, unknown>) parts.push(canonicalKey(t.keyType, k) + ":" + canonicalKey(t.valueType, x));
      return "<" + parts.join(",") + ">";
    }
    default: {
      const x = v as number;
      return x === 0 ? "0" : String(x);
    }
  }
}
