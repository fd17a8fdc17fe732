import { describe, expect, it } from "vitest";
import { SluiceError } from "../../common/errors.js";
import { Column } from "../../expr/column.js";
import { analyze } from "../analyzer.js";
import { type LogicalPlan, node } from "../logical-plan.js";
import { type RAggregate, type ResolvedPlan, outputSchema } from "../resolved-plan.js";
import { cubeSets, rollupSets } from "./aggregate.js";
import { c, call, groupBy, lit, rel, select } from "./test-helpers.js";
import { testEnv } from "./testing.js";

const env = testEnv();
const an = (p: LogicalPlan): ResolvedPlan => analyze(p, env);
function err(f: () => unknown): SluiceError {
  try {
    f();
  } catch (e) {
    if (e instanceof SluiceError) return e;
    throw e;
  }
  throw new Error("expected a SluiceError");
}
const sales = rel("k STRING, v INT, amount DOUBLE, ts TIMESTAMP, s STRUCT<a: INT>");

describe("aggregate", () => {
  it("lifts aggregate calls, dedupes them and refers to the buffer", () => {
    const p = an(groupBy(sales, ["k"], [call("count", lit(1)), call("sum", c("v")), call("sum", c("v")).plus(lit(1)), call("count", lit(1)).alias("n")])) as RAggregate;
    expect(p.kind).toBe("aggregate");
    expect(p.aggs.map((a) => a.name)).toEqual(["count(1)", "sum(v)"]);
    expect(p.output.map((a) => a.name)).toEqual(["k", "count(1)", "sum(v)", "(sum(v) + 1)", "n"]);
    expect(outputSchema(p).toDDL()).toBe("k STRING, `count(1)` BIGINT NOT NULL, `sum(v)` BIGINT, `(sum(v) + 1)` BIGINT, n BIGINT NOT NULL");
    expect(p.resultExprs[0]).toMatchObject({ kind: "ref", index: 0 });
    expect(p.resultExprs[2]).toMatchObject({ kind: "ref", index: 2 });
    // the grouping column keeps its exprId
    expect(p.output[0]!.exprId).toBe(an(sales).output[0]!.exprId);
  });

  it("MISSING_AGGREGATION names a column that is neither grouped nor aggregated", () => {
    const e = err(() => an(groupBy(sales, ["k"], [c("v")])));
    expect(e.code).toBe("MISSING_AGGREGATION");
    expect(e.message).toContain('"v"');
    expect(e.message).toContain("any_value(v)");
    expect(err(() => an(groupBy(sales, ["k"], [c("v").plus(call("sum", c("v")))]))).code).toBe("MISSING_AGGREGATION");
  });

  it("matches expressions of grouping keys", () => {
    const key = c("v").plus(lit(1));
    const p = an(groupBy(sales, [key], [key.multiply(lit(2)), call("max", c("amount"))]));
    expect(p.output.map((a) => a.name)).toEqual(["(v + 1)", "((v + 1) * 2)", "max(amount)"]);
    const q = an(groupBy(sales, ["s"], [c("s.a"), call("count", lit(1))]));
    expect(q.output.map((a) => a.name)).toEqual(["s", "a", "count(1)"]);
  });

  it("aggregate calls in select() without groupBy make a global aggregate", () => {
    const p = an(select(sales, call("count", lit(1)), call("avg", c("amount")).alias("avg")));
    expect(p.kind).toBe("aggregate");
    expect((p as RAggregate).groupBy).toEqual([]);
    expect(p.output.map((a) => a.name)).toEqual(["count(1)", "avg"]);
    expect(err(() => an(select(sales, c("k"), call("count", lit(1))))).code).toBe("MISSING_AGGREGATION");
  });

  it("rejects nested aggregates and aggregates in groupBy", () => {
    expect(err(() => an(select(sales, call("sum", call("count", lit(1)))))).code).toBe("NESTED_AGGREGATE_FUNCTION");
    expect(err(() => an(node({ kind: "aggregate", input: sales, groupBy: [call("sum", c("v")).expr], aggs: [] }))).code).toBe("GROUP_BY_AGGREGATE");
  });

  it("count(DISTINCT ...) and ignoreNulls flags reach RAggCall", () => {
    const d = new Column({ kind: "call", name: "count", args: [c("k").expr, c("v").expr], distinct: true });
    const p = an(groupBy(sales, [], [d])) as RAggregate;
    expect(p.aggs[0]).toMatchObject({ distinct: true, name: "count(DISTINCT k, v)" });
  });

  it("rollup and cube become grouping sets with nullable keys", () => {
    const p = an(groupBy(rel("a INT NOT NULL, b INT NOT NULL, v INT"), ["a", "b"], [call("sum", c("v"))], "rollup")) as RAggregate;
    expect(p.groupingSets).toEqual([[0, 1], [0], []]);
    expect(p.output[0]!.nullable).toBe(true);
    expect(rollupSets(1)).toEqual([[0], []]);
    expect(cubeSets(2)).toEqual([[0, 1], [0], [1], []]);
  });

  it("tumbling window() is a scalar key; sliding windows become explode(__sliding_windows)", () => {
    const tumbling = an(groupBy(sales, [call("window", c("ts"), lit("10 minutes"))], [call("count", lit(1))]));
    expect(tumbling.output.map((a) => a.name)).toEqual(["window", "count(1)"]);
    const sliding = an(groupBy(sales, [call("window", c("ts"), lit("10 minutes"), lit("5 minutes"))], [call("count", lit(1))])) as RAggregate;
    expect(sliding.output.map((a) => a.name)).toEqual(["window", "count(1)"]);
    expect(sliding.input.kind).toBe("generate");
    const gen = sliding.input as Extract<ResolvedPlan, { kind: "generate" }>;
    expect(gen.arg.kind === "call" && gen.arg.fn.name).toBe("__sliding_windows");
    expect(gen.arg.kind === "call" && gen.arg.args.map((a) => (a.kind === "literal" ? a.value : a.kind))).toEqual(["ref", "10 minutes", "5 minutes", "0 seconds"]);
    expect(sliding.output[0]!.type.kind).toBe("struct");
    const bad = err(() => an(groupBy(sales, [call("window", c("ts"), lit("5 minutes"), lit("10 minutes"))], [])));
    expect(bad.code).toBe("DATATYPE_MISMATCH");
    expect(err(() => an(groupBy(sales, [call("window", c("k"), lit("10 minutes"), lit("5 minutes"))], []))).code).toBe("DATATYPE_MISMATCH");
  });

  it("propagates the watermark to a window key", () => {
    const wm = node({ kind: "withWatermark", input: sales, eventTime: "ts", delay: "10 minutes" });
    const p = an(groupBy(wm, [call("window", c("ts"), lit("10 minutes"))], [call("count", lit(1))]));
    expect(p.output[0]!.watermarkDelayMs).toBe(600_000);
  });
});
