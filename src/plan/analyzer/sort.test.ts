import { describe, expect, it } from "vitest";
import { SluiceError } from "../../common/errors.js";
import { analyze } from "../analyzer.js";
import { type LogicalPlan, node } from "../logical-plan.js";
import type { ResolvedPlan } from "../resolved-plan.js";
import { c, rel, select } from "./test-helpers.js";
import { testEnv } from "./testing.js";

const an = (p: LogicalPlan): ResolvedPlan => analyze(p, testEnv());
const sort = (input: LogicalPlan, ...cols: string[]): LogicalPlan =>
  node({ kind: "sort", input, order: cols.map((n) => ({ kind: "sortOrder" as const, child: c(n).expr, ascending: false, nullsFirst: false })) });
const t = rel("a INT, b STRING");

describe("sort", () => {
  it("sorts by input columns", () => {
    const p = an(sort(t, "B"));
    expect(p).toMatchObject({ kind: "sort", order: [{ expr: { kind: "ref", index: 1 }, ascending: false, nullsFirst: false }] });
  });

  it("may sort by a column the select dropped, carried as a hidden column", () => {
    const p = an(sort(select(t, "a"), "b"));
    expect(p.kind).toBe("project");
    expect(p.output.map((a) => a.name)).toEqual(["a"]);
    const s = (p as Extract<ResolvedPlan, { kind: "project" }>).input;
    expect(s).toMatchObject({ kind: "sort", order: [{ expr: { index: 1 } }] });
    expect(s.output.map((a) => a.name)).toEqual(["a", "b"]);
  });

  it("unknown sort columns are UNRESOLVED_COLUMN", () => {
    let e: unknown;
    try {
      an(sort(select(t, "a"), "zz"));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(SluiceError);
    expect((e as SluiceError).code).toBe("UNRESOLVED_COLUMN");
  });
});
