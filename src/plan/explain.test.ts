import { describe, expect, it } from "vitest";
import { analyze } from "./analyzer.js";
import { c, call, filter, groupBy, lit, rel, select } from "./analyzer/test-helpers.js";
import { testEnv } from "./analyzer/testing.js";
import { formatLogicalPlan } from "./explain.js";
import { node } from "./logical-plan.js";

/** Replace exprIds (process-wide counters) with stable numbers in order of appearance. */
const normalize = (text: string): string => {
  const ids = new Map<string, number>();
  return text.replace(/#(\d+)/g, (_m, id: string) => {
    if (!ids.has(id)) ids.set(id, ids.size + 1);
    return `#${ids.get(id)}`;
  });
};

describe("formatLogicalPlan", () => {
  it("prints an indented tree like Spark's analyzed plan", () => {
    const t = rel("a INT, b BIGINT");
    const p = select(filter(t, c("a").gt(lit(1))), c("a"), c("b").plus(lit(1)).alias("c"));
    expect(normalize(formatLogicalPlan(analyze(p, testEnv())))).toBe(
      ["Project [a#1, (b#2L + cast(1 as bigint)) AS c#3L]", "+- Filter (a#1 > 1)", "   +- LocalRelation [a#1, b#2L]"].join("\n"),
    );
  });

  it("prints aggregates, joins, sorts, limits, unions and watermarks", () => {
    const t = rel("k STRING, v INT, ts TIMESTAMP");
    const agg = groupBy(t, ["k"], [call("count", lit(1)).alias("n")]);
    expect(normalize(formatLogicalPlan(analyze(agg, testEnv())))).toBe(
      ["Aggregate [k#1], [k#1, count(1) AS n#2L]", "+- LocalRelation [k#1, v#3, ts#4]"].join("\n"),
    );
    const u = rel("k STRING, x INT");
    const j = node({ kind: "join", left: t, right: u, joinType: "left" as const, using: ["k"] });
    const text = formatLogicalPlan(analyze(j, testEnv()));
    expect(text).toContain("Join LeftOuter, (k#");
    expect(text.split("\n")[2]).toMatch(/^ {3}:- LocalRelation/);
    expect(text.split("\n")[3]).toMatch(/^ {3}\+- LocalRelation/);
    const s = node({ kind: "limit", input: node({ kind: "sort", input: t, order: [{ kind: "sortOrder" as const, child: c("v").expr, ascending: true, nullsFirst: true }] }), limit: 5 });
    expect(normalize(formatLogicalPlan(analyze(s, testEnv())))).toBe(
      ["Limit 5", "+- Sort [v#1 ASC NULLS FIRST], true", "   +- LocalRelation [k#2, v#1, ts#3]"].join("\n"),
    );
    const w = node({ kind: "withWatermark", input: t, eventTime: "ts", delay: "10 seconds" });
    expect(formatLogicalPlan(analyze(w, testEnv())).split("\n")[0]).toMatch(/^EventTimeWatermark ts#\d+: 10000 ms$/);
    const un = node({ kind: "union", inputs: [t, t], byName: false, allowMissingColumns: false });
    expect(formatLogicalPlan(analyze(un, testEnv())).split("\n")).toHaveLength(3);
    const r = node({ kind: "range", start: 0, end: 10, step: 2 });
    expect(formatLogicalPlan(analyze(r, testEnv()))).toBe("Range (0, 10, step=2)");
  });
});
