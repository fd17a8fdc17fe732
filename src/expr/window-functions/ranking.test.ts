import { describe, expect, it } from "vitest";
import { getValue } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { DoubleType, IntegerType } from "../../types/data-type.js";
import type { EvalContext } from "../function-types.js";
import { lookupWindowFunction } from "./registry.js";

const ctx: EvalContext = { timeZone: "UTC", ansi: true, currentTimestampUs: 0 };
const read = (v: Vector): unknown[] => Array.from({ length: v.length }, (_, i) => getValue(v, i));

function run(name: string, peer: number[], literals: unknown[] = []): unknown[] {
  const f = lookupWindowFunction(name)!;
  const sig = f.resolve(literals.map((x) => ({ type: IntegerType, nullable: false, literal: { value: x } })), ctx);
  expect(sig.requiresOrder).toBe(true);
  return read(f.evaluate([], peer.length, Uint8Array.from(peer), literals, sig.returnType, { ignoreNulls: false }));
}

// PySpark 4.0.1: partition ordered by o = 10, 20, 20, 30, 40:
//   row_number 1..5 ; rank 1,2,2,4,5 ; dense_rank 1,2,2,3,4 ; percent_rank 0,.25,.25,.75,1 ;
//   cume_dist .2,.6,.6,.8,1 ; ntile(3) 1,1,2,2,3 ; one-row partition: percent_rank 0.0, cume_dist 1.0
//   ntile(4) over 6 rows -> 1,1,2,2,3,4 ; ntile(10) over 6 rows -> 1..6 ; ntile(0) -> VALUE_OUT_OF_RANGE
describe("ranking window functions", () => {
  const peer = [1, 1, 0, 1, 1];
  it("handle ties like Spark", () => {
    expect(run("row_number", peer)).toEqual([1, 2, 3, 4, 5]);
    expect(run("rank", peer)).toEqual([1, 2, 2, 4, 5]);
    expect(run("dense_rank", peer)).toEqual([1, 2, 2, 3, 4]);
    expect(run("percent_rank", peer)).toEqual([0, 0.25, 0.25, 0.75, 1]);
    expect(run("cume_dist", peer)).toEqual([0.2, 0.6, 0.6, 0.8, 1]);
    expect(run("ntile", peer, [3])).toEqual([1, 1, 2, 2, 3]);
  });
  it("treat row 0 as a peer-group start and handle one-row partitions", () => {
    expect(run("rank", [0, 0, 1])).toEqual([1, 1, 3]);
    expect(run("percent_rank", [1])).toEqual([0]);
    expect(run("cume_dist", [1])).toEqual([1]);
  });
  it("split rows into ntile buckets, larger buckets first", () => {
    expect(run("ntile", [1, 1, 1, 1, 1, 1], [4])).toEqual([1, 1, 2, 2, 3, 4]);
    expect(run("ntile", [1, 1, 1, 1, 1, 1], [10])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run("ntile", [1, 1, 1, 1], [2])).toEqual([1, 1, 2, 2]);
  });
  it("have Spark's result types", () => {
    expect(lookupWindowFunction("rank")!.resolve([], ctx).returnType).toEqual(IntegerType);
    expect(lookupWindowFunction("cume_dist")!.resolve([], ctx).returnType).toEqual(DoubleType);
    expect(lookupWindowFunction("ROW_NUMBER")).toBeDefined();
  });
  it("reject bad arguments", () => {
    const ntile = lookupWindowFunction("ntile")!;
    expect(() => ntile.resolve([{ type: IntegerType, nullable: false, literal: { value: 0 } }], ctx)).toThrow(
      expect.objectContaining({ code: "DATATYPE_MISMATCH" }),
    );
    expect(() => ntile.resolve([{ type: IntegerType, nullable: false }], ctx)).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => ntile.resolve([], ctx)).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
    expect(() => lookupWindowFunction("rank")!.resolve([{ type: IntegerType, nullable: false }], ctx)).toThrow(
      expect.objectContaining({ code: "WRONG_NUM_ARGS" }),
    );
  });
});
