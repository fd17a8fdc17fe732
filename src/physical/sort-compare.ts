/**
 * Spark's ordering of engine values, shared by SortExec, WindowExec and anything else that sorts:
 * - numbers: NaN is larger than every other value (and equal to itself); -0.0 equals 0.0;
 * - strings: by Unicode code point (the order of their UTF-8 bytes), not by UTF-16 code unit;
 * - binary: unsigned bytes, lexicographically; booleans: false < true;
 * - arrays: element by element, a proper prefix first, null elements before non-null ones;
 * - structs: field by field, null fields before non-null ones.
 * Nulls at the top level are placed by each sort key's `nullsFirst`.
 */
import type { Vector } from "../columnar/vector.js";
import { storageOf } from "../columnar/vector.js";
import type { DataType } from "../types/data-type.js";

export type ValueComparator = (a: unknown, b: unknown) => number;

/** Numbers in Spark order: NaN largest, -0.0 = 0.0. */
export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = a !== a;
  const bn = b !== b;
  return an === bn ? 0 : an ? 1 : -1;
}

/** Strings by code point: equal to comparing their UTF-8 bytes. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800..DFFF) encode code points above U+FFFF: move them above U+E000..FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** A comparator for non-null engine values of type `t` (nested nulls sort first). */
export function valueComparator(t: DataType): ValueComparator {
  switch (t.kind) {
    case "string":
      return (a, b) => compareStrings(a as string, b as string);
    case "boolean":
      return (a, b) => (a === b ? 0 : a ? 1 : -1);
    case "binary":
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
    case "array": {
      const el = valueComparator(t.elementType);
      return (a, b) => {
        const x = a as readonly unknown[];
        const y = b as readonly unknown[];
        const n = Math.min(x.length, y.length);
        for (let i = 0; i < n; i++) {
          const c = compareNullable(el, x[i], y[i]);
          if (c !== 0) return c;
        }
        return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
      };
    }
    case "struct": {
      const fields = t.fields.map((f) => ({ name: f.name, cmp: valueComparator(f.type) }));
      return (a, b) => {
        const x = a as Record<string, unknown>;
        const y = b as Record<string, unknown>;
        for (const f of fields) {
          const c = compareNullable(f.cmp, x[f.name], y[f.name]);
          if (c !== 0) return c;
        }
        return 0;
      };
    }
    case "map": {
      // Spark cannot order maps; compare entries so that equal maps are peers.
      const k = valueComparator(t.keyType);
      const v = valueComparator(t.valueType);
      return (a, b) => {
        const x = [...(a as Map<unknown, unknown>)];
        const y = [...(b as Map<unknown, unknown>)];
        const n = Math.min(x.length, y.length);
        for (let i = 0; i < n; i++) {
          const c = k(x[i]![0], y[i]![0]) || compareNullable(v, x[i]![1], y[i]![1]);
          if (c !== 0) return c;
        }
        return x.length - y.length;
      };
    }
    case "null":
      return () => 0;
    default:
      return (a, b) => compareNumbers(a as number, b as number);
  }
}

const compareNullable = (cmp: ValueComparator, a: unknown, b: unknown): number => {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? -1 : 1;
  return cmp(a, b);
};

export interface SortKey {
  readonly vector: Vector;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

/** Compare rows i and j of a batch by several keys. */
export type RowComparator = (i: number, j: number) => number;

/** Builds a row comparator over key vectors (all of the same length). */
export function rowComparator(keys: readonly SortKey[]): RowComparator {
  const cmps = keys.map(keyComparator);
  if (cmps.length === 1) return cmps[0]!;
  return (i, j) => {
    for (let k = 0; k < cmps.length; k++) {
      const c = cmps[k]!(i, j);
      if (c !== 0) return c;
    }
    return 0;
  };
}

function keyComparator(key: SortKey): RowComparator {
  const { vector, ascending, nullsFirst } = key;
  const validity = vector.validity;
  const dir = ascending ? 1 : -1;
  const nullCmp = nullsFirst ? -1 : 1;
  const storage = storageOf(vector.type);
  let base: RowComparator;
  if (storage === "i32" || storage === "i16" || storage === "i8" || storage === "bool" || storage === "i64") {
    const v = vector.values as Int32Array | Int16Array | Int8Array | Uint8Array | BigInt64Array;
    base = (i, j) => (v[i]! < v[j]! ? -1 : v[i]! > v[j]! ? 1 : 0);
  } else if (storage === "f64" || storage === "f32") {
    const v = vector.values as Float64Array | Float32Array;
    base = (i, j) => compareNumbers(v[i]!, v[j]!);
  } else if (storage === "str") {
    const v = vector.values as string[];
    base = (i, j) => compareStrings(v[i]!, v[j]!);
  } else {
    const v = vector.values as unknown[];
    const cmp = valueComparator(vector.type);
    base = (i, j) => cmp(v[i], v[j]);
  }
  if (validity === null) return dir === 1 ? base : (i, j) => -base(i, j);
  return (i, j) => {
    const a = validity[i] === 1;
    const b = validity[j] === 1;
    if (!a || !b) return a === b ? 0 : a ? -nullCmp : nullCmp;
    return dir * base(i, j);
  };
}

/** A stable sort permutation of `n` rows under `cmp`. */
export function sortPermutation(n: number, cmp: RowComparator): Int32Array {
  const ix: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) ix[i] = i;
  ix.sort((a, b) => cmp(a, b) || a - b);
  return Int32Array.from(ix);
}
