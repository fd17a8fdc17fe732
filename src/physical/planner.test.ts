import { describe, expect, it } from "vitest";
import { batchFromRows, batchToRows } from "../columnar/column-batch.js";
import { Column, toColumnExpr } from "../expr/column.js";
import { lookupScalarFunction, scalarFunctionNames } from "../expr/functions/registry.js";
import type { AggregateFunction, ArgInfo, FunctionCatalog } from "../expr/function-types.js";
import { literalExpr } from "../expr/literal.js";
import { analyze } from "../plan/analyzer.js";
import type { AnalyzerEnv } from "../plan/analyzer-env.js";
import { type JoinType, type LogicalPlan, node } from "../plan/logical-plan.js";
import type { ResolvedPlan } from "../plan/resolved-plan.js";
import { LongType } from "../types/data-type.js";
import { StructType } from "../types/struct-type.js";
import { type ExecutionPlan, collectBatches, formatPhysicalPlan } from "./execution-plan.js";
import { COUNT, SUM, ctx, sortedJson } from "./operators/test-helpers.js";
import { createPhysicalPlan } from "./planner.js";

// Built-in scalar functions; test aggregates (keeps this test independent of the aggregate library).
const withArgs = (fn: AggregateFunction): AggregateFunction => ({
  ...fn,
  resolve: (args: readonly ArgInfo[]) => ({ argTypes: args.map((a) => a.type), returnType: LongType, stateTypes: [], nullable: true }),
});
const aggs = new Map<string, AggregateFunction>([
  ["sum", withArgs(SUM)],
  ["count", withArgs(COUNT)],
]);
const functions: FunctionCatalog = {
  scalar: lookupScalarFunction,
  aggregate: (n) => aggs.get(n),
  window: () => undefined,
  names: () => [...scalarFunctionNames(), ...aggs.keys()],
};
const env: AnalyzerEnv = {
  functions,
  eval: ctx.eval,
  caseSensitive: false,
  lookupRelation: () => undefined,
  resolveSource: () => {
    throw new Error("no sources in planner tests");
  },
};

const c = (name: string): Column => new Column(toColumnExpr(name));
const lit = (v: unknown): Column => new Column(literalExpr(v));
const local = (ddl: string, rows: Record<string, unknown>[]): LogicalPlan => {
  const schema = StructType.fromDDL(ddl);
  return node({ kind: "localRelation", schema, batches: [batchFromRows(schema, rows)] });
};
const plan = (lp: LogicalPlan, extra: Partial<Parameters<typeof createPhysicalPlan>[1]> = {}): ExecutionPlan =>
  createPhysicalPlan(analyze(lp, env), { eval: ctx.eval, scan: () => { throw new Error("no scans"); }, ...extra });
const run = async (p: ExecutionPlan) => (await collectBatches(p, ctx)).flatMap(batchToRows);

const people = () => local("id INT, name STRING, dept STRING", [
  { id: 1, name: "ann", dept: "a" },
  { id: 2, name: "bob", dept: "b" },
  { id: 3, name: "cy", dept: "a" },
  { id: 4, name: "dee", dept: null },
]);
const depts = () => local("dept STRING, floor INT", [{ dept: "a", floor: 1 }, { dept: "c", floor: 3 }, { dept: null, floor: 9 }]);

describe("createPhysicalPlan", () => {
  it("plans project, filter, sort and limit over a local relation", async () => {
    const lp = node({
      kind: "limit",
      limit: 2,
      input: node({
        kind: "sort",
        order: [c("id").desc().expr as never],
        input: node({ kind: "filter", condition: c("id").gt(1).expr, input: node({ kind: "project", exprs: [c("id").expr, c("id").plus(lit(10)).alias("x").expr], input: people() }) }),
      }),
    });
    const p = plan(lp as LogicalPlan);
    expect(await run(p)).toEqual([{ id: 4, x: 14 }, { id: 3, x: 13 }]);
    expect(formatPhysicalPlan(p).split("\n").map((l) => l.trim().replace(/^\+- /, "").split(":")[0])).toEqual([
      "LimitExec",
      "SortExec",
      "FilterExec",
      "ProjectExec",
      "LocalRelationExec",
    ]);
  });

  it("plans range, union and distinct", async () => {
    const r = (a: number, b: number) => node({ kind: "range", start: a, end: b, step: 1 }) as LogicalPlan;
    const lp = node({ kind: "distinct", input: node({ kind: "union", inputs: [r(0, 3), r(2, 5)], byName: false, allowMissingColumns: false }) });
    expect((await run(plan(lp as LogicalPlan))).map((x) => x.id)).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it("plans aggregates with result expressions over the buffer", async () => {
    const lp = node({
      kind: "aggregate",
      input: people(),
      groupBy: [c("dept").expr],
      aggs: [c("dept").expr, new Column({ kind: "call", name: "count", args: [c("id").expr] }).alias("n").expr, new Column({ kind: "call", name: "sum", args: [c("id").expr] }).alias("s").expr],
    });
    expect(sortedJson(await run(plan(lp as LogicalPlan)))).toEqual(
      sortedJson([{ dept: "a", n: 2, s: 4 }, { dept: "b", n: 1, s: 2 }, { dept: null, n: 1, s: 4 }]),
    );
  });

  it("plans equi joins as hash joins and null-safe equality as null-safe keys", async () => {
    const join = (joinType: JoinType, nullSafe: boolean) =>
      plan(
        node({
          kind: "join",
          left: node({ kind: "subqueryAlias", alias: "p", input: people() }),
          right: node({ kind: "subqueryAlias", alias: "d", input: depts() }),
          joinType,
          condition: new Column({ kind: "call", name: nullSafe ? "eq_null_safe" : "eq", args: [c("p.dept").expr, c("d.dept").expr] }).expr,
        }) as LogicalPlan,
      );
    const inner = join("inner", false);
    expect(inner.describe()).toMatch(/^HashJoinExec: inner, \[dept#2 = dept#0\]$/);
    expect((await run(inner)).map((r) => r.name).sort()).toEqual(["ann", "cy"]);
    const ns = join("inner", true);
    expect(ns.describe()).toContain("<=>");
    expect((await run(ns)).map((r) => r.name).sort()).toEqual(["ann", "cy", "dee"]);
    expect((await run(join("full", false))).length).toBe(6);
    expect((await run(join("left_anti", false))).map((r) => r.name).sort()).toEqual(["bob", "dee"]);
  });

  it("plans non-equi and cross joins as nested loops", async () => {
    const lp = node({ kind: "join", left: people(), right: depts(), joinType: "inner", condition: c("id").gt(c("floor")).expr });
    const p = plan(lp as LogicalPlan);
    expect(p.name).toBe("NestedLoopJoinExec");
    expect((await run(p)).length).toBe(4);
    const cross = plan(node({ kind: "join", left: people(), right: depts(), joinType: "cross" }) as LogicalPlan);
    expect((await run(cross)).length).toBe(12);
  });

  it("lets the caller override nodes and supply scans", async () => {
    const resolved: ResolvedPlan = analyze(node({ kind: "filter", condition: c("id").gt(2).expr, input: people() }) as LogicalPlan, env);
    let seen = 0;
    const p = createPhysicalPlan(resolved, {
      eval: ctx.eval,
      scan: () => {
        throw new Error("no scans");
      },
      override: (n, planChild) => {
        if (n.kind !== "filter") return undefined;
        seen++;
        return planChild(n.input);
      },
    });
    expect(seen).toBe(1);
    expect((await run(p)).length).toBe(4);
  });
});
