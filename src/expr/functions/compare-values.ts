/**
 * Spark's value ordering for engine values of one type: numbers with NaN largest and -0.0 = 0.0,
 * strings by Unicode code point (= UTF-8 byte order, not UTF-16 units, not locale), binary by
 * unsigned bytes, booleans false < true, arrays and structs lexicographically (nulls first inside).
 */
import type { DataType } from "../../types/data-type.js";

/** Compare two strings by code point. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) return surrogateKey(x) - surrogateKey(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

// Surrogates (astral code points) sort after U+E000..U+FFFF in code point order.
const surrogateKey = (c: number): number => (c >= 0xe000 ? c - 0x800 : c >= 0xd800 && c <= 0xdfff ? c + 0x2000 : c);

/** Compare two doubles: NaN is larger than everything and equal to itself; -0.0 equals 0.0. */
export function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an && bn ? 0 : an ? 1 : -1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Compare two non-null engine values of type t. */
export function compareValues(t: DataType, a: unknown, b: unknown): number {
  switch (t.kind) {
    case "string":
      return compareStrings(a as string, b as string);
    case "boolean":
      return (a ? 1 : 0) - (b ? 1 : 0);
    case "binary":
      return compareBytes(a as Uint8Array, b as Uint8Array);
    case "array": {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareNullable(t.elementType, x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case "struct": {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      for (const f of t.fields) {
        const c = compareNullable(f.type, x[f.name], y[f.name]);
        if (c !== 0) return c;
      }
      return 0;
    }
    case "map":
      return 0;
    default:
      return compareDoubles(a as number, b as number);
  }
}

/** Nulls first. */
export function compareNullable(t: DataType, a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  return compareValues(t, a, b);
}

/** Spark equality of two non-null values (NaN = NaN, -0.0 = 0.0, structural for nested types). */
export function valuesEqual(t: DataType, a: unknown, b: unknown): boolean {
  if (t.kind === "map") {
    const x = a as Map<unknown, unknown>;
    const y = b as Map<unknown, unknown>;
    if (x.size !== y.size) return false;
    const ex = [...x];
    const ey = [...y];
    return ex.every(([k, v], i) => compareNullable(t.keyType, k, ey[i]![0]) === 0 && compareNullable(t.valueType, v, ey[i]![1]) === 0);
  }
  return compareValues(t, a, b) === 0;
}
