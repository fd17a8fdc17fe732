import { describe, expect, it } from "vitest";
import { SluiceError } from "../../common/errors.js";
import { analyze } from "../analyzer.js";
import { type LogicalPlan, node } from "../logical-plan.js";
import { type ResolvedPlan, outputSchema } from "../resolved-plan.js";
import { rel } from "./test-helpers.js";
import { testEnv } from "./testing.js";

const an = (p: LogicalPlan): ResolvedPlan => analyze(p, testEnv());
function err(f: () => unknown): SluiceError {
  try {
    f();
  } catch (e) {
    if (e instanceof SluiceError) return e;
    throw e;
  }
  throw new Error("expected a SluiceError");
}
const union = (inputs: LogicalPlan[], byName = false, allowMissingColumns = false, distinct = false): LogicalPlan =>
  node({ kind: "union", inputs, byName, allowMissingColumns, distinct });

describe("union", () => {
  it("widens column types by position and takes the first input's names", () => {
    const p = an(union([rel("a INT NOT NULL, b STRING"), rel("x BIGINT NOT NULL, y STRING NOT NULL")]));
    expect(outputSchema(p).toDDL()).toBe("a BIGINT NOT NULL, b STRING");
    const u = p as Extract<ResolvedPlan, { kind: "union" }>;
    expect(u.inputs[0]!.kind).toBe("project"); // int → bigint cast
    expect(u.inputs[1]!.kind).toBe("localRelation");
    expect(outputSchema(an(union([rel("a INT"), rel("a STRING")]))).toDDL()).toBe("a BIGINT");
  });

  it("NUM_COLUMNS_MISMATCH and INCOMPATIBLE_COLUMN_TYPE", () => {
    const e = err(() => an(union([rel("a INT, b INT"), rel("a INT")])));
    expect(e.code).toBe("NUM_COLUMNS_MISMATCH");
    expect(e.message).toContain("the first input has 2 columns and the second input has 1 columns");
    const t = err(() => an(union([rel("a INT"), rel("a ARRAY<INT>")])));
    expect(t.code).toBe("INCOMPATIBLE_COLUMN_TYPE");
    expect(t.message).toContain('"ARRAY<INT>"');
  });

  it("by name reorders columns; allowMissingColumns fills nulls", () => {
    const p = an(union([rel("a INT, b STRING"), rel("B STRING, A INT")], true));
    expect(p.output.map((a) => a.name)).toEqual(["a", "b"]);
    const u = p as Extract<ResolvedPlan, { kind: "union" }>;
    expect(u.inputs[1]).toMatchObject({ kind: "project", exprs: [{ index: 1 }, { index: 0 }] });
    expect(err(() => an(union([rel("a INT, b STRING"), rel("a INT")], true))).code).toBe("UNRESOLVED_COLUMN_AMONG_FIELD_NAMES");
    expect(err(() => an(union([rel("a INT"), rel("a INT, c INT")], true))).code).toBe("NUM_COLUMNS_MISMATCH");
    const m = an(union([rel("a INT, b STRING"), rel("a INT, c DOUBLE")], true, true));
    expect(outputSchema(m).toDDL()).toBe("a INT, b STRING, c DOUBLE");
  });

  it("SQL UNION (distinct) deduplicates", () => {
    expect(an(union([rel("a INT"), rel("a INT")], false, false, true)).kind).toBe("dropDuplicates");
  });
});
