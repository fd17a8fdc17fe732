/**
 * A column of one batch: typed values plus a validity mask (1 byte per row, 1 = valid, or null
 * when every row is valid). Values at invalid positions are unspecified (0, "" or null).
 *
 * Storage by type (see types/data-type.ts): boolean → Uint8Array; int, date → Int32Array;
 * bigint, double, timestamp (µs), decimal (unscaled) → Float64Array; float → Float32Array;
 * string → string[]; binary, array, struct, map → unknown[] holding JS values
 * (Uint8Array, arrays, plain objects keyed by field name, Map).
 */
import type { DataType } from "../types/data-type.js";

export type VectorValues = Uint8Array | Int32Array | Float64Array | Float32Array | string[] | unknown[];

export interface Vector {
  readonly type: DataType;
  readonly length: number;
  readonly values: VectorValues;
  readonly validity: Uint8Array | null;
}

/** Which storage a type uses. */
export type Storage = "bool" | "i32" | "f64" | "f32" | "str" | "obj";

export function storageOf(t: DataType): Storage {
  switch (t.kind) {
    case "boolean":
      return "bool";
    case "int":
    case "date":
      return "i32";
    case "bigint":
    case "double":
    case "timestamp":
    case "decimal":
      return "f64";
    case "float":
      return "f32";
    case "string":
      return "str";
    default:
      return "obj";
  }
}

/** Allocate storage for `n` values of type `t` (zeroed / empty). */
export function allocValues(t: DataType, n: number): VectorValues {
  switch (storageOf(t)) {
    case "bool":
      return new Uint8Array(n);
    case "i32":
      return new Int32Array(n);
    case "f64":
      return new Float64Array(n);
    case "f32":
      return new Float32Array(n);
    case "str":
      return new Array<string>(n).fill("");
    case "obj":
      return new Array<unknown>(n).fill(null);
  }
}

export function makeVector(type: DataType, values: VectorValues, validity: Uint8Array | null = null): Vector {
  return { type, length: values.length, values, validity };
}

export const isValid = (v: Vector, i: number): boolean => v.validity === null || v.validity[i] === 1;

export function nullCount(v: Vector): number {
  if (!v.validity) return 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v.validity[i] === 0) n++;
  return n;
}

/** A vector of `n` nulls. */
export function nullVector(type: DataType, n: number): Vector {
  return makeVector(type, allocValues(type, n), new Uint8Array(n));
}

/** A vector repeating one engine-level value (see `fromEngineValue`) `n` times. */
export function constantVector(type: DataType, value: unknown, n: number): Vector {
  if (value === null || value === undefined) return nullVector(type, n);
  const values = allocValues(type, n);
  (values as unknown[]).fill(value as never);
  return makeVector(type, values, null);
}
