import { describe, expect, it } from "vitest";
import { getValue, vectorFromValues } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { BooleanType, IntegerType, StringType } from "../../types/data-type.js";
import type { ArgInfo, EvalContext } from "../function-types.js";
import { lookupWindowFunction } from "./registry.js";

const ctx: EvalContext = { timeZone: "UTC", ansi: true, currentTimestampUs: 0 };
const read = (v: Vector): unknown[] => Array.from({ length: v.length }, (_, i) => getValue(v, i));
const nth = lookupWindowFunction("nth_value")!;

function run(xs: unknown[], n: number, start: number[], end: number[], ignoreNulls = false): unknown[] {
  const args = [vectorFromValues(StringType, xs), vectorFromValues(IntegerType, xs.map(() => n))];
  const frame = { start: Int32Array.from(start), end: Int32Array.from(end) };
  return read(nth.evaluate(args, xs.length, new Uint8Array(xs.length).fill(1), [undefined, n], StringType, { ignoreNulls }, frame));
}

// PySpark 4.0.1, one partition ordered by v with s = a, null, c, e:
//   nth_value(s, 2) IGNORE NULLS over the whole partition -> c,c,c,c ;
//   nth_value(s, 2, true) ROWS 1 PRECEDING..1 FOLLOWING -> null,c,e,e ; nth_value(s, 1) ROWS 1..2 FOLLOWING -> null,c,e,null
//   nth_value(v, 0) -> VALUE_OUT_OF_RANGE ; nth_value(v, v) -> NON_FOLDABLE_INPUT ; nth_value(v, 2, v > 1) ->
//   INVALID_PARAMETER_VALUE.BOOLEAN ; nth_value(v) -> WRONG_NUM_ARGS
describe("nth_value", () => {
  const s = ["a", null, "c", "e"];
  it("takes the n-th row of each frame, null past its end", () => {
    expect(run(s, 2, [0, 0, 0, 0], [1, 2, 3, 4])).toEqual([null, null, null, null]);
    expect(run(s, 3, [0, 0, 0, 0], [1, 2, 3, 4])).toEqual([null, null, "c", "c"]);
    expect(run(s, 1, [1, 2, 3, 4], [3, 4, 4, 4])).toEqual([null, "c", "e", null]);
    expect(run(s, 1, [2, 2, 2, 2], [1, 1, 1, 1])).toEqual([null, null, null, null]);
  });
  it("counts only non-null rows with IGNORE NULLS", () => {
    expect(run(s, 2, [0, 0, 0, 0], [4, 4, 4, 4], true)).toEqual(["c", "c", "c", "c"]);
    expect(run(s, 2, [0, 0, 1, 2], [2, 3, 4, 4], true)).toEqual([null, "c", "e", "e"]);
  });
  it("needs an order, reads the frame, and checks its arguments", () => {
    const x: ArgInfo = { type: IntegerType, nullable: true };
    const n = (v: unknown): ArgInfo => ({ type: IntegerType, nullable: false, literal: { value: v } });
    const sig = nth.resolve([x, n(2)], ctx);
    expect(sig.requiresOrder).toBe(true);
    expect(nth.usesFrame).toBe(true);
    expect(sig.returnType).toEqual(IntegerType);
    const mismatch = (sub: string) => expect.objectContaining({ code: "DATATYPE_MISMATCH", context: expect.objectContaining({ subclass: sub }) });
    expect(() => nth.resolve([x, n(0)], ctx)).toThrow(mismatch("VALUE_OUT_OF_RANGE"));
    expect(() => nth.resolve([x, x], ctx)).toThrow(mismatch("NON_FOLDABLE_INPUT"));
    expect(() => nth.resolve([x, n(2), { type: BooleanType, nullable: true }], ctx)).toThrow(expect.objectContaining({ code: "INVALID_PARAMETER_VALUE" }));
    expect(() => nth.resolve([x], ctx)).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
  });
});
