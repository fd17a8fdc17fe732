/**
 * Typed sort keys and a stable LSD radix sort, for sorts whose comparator would otherwise be
 * called O(n log n) times on JS values (the window operator's (partition, order keys) sort).
 *
 * 1. Each sort key becomes one or more Uint32 "words" per row, most significant first, such that
 *    comparing rows word by word (unsigned) gives exactly `rowComparator`'s order for that key,
 *    and two rows have equal words exactly when the comparator says they are equal:
 *    - a null-flag word (only when the key has nulls) places nulls first or last; null rows get
 *      zero value words, so they are peers of each other;
 *    - int/date/boolean: the value with its sign bit flipped;
 *    - bigint: its two's complement (high, low) words, the high word's sign bit flipped;
 *    - double/float/timestamp/decimal: the IEEE-754 bits of the value, made unsigned-ordered
 *      (-0.0 folded onto 0.0, every NaN onto one NaN above +Infinity) as a (high, low) pair;
 *    - string and nested types: the dense rank of the value among the column's distinct values,
 *      found by one comparator sort of the non-null rows;
 *    - a descending key inverts its value words.
 * 2. `radixPermutation` sorts row indices by the words with 16-bit digits, least significant
 *    first. Each pass is a counting sort, so the result is stable: ties keep input order, as
 *    `sortPermutation` does. A digit that is the same on every row is skipped.
 */
import type { Vector } from "../columnar/vector.js";
import { storageOf } from "../columnar/vector.js";
import type { SortKey } from "./sort-compare.js";
import { compareStrings, valueComparator } from "./sort-compare.js";

/** Unsigned words for one sort key, most significant first (see the file comment). */
export function sortKeyWords(key: SortKey, n: number): Uint32Array[] {
  const { vector, ascending, nullsFirst } = key;
  const validity = vector.validity;
  const hasNull = validity !== null && validity.subarray(0, n).indexOf(0) !== -1;
  const words = valueWords(vector, n, hasNull ? validity : null, ascending ? 0 : -1);
  if (hasNull) {
    const flag = new Uint32Array(n);
    const nullWord = nullsFirst ? 0 : 1;
    for (let i = 0; i < n; i++) {
      if (validity![i] === 0) {
        flag[i] = nullWord;
        for (const w of words) w[i] = 0;
      } else flag[i] = 1 - nullWord;
    }
    words.unshift(flag);
  }
  return words;
}

/** Value words XOR-ed with `flip` (0, or all ones to invert for a descending key). */
function valueWords(vector: Vector, n: number, validity: Uint8Array | null, flip: number): Uint32Array[] {
  const storage = storageOf(vector.type);
  if (storage === "i32" || storage === "i16" || storage === "i8" || storage === "bool") {
    const v = vector.values as Int32Array | Int16Array | Int8Array | Uint8Array;
    const w = new Uint32Array(n);
    const x = 0x80000000 ^ flip;
    for (let i = 0; i < n; i++) w[i] = v[i]! ^ x;
    return [w];
  }
  if (storage === "i64") {
    // two's complement int64: high word with the sign bit flipped, then the low word
    const v = vector.values as BigInt64Array;
    const u = new Uint32Array(v.buffer, v.byteOffset, 2 * n);
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      hi[i] = (u[2 * i + 1]! ^ 0x80000000 ^ flip) >>> 0;
      lo[i] = (u[2 * i]! ^ flip) >>> 0;
    }
    return [hi, lo];
  }
  if (storage === "f64" || storage === "f32") {
    const v = vector.values as Float64Array | Float32Array;
    const f64 = v instanceof Float64Array ? v : Float64Array.from(v.subarray(0, n));
    const u = new Uint32Array(f64.buffer, f64.byteOffset, 2 * n);
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let h = u[2 * i + 1]!;
      let l = u[2 * i]!;
      if ((h & 0x7ff00000) === 0x7ff00000 && ((h & 0xfffff) !== 0 || l !== 0)) {
        h = 0x7ff80000; // every NaN is one value, above +Infinity
        l = 0;
      } else if (h === 0x80000000 && l === 0) h = 0; // -0.0 equals 0.0
      if (h & 0x80000000) {
        hi[i] = ~h ^ flip;
        lo[i] = ~l ^ flip;
      } else {
        hi[i] = (h | 0x80000000) ^ flip;
        lo[i] = l ^ flip;
      }
    }
    return [hi, lo];
  }
  const w = rankWord(vector, n, validity);
  if (flip !== 0) for (let i = 0; i < n; i++) w[i] = ~w[i]!;
  return [w];
}

/** Dense ranks of the non-null values (equal values share a rank). */
function rankWord(vector: Vector, n: number, validity: Uint8Array | null): Uint32Array {
  const values = vector.values as readonly unknown[];
  const cmp: (a: unknown, b: unknown) => number =
    storageOf(vector.type) === "str" ? (a, b) => compareStrings(a as string, b as string) : valueComparator(vector.type);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (validity === null || validity[i] === 1) rows.push(i);
  rows.sort((a, b) => cmp(values[a], values[b]));
  const w = new Uint32Array(n);
  let rank = 0;
  for (let k = 0; k < rows.length; k++) {
    if (k > 0 && cmp(values[rows[k - 1]!], values[rows[k]!]) !== 0) rank++;
    w[rows[k]!] = rank;
  }
  return w;
}

/** A stable permutation of `n` rows ordered by `words` (most significant first, unsigned). */
export function radixPermutation(n: number, words: readonly Uint32Array[]): Int32Array {
  let perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let next = new Int32Array(n);
  const count = new Int32Array(0x10001);
  for (let k = words.length - 1; k >= 0; k--) {
    const w = words[k]!;
    for (let shift = 0; shift <= 16; shift += 16) {
      count.fill(0);
      for (let i = 0; i < n; i++) count[((w[i]! >>> shift) & 0xffff) + 1]++;
      if (count.indexOf(n) !== -1) continue; // every row has the same digit
      for (let d = 1; d <= 0x10000; d++) count[d] += count[d - 1]!;
      for (let i = 0; i < n; i++) {
        const r = perm[i]!;
        next[count[(w[r]! >>> shift) & 0xffff]!++] = r;
      }
      const t = perm;
      perm = next;
      next = t;
    }
  }
  return perm;
}

/** True where sorted row `s` differs from sorted row `s - 1` in any of `words` (row 0 included). */
export function wordBoundaries(perm: Int32Array, words: readonly Uint32Array[], out: Uint8Array): void {
  const n = perm.length;
  if (n > 0) out[0] = 1;
  for (let s = 1; s < n; s++) {
    const a = perm[s - 1]!;
    const b = perm[s]!;
    let differ = 0;
    for (let k = 0; k < words.length; k++) {
      if (words[k]![a] !== words[k]![b]) {
        differ = 1;
        break;
      }
    }
    if (differ === 1) out[s] = 1;
  }
}

/** Rows sorted by partition id, then by order-key words, with partition and peer-group starts. */
export interface PartitionedOrder {
  readonly perm: Int32Array;
  /** Sorted position where each partition starts, plus a final n. Empty partitions are dropped. */
  readonly partStarts: Int32Array;
  /** 1 where a sorted row starts a partition or differs from the row before in any order word. */
  readonly peerStart: Uint8Array;
}

/**
 * Stable sort by (partition id, order words): a counting sort by partition id, then each
 * partition sorted on its own (its rows' words are copied next to each other first, so the
 * per-partition passes run in cache). Equal to `radixPermutation(n, [pids, ...orderWords])`.
 * `orderWords` may instead be a function from the rows in partition order to their words.
 */
export function partitionedOrder(pids: Int32Array, n: number, orderWords: readonly Uint32Array[] | ((rows: Int32Array) => Uint32Array[])): PartitionedOrder {
  let numParts = 0;
  for (let i = 0; i < n; i++) if (pids[i]! >= numParts) numParts = pids[i]! + 1;
  const pos = new Int32Array(numParts + 1);
  for (let i = 0; i < n; i++) pos[pids[i]! + 1]++;
  const starts: number[] = [];
  for (let p = 0; p < numParts; p++) {
    if (pos[p + 1]! > 0) starts.push(pos[p]!);
    pos[p + 1] += pos[p]!;
  }
  starts.push(n);
  const byPart = new Int32Array(n);
  for (let i = 0; i < n; i++) byPart[pos[pids[i]!]!++] = i;
  const partStarts = Int32Array.from(starts);
  const peerStart = new Uint8Array(n);
  // Order words of the rows in partition order: gathered here, or built by the caller from its
  // key vectors gathered once (one random read per value instead of one per word).
  const sorted = typeof orderWords === "function" ? orderWords(byPart) : orderWords.map((w) => gatherWord(w, byPart));
  if (sorted.length === 0) {
    for (let p = 0; p + 1 < partStarts.length; p++) peerStart[partStarts[p]!] = 1;
    return { perm: byPart, partStarts, peerStart };
  }
  let maxSize = 0;
  for (let p = 0; p + 1 < partStarts.length; p++) maxSize = Math.max(maxSize, partStarts[p + 1]! - partStarts[p]!);
  const local = new Int32Array(maxSize);
  const scratch = new Int32Array(maxSize);
  const count = new Int32Array((maxSize >= 1 << 16 ? 1 << 16 : 1 << 8) + 1);
  const perm = new Int32Array(n);
  for (let p = 0; p + 1 < partStarts.length; p++) {
    const ps = partStarts[p]!;
    const m = partStarts[p + 1]! - ps;
    const order = sortSegment(sorted, ps, m, local, scratch, count);
    perm[ps] = byPart[ps + order[0]!]!;
    peerStart[ps] = 1;
    for (let t = 1; t < m; t++) {
      const a = ps + order[t - 1]!;
      const b = ps + order[t]!;
      perm[ps + t] = byPart[b]!;
      for (let k = 0; k < sorted.length; k++) {
        if (sorted[k]![a] !== sorted[k]![b]) {
          peerStart[ps + t] = 1;
          break;
        }
      }
    }
  }
  return { perm, partStarts, peerStart };
}

/** Stable order of rows [ps, ps + m) by `words`, as offsets from ps (in `a` or `b`). */
function sortSegment(words: readonly Uint32Array[], ps: number, m: number, a: Int32Array, b: Int32Array, count: Int32Array): Int32Array {
  for (let t = 0; t < m; t++) a[t] = t;
  if (m < 2) return a;
  if (m <= 16) {
    // Insertion sort: stable, and cheaper than radix passes on tiny segments.
    for (let t = 1; t < m; t++) {
      const x = a[t]!;
      let u = t - 1;
      while (u >= 0 && compareAt(words, ps + a[u]!, ps + x) > 0) {
        a[u + 1] = a[u]!;
        u--;
      }
      a[u + 1] = x;
    }
    return a;
  }
  const bits = m >= 1 << 16 ? 16 : 8;
  const mask = (1 << bits) - 1;
  const buckets = 1 << bits;
  let src = a;
  let dst = b;
  for (let k = words.length - 1; k >= 0; k--) {
    const w = words[k]!;
    for (let shift = 0; shift < 32; shift += bits) {
      count.fill(0, 0, buckets + 1);
      for (let t = 0; t < m; t++) count[((w[ps + t]! >>> shift) & mask) + 1]++;
      let constant = false;
      for (let d = 1; d <= buckets; d++) {
        if (count[d] === m) constant = true;
        count[d] += count[d - 1]!;
      }
      if (constant) continue;
      for (let t = 0; t < m; t++) {
        const r = src[t]!;
        dst[count[(w[ps + r]! >>> shift) & mask]!++] = r;
      }
      const tmp = src;
      src = dst;
      dst = tmp;
    }
  }
  return src;
}

function compareAt(words: readonly Uint32Array[], i: number, j: number): number {
  for (let k = 0; k < words.length; k++) {
    const x = words[k]![i]!;
    const y = words[k]![j]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function gatherWord(w: Uint32Array, rows: Int32Array): Uint32Array {
  const out = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = w[rows[i]!]!;
  return out;
}
