/**
 * Spark's ordering of non-null engine values, for min/max/min_by/max_by and percentile inputs:
 * numbers with NaN largest (-0.0 equals 0.0), strings by Unicode code point, binary as unsigned
 * bytes, false < true, arrays element-wise (shorter prefix first), structs field by field; nested
 * nulls sort first. (The same rules as physical/sort-compare.ts, which expr/ may not import.)
 */
import type { DataType } from "../../types/data-type.js";

export type Compare = (a: unknown, b: unknown) => number;

export function compareNumber(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = a !== a;
  return an === (b !== b) ? 0 : an ? 1 : -1;
}

export function compareString(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // surrogate pairs encode code points above U+FFFF: order them after U+E000..U+FFFF
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const nullsFirst = (cmp: Compare): Compare => (a, b) => {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? -1 : 1;
  return cmp(a, b);
};

/** A comparator for non-null engine values of `t` (maps are compared entry-wise only so equal maps tie). */
export function compareFor(t: DataType): Compare {
  switch (t.kind) {
    case "string":
      return (a, b) => compareString(a as string, b as string);
    case "boolean":
      return (a, b) => (a === b ? 0 : a ? 1 : -1);
    case "binary":
      return (a, b) => {
        const x = a as Uint8Array;
        const y = b as Uint8Array;
        const n = Math.min(x.length, y.length);
        for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
        return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
      };
    case "array": {
      const el = nullsFirst(compareFor(t.elementType));
      return (a, b) => {
        const x = a as readonly unknown[];
        const y = b as readonly unknown[];
        const n = Math.min(x.length, y.length);
        for (let i = 0; i < n; i++) {
          const c = el(x[i], y[i]);
          if (c !== 0) return c;
        }
        return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
      };
    }
    case "struct": {
      const fields = t.fields.map((f) => ({ name: f.name, cmp: nullsFirst(compareFor(f.type)) }));
      return (a, b) => {
        const x = a as Record<string, unknown>;
        const y = b as Record<string, unknown>;
        for (const f of fields) {
          const c = f.cmp(x[f.name], y[f.name]);
          if (c !== 0) return c;
        }
        return 0;
      };
    }
    case "map":
    case "null":
      return () => 0;
    default:
      return (a, b) => compareNumber(a as number, b as number);
  }
}
