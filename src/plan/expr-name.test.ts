import { describe, expect, it } from "vitest";
import { Column } from "../expr/column.js";
import { typedLiteral } from "../expr/literal.js";
import { DecimalType } from "../types/data-type.js";
import { parseJsonToVariant } from "../types/variant-from-json.js";
import { analyze } from "./analyzer.js";
import { c, call, lit, rel, select } from "./analyzer/test-helpers.js";
import { testEnv } from "./analyzer/testing.js";
import { exprName, formatTimestampUs, javaDoubleString } from "./expr-name.js";

const t = rel("a INT, b BIGINT, name STRING, amount DOUBLE, s STRUCT<b: INT, c: INT>, arr ARRAY<INT>, m MAP<STRING, INT>");
const named = (col: Column): string => analyze(select(t, col), testEnv()).output[0]!.name;
const fn = (name: string, args: Column[], extra: object = {}): Column => new Column({ kind: "call", name, args: args.map((x) => x.expr), ...extra });

// Each row: what PySpark 4.0.1 printed for df.select(expr).columns.
const TABLE: [string, Column][] = [
  ["(a + b)", c("a").plus(c("b"))],
  ["(a = 1)", c("a").eq(lit(1))],
  ["(NOT (a = 1))", c("a").neq(lit(1))],
  ["(a <=> 1)", c("a").eqNullSafe(lit(1))],
  ["(a % 2)", c("a").mod(lit(2))],
  ["(a / 2)", c("a").divide(lit(2))],
  ["((a + 1) * 2)", c("a").plus(lit(1)).multiply(lit(2))],
  ["((a > 1) AND (b < 2))", c("a").gt(lit(1)).and(c("b").lt(lit(2)))],
  ["((a >= 1) AND (a <= 2))", c("a").between(lit(1), lit(2))],
  ["(NOT (a > 1))", c("a").gt(lit(1)).not()],
  ["(a IS NULL)", c("a").isNull()],
  ["(a IS NOT NULL)", c("a").isNotNull()],
  ["a", c("a").cast("int")],
  ["a", c("a").cast("string")],
  ["CAST((a + 1) AS INT)", c("a").plus(lit(1)).cast("int")],
  ["CAST(NULL AS TIMESTAMP)", lit(null).cast("timestamp")],
  ["CAST(1 AS STRING)", lit(1).cast("string")],
  ["CASE WHEN (a > 1) THEN x ELSE y END", new Column({ kind: "case", branches: [[c("a").gt(lit(1)).expr, lit("x").expr]], otherwise: lit("y").expr })],
  ["CASE WHEN (a > 1) THEN 1 END", new Column({ kind: "case", branches: [[c("a").gt(lit(1)).expr, lit(1).expr]], otherwise: null })],
  ["upper(name)", fn("upper", [c("name")])],
  ["coalesce(a, b)", fn("coalesce", [c("a"), c("b")])],
  ["b", c("s.b")],
  ["s.c", c("s").getField("c")],
  ["s.b", c("s").getItem("b")],
  ["arr[0]", c("arr").getItem(0)],
  ["arr[a]", c("arr").getItem(c("a"))],
  ["m[k]", c("m").getItem("k")],
  ["1", lit(1)],
  ["10000000000", lit(10_000_000_000)],
  ["-1", lit(-1)],
  ["x", lit("x")],
  ["it's", lit("it's")],
  ["NULL", lit(null)],
  ["true", lit(true)],
  ["1.5", lit(1.5)],
  ["-1.5", lit(-1.5)],
  ["1.0E20", new Column(typedLiteral(1e20, { kind: "double" }))],
  ["1.0E-4", lit(0.0001)],
  ["(a + 1.5)", c("a").plus(lit(1.5))],
  ["X'6162'", lit(new Uint8Array([0x61, 0x62]))],
  ["TIMESTAMP '2020-01-02 03:04:05'", lit(new Date(Date.UTC(2020, 0, 2, 3, 4, 5)))],
  ["DATE '2020-01-02'", new Column(typedLiteral(18263, { kind: "date" }))],
  ["1.50", new Column(typedLiteral(150, DecimalType(3, 2)))],
  ["struct(a, b)", fn("struct", [c("a"), c("b")])],
];

describe("auto-generated names match PySpark 4.0.1", () => {
  it.each(TABLE)("%s", (want, col) => {
    expect(named(col)).toBe(want);
  });

  it("aggregate and syntactic forms", () => {
    const n = (col: Column): string => exprName(col.expr);
    expect(n(fn("count", [lit(1)]))).toBe("count(1)");
    expect(n(fn("sum", [c("amount")]))).toBe("sum(amount)");
    expect(n(fn("mean", [c("amount")]))).toBe("avg(amount)");
    expect(n(fn("count", [c("a"), c("b")], { distinct: true }))).toBe("count(DISTINCT a, b)");
    expect(n(fn("first", [c("a")], { ignoreNulls: true }))).toBe("first(a)");
    expect(n(fn("window", [c("ts"), lit("10 minutes")]))).toBe("window");
    expect(n(fn("like", [c("name"), lit("x%")]))).toBe("name LIKE x%");
    expect(n(fn("rlike", [c("name"), lit("x")]))).toBe("RLIKE(name, x)");
    expect(n(fn("in", [c("a"), lit(1), lit(2)]))).toBe("(a IN (1, 2))");
    expect(n(fn("negative", [c("a").plus(lit(1))]))).toBe("negative((a + 1))");
    expect(n(call("percentile_approx", c("a"), lit(0.5), lit(10000)))).toBe("percentile_approx(a, 0.5, 10000)");
    expect(n(c("a").alias("z"))).toBe("z");
    // a VARIANT literal is named by its JSON text (Spark's Literal prints a VariantVal so)
    expect(n(lit(parseJsonToVariant('{"b":[1,2.5],"a":"x"}')))).toBe('{"a":"x","b":[1,2.5]}');
  });

  it("formats doubles and timestamps as Java/Spark do", () => {
    expect(javaDoubleString(2)).toBe("2.0");
    expect(javaDoubleString(1e7)).toBe("1.0E7");
    expect(javaDoubleString(123456.5)).toBe("123456.5");
    expect(formatTimestampUs(1_577_934_245_123_456)).toBe("2020-01-02 03:04:05.123456");
    expect(formatTimestampUs(0, "America/Los_Angeles")).toBe("1969-12-31 16:00:00");
  });
});
