import { describe, expect, it } from "vitest";
import { SluiceError } from "../../common/errors.js";
import { Column } from "../../expr/column.js";
import type { WindowSpecDef } from "../../expr/expr.js";
import { analyze } from "../analyzer.js";
import { type LogicalPlan, node } from "../logical-plan.js";
import { type ResolvedPlan, outputSchema } from "../resolved-plan.js";
import { c, call, lit, rel, select } from "./test-helpers.js";
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
const t = rel("k STRING, v INT NOT NULL, arr ARRAY<INT>, m MAP<STRING, DOUBLE>, ts TIMESTAMP");
const spec = (partitionBy: string[], orderBy: string[], frame?: WindowSpecDef["frame"]): { spec: WindowSpecDef } => ({
  spec: {
    partitionBy: partitionBy.map((n) => c(n).expr),
    orderBy: orderBy.map((n) => ({ kind: "sortOrder" as const, child: c(n).expr, ascending: true, nullsFirst: true })),
    ...(frame ? { frame } : {}),
  },
});

describe("select with generators", () => {
  it("explode becomes RGenerate + RProject with Spark's column names", () => {
    const p = an(select(t, "k", call("explode", c("arr")))) as Extract<ResolvedPlan, { kind: "project" }>;
    expect(p.output.map((a) => a.name)).toEqual(["k", "col"]);
    expect(p.input).toMatchObject({ kind: "generate", generator: "explode", outer: false });
    expect(names(select(t, call("posexplode", c("arr"))))).toEqual(["pos", "col"]);
    expect(names(select(t, call("explode", c("m"))))).toEqual(["key", "value"]);
    expect(names(select(t, call("explode", c("arr")).alias("x")))).toEqual(["x"]);
    const outer = an(select(t, call("explode_outer", c("arr"))));
    expect(outer.output[0]!.nullable).toBe(true);
  });

  it("rejects nested, repeated, mistyped and mis-aliased generators", () => {
    expect(err(() => an(select(t, call("explode", c("arr")).plus(lit(1))))).code).toBe("UNSUPPORTED_GENERATOR");
    expect(err(() => an(select(t, call("explode", c("arr")), call("explode", c("arr"))))).code).toBe("UNSUPPORTED_GENERATOR");
    expect(err(() => an(select(t, call("explode", c("k"))))).code).toBe("DATATYPE_MISMATCH");
    expect(err(() => an(select(t, call("explode", c("m")).alias("x")))).code).toBe("UDTF_ALIAS_NUMBER_MISMATCH");
  });
});

const names = (p: LogicalPlan): string[] => an(p).output.map((a) => a.name);

describe("select with window functions", () => {
  it("lifts window calls into RWindow with Spark's default frames and names", () => {
    const p = an(select(t, "k", call("row_number").over(spec(["k"], ["v"])), call("sum", c("v")).over(spec(["k"], [])))) as Extract<ResolvedPlan, { kind: "project" }>;
    expect(p.output.map((a) => a.name)).toEqual([
      "k",
      "row_number() OVER (PARTITION BY k ORDER BY v ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
      "sum(v) OVER (PARTITION BY k ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
    ]);
    const w = p.input as Extract<ResolvedPlan, { kind: "window" }>;
    expect(w.kind).toBe("window");
    expect(w.calls.map((x) => x.fn.kind)).toEqual(["window", "aggregate"]);
    expect(w.calls[1]!.frame).toEqual({ type: "rows", start: { kind: "unboundedPreceding" }, end: { kind: "unboundedFollowing" } });
    expect(names(select(t, call("sum", c("v")).over(spec([], ["v"]))))).toEqual([
      "sum(v) OVER (ORDER BY v ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
    ]);
    expect(names(select(t, call("lag", c("v"), lit(1), lit(null)).over(spec([], ["v"]))))).toEqual([
      "lag(v, 1, NULL) OVER (ORDER BY v ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)",
    ]);
    expect(names(select(t, call("rank").over(spec(["k"], ["v"]))))[0]).toMatch(/^RANK\(\) OVER/);
  });

  it("errors: ranking without ORDER BY, scalar over a window", () => {
    expect(err(() => an(select(t, call("row_number").over(spec(["k"], []))))).code).toBe("WINDOW_FUNCTION_WITHOUT_ORDER");
    expect(err(() => an(select(t, call("upper", c("k")).over(spec([], []))))).code).toBe("UNSUPPORTED_EXPR_FOR_WINDOW");
    expect(err(() => an(select(t, call("nope").over(spec([], []))))).code).toBe("UNRESOLVED_ROUTINE");
  });
});

describe("withColumns, withColumnsRenamed, drop", () => {
  it("replaces same-named columns in place and appends the others", () => {
    const p = node({ kind: "withColumns", input: t, names: ["V", "z"], exprs: [c("v").plus(lit(1)).expr, lit("x").expr] });
    expect(outputSchema(an(p)).toDDL()).toBe("k STRING, V INT NOT NULL, arr ARRAY<INT>, m MAP<STRING, DOUBLE>, ts TIMESTAMP, z STRING NOT NULL");
    const dup = node({ kind: "withColumns", input: t, names: ["a", "A"], exprs: [lit(1).expr, lit(2).expr] });
    expect(err(() => an(dup)).code).toBe("COLUMN_ALREADY_EXISTS");
  });

  it("supports window functions and explode in withColumns", () => {
    const p = node({ kind: "withColumns", input: t, names: ["rn"], exprs: [call("row_number").over(spec([], ["v"])).expr] });
    expect(names(p)).toEqual(["k", "v", "arr", "m", "ts", "rn"]);
    const q = node({ kind: "withColumns", input: t, names: ["e"], exprs: [call("explode", c("arr")).expr] });
    expect(names(q)).toEqual(["k", "v", "arr", "m", "ts", "e"]);
    const g = node({ kind: "withColumns", input: t, names: ["n"], exprs: [call("count", lit(1)).expr] });
    expect(err(() => an(g)).code).toBe("MISSING_AGGREGATION");
  });

  it("renames, ignoring unknown names; new exprId for renamed columns", () => {
    const base = an(t);
    const p = an(node({ kind: "withColumnsRenamed", input: t, renames: [["K", "key"], ["nope", "x"]] }));
    expect(p.output.map((a) => a.name)).toEqual(["key", "v", "arr", "m", "ts"]);
    expect(p.output[0]!.exprId).not.toBe(base.output[0]!.exprId);
    expect(p.output[1]!.exprId).toBe(base.output[1]!.exprId);
  });

  it("drop ignores unknown names, but a Column argument must resolve", () => {
    expect(names(node({ kind: "drop", input: t, columns: ["K", "nope", "arr"] }))).toEqual(["v", "m", "ts"]);
    expect(names(node({ kind: "drop", input: t, columns: [c("v").expr] }))).toEqual(["k", "arr", "m", "ts"]);
    expect(err(() => an(node({ kind: "drop", input: t, columns: [c("nope").expr] }))).code).toBe("UNRESOLVED_COLUMN");
  });
});

describe("struct(*) expands stars in function arguments", () => {
  it("passes every column", () => {
    const p = an(select(rel("a INT, b STRING"), new Column({ kind: "call", name: "struct", args: [{ kind: "star" }] })));
    expect(p.output[0]!.type).toMatchObject({ kind: "struct", fields: [{ type: { kind: "int" } }, { type: { kind: "string" } }] });
  });
});
