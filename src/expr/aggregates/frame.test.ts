import { describe, expect, it } from "vitest";
import { getValue, vectorFromValues } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { ArrayType, IntegerType, LongType, StringType } from "../../types/data-type.js";
import { evaluateOverFrames } from "./frame.js";
import { ctx, fn, infos, col } from "./test-kit.js";

const opts = { distinct: false, ignoreNulls: false, literals: [] };
const read = (v: Vector): unknown[] => Array.from({ length: v.length }, (_, i) => getValue(v, i));

function over(name: string, type: typeof IntegerType, values: unknown[], start: number[], end: number[], ignoreNulls = false): unknown[] {
  const f = fn(name);
  const sig = f.resolve(infos([col(type, values)]), ctx, false);
  const v = evaluateOverFrames(f, sig.argTypes, sig.returnType, ctx, { ...opts, ignoreNulls }, [vectorFromValues(type, values)], Int32Array.from(start), Int32Array.from(end));
  expect(v.type).toEqual(sig.returnType);
  return read(v);
}

// PySpark 4.0.1, partition p=1 ordered by o: rows (10,'a'), (20,null), (20,'c'), (30,'d'), (40,null)
//   sum(o) over (order by o)                                     -> 10, 50, 50, 80, 120  (RANGE: peers share)
//   sum(o) over (rows between 1 preceding and 1 following)       -> 30, 50, 70, 90, 70
//   count(v) over (rows between current row and unbounded following) -> 3, 2, 2, 1, 0
//   collect_list(v) over (order by o, v)                         -> [a], [a], [a,c], [a,c,d], [a,c,d]
//   avg(o) over (partition by p)                                 -> 24.0 for every row
//   first(v) ignore nulls over (rows between 1 preceding and 1 following) -> a, a, c, c, d  (p=1 part of Spark's output)
describe("evaluateOverFrames", () => {
  const o = [10, 20, 20, 30, 40];
  const v = ["a", null, "c", "d", null];
  it("computes growing RANGE frames incrementally, peers sharing a value", () => {
    expect(over("sum", IntegerType, o, [0, 0, 0, 0, 0], [1, 3, 3, 4, 5])).toEqual([10n, 50n, 50n, 80n, 120n]);
    expect(over("collect_list", StringType, v, [0, 0, 0, 0, 0], [1, 2, 3, 4, 5])).toEqual([["a"], ["a"], ["a", "c"], ["a", "c", "d"], ["a", "c", "d"]]);
    expect(over("avg", IntegerType, o, [0, 0, 0, 0, 0], [5, 5, 5, 5, 5])).toEqual([24, 24, 24, 24, 24]);
  });
  it("recomputes sliding and shrinking frames", () => {
    expect(over("sum", IntegerType, o, [0, 0, 1, 2, 3], [2, 3, 4, 5, 5])).toEqual([30n, 50n, 70n, 90n, 70n]);
    expect(over("count", StringType, v, [0, 1, 2, 3, 4], [5, 5, 5, 5, 5])).toEqual([3n, 2n, 2n, 1n, 0n]);
    expect(over("first", StringType, v, [0, 0, 1, 2, 3], [2, 3, 4, 5, 5], true)).toEqual(["a", "a", "c", "c", "d"]);
  });
  it("gives the empty aggregate for empty frames", () => {
    expect(over("sum", IntegerType, o, [0, 0, 0, 0, 0], [0, 0, 1, 1, 2])).toEqual([null, null, 10n, 10n, 30n]);
    expect(over("count", IntegerType, o, [3, 4, 5, 5, 5], [2, 2, 5, 5, 5])).toEqual([0n, 0n, 0n, 0n, 0n]);
    expect(over("max", IntegerType, [], [], [])).toEqual([]);
  });
  it("matches a brute-force recomputation on random frames", () => {
    const n = 200;
    const xs = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : (i * 37) % 101));
    const start = Array.from({ length: n }, (_, i) => Math.max(0, i - ((i * 13) % 5)));
    const end = Array.from({ length: n }, (_, i) => Math.min(n, i + 1 + ((i * 7) % 4)));
    const got = over("sum", LongType, xs, start, end);
    const want = start.map((s, i) => {
      const part = xs.slice(s, end[i]).filter((x): x is number => x !== null);
      return part.length === 0 ? null : BigInt(part.reduce((a, b) => a + b, 0));
    });
    expect(got).toEqual(want);
    expect(over("collect_list", LongType, xs, start, end).map((a) => (a as unknown[]).length)).toEqual(
      start.map((s, i) => xs.slice(s, end[i]).filter((x) => x !== null).length),
    );
  });
  it("returns arrays typed as the aggregate's return type", () => {
    const f = fn("collect_set");
    const sig = f.resolve(infos([col(IntegerType, [])]), ctx, false);
    expect(sig.returnType).toEqual(ArrayType(IntegerType, false));
  });
});
