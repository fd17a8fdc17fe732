import { describe, expect, it } from "vitest";
import type { FrameBoundary, WindowFrame } from "../../expr/expr.js";
import type { RWindowCall } from "../../plan/resolved-plan.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import { DoubleType, IntegerType, LongType, StringType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { SluiceError } from "../../common/errors.js";
import { HashAggregateExec } from "./hash-aggregate-exec.js";
import { WindowExec } from "./window-exec.js";
import { COUNT, DSUM, FIRST, GT, LAG, MAX, RANK, ROW_NUMBER, SUM, aggCall, call, ctx, lit, ref, relation, rows, shimCompile, sortedJson, tuples } from "./test-helpers.js";
import type { AggregateFunction, WindowFunction } from "../../expr/function-types.js";

describe("HashAggregateExec", () => {
  const input = () =>
    relation("k STRING, v BIGINT", [{ k: "a", v: 1 }, { k: null, v: 2 }, { k: "b", v: null }], [], [{ k: "a", v: 3 }, { k: null, v: 4 }, { k: "a", v: 1 }]);
  const buffer = (n: number): RExpr[] => Array.from({ length: n }, (_, i) => ref(i, i === 0 ? StringType : LongType));

  it("groups across batches, null keys form a group", async () => {
    const agg = new HashAggregateExec(
      input(),
      [ref(0, StringType, "k")],
      [aggCall(SUM, [ref(1, LongType, "v")]), aggCall(COUNT, [ref(1, LongType, "v")])],
      buffer(3),
      StructType.fromDDL("k STRING, s BIGINT, c BIGINT"),
      shimCompile,
    );
    expect(sortedJson(await tuples(agg))).toEqual(sortedJson([["a", 5, 3], [null, 6, 2], ["b", null, 0]]));
    expect(agg.describe()).toBe("HashAggregateExec: keys=[k#0], aggs=[sum(...), count(...)]");
  });

  it("global aggregation over no rows yields one row; grouped aggregation yields none", async () => {
    const empty = relation("k STRING, v BIGINT");
    const global = new HashAggregateExec(empty, [], [aggCall(COUNT, [ref(1, LongType)]), aggCall(SUM, [ref(1, LongType)])], [ref(0, LongType), ref(1, LongType)], StructType.fromDDL("c BIGINT, s BIGINT"), shimCompile);
    expect(await tuples(global)).toEqual([[0n, null]]);
    const grouped = new HashAggregateExec(empty, [ref(0, StringType)], [aggCall(COUNT, [ref(1, LongType)])], buffer(2), StructType.fromDDL("k STRING, c BIGINT"), shimCompile);
    expect(await tuples(grouped)).toEqual([]);
    const rollup = new HashAggregateExec(empty, [ref(0, StringType)], [aggCall(COUNT, [ref(1, LongType)])], buffer(2), StructType.fromDDL("k STRING, c BIGINT"), shimCompile, [[0], []]);
    expect(await tuples(rollup)).toEqual([]);
  });

  it("applies FILTER clauses and DISTINCT per aggregate", async () => {
    const agg = new HashAggregateExec(
      input(),
      [ref(0, StringType)],
      [
        aggCall(SUM, [ref(1, LongType)], { distinct: true }),
        aggCall(COUNT, [ref(1, LongType)], { filter: call(GT, [ref(1, LongType), lit(1, LongType)]) }),
        aggCall(COUNT, [ref(1, LongType)], { distinct: true, filter: call(GT, [ref(1, LongType), lit(1, LongType)]) }),
      ],
      buffer(4),
      StructType.fromDDL("k STRING, sd BIGINT, cf BIGINT, cdf BIGINT"),
      shimCompile,
    );
    expect(agg.describe()).toContain("FILTER (WHERE (c1#1 > 1))");
    expect(sortedJson(await tuples(agg))).toEqual(sortedJson([["a", 4, 1, 1], [null, 6, 2, 2], ["b", null, 0, 0]]));
  });

  it("normalises -0.0 and NaN keys and evaluates result expressions over the buffer", async () => {
    const d = relation("k DOUBLE, v DOUBLE", [{ k: -0, v: 1 }, { k: 0, v: 2 }, { k: NaN, v: 4 }, { k: NaN, v: 8 }]);
    const agg = new HashAggregateExec(
      d,
      [ref(0, DoubleType)],
      [aggCall(DSUM, [ref(1, DoubleType)])],
      [ref(1, DoubleType, "s"), ref(0, DoubleType, "k")],
      StructType.fromDDL("s DOUBLE, k DOUBLE"),
      shimCompile,
    );
    const out = await tuples(agg);
    expect(out.length).toBe(2);
    expect(out[0]).toEqual([3, 0]);
    expect(Object.is(out[0]![1], 0)).toBe(true);
    expect(out[1]![0]).toBe(12);
  });

  it("computes grouping sets (cube) keeping rolled-up nulls apart from data nulls (checked against Spark)", async () => {
    const d = relation("a INT, b INT, v BIGINT", [{ a: 1, b: null, v: 1 }, { a: 1, b: 2, v: 2 }, { a: null, b: 2, v: 3 }]);
    const cube = new HashAggregateExec(
      d,
      [ref(0, IntegerType), ref(1, IntegerType)],
      [aggCall(SUM, [ref(2, LongType)])],
      [ref(0, IntegerType), ref(1, IntegerType), ref(2, LongType)],
      StructType.fromDDL("a INT, b INT, s BIGINT"),
      shimCompile,
      [[0, 1], [0], [1], []],
    );
    expect(sortedJson(await tuples(cube))).toEqual(
      sortedJson([[1, 2, 2], [1, null, 1], [1, null, 3], [null, 2, 3], [null, 2, 5], [null, null, 1], [null, null, 3], [null, null, 6]]),
    );
  });

  it("splits large results into batches of batchSize", async () => {
    const many = relation("k BIGINT", Array.from({ length: 10 }, (_, i) => ({ k: i })));
    const agg = new HashAggregateExec(many, [ref(0, LongType)], [], [ref(0, LongType)], StructType.fromDDL("k BIGINT"), shimCompile);
    const { collectBatches } = await import("../execution-plan.js");
    expect((await collectBatches(agg, { ...ctx, batchSize: 4 })).map((b) => b.numRows)).toEqual([4, 4, 2]);
  });
});

const frame = (type: "rows" | "range", start: FrameBoundary, end: FrameBoundary): WindowFrame => ({ type, start, end });
const UP: FrameBoundary = { kind: "unboundedPreceding" };
const UF: FrameBoundary = { kind: "unboundedFollowing" };
const CR: FrameBoundary = { kind: "currentRow" };
const off = (value: number): FrameBoundary => ({ kind: "offset", value });

function aggOver(fn: AggregateFunction, arg: RExpr, f: WindowFrame, orderIndex = 1, ascending = true): RWindowCall {
  return {
    fn: { kind: "aggregate", impl: fn },
    args: [arg],
    literals: [undefined],
    ignoreNulls: false,
    partitionBy: [ref(0, IntegerType, "p")],
    orderBy: [{ expr: ref(orderIndex, IntegerType, "o"), ascending, nullsFirst: ascending }],
    frame: f,
    type: LongType,
    stateTypes: [],
  };
}
function fnOver(fn: WindowFunction, args: RExpr[], orderIndex = 1): RWindowCall {
  return {
    fn: { kind: "window", impl: fn },
    args,
    literals: args.map(() => undefined),
    ignoreNulls: false,
    partitionBy: [ref(0, IntegerType, "p")],
    orderBy: [{ expr: ref(orderIndex, IntegerType, "o"), ascending: true, nullsFirst: true }],
    frame: frame("rows", UP, CR),
    type: fn === LAG ? LongType : IntegerType,
    stateTypes: [],
  };
}

describe("WindowExec", () => {
  // The data of /tmp/oracle1.py: p int, o int, v int, split over two batches, plus a second partition.
  const data = () =>
    relation(
      "p INT, o INT, v BIGINT",
      [{ p: 1, o: 4, v: 5 }, { p: 1, o: null, v: 1 }, { p: 2, o: 7, v: 100 }, { p: 1, o: 1, v: 3 }],
      [{ p: 1, o: 5, v: 6 }, { p: 1, o: null, v: 2 }, { p: 1, o: 2, v: 4 }],
    );
  const v = ref(2, LongType, "v");
  const run = async (calls: RWindowCall[]): Promise<Record<string, unknown>[]> => {
    const schema = new StructType([
      { name: "p", type: IntegerType, nullable: true },
      { name: "o", type: IntegerType, nullable: true },
      { name: "v", type: LongType, nullable: true },
      ...calls.map((c, i) => ({ name: `w${i}`, type: c.type, nullable: true })),
    ]);
    return rows(new WindowExec(data(), calls, schema, shimCompile));
  };
  // frame results by v, BIGINT results as numbers (the values here are small)
  const byV = (rs: Record<string, unknown>[], col: string): Record<number, unknown> =>
    Object.fromEntries(rs.filter((r) => r.p === 1).map((r) => [Number(r.v), typeof r[col] === "bigint" ? Number(r[col]) : r[col]]));

  it("RANGE frames with offsets, nulls as their own peers (Spark: range -1..1 and desc -1..0)", async () => {
    const out = await run([aggOver(SUM, v, frame("range", off(-1), off(1))), aggOver(SUM, v, frame("range", off(-1), CR), 1, false)]);
    expect(byV(out, "w0")).toEqual({ 1: 3, 2: 3, 3: 7, 4: 7, 5: 11, 6: 11 });
    expect(byV(out, "w1")).toEqual({ 6: 6, 5: 11, 4: 4, 3: 7, 1: 3, 2: 3 });
    expect(out.find((r) => r.p === 2)!.w0).toBe(100n);
  });

  it("the default frame (RANGE UNBOUNDED PRECEDING..CURRENT ROW) includes peers; output is grouped by partition in order", async () => {
    const out = await run([aggOver(SUM, v, frame("range", UP, CR)), aggOver(SUM, v, frame("range", UP, off(1)))]);
    expect(byV(out, "w0")).toEqual({ 1: 3, 2: 3, 3: 6, 4: 10, 5: 15, 6: 21 });
    expect(byV(out, "w1")).toEqual({ 1: 3, 2: 3, 3: 10, 4: 10, 5: 21, 6: 21 });
    expect(out.map((r) => r.v)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 100n]);
  });

  it("ROWS frames: sliding, shrinking, empty and whole-partition (Spark values)", async () => {
    const out = await run([
      aggOver(SUM, v, frame("rows", off(-1), off(1)), 2),
      aggOver(FIRST, v, frame("rows", off(-1), off(1)), 2),
      aggOver(SUM, v, frame("rows", CR, UF), 2),
      aggOver(SUM, v, frame("rows", off(2), off(3)), 2),
      aggOver(COUNT, v, frame("rows", off(2), off(3)), 2),
      aggOver(MAX, v, frame("rows", UP, UF), 2),
      aggOver(SUM, v, frame("rows", UP, off(-2)), 2),
    ]);
    expect(byV(out, "w0")).toEqual({ 1: 3, 2: 6, 3: 9, 4: 12, 5: 15, 6: 11 });
    expect(byV(out, "w1")).toEqual({ 1: 1, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5 });
    expect(byV(out, "w2")).toEqual({ 1: 21, 2: 20, 3: 18, 4: 15, 5: 11, 6: 6 });
    expect(byV(out, "w3")).toEqual({ 1: 7, 2: 9, 3: 11, 4: 6, 5: null, 6: null });
    expect(byV(out, "w4")).toEqual({ 1: 2, 2: 2, 3: 2, 4: 1, 5: 0, 6: 0 });
    expect(byV(out, "w5")).toEqual({ 1: 6, 2: 6, 3: 6, 4: 6, 5: 6, 6: 6 });
    expect(byV(out, "w6")).toEqual({ 1: null, 2: null, 3: 1, 4: 3, 5: 6, 6: 10 });
  });

  it("ranking and offset functions see partitions with peer markers", async () => {
    const out = await run([fnOver(ROW_NUMBER, []), fnOver(RANK, []), fnOver(LAG, [v])]);
    expect(byV(out, "w0")).toEqual({ 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6 });
    expect(byV(out, "w1")).toEqual({ 1: 1, 2: 1, 3: 3, 4: 4, 5: 5, 6: 6 });
    expect(byV(out, "w2")).toEqual({ 1: null, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5 });
    expect(out.find((r) => r.p === 2)!.w0).toBe(1);
    const w = new WindowExec(data(), [fnOver(ROW_NUMBER, [])], StructType.fromDDL("p INT, o INT, v BIGINT, rn INT"), shimCompile);
    expect(w.describe()).toBe("WindowExec: [row_number() OVER (PARTITION BY p#0 ORDER BY o#1 ASC NULLS FIRST rows unboundedPreceding..currentRow)]");
  });

  it("yields nothing for empty input", async () => {
    const w = new WindowExec(relation("p INT, o INT, v BIGINT"), [fnOver(ROW_NUMBER, [])], StructType.fromDDL("p INT, o INT, v BIGINT, rn INT"), shimCompile);
    expect(await rows(w)).toEqual([]);
  });

  it("rejects RANGE offsets over several or non-numeric order keys", () => {
    const bad: RWindowCall = { ...aggOver(SUM, v, frame("range", off(-1), CR)), orderBy: [{ expr: ref(1, StringType), ascending: true, nullsFirst: true }] };
    const schema = StructType.fromDDL("p INT, o INT, v BIGINT, s BIGINT");
    const codeOf = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as SluiceError).code;
      }
      return "none";
    };
    expect(codeOf(() => new WindowExec(data(), [bad], schema, shimCompile))).toBe("DATATYPE_MISMATCH.RANGE_FRAME_INVALID_TYPE");
    const two: RWindowCall = { ...bad, orderBy: [bad.orderBy[0]!, bad.orderBy[0]!] };
    expect(codeOf(() => new WindowExec(data(), [two], schema, shimCompile))).toBe("DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER");
  });
});

describe("WindowExec with the library's accumulators", () => {
  it("running sum and collect_list over the default frame match Spark (null order keys are peers)", async () => {
    const { sum } = await import("../../expr/aggregates/sum-avg.js");
    const { collectFunctions } = await import("../../expr/aggregates/collect.js");
    const collectList = collectFunctions.find((f) => f.name === "collect_list")!;
    const input = relation(
      "p INT, o INT, v BIGINT",
      [{ p: 1, o: 4, v: 5 }, { p: 1, o: null, v: 1 }, { p: 1, o: 1, v: 3 }],
      [{ p: 1, o: 5, v: 6 }, { p: 1, o: null, v: 2 }, { p: 1, o: 2, v: 4 }],
    );
    const base = aggOver(sum, ref(2, LongType, "v"), frame("range", UP, CR));
    const calls: RWindowCall[] = [
      base,
      { ...base, fn: { kind: "aggregate", impl: collectList }, type: { kind: "array", elementType: LongType, containsNull: false } },
    ];
    const schema = StructType.fromDDL("p INT, o INT, v BIGINT, s BIGINT, l ARRAY<BIGINT>");
    const out = await rows(new WindowExec(input, calls, schema, shimCompile));
    expect(out.map((r) => [r.v, r.s, r.l])).toEqual([
      [1n, 3n, [1n, 2n]],
      [2n, 3n, [1n, 2n]],
      [3n, 6n, [1n, 2n, 3n]],
      [4n, 10n, [1n, 2n, 3n, 4n]],
      [5n, 15n, [1n, 2n, 3n, 4n, 5n]],
      [6n, 21n, [1n, 2n, 3n, 4n, 5n, 6n]],
    ]);
  });
});
