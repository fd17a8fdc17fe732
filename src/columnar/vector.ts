/**
 * A column of one batch: typed values plus a validity mask (1 byte per row, 1 = valid, or null
 * when every row is valid). Values at invalid positions are unspecified (0, "" or null).
 *
 * Storage by type (see types/data-type.ts): boolean → Uint8Array; byte → Int8Array; short → Int16Array; int, date → Int32Array;
 * bigint → BigInt64Array (engine value: a JS `bigint`, exact over the whole int64 range, as Spark's
 * LongType; Arrow JS and Parquet INT64 use the same layout, so no value ever passes through a
 * double); double, timestamp, timestamp_ntz (µs) → Float64Array; float → Float32Array; decimal → its unscaled
 * integer (value × 10^scale) as a `bigint`: DECIMAL(p ≤ 18) in a BigInt64Array (10^18 < 2^63, so
 * it always fits; sums, compares, hashing and radix sort then run on the same typed int64 paths as
 * BIGINT, and Parquet INT64 / Arrow move it without boxing), DECIMAL(19..38) in a `bigint[]`
 * (JS has no 128-bit typed array, and a hand-rolled two-word layout would make every kernel do
 * 128-bit carries; bigint arithmetic is exact at any size and these wide values are rarer);
 * interval year to month (months) → Int32Array, interval day to second (µs, exact, as Spark's
 * Long) → BigInt64Array; string → string[]; binary, array, struct, map → unknown[] holding JS values
 * (Uint8Array, arrays, plain objects keyed by field name, Map).
 */
import { internalError } from "../common/errors.js";
import type { DataType } from "../types/data-type.js";
import { MAX_INT64_DECIMAL_DIGITS } from "../types/decimal-value.js";

export type VectorValues = Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float64Array | Float32Array | string[] | unknown[];

export interface Vector {
  readonly type: DataType;
  readonly length: number;
  readonly values: VectorValues;
  readonly validity: Uint8Array | null;
}

/** Which storage a type uses. */
export type Storage = "bool" | "i8" | "i16" | "i32" | "i64" | "f64" | "f32" | "str" | "obj";

export function storageOf(t: DataType): Storage {
  switch (t.kind) {
    case "boolean":
      return "bool";
    case "byte":
      return "i8";
    case "short":
      return "i16";
    case "int":
    case "date":
    case "year_month_interval":
      return "i32";
    case "bigint":
    case "day_time_interval":
      return "i64";
    case "decimal":
      return t.precision <= MAX_INT64_DECIMAL_DIGITS ? "i64" : "obj";
    case "double":
    case "timestamp":
    case "timestamp_ntz":
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
    case "i8":
      return new Int8Array(n);
    case "i16":
      return new Int16Array(n);
    case "i32":
      return new Int32Array(n);
    case "i64":
      return new BigInt64Array(n);
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

/**
 * A vector over `values`. A BIGINT (or DECIMAL(p ≤ 18)) vector must hold a BigInt64Array; kernels that compute
 * BIGINT results as (safe-integer) numbers, such as row ids or lengths, may hand in other
 * storage and it is converted here exactly (a non-integer is an internal error, never rounded).
 */
export function makeVector(type: DataType, values: VectorValues, validity: Uint8Array | null = null): Vector {
  if (storageOf(type) === "i64" && !(values instanceof BigInt64Array)) values = toInt64Array(values, validity);
  return { type, length: values.length, values, validity };
}

function toInt64Array(values: VectorValues, validity: Uint8Array | null): BigInt64Array {
  const out = new BigInt64Array(values.length);
  const src = values as ArrayLike<unknown>;
  for (let i = 0; i < out.length; i++) if (validity === null || validity[i] === 1) out[i] = src[i] === null || src[i] === undefined ? 0n : toInt64(src[i]);
  return out;
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
  (values as unknown[]).fill((values instanceof BigInt64Array ? toInt64(value) : value) as never);
  return makeVector(type, values, null);
}

/**
 * A BIGINT engine value from a kernel result: bigints pass through, integral numbers convert
 * exactly (a number is only ever handed in for results that are safe integers, e.g. a length or
 * a count); anything else is an internal error, never a silent rounding.
 */
export function toInt64(x: unknown): bigint {
  if (typeof x === "bigint" && x >= -(2n ** 63n) && x < 2n ** 63n) return x;
  if (typeof x === "number" && Number.isInteger(x) && x >= -(2 ** 63) && x < 2 ** 63) return BigInt(x);
  if (typeof x === "boolean") return x ? 1n : 0n;
  throw internalError(`BIGINT value expected, got ${typeof x} ${String(x)} (not an integer in the int64 range)`);
}
