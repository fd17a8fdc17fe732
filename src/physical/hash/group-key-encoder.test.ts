import { describe, expect, it } from "vitest";
import { vectorFromValues } from "../../columnar/column-batch.js";
import { batchToRows, makeBatch } from "../../columnar/column-batch.js";
import { ArrayType, DoubleType, IntegerType, LongType, StringType, BooleanType, BinaryType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { WINDOW_TYPE } from "../../expr/functions/datetime.js";
import { GroupKeyEncoder } from "./group-key-encoder.js";
import { canonicalKey } from "./key-dictionary.js";

describe("GroupKeyEncoder", () => {
  it("assigns dense ids in first-seen order, stable across batches", () => {
    const enc = new GroupKeyEncoder([StringType]);
    expect([...enc.encode([vectorFromValues(StringType, ["b", "a", "b", null])], 4)]).toEqual([0, 1, 0, 2]);
    expect([...enc.encode([vectorFromValues(StringType, [null, "c", "a"])], 3)]).toEqual([2, 3, 1]);
    expect(enc.numGroups).toBe(4);
    const [keys] = enc.keyVectors();
    expect(batchToRows(makeBatch(StructType.fromDDL("k STRING"), [keys!]))).toEqual([{ k: "b" }, { k: "a" }, { k: null }, { k: "c" }]);
  });

  it("normalises NaN and -0.0 for doubles and keeps 0.0 as the key", () => {
    const enc = new GroupKeyEncoder([DoubleType]);
    const ids = enc.encode([vectorFromValues(DoubleType, [NaN, -0, 0, 0 / 0, 1.5, null, 1.5])], 7);
    expect([...ids]).toEqual([0, 1, 1, 0, 2, 3, 2]);
    const v = enc.keyVectors()[0]!;
    expect(Object.is((v.values as Float64Array)[1], 0)).toBe(true);
  });

  it("combines several keys of mixed types without collisions", () => {
    const enc = new GroupKeyEncoder([IntegerType, StringType, BooleanType]);
    const a = vectorFromValues(IntegerType, [1, 1, 2, 1, null, null]);
    const b = vectorFromValues(StringType, ["x", "y", "x", "x", null, "x"]);
    const c = vectorFromValues(BooleanType, [true, true, true, true, null, null]);
    expect([...enc.encode([a, b, c], 6)]).toEqual([0, 1, 2, 0, 3, 4]);
    expect([...enc.lookup([vectorFromValues(IntegerType, [2, 3]), vectorFromValues(StringType, ["x", "x"]), vectorFromValues(BooleanType, [true, true])], 2)]).toEqual([2, -1]);
    expect(enc.numGroups).toBe(5);
  });

  it("grows its tables past many keys", () => {
    const enc = new GroupKeyEncoder([LongType, IntegerType]);
    const n = 50_000;
    const xs = Array.from({ length: n }, (_, i) => i * 1e9);
    const ys = Array.from({ length: n }, (_, i) => i % 7);
    const ids = enc.encode([vectorFromValues(LongType, xs), vectorFromValues(IntegerType, ys)], n);
    expect(enc.numGroups).toBe(n);
    expect(ids[n - 1]).toBe(n - 1);
    const again = enc.lookup([vectorFromValues(LongType, xs), vectorFromValues(IntegerType, ys)], n);
    expect(again).toEqual(ids);
  });

  it("groups window structs by (start, end), nulls included, past many windows", () => {
    const W = WINDOW_TYPE;
    const enc = new GroupKeyEncoder([W, StringType]);
    const w = (start: number | null, end: number | null) => ({ start, end });
    const ws = vectorFromValues(W, [w(0, 10), w(0, 10), w(0, 20), w(10, 20), null, w(null, 10), w(null, 10), w(0, 10)]);
    const ks = vectorFromValues(StringType, ["a", "a", "a", "a", "a", "a", "a", "b"]);
    expect([...enc.encode([ws, ks], 8)]).toEqual([0, 0, 1, 2, 3, 4, 4, 5]);
    expect([...enc.lookup([vectorFromValues(W, [w(10, 20), w(20, 30)]), vectorFromValues(StringType, ["a", "a"])], 2)]).toEqual([2, -1]);
    const keys = enc.keyVectors()[0]!;
    expect(keys.values.slice(0, 3)).toEqual([w(0, 10), w(0, 20), w(10, 20)]);
    const many = new GroupKeyEncoder([W], { keepKeys: false });
    const n = 20_000;
    const vs = vectorFromValues(W, Array.from({ length: n }, (_, i) => w(i * 1e7, i * 1e7 + 1e7)));
    const ids = many.encode([vs], n);
    expect(many.numGroups).toBe(n);
    expect(many.lookup([vs], n)).toEqual(ids);
  });

  it("groups nested values by content, with no keys as one group", () => {
    const enc = new GroupKeyEncoder([ArrayType(DoubleType), BinaryType]);
    const arr = vectorFromValues(ArrayType(DoubleType), [[1, NaN], [1, NaN], [-0], [0], null]);
    const bin = vectorFromValues(BinaryType, [new Uint8Array([1]), new Uint8Array([1]), new Uint8Array([]), new Uint8Array([]), null]);
    expect([...enc.encode([arr, bin], 5)]).toEqual([0, 0, 1, 1, 2]);
    expect(canonicalKey(ArrayType(StringType), ["a,b", null])).not.toBe(canonicalKey(ArrayType(StringType), ["a", "b"]));
    const none = new GroupKeyEncoder([]);
    expect([...none.lookup([], 2)]).toEqual([-1, -1]);
    expect([...none.encode([], 3)]).toEqual([0, 0, 0]);
    expect(none.numGroups).toBe(1);
    expect(() => new GroupKeyEncoder([IntegerType], { keepKeys: false }).keyVectors()).toThrow(/keepKeys/);
  });
});
