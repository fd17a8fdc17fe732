import { describe, expect, it } from "vitest";
import { SluiceError } from "../common/errors.js";
import { Column } from "../expr/column.js";
import { analyze } from "./analyzer.js";
import { alias, c, call, filter, lit, rel, select } from "./analyzer/test-helpers.js";
import { testEnv } from "./analyzer/testing.js";
import { type LogicalPlan, node } from "./logical-plan.js";
import type { ResolvedPlan } from "./resolved-plan.js";

const env = testEnv();
const an = (p: LogicalPlan): ResolvedPlan => analyze(p, env);
const names = (p: LogicalPlan): string[] => an(p).output.map((a) => a.name);
function err(f: () => unknown): SluiceError {
  try {
    f();
  } catch (e) {
    if (e instanceof SluiceError) return e;
    throw e;
  }
  throw new Error("expected a SluiceError");
}

const people = rel("id BIGINT NOT NULL, name STRING, amount DOUBLE, s STRUCT<b: INT, c: STRING>, arr ARRAY<INT>, m MAP<STRING, INT>, ts TIMESTAMP");

describe("column resolution", () => {
  it("resolves names case-insensitively and keeps the typed name and exprId", () => {
    const base = an(people);
    const p = an(select(people, "ID", "Name"));
    expect(p.output.map((a) => a.name)).toEqual(["ID", "Name"]);
    expect(p.output[0]!.exprId).toBe(base.output[0]!.exprId);
    expect(p.output[0]!.nullable).toBe(false);
  });

  it("respects spark.sql.caseSensitive", () => {
    const e = err(() => analyze(select(people, "ID"), testEnv({ caseSensitive: true })));
    expect(e.code).toBe("UNRESOLVED_COLUMN");
  });

  it("extracts nested struct fields and names them by the last part", () => {
    const p = an(select(people, "s.b", "S.C"));
    expect(p.output.map((a) => [a.name, a.type.kind])).toEqual([["b", "int"], ["C", "string"]]);
    const e = (p as Extract<ResolvedPlan, { kind: "project" }>).exprs[0]!;
    expect(e.kind === "call" && e.fn.name).toBe("get_struct_field");
    expect(e.kind === "call" && e.args[1]).toMatchObject({ kind: "literal", value: "b" });
  });

  it("reports unknown struct fields with suggestions", () => {
    const e = err(() => an(select(people, "s.bb")));
    expect(e.code).toBe("FIELD_NOT_FOUND");
    expect(e.message).toContain("`b`");
  });

  it("expands *, t.* and struct.*", () => {
    expect(names(select(people, "*"))).toEqual(["id", "name", "amount", "s", "arr", "m", "ts"]);
    expect(names(select(alias(people, "t"), "t.*"))).toEqual(["id", "name", "amount", "s", "arr", "m", "ts"]);
    expect(names(select(people, "s.*"))).toEqual(["b", "c"]);
    expect(err(() => an(select(people, "nope.*"))).code).toBe("CANNOT_RESOLVE_STAR_EXPAND");
  });

  it("resolves qualified names through subqueryAlias", () => {
    expect(names(select(alias(people, "t"), "t.name", "T.id"))).toEqual(["name", "id"]);
    expect(err(() => an(select(alias(people, "t"), "u.name"))).code).toBe("UNRESOLVED_COLUMN");
  });

  it("resolves by exprId when present, by name otherwise", () => {
    const base = an(people);
    const byId = new Column({ kind: "column", nameParts: ["whatever"], exprId: base.output[1]!.exprId });
    expect(names(select(people, byId))).toEqual(["name"]);
    const stale = new Column({ kind: "column", nameParts: ["amount"], exprId: 999_999 });
    expect(names(select(people, stale))).toEqual(["amount"]);
  });

  it("UNRESOLVED_COLUMN names the column and suggests the closest ones", () => {
    const e = err(() => an(select(rel("amount DOUBLE, id INT, zzz STRING"), "amout")));
    expect(e.code).toBe("UNRESOLVED_COLUMN");
    expect(e.kind).toBe("analysis");
    expect(e.message).toBe(
      "A column or function parameter with name `amout` cannot be resolved. Did you mean one of the following? [`amount`, `id`, `zzz`].",
    );
  });

  it("AMBIGUOUS_REFERENCE when both join sides have the name", () => {
    const j = node({ kind: "join", left: people, right: rel("id BIGINT, x INT"), joinType: "inner" as const });
    const e = err(() => an(select(j, "id")));
    expect(e.code).toBe("AMBIGUOUS_REFERENCE");
    expect(e.message).toContain("`id`");
  });

  it("UNRESOLVED_ROUTINE suggests known functions", () => {
    const e = err(() => an(select(people, call("uper", c("name")))));
    expect(e.code).toBe("UNRESOLVED_ROUTINE");
    expect(e.message).toContain("`upper`");
  });
});

describe("expressions", () => {
  it("inserts implicit casts the function asks for", () => {
    const p = an(select(rel("a INT, b BIGINT"), c("a").plus(c("b")))) as Extract<ResolvedPlan, { kind: "project" }>;
    expect(p.output[0]).toMatchObject({ name: "(a + b)", type: { kind: "bigint" } });
    const e = p.exprs[0]!;
    expect(e.kind === "call" && e.args[0]).toMatchObject({ kind: "cast", type: { kind: "bigint" } });
  });

  it("checks explicit casts under ANSI", () => {
    const t = rel("d DATE, n INT");
    const e = err(() => an(select(t, c("d").cast("int"))));
    expect(e.code).toBe("DATATYPE_MISMATCH");
    expect(e.message).toContain('cannot cast "DATE" to "INT"');
    expect(names(select(t, c("n").cast("string"), c("n").plus(lit(1)).cast("bigint")))).toEqual(["n", "CAST((n + 1) AS BIGINT)"]);
    expect(() => analyze(select(t, c("d").cast("int")), testEnv({ ansi: false }))).not.toThrow();
  });

  it("coerces CASE branches to a common type", () => {
    const w = new Column({ kind: "case", branches: [[c("a").gt(lit(1)).expr, lit(1).expr]], otherwise: c("b").expr });
    const p = an(select(rel("a INT, b BIGINT"), w));
    expect(p.output[0]).toMatchObject({ name: "CASE WHEN (a > 1) THEN 1 ELSE b END", type: { kind: "bigint" } });
    const bad = new Column({ kind: "case", branches: [[c("a").expr, lit(1).expr]], otherwise: null });
    expect(err(() => an(select(rel("a INT"), bad))).code).toBe("DATATYPE_MISMATCH");
    const incompatible = new Column({ kind: "case", branches: [[lit(true).expr, lit(1).expr]], otherwise: lit(true).expr });
    expect(err(() => an(select(rel("a INT"), incompatible))).code).toBe("DATATYPE_MISMATCH");
  });

  it("getItem on arrays and maps, getField on structs", () => {
    const p = an(select(people, c("arr").getItem(0), c("m").getItem("k"), c("s").getField("c")));
    expect(p.output.map((a) => [a.name, a.type.kind])).toEqual([["arr[0]", "int"], ["m[k]", "int"], ["s.c", "string"]]);
    expect(err(() => an(select(people, c("name").getItem(0)))).code).toBe("INVALID_EXTRACT_BASE_FIELD_TYPE");
  });

  it("resolves lambdas of higher-order functions", () => {
    const lambda = new Column({ kind: "lambda", params: ["x"], body: { kind: "call", name: "add", args: [{ kind: "lambdaVar", name: "x" }, { kind: "literal", value: 1, type: { kind: "int" } }] } });
    const p = an(select(people, call("transform", c("arr"), lambda))) as Extract<ResolvedPlan, { kind: "project" }>;
    const e = p.exprs[0]!;
    expect(e.kind === "call" && e.args[1]).toMatchObject({ kind: "lambda", params: [{ name: "x", type: { kind: "int" } }] });
    expect(p.output[0]!.type).toMatchObject({ kind: "array", elementType: { kind: "int" } });
  });

  it("rejects a star inside an expression", () => {
    expect(err(() => an(filter(people, new Column({ kind: "star" })))).code).toBe("INVALID_USAGE_OF_STAR_OR_REGEX");
  });
});

describe("filter", () => {
  it("needs a boolean condition", () => {
    expect(an(filter(people, c("amount").gt(lit(1)))).kind).toBe("filter");
    const e = err(() => an(filter(people, c("amount"))));
    expect(e.code).toBe("DATATYPE_MISMATCH");
    expect(e.message).toContain('"DOUBLE"');
  });

  it("rejects aggregates, windows and generators in WHERE", () => {
    expect(err(() => an(filter(people, call("count", lit(1)).gt(lit(1))))).code).toBe("INVALID_WHERE_CONDITION");
    expect(err(() => an(filter(people, call("row_number").over().gt(lit(1))))).code).toBe("INVALID_WHERE_CONDITION");
    expect(err(() => an(filter(people, call("explode", c("arr")).gt(lit(1))))).code).toBe("UNSUPPORTED_GENERATOR");
    expect(err(() => an(filter(people, call("row_number").gt(lit(1))))).code).toBe("WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE");
  });
});

describe("memoisation", () => {
  it("returns the same resolved plan (and exprIds) for the same node", () => {
    const p = select(people, "name");
    expect(an(p)).toBe(an(p));
    expect(analyze(p, testEnv())).toBe(an(p)); // a new env object with the same settings hits the cache
    expect(analyze(p, testEnv({ caseSensitive: true }))).not.toBe(an(p));
  });
});


describe("relations and simple operators", () => {
  it("range has a non-null BIGINT id", () => {
    const p = an(node({ kind: "range", start: 0, end: 10, step: 1 }));
    expect(p.output).toMatchObject([{ name: "id", type: { kind: "bigint" }, nullable: false }]);
  });

  it("read asks resolveSource for the schema", () => {
    const src = { format: "json", paths: ["/x"], options: {} };
    const p = analyze(node({ kind: "read", source: src, streaming: true }), testEnv({ sources: { json: "a INT, b STRING" } }));
    expect(p).toMatchObject({ kind: "scan", streaming: true });
    expect(p.output.map((a) => a.name)).toEqual(["a", "b"]);
    expect(err(() => analyze(node({ kind: "read", source: { ...src, format: "csv" }, streaming: false }), testEnv())).code).toBe("PATH_NOT_FOUND");
  });

  it("namedRelation looks up views and qualifies columns with the view name", () => {
    const e = testEnv({ views: { people } });
    const p = analyze(select(node({ kind: "namedRelation", nameParts: ["People"] }), "people.name"), e);
    expect(p.output.map((a) => a.name)).toEqual(["name"]);
    const missing = err(() => analyze(node({ kind: "namedRelation", nameParts: ["nope"] }), e));
    expect(missing.code).toBe("TABLE_OR_VIEW_NOT_FOUND");
    expect(missing.message).toContain("`nope`");
    const resolved = an(people);
    expect(analyze(node({ kind: "namedRelation", nameParts: ["r"] }), testEnv({ views: { r: resolved } })).output[0]!.exprId).toBe(resolved.output[0]!.exprId);
  });

  it("resolvedLeaf embeds a resolved plan as is", () => {
    const r = an(people);
    expect(an(node({ kind: "resolvedLeaf", plan: r }))).toBe(r);
  });

  it("limit, distinct and dropDuplicates keep the input's output", () => {
    expect(an(node({ kind: "limit", input: people, limit: 3 }))).toMatchObject({ kind: "limit", limit: 3, offset: 0 });
    expect(an(node({ kind: "distinct", input: rel("a INT, b INT") }))).toMatchObject({ kind: "dropDuplicates", keys: [0, 1] });
    expect(an(node({ kind: "dropDuplicates", input: people, columns: ["NAME", "id", "name"], withinWatermark: true }))).toMatchObject({
      keys: [1, 0],
      withinWatermark: true,
    });
    const e = err(() => an(node({ kind: "dropDuplicates", input: people, columns: ["nme"], withinWatermark: false })));
    expect(e.code).toBe("UNRESOLVED_COLUMN_AMONG_FIELD_NAMES");
  });

  it("withWatermark marks the event-time column and checks its type and delay", () => {
    const wm = an(node({ kind: "withWatermark", input: people, eventTime: "TS", delay: "10 minutes" }));
    expect(wm).toMatchObject({ kind: "watermark", eventTimeIndex: 6, delayMs: 600_000 });
    expect(wm.output[6]!.watermarkDelayMs).toBe(600_000);
    const moved = an(node({ kind: "withWatermark", input: node({ kind: "withColumns", input: node({ kind: "withWatermark", input: people, eventTime: "ts", delay: "1 minute" }), names: ["t2"], exprs: [c("ts").expr] }), eventTime: "t2", delay: "5 seconds" }));
    expect(moved.output.filter((a) => a.watermarkDelayMs !== undefined).map((a) => a.name)).toEqual(["t2"]);
    expect(err(() => an(node({ kind: "withWatermark", input: people, eventTime: "name", delay: "1 minute" }))).code).toBe("EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE");
    expect(err(() => an(node({ kind: "withWatermark", input: people, eventTime: "ts", delay: "soon" }))).code).toBe("INVALID_INTERVAL");
    expect(err(() => an(node({ kind: "withWatermark", input: people, eventTime: "ts", delay: "-1 minute" }))).code).toBe("INVALID_WATERMARK_DELAY");
    expect(err(() => an(node({ kind: "withWatermark", input: people, eventTime: "nope", delay: "1 minute" }))).code).toBe("UNRESOLVED_COLUMN");
  });
});
