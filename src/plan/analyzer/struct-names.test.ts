import { describe, expect, it } from "vitest";
import { analyze } from "../analyzer.js";
import type { LogicalPlan } from "../logical-plan.js";
import { outputSchema } from "../resolved-plan.js";
import { c, call, lit, rel, select } from "./test-helpers.js";
import { builtinFunctions } from "../../expr/function-catalog.js";
import { testEnv } from "./testing.js";

const env = { ...testEnv(), functions: builtinFunctions };
const t = rel("id INT, s2 STRING, s STRUCT<x: INT, y: STRING>");
const fieldsOf = (p: LogicalPlan): string[] => {
  const f = outputSchema(analyze(p, env)).fields[0]!;
  return f.type.kind === "struct" ? f.type.fields.map((x) => x.name) : [];
};

describe("struct(...) field names (as Spark names them)", () => {
  it("uses column names, aliases and struct field names, col<n> otherwise", () => {
    // SELECT struct(id, id + 1, 'x', s2) → struct<id:int,col2:int,col3:string,s2:string> (PySpark 4.0.1)
    expect(fieldsOf(select(t, call("struct", c("id"), call("add", c("id"), lit(1)), lit("x"), c("s2"))))).toEqual(["id", "col2", "col3", "s2"]);
    // struct(id AS a, s.y) → struct<a:int,y:string>; case of the schema wins: struct(ID) → id
    expect(fieldsOf(select(t, call("struct", c("id").alias("a"), c("s.y"))))).toEqual(["a", "y"]);
    expect(fieldsOf(select(t, call("struct", c("ID"))))).toEqual(["id"]);
  });
  it("keeps the generated column name struct(...)", () => {
    const out = outputSchema(analyze(select(t, call("struct", c("id"), c("s2"))), env));
    expect(out.fields[0]!.name).toBe("struct(id, s2)");
  });
});
