/**
 * Hash partitioning of rows by key columns, as Spark's HashPartitioning places them: partition =
 * pmod(Murmur3Hash(keys, seed 42), numPartitions), Murmur3Hash folding the key columns left to
 * right with the running hash as seed, a null key column leaving the hash unchanged. Spark plans
 * every stateful operator's input with this partitioning over `spark.sql.shuffle.partitions`
 * (StatefulOpClusteredDistribution), so Sluice puts a group in the same partition number as Spark
 * does for the types expr/functions/hash.ts hashes as Spark does (the `hash()` SQL function).
 *
 * Kernels run column at a time over typed storage: ints and BIGINTs (through an Int32 view of
 * their BigInt64Array, no BigInt per row), timestamps split into 32-bit halves arithmetically,
 * strings through one reused UTF-8 buffer; other types go through `murmurValue` per value.
 */
import { getValue } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { murmurBytes, murmurInt, murmurLongParts, murmurValue } from "../../expr/functions/hash.js";
import type { DataType } from "../../types/data-type.js";

/** Spark's Murmur3Hash seed. */
const SEED = 42;
const TWO_32 = 4294967296;
let scratch = Buffer.allocUnsafe(1024);

/** Java's floorMod for an int hash (Spark's Pmod). */
export function pmod(h: number, n: number): number {
  const r = h % n;
  return r < 0 ? r + n : r + 0; // + 0 turns -0 into 0
}

/** Murmur3 of a string's UTF-8 bytes without allocating per value. */
function murmurString(s: string, seed: number): number {
  if (s.length * 3 > scratch.length) scratch = Buffer.allocUnsafe(s.length * 3);
  const n = scratch.write(s, 0, "utf8");
  return murmurBytes(scratch, seed, n);
}

/** A safe-integer long (timestamps in µs) as Spark's hashLong of its 64-bit two's complement. */
function murmurSafeLong(x: number, seed: number): number {
  const hi = Math.floor(x / TWO_32);
  return murmurLongParts((x - hi * TWO_32) | 0, hi | 0, seed);
}

/** One value into the running hash: murmurValue, without a BigInt per timestamp (window structs). */
function foldValue(t: DataType, v: unknown, h: number): number {
  if (v === null || v === undefined) return h;
  if (t.kind === "timestamp" || t.kind === "timestamp_ntz") return murmurSafeLong(v as number, h);
  if (t.kind === "string") return murmurString(v as string, h);
  if (t.kind === "struct") {
    for (const f of t.fields) h = foldValue(f.type, (v as Record<string, unknown>)[f.name], h);
    return h;
  }
  return murmurValue(t, v, h);
}

function foldColumn(v: Vector, numRows: number, h: Int32Array): void {
  const valid = v.validity;
  const kind = v.type.kind;
  const values = v.values;
  if (kind === "int" || kind === "date" || kind === "short" || kind === "byte") {
    const a = values as Int32Array | Int16Array | Int8Array;
    for (let i = 0; i < numRows; i++) if (valid === null || valid[i] === 1) h[i] = murmurInt(a[i]!, h[i]!);
  } else if (kind === "boolean") {
    const a = values as Uint8Array;
    for (let i = 0; i < numRows; i++) if (valid === null || valid[i] === 1) h[i] = murmurInt(a[i]!, h[i]!);
  } else if (kind === "bigint") {
    const a = values as BigInt64Array;
    const halves = new Int32Array(a.buffer, a.byteOffset, a.length * 2); // little-endian: lo, hi
    for (let i = 0; i < numRows; i++) if (valid === null || valid[i] === 1) h[i] = murmurLongParts(halves[2 * i]!, halves[2 * i + 1]!, h[i]!);
  } else if (kind === "timestamp" || kind === "timestamp_ntz") {
    const a = values as Float64Array;
    for (let i = 0; i < numRows; i++) if (valid === null || valid[i] === 1) h[i] = murmurSafeLong(a[i]!, h[i]!);
  } else if (kind === "string") {
    const a = values as string[];
    for (let i = 0; i < numRows; i++) if (valid === null || valid[i] === 1) h[i] = murmurString(a[i]!, h[i]!);
  } else {
    for (let i = 0; i < numRows; i++) h[i] = foldValue(v.type, getValue(v, i), h[i]!);
  }
}

/**
 * The partition (0..numPartitions-1) of each of the first `numRows` rows of `keys`. One
 * partition puts every row in partition 0 without hashing.
 */
export function hashPartitionIds(keys: readonly Vector[], numRows: number, numPartitions: number): Int32Array {
  const out = new Int32Array(numRows);
  if (numPartitions === 1) return out;
  out.fill(SEED);
  for (const k of keys) foldColumn(k, numRows, out);
  for (let i = 0; i < numRows; i++) out[i] = pmod(out[i]!, numPartitions);
  return out;
}

/** The partition of one key, given its values (engine values) and their types. */
export function hashPartitionOf(types: readonly DataType[], values: readonly unknown[], numPartitions: number): number {
  if (numPartitions === 1) return 0;
  let h = SEED;
  for (let i = 0; i < types.length; i++) h = foldValue(types[i]!, values[i], h);
  return pmod(h, numPartitions);
}

/**
 * The partition of a state key string (operators that address state by key only: joins, session
 * windows, [flat]mapGroupsWithState): Murmur3 of its UTF-8 bytes up to the first NUL (a join's
 * row index follows one, so all rows of a join key share its partition). Not Spark's placement,
 * which hashes the typed key columns; Sluice checkpoints are not read by Spark, so only the
 * stability of the function matters.
 */
export function stringPartitionOf(key: string, numPartitions: number): number {
  if (numPartitions === 1) return 0;
  const nul = key.indexOf("\u0000");
  return pmod(murmurString(nul < 0 ? key : key.slice(0, nul), SEED), numPartitions);
}
