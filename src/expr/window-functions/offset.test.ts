import { describe, expect, it } from "vitest";
import { getValue, vectorFromValues } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { IntegerType, StringType } from "../../types/data-type.js";
import type { EvalContext } from "../function-types.js";
import { lookupWindowFunction } from "./registry.js";

const ctx: EvalContext = { timeZone: "UTC", ansi: true, currentTimestampUs: 0 };
const read = (v: Vector): unknown[] => Array.from({ length: v.length }, (_, i) => getValue(v, i));

function run(name: "lag" | "lead", xs: unknown[], offset?: number, dflt?: unknown[], ignoreNulls = false): unknown[] {
  const f = lookupWindowFunction(name)!;
  const n = xs.length;
  const args = [vectorFromValues(StringType, xs)];
  const literals: unknown[] = [undefined];
  if (offset !== undefined) {
    args.push(vectorFromValues(IntegerType, Array(n).fill(offset)));
    literals.push(offset);
  }
  if (dflt !== undefined) {
    args.push(vectorFromValues(StringType, dflt));
    literals.push(undefined);
  }
  return read(f.evaluate(args, n, new Uint8Array(n).fill(1), literals, StringType, { ignoreNulls }));
}

// PySpark 4.0.1, one partition ordered by (o, v): v = 'a', null, 'c', 'd', null
//   lag(v) -> null,a,null,c,d ; lead(v) -> null,c,d,null,null ; lag(v,2,'zz') -> zz,zz,a,null,c
//   lead(v,2,'zz') -> c,d,null,zz,zz ; lag(v,1) ignore nulls -> null,a,a,c,d
//   lead(v,1) ignore nulls -> c,c,d,null,null ; lag(v,0) -> v ; lag(v,-1) -> lead(v,1)
//   rows x,a,null,c,d,null: lag(v,2) ignore nulls -> null,null,x,x,a,c ; lead(v,2) ignore nulls -> c,d,d,null,null,null
//   lag(o, 1, o * 100) -> the default is evaluated at the current row (first row: 1000)
describe("lag / lead", () => {
  const v = ["a", null, "c", "d", null];
  it("shift by the offset with an optional default", () => {
    expect(run("lag", v)).toEqual([null, "a", null, "c", "d"]);
    expect(run("lead", v)).toEqual([null, "c", "d", null, null]);
    expect(run("lag", v, 2, Array(5).fill("zz"))).toEqual(["zz", "zz", "a", null, "c"]);
    expect(run("lead", v, 2, Array(5).fill("zz"))).toEqual(["c", "d", null, "zz", "zz"]);
    expect(run("lag", v, 0)).toEqual(v);
    expect(run("lag", v, -1)).toEqual(run("lead", v, 1));
    expect(run("lag", ["p", "q"], 1, ["d0", "d1"])).toEqual(["d0", "p"]);
  });
  it("count only non-null rows with IGNORE NULLS", () => {
    expect(run("lag", v, 1, undefined, true)).toEqual([null, "a", "a", "c", "d"]);
    expect(run("lead", v, 1, undefined, true)).toEqual(["c", "c", "d", null, null]);
    const w = ["x", "a", null, "c", "d", null];
    expect(run("lag", w, 2, undefined, true)).toEqual([null, null, "x", "x", "a", "c"]);
    expect(run("lead", w, 2, undefined, true)).toEqual(["c", "d", "d", null, null, null]);
    expect(run("lag", w, 0, undefined, true)).toEqual(w);
  });
  it("resolve the default to the input type and require an integer literal offset", () => {
    const lag = lookupWindowFunction("lag")!;
    const sig = lag.resolve(
      [
        { type: IntegerType, nullable: true },
        { type: IntegerType, nullable: false, literal: { value: 1 } },
        { type: StringType, nullable: false, literal: { value: "7" } },
      ],
      ctx,
    );
    expect(sig.argTypes).toEqual([IntegerType, IntegerType, IntegerType]);
    expect(sig.returnType).toEqual(IntegerType);
    expect(() => lag.resolve([{ type: IntegerType, nullable: true }, { type: IntegerType, nullable: true }], ctx)).toThrow(
      expect.objectContaining({ code: "DATATYPE_MISMATCH" }),
    );
    expect(() => lag.resolve([], ctx)).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
  });
});
