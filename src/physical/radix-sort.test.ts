import { describe, expect, it } from "vitest";
import { vectorFromValues } from "../columnar/column-batch.js";
import { ArrayType, BooleanType, DoubleType, FloatType, IntegerType, StringType, type DataType } from "../types/data-type.js";
import { partitionedOrder, radixPermutation, sortKeyWords, wordBoundaries } from "./radix-sort.js";
import { rowComparator, sortPermutation, type SortKey } from "./sort-compare.js";

/** A tiny deterministic generator, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pools: Record<string, { type: DataType; values: unknown[] }> = {
  double: { type: DoubleType, values: [NaN, -NaN, 0, -0, 1.5, -1.5, Infinity, -Infinity, 1e300, -1e-300, 2, null] },
  float: { type: FloatType, values: [NaN, 0, -0, 1.5, -2.25, Infinity, null] },
  int: { type: IntegerType, values: [0, -1, 1, 2147483647, -2147483648, 7, null] },
  boolean: { type: BooleanType, values: [true, false, null] },
  string: { type: StringType, values: ["", "a", "B", "\uffff", "\u{1F600}", "ab", null] },
  array: { type: ArrayType(IntegerType), values: [[], [1], [1, null], [2], null] },
};

function randomKeys(r: () => number, n: number, names: string[]): SortKey[] {
  return names.map((name) => {
    const pool = pools[name]!;
    const values = Array.from({ length: n }, () => pool.values[Math.floor(r() * pool.values.length)]);
    return { vector: vectorFromValues(pool.type, values), ascending: r() < 0.5, nullsFirst: r() < 0.5 };
  });
}

describe("radix sort on typed sort keys", () => {
  it("gives the same stable order and peer groups as the row comparator", () => {
    const r = rng(42);
    const names = Object.keys(pools);
    for (let round = 0; round < 60; round++) {
      const n = 1 + Math.floor(r() * 300);
      const chosen = Array.from({ length: 1 + Math.floor(r() * 3) }, () => names[Math.floor(r() * names.length)]!);
      const keys = randomKeys(r, n, chosen);
      const cmp = rowComparator(keys);
      const expected = sortPermutation(n, cmp);
      const words = keys.flatMap((k) => sortKeyWords(k, n));
      const perm = radixPermutation(n, words);
      expect([...perm], `keys ${chosen.join(",")}`).toEqual([...expected]);
      const peers = new Uint8Array(n);
      wordBoundaries(perm, words, peers);
      for (let s = 1; s < n; s++) expect(peers[s]).toBe(cmp(perm[s - 1]!, perm[s]!) === 0 ? 0 : 1);
      expect(peers[0]).toBe(1);
    }
  });

  it("sorts by every 16-bit digit of wide keys and keeps ties in input order", () => {
    const values = [70000, 3, -70000, 3, 65536, 65535, -1, 3];
    const v = vectorFromValues(IntegerType, values);
    const perm = radixPermutation(values.length, sortKeyWords({ vector: v, ascending: true, nullsFirst: true }, values.length));
    expect([...perm]).toEqual([2, 6, 1, 3, 7, 5, 4, 0]);
  });

  it("handles empty input", () => {
    expect(radixPermutation(0, [new Uint32Array(0)]).length).toBe(0);
  });

  it("partitionedOrder equals a radix sort by (partition id, order words), for tiny and large partitions", () => {
    const r = rng(7);
    for (const [n, parts] of [[0, 1], [1, 1], [50, 3], [400, 2], [3000, 5], [70000, 1]] as const) {
      const pids = Int32Array.from({ length: n }, () => Math.floor(r() * parts) * 2); // gaps: unused ids
      const keys = randomKeys(r, n, n > 5000 ? ["int"] : ["double", "string"]);
      const words = keys.flatMap((k) => sortKeyWords(k, n));
      const pidWord = new Uint32Array(pids.buffer);
      const expected = radixPermutation(n, [pidWord, ...words]);
      const got = partitionedOrder(pids, n, words);
      expect([...got.perm]).toEqual([...expected]);
      const peers = new Uint8Array(n);
      wordBoundaries(expected, [pidWord, ...words], peers);
      expect([...got.peerStart]).toEqual([...peers]);
      const starts = [...new Set([...expected].map((i, s) => (s === 0 || pids[i] !== pids[expected[s - 1]!] ? s : -1)))].filter((s) => s >= 0);
      expect([...got.partStarts]).toEqual([...starts, n]);
      const viaRows = partitionedOrder(pids, n, (rows) => words.map((w) => Uint32Array.from(rows, (i) => w[i]!)));
      expect([...viaRows.perm]).toEqual([...expected]);
      expect([...viaRows.peerStart]).toEqual([...peers]);
      const none = partitionedOrder(pids, n, []);
      expect([...none.perm]).toEqual([...radixPermutation(n, [pidWord])]);
    }
  });
});
