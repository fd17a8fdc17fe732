import { describe, expect, it } from "vitest";
import { concatVectors, getValue, take, vectorFromValues } from "../columnar/column-batch.js";
import type { Vector } from "../columnar/vector.js";
import { ArrayType, BooleanType, DoubleType, FloatType, IntegerType, StringType, type DataType } from "../types/data-type.js";
import { concatVectorParts, gatherFromParts, locateRows, gatherVector, referencedColumns, withoutAllValid } from "./gather.js";
import { makeVector } from "../columnar/vector.js";

const values = (v: Vector): unknown[] => Array.from({ length: v.length }, (_, i) => getValue(v, i));

const cases: [DataType, unknown[]][] = [
  [BooleanType, [true, null, false, true]],
  [IntegerType, [1, -2, null, 4]],
  [DoubleType, [1.5, NaN, null, -0]],
  [FloatType, [1.5, null, 2, 3]],
  [StringType, ["a", null, "", "d"]],
  [ArrayType(IntegerType), [[1], null, [], [2, null]]],
  [DoubleType, [1, 2, 3, 4]],
];

describe("gather kernels", () => {
  it("gatherVector equals take for in-range indices, for every storage kind", () => {
    const rows = Int32Array.from([3, 0, 2, 2, 1]);
    for (const [type, vals] of cases) {
      const v = vectorFromValues(type, vals);
      const g = gatherVector(v, rows);
      expect(values(g)).toEqual(values(take(v, rows)));
      expect(g.length).toBe(rows.length);
    }
  });
  it("concatVectorParts equals concatVectors, with and without nulls", () => {
    for (const [type, vals] of cases) {
      const a = vectorFromValues(type, vals);
      const b = vectorFromValues(type, vals.filter((x) => x !== null));
      const c = vectorFromValues(type, []);
      expect(values(concatVectorParts(type, [a, b, c]))).toEqual(values(concatVectors(type, [a, b, c])));
      expect(concatVectorParts(type, [b, b]).validity).toBeNull();
    }
  });
  it("withoutAllValid drops a bitmap with no nulls and keeps one with nulls", () => {
    const all = makeVector(DoubleType, Float64Array.from([1, 2]), Uint8Array.from([1, 1]));
    expect(withoutAllValid(all).validity).toBeNull();
    expect(values(withoutAllValid(all))).toEqual([1, 2]);
    const some = vectorFromValues(DoubleType, [1, null]);
    expect(withoutAllValid(some)).toBe(some);
  });
  it("gatherFromParts equals gathering from the concatenated parts", () => {
    for (const [type, vals] of cases) {
      const a = vectorFromValues(type, vals);
      const b = vectorFromValues(type, vals.filter((x) => x !== null));
      const c = vectorFromValues(type, vals.slice(0, 1));
      const bases = Int32Array.from([0, a.length, a.length + b.length, a.length + b.length + c.length]);
      const rows = Int32Array.from([bases[3]! - 1, 0, 5, 1, 4, 2, 3]);
      expect(values(gatherFromParts(type, [a, b, c], locateRows(bases, rows)))).toEqual(values(gatherVector(concatVectors(type, [a, b, c]), rows)));
    }
  });
  it("referencedColumns finds every ref index, however deeply nested", () => {
    const e = { kind: "call", args: [{ kind: "ref", index: 2 }, { kind: "cast", child: { kind: "ref", index: 0 } }] };
    expect([...referencedColumns([[e], [{ expr: { kind: "ref", index: 4 } }]])].sort()).toEqual([0, 2, 4]);
  });
  it("locateRows finds rows among equal-size parts and among uneven ones", () => {
    for (const bases of [Int32Array.from([0, 3, 6, 8]), Int32Array.from([0, 3, 6, 11]), Int32Array.from([0, 2, 7, 8]), Int32Array.from([0, 5])]) {
      const total = bases[bases.length - 1]!;
      const rows = Int32Array.from({ length: total }, (_, i) => total - 1 - i);
      const { partOf, local } = locateRows(bases, rows);
      for (let j = 0; j < rows.length; j++) {
        const p = partOf[j]!;
        expect(bases[p]! + local[j]!).toBe(rows[j]);
        expect(local[j]! < bases[p + 1]! - bases[p]!).toBe(true);
      }
    }
  });
});
