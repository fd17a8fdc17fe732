import { describe, expect, it } from "vitest";
import { SluiceError } from "../../common/errors.js";
import { Column } from "../../expr/column.js";
import { analyze } from "../analyzer.js";
import { type JoinType, type LogicalPlan, node } from "../logical-plan.js";
import { type RJoin, type ResolvedPlan, outputSchema } from "../resolved-plan.js";
import { alias, c, filter, lit, rel } from "./test-helpers.js";
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
const orders = rel("id INT NOT NULL, cust INT NOT NULL, amount DOUBLE");
const custs = rel("cid BIGINT NOT NULL, name STRING");
const join = (left: LogicalPlan, right: LogicalPlan, joinType: JoinType, condition?: Column, using?: string[]): LogicalPlan =>
  node({ kind: "join", left, right, joinType, ...(condition ? { condition: condition.expr } : {}), ...(using ? { using } : {}) });

describe("join", () => {
  it("splits equi keys (with coercion) from the residual condition", () => {
    const cond = c("cust").eq(c("cid")).and(c("amount").gt(lit(10)));
    const p = an(join(orders, custs, "inner", cond)) as RJoin;
    expect(p.leftKeys).toHaveLength(1);
    expect(p.leftKeys[0]).toMatchObject({ kind: "cast", type: { kind: "bigint" } });
    expect(p.rightKeys[0]).toMatchObject({ kind: "ref", index: 0 });
    expect(p.condition).toMatchObject({ kind: "call" });
    expect(p.output.map((a) => a.name)).toEqual(["id", "cust", "amount", "cid", "name"]);
  });

  it("keys written right = left are swapped", () => {
    const p = an(join(orders, custs, "inner", c("cid").eq(c("cust")))) as RJoin;
    expect(p.rightKeys[0]).toMatchObject({ kind: "ref", index: 0, name: "cid" });
    expect(p.condition).toBeUndefined();
  });

  it("outer joins make the other side nullable; semi/anti keep the left only", () => {
    const cond = c("cust").eq(c("cid"));
    expect(outputSchema(an(join(orders, custs, "left", cond))).toDDL()).toBe("id INT NOT NULL, cust INT NOT NULL, amount DOUBLE, cid BIGINT, name STRING");
    expect(outputSchema(an(join(orders, custs, "right", cond))).toDDL()).toBe("id INT, cust INT, amount DOUBLE, cid BIGINT NOT NULL, name STRING");
    expect(an(join(orders, custs, "full", cond)).output.every((a) => a.nullable)).toBe(true);
    expect(an(join(orders, custs, "left_semi", cond)).output.map((a) => a.name)).toEqual(["id", "cust", "amount"]);
  });

  it("using columns are shown once, first", () => {
    const a = rel("id INT NOT NULL, x STRING");
    const b = rel("ID BIGINT NOT NULL, y STRING");
    const p = an(join(a, b, "inner", undefined, ["id"]));
    expect(p.output.map((x) => x.name)).toEqual(["id", "x", "y"]);
    const full = an(join(a, b, "full", undefined, ["id"]));
    expect(full.output.map((x) => x.name)).toEqual(["id", "x", "y"]);
    expect(full.output[0]!.type.kind).toBe("bigint");
    const right = an(join(a, b, "right", undefined, ["id"]));
    expect(right.output[0]!.name).toBe("ID");
    const e = err(() => an(join(a, b, "inner", undefined, ["x"])));
    expect(e.code).toBe("UNRESOLVED_USING_COLUMN_FOR_JOIN");
    expect(e.message).toContain("right side");
  });

  it("qualified names disambiguate a self-join", () => {
    const cond = c("l.id").eq(c("r.id"));
    const p = an(join(alias(orders, "l"), alias(orders, "r"), "inner", cond)) as RJoin;
    expect(p.leftKeys[0]).toMatchObject({ index: 0 });
    expect(p.rightKeys[0]).toMatchObject({ index: 0 });
    expect(err(() => an(join(orders, orders, "inner", c("id").eq(c("id"))))).code).toBe("AMBIGUOUS_REFERENCE");
  });

  it("df.col refs with the same exprId on both sides resolve left and right (self-join)", () => {
    const id = an(orders).output[0]!.exprId;
    const ref = new Column({ kind: "column", nameParts: ["id"], exprId: id });
    const p = an(join(orders, filter(orders, c("amount").gt(lit(0))), "inner", ref.eq(ref))) as RJoin;
    expect(p.leftKeys).toHaveLength(1);
    expect(p.rightKeys[0]).toMatchObject({ kind: "ref", index: 0 });
  });

  it("the condition must be boolean", () => {
    expect(err(() => an(join(orders, custs, "inner", c("amount")))).code).toBe("DATATYPE_MISMATCH");
  });
});
