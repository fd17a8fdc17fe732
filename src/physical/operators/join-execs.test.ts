import { describe, expect, it } from "vitest";
import type { JoinType } from "../../plan/logical-plan.js";
import { DoubleType, IntegerType, LongType, StringType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { HashJoinExec } from "./hash-join-exec.js";
import { NestedLoopJoinExec } from "./nested-loop-join-exec.js";
import { GT, LT, call, ctx, ref, relation, shimCompile, sortedJson, tuples } from "./test-helpers.js";

const left = () =>
  relation("k INT, a STRING", [{ k: 1, a: "l1" }, { k: 2, a: "l2" }], [{ k: null, a: "lnull" }, { k: 2, a: "l2b" }, { k: 4, a: "l4" }]);
const right = () => relation("k INT, b STRING", [{ k: 2, b: "r2" }, { k: 3, b: "r3" }], [{ k: null, b: "rnull" }, { k: 1, b: "r1" }, { k: 2, b: "r2b" }]);

const outSchema = (t: JoinType) =>
  StructType.fromDDL(t === "left_semi" || t === "left_anti" ? "k INT, a STRING" : "k INT, a STRING, k2 INT, b STRING");

const hashJoin = (t: JoinType, cond?: Parameters<typeof call>[1]) =>
  new HashJoinExec(left(), right(), t, { left: [ref(0, IntegerType, "k")], right: [ref(0, IntegerType, "k")] }, cond ? call(GT, cond) : undefined, outSchema(t), shimCompile);

describe("HashJoinExec", () => {
  it("inner join never matches null keys", async () => {
    expect(sortedJson(await tuples(hashJoin("inner")))).toEqual(
      sortedJson([
        [1, "l1", 1, "r1"],
        [2, "l2", 2, "r2"],
        [2, "l2", 2, "r2b"],
        [2, "l2b", 2, "r2"],
        [2, "l2b", 2, "r2b"],
      ]),
    );
    expect(hashJoin("inner").describe()).toBe("HashJoinExec: inner, [k#0 = k#0]");
  });
  it("left, right and full outer joins keep unmatched rows with nulls", async () => {
    const l = await tuples(hashJoin("left"));
    expect(l.length).toBe(7);
    expect(sortedJson(l.filter((r) => r[2] === null))).toEqual(sortedJson([[null, "lnull", null, null], [4, "l4", null, null]]));
    const r = await tuples(hashJoin("right"));
    expect(r.length).toBe(7);
    expect(sortedJson(r.filter((x) => x[0] === null))).toEqual(sortedJson([[null, null, 3, "r3"], [null, null, null, "rnull"]]));
    const f = await tuples(hashJoin("full"));
    expect(f.length).toBe(9);
  });
  it("semi and anti joins return left rows once", async () => {
    expect(sortedJson(await tuples(hashJoin("left_semi")))).toEqual(sortedJson([[1, "l1"], [2, "l2"], [2, "l2b"]]));
    expect(sortedJson(await tuples(hashJoin("left_anti")))).toEqual(sortedJson([[null, "lnull"], [4, "l4"]]));
  });
  it("applies a residual condition before deciding outer matches", async () => {
    // b > a compares strings: "r2" > "l2" always true; use a numeric condition instead.
    const l = relation("k INT, x BIGINT", [{ k: 1, x: 5 }, { k: 1, x: 50 }, { k: 2, x: 1 }]);
    const r = relation("k INT, y BIGINT", [{ k: 1, y: 10 }, { k: 1, y: 20 }, { k: 3, y: 0 }]);
    const mk = (t: JoinType) =>
      new HashJoinExec(
        l,
        r,
        t,
        { left: [ref(0, IntegerType)], right: [ref(0, IntegerType)] },
        call(GT, [ref(3, LongType, "y"), ref(1, LongType, "x")]),
        t === "left_semi" || t === "left_anti" ? StructType.fromDDL("k INT, x BIGINT") : StructType.fromDDL("k INT, x BIGINT, k2 INT, y BIGINT"),
        shimCompile,
      );
    expect(sortedJson(await tuples(mk("inner")))).toEqual(sortedJson([[1, 5, 1, 10], [1, 5, 1, 20]]));
    expect(sortedJson(await tuples(mk("left")))).toEqual(sortedJson([[1, 5, 1, 10], [1, 5, 1, 20], [1, 50, null, null], [2, 1, null, null]]));
    expect(sortedJson(await tuples(mk("full")))).toEqual(
      sortedJson([[1, 5, 1, 10], [1, 5, 1, 20], [1, 50, null, null], [2, 1, null, null], [null, null, 3, 0]]),
    );
    expect(sortedJson(await tuples(mk("left_anti")))).toEqual(sortedJson([[1, 50], [2, 1]]));
    expect(sortedJson(await tuples(mk("left_semi")))).toEqual(sortedJson([[1, 5]]));
  });
  it("matches NaN with NaN and -0.0 with 0.0; null-safe keys match nulls (checked against Spark)", async () => {
    const l = relation("k DOUBLE, v INT", [{ k: NaN, v: 1 }, { k: -0, v: 2 }, { k: null, v: 3 }, { k: 1, v: 4 }]);
    const r = relation("k DOUBLE, w STRING", [{ k: NaN, w: "x" }, { k: 0, w: "y" }, { k: null, w: "z" }]);
    const schema = StructType.fromDDL("k DOUBLE, v INT, k2 DOUBLE, w STRING");
    const eq = new HashJoinExec(l, r, "inner", { left: [ref(0, DoubleType)], right: [ref(0, DoubleType)] }, undefined, schema, shimCompile);
    expect((await tuples(eq)).map((x) => x[3]).sort()).toEqual(["x", "y"]);
    const ns = new HashJoinExec(l, r, "inner", { left: [ref(0, DoubleType)], right: [ref(0, DoubleType)], nullSafe: [true] }, undefined, schema, shimCompile);
    expect((await tuples(ns)).map((x) => x[3]).sort()).toEqual(["x", "y", "z"]);
    expect(ns.describe()).toContain("<=>");
  });
  it("joins int keys with bigint keys, multiple keys, and splits large outputs into batches", async () => {
    const l = relation("a INT, s STRING", [{ a: 1, s: "x" }, { a: 1, s: "y" }]);
    const r = relation("b BIGINT, t STRING", [{ b: 1, t: "x" }, { b: 1, t: "x" }, { b: 1, t: "y" }]);
    const j = new HashJoinExec(
      l,
      r,
      "inner",
      { left: [ref(0, IntegerType), ref(1, StringType)], right: [ref(0, LongType), ref(1, StringType)] },
      undefined,
      StructType.fromDDL("a INT, s STRING, b BIGINT, t STRING"),
      shimCompile,
    );
    expect(sortedJson(await tuples(j))).toEqual(sortedJson([[1, "x", 1, "x"], [1, "x", 1, "x"], [1, "y", 1, "y"]]));
    const many = new HashJoinExec(
      relation("k INT", Array.from({ length: 10 }, () => ({ k: 1 }))),
      relation("k INT", Array.from({ length: 10 }, () => ({ k: 1 }))),
      "inner",
      { left: [ref(0, IntegerType)], right: [ref(0, IntegerType)] },
      undefined,
      StructType.fromDDL("k INT, k2 INT"),
      shimCompile,
    );
    const { collectBatches } = await import("../execution-plan.js");
    const batches = await collectBatches(many, { ...ctx, batchSize: 16 });
    expect(batches.reduce((s, b) => s + b.numRows, 0)).toBe(100);
    expect(batches.length).toBeGreaterThan(3);
  });
  it("handles an empty build side", async () => {
    const empty = relation("k INT, b STRING");
    const mk = (t: JoinType) => new HashJoinExec(left(), empty, t, { left: [ref(0, IntegerType)], right: [ref(0, IntegerType)] }, undefined, outSchema(t), shimCompile);
    expect(await tuples(mk("inner"))).toEqual([]);
    expect((await tuples(mk("left"))).length).toBe(5);
    expect((await tuples(mk("left_anti"))).length).toBe(5);
    expect(await tuples(mk("right"))).toEqual([]);
  });
});

describe("NestedLoopJoinExec", () => {
  const l = () => relation("x BIGINT", [{ x: 1 }, { x: 2 }], [{ x: 3 }]);
  const r = () => relation("y BIGINT", [{ y: 2 }, { y: null }]);
  const both = StructType.fromDDL("x BIGINT, y BIGINT");
  it("cross joins every pair", async () => {
    const j = new NestedLoopJoinExec(l(), r(), "cross", undefined, both, shimCompile);
    expect((await tuples(j, { ...ctx, batchSize: 1 })).length).toBe(6);
    expect(j.describe()).toBe("NestedLoopJoinExec: cross");
  });
  it("evaluates non-equi conditions for every join type", async () => {
    const cond = call(LT, [ref(0, LongType, "x"), ref(1, LongType, "y")]);
    const mk = (t: JoinType) =>
      new NestedLoopJoinExec(l(), r(), t, cond, t === "left_semi" || t === "left_anti" ? StructType.fromDDL("x BIGINT") : both, shimCompile);
    expect(await tuples(mk("inner"))).toEqual([[1n, 2n]]);
    expect(sortedJson(await tuples(mk("left")))).toEqual(sortedJson([[1, 2], [2, null], [3, null]]));
    expect(sortedJson(await tuples(mk("right")))).toEqual(sortedJson([[1, 2], [null, null]]));
    expect((await tuples(mk("full"))).length).toBe(4);
    expect(await tuples(mk("left_semi"))).toEqual([[1n]]);
    expect(await tuples(mk("left_anti"))).toEqual([[2n], [3n]]);
  });
});
