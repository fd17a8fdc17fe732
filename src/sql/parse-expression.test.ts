import { describe, expect, it } from "vitest";
import { SluiceError } from "../common/errors.js";
import { parseExpression } from "./parse-expression.js";
import { exprShape } from "./plan-shape.js";
import { simpleString } from "../types/data-type.js";

const shape = (text: string): string => exprShape(parseExpression(text));

function errorOf(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SluiceError);
    return e as SluiceError;
  }
  throw new Error("expected an error");
}

describe("parseExpression: expression texts → Expr trees", () => {
  const cases: [string, string][] = [
    ["a", "a"],
    ["`a.b`.c", "a.b.c"],
    ["t.a.b", "t.a.b"],
    ["*", "*"],
    ["t.*", "t.*"],
    ["a + b * 2", "add(a, multiply(b, 2:int))"],
    ["(a + b) * 2", "multiply(add(a, b), 2:int)"],
    ["a - b - c", "subtract(subtract(a, b), c)"],
    ["a / b % c DIV d", "div(mod(divide(a, b), c), d)"],
    ["a = 1", "eq(a, 1:int)"],
    ["a == 1", "eq(a, 1:int)"],
    ["a <=> b", "eq_null_safe(a, b)"],
    ["a != b", "neq(a, b)"],
    ["a <> b", "neq(a, b)"],
    ["a < b AND c <= d OR e > f AND g >= h", "or(and(lt(a, b), lte(c, d)), and(gt(e, f), gte(g, h)))"],
    ["NOT a = 1 AND b", "and(not(eq(a, 1:int)), b)"],
    ["!a", "not(a)"],
    ["a IS NULL", "isnull(a)"],
    ["a IS NOT NULL", "isnotnull(a)"],
    ["a = b IS NULL", "isnull(eq(a, b))"],
    ["a IS TRUE", "eq_null_safe(a, true:boolean)"],
    ["a IS NOT FALSE", "not(eq_null_safe(a, false:boolean))"],
    ["a IS DISTINCT FROM b", "not(eq_null_safe(a, b))"],
    ["a IS NOT DISTINCT FROM b", "eq_null_safe(a, b)"],
    ["a IN (1, 2)", "in(a, 1:int, 2:int)"],
    ["a NOT IN (1, 2)", "not(in(a, 1:int, 2:int))"],
    ["a BETWEEN 1 AND 10", "and(gte(a, 1:int), lte(a, 10:int))"],
    ["a NOT BETWEEN 1 AND 10", "not(and(gte(a, 1:int), lte(a, 10:int)))"],
    ["s LIKE 'a%'", "like(s, 'a%')"],
    ["s NOT LIKE 'a%' ESCAPE '!'", "not(like(s, 'a%', '!'))"],
    ["s ILIKE 'a%'", "ilike(s, 'a%')"],
    ["s RLIKE '^a'", "rlike(s, '^a')"],
    ["s NOT REGEXP '^a'", "not(rlike(s, '^a'))"],
    ["a || b", "concat(a, b)"],
    ["1 + 2 || 'a'", "concat(add(1:int, 2:int), 'a')"],
    ["'a' || 1 + 2", "add(concat('a', 1:int), 2:int)"],
    ["a & b | c ^ d", "bitwise_or(bitwise_and(a, b), bitwise_xor(c, d))"],
    ["~a", "bitwise_not(a)"],
    ["a << 2", "shiftleft(a, 2:int)"],
    ["-a", "negative(a)"],
    ["-(1)", "negative(1:int)"],
    ["+a", "positive(a)"],
    ["- -a", "negative(negative(a))"],
    ["-a * b", "multiply(negative(a), b)"],
    ["a - -1", "subtract(a, -1:int)"],
    ["CAST(a AS INT)", "cast(a AS int)"],
    ["TRY_CAST(a AS DECIMAL(10, 2))", "try_cast(a AS decimal)"],
    ["cast(a as array<map<string, int>>)", "cast(a AS array)"],
    ["a::bigint", "cast(a AS bigint)"],
    ["a::int < 5", "lt(cast(a AS int), 5:int)"],
    ["CASE WHEN a > 0 THEN 'p' WHEN a < 0 THEN 'n' ELSE 'z' END", "CASE WHEN gt(a, 0:int) THEN 'p' WHEN lt(a, 0:int) THEN 'n' ELSE 'z' END"],
    ["CASE a WHEN 1 THEN 'one' END", "CASE WHEN eq(a, 1:int) THEN 'one' END"],
    ["upper(s)", "upper(s)"],
    ["COALESCE(a, b, 0)", "coalesce(a, b, 0:int)"],
    ["count(*)", "count(1:int)"],
    ["count(DISTINCT a, b)", "count(DISTINCT a, b)"],
    ["sum(x) FILTER (WHERE x > 0)", "sum(x) FILTER(gt(x, 0:int))"],
    ["first(x) IGNORE NULLS", "first(x) IGNORE NULLS"],
    ["struct(*)", "struct(*)"],
    ["current_date", "current_date()"],
    ["current_timestamp()", "current_timestamp()"],
    ["window(ts, '10 minutes')", "window(ts, '10 minutes')"],
    ["a[0]", "a[0:int]"],
    ["m['k']", "m['k']"],
    ["f(x).field", "f(x)['field']"],
    ["a[0].b", "a[0:int]['b']"],
    ["(1, 'x')", "named_struct('col1', 1:int, 'col2', 'x')"],
    ["transform(xs, x -> x + 1)", "transform(xs, (x) -> add(λx, 1:int))"],
    ["aggregate(xs, 0, (acc, x) -> acc + x.v)", "aggregate(xs, 0:int, (acc, x) -> add(λacc, λx['v']))"],
    ["filter(xs, x -> exists(x.ys, y -> y > x.min))", "filter(xs, (x) -> exists(λx['ys'], (y) -> gt(λy, λx['min'])))"],
    ["EXTRACT(YEAR FROM ts)", "extract('YEAR', ts)"],
    ["POSITION('b' IN s)", "locate('b', s, 1:int)"],
    ["TRIM(s)", "trim(s)"],
    ["TRIM(BOTH 'x' FROM s)", "trim('x', s)"],
    ["TRIM(LEADING FROM s)", "ltrim(s)"],
    ["TRIM(TRAILING 'x' FROM s)", "rtrim('x', s)"],
    ["SUBSTRING(s FROM 2 FOR 3)", "substring(s, 2:int, 3:int)"],
    ["substring(s, 2)", "substring(s, 2:int)"],
    ["a AS b", "a AS b"],
    ["a + 1 total", "add(a, 1:int) AS total"],
    ["left(s, 2)", "left(s, 2:int)"],
    ["/* note */ a -- trailing\n + 1", "add(a, 1:int)"],
  ];
  it.each(cases)("%s", (text, expected) => {
    expect(shape(text)).toBe(expected);
  });
});

describe("literals get Spark 4's types and engine values", () => {
  const lit = (text: string) => {
    const e = parseExpression(text);
    if (e.kind !== "literal") throw new Error(`not a literal: ${text}`);
    return { value: e.value, type: e.type };
  };
  it("integers: INT, then BIGINT, then DECIMAL(n,0)", () => {
    expect(lit("42")).toEqual({ value: 42, type: { kind: "int" } });
    expect(lit("2147483648")).toEqual({ value: 2147483648n, type: { kind: "bigint" } });
    expect(lit("-2147483648")).toEqual({ value: -2147483648, type: { kind: "int" } });
    expect(lit("10L")).toEqual({ value: 10n, type: { kind: "bigint" } });
    expect(lit("9007199254740993")).toEqual({ value: 9007199254740993n, type: { kind: "bigint" } });
    // 2^63 - 1 rounds to 2^63 as a double; the range check uses the exact digits.
    expect(lit("9223372036854775807L").type).toEqual({ kind: "bigint" });
    expect(lit("9223372036854775807").type).toEqual({ kind: "bigint" });
    expect(lit("9223372036854775808").type).toEqual({ kind: "decimal", precision: 19, scale: 0 });
    expect(lit("12345678901234567890").type).toEqual({ kind: "decimal", precision: 20, scale: 0 });
    expect(lit("10S").type).toEqual({ kind: "short" });
    expect(lit("10Y").type).toEqual({ kind: "byte" });
  });
  it("decimals keep written precision and scale, value unscaled", () => {
    expect(lit("1.5")).toEqual({ value: 15n, type: { kind: "decimal", precision: 2, scale: 1 } });
    expect(lit("0.05")).toEqual({ value: 5n, type: { kind: "decimal", precision: 2, scale: 2 } });
    expect(lit(".5")).toEqual({ value: 5n, type: { kind: "decimal", precision: 1, scale: 1 } });
    expect(lit("1.")).toEqual({ value: 1n, type: { kind: "decimal", precision: 1, scale: 0 } });
    expect(lit("00.100")).toEqual({ value: 100n, type: { kind: "decimal", precision: 3, scale: 3 } });
    expect(lit("-1.25")).toEqual({ value: -125n, type: { kind: "decimal", precision: 3, scale: 2 } });
    expect(lit("1.5BD")).toEqual({ value: 15n, type: { kind: "decimal", precision: 2, scale: 1 } });
    expect(lit("1E-2BD")).toEqual({ value: 1n, type: { kind: "decimal", precision: 2, scale: 2 } });
    expect(lit("1E2BD")).toEqual({ value: 100n, type: { kind: "decimal", precision: 3, scale: 0 } });
  });
  it("doubles and floats", () => {
    expect(lit("1e3")).toEqual({ value: 1000, type: { kind: "double" } });
    expect(lit("1.5D")).toEqual({ value: 1.5, type: { kind: "double" } });
    expect(lit("2.5F")).toEqual({ value: 2.5, type: { kind: "float" } });
  });
  it("strings with Spark escapes; adjacent strings concatenate", () => {
    expect(lit("'a\\tb'").value).toBe("a\tb");
    expect(lit('"q\\"x"').value).toBe('q"x');
    expect(lit("'it''s'").value).toBe("its");
    expect(lit("'a' \"b\"").value).toBe("ab");
    expect(lit("'\\u0041\\101'").value).toBe("AA");
    expect(lit("'50\\%'").value).toBe("50\\%");
    expect(lit("r'a\\tb'").value).toBe("a\\tb");
  });
  it("binary, boolean, null", () => {
    expect(lit("X'0aFF'")).toEqual({ value: new Uint8Array([10, 255]), type: { kind: "binary" } });
    expect(lit("X'F'").value).toEqual(new Uint8Array([15]));
    expect(lit("TRUE")).toEqual({ value: true, type: { kind: "boolean" } });
    expect(lit("null")).toEqual({ value: null, type: { kind: "null" } });
  });
  it("DATE is days; a zoned TIMESTAMP is µs since the epoch; a zone-less one is read in the session zone", () => {
    expect(lit("DATE '2024-01-01'")).toEqual({ value: 19723, type: { kind: "date" } });
    expect(lit("DATE '1969-12-31'").value).toBe(-1);
    expect(lit("TIMESTAMP '2024-01-01T10:00:00.5Z'").value).toBe(1704103200500000);
    expect(lit("TIMESTAMP '2024-01-01 10:00:00+01:00'").value).toBe(1704099600000000);
    // no zone: a cast of the (validated) text, so the session time zone applies at run time; it
    // keeps the name TIMESTAMP, which the analyzer reads as spark.sql.timestampType says
    expect(parseExpression("TIMESTAMP '2024-01-01 10:00:00'")).toEqual({
      kind: "cast",
      child: { kind: "literal", value: "2024-01-01 10:00:00", type: { kind: "string" } },
      to: { kind: "timestamp" },
      mode: "cast",
      toText: "TIMESTAMP",
    });
    expect(parseExpression("TIMESTAMP_LTZ '2024-01-01 10:00:00'")).not.toHaveProperty("toText");
    expect(() => parseExpression("TIMESTAMP '2024-13-01'")).toThrowError(expect.objectContaining({ code: "INVALID_TYPED_LITERAL" }));
  });
  it("INTERVAL becomes a typed ANSI interval literal, its fields spanning the units written (PySpark 4.0.1)", () => {
    const typed = (sql: string) => {
      const l = lit(sql);
      return [l.value, simpleString(l.type)];
    };
    expect(typed("INTERVAL '10' MINUTE")).toEqual([600_000_000n, "interval minute"]);
    expect(typed("INTERVAL 10 MINUTES")).toEqual([600_000_000n, "interval minute"]);
    expect(typed("INTERVAL 1 HOUR 30 MINUTES")).toEqual([5_400_000_000n, "interval hour to minute"]);
    expect(typed("INTERVAL '1 hour 30 minutes'")).toEqual([5_400_000_000n, "interval hour to minute"]);
    expect(typed("INTERVAL '1 2:3:4.5' DAY TO SECOND")).toEqual([93_784_500_000n, "interval day to second"]);
    expect(typed("INTERVAL -'1 2:3:4.5' DAY TO SECOND")).toEqual([-93_784_500_000n, "interval day to second"]);
    expect(typed("INTERVAL 1.5 SECONDS")).toEqual([1_500_000n, "interval second"]);
    expect(typed("INTERVAL 2 WEEKS")).toEqual([1_209_600_000_000n, "interval day"]);
    expect(typed("INTERVAL 500 MILLISECONDS")).toEqual([500_000n, "interval second"]);
    expect(typed("INTERVAL '1-2' YEAR TO MONTH")).toEqual([14, "interval year to month"]);
    expect(typed("INTERVAL 2 YEARS 3 MONTHS")).toEqual([27, "interval year to month"]);
    expect(typed("INTERVAL '-3' YEAR")).toEqual([-36, "interval year"]);
  });
  it("reads a TIMESTAMP_NTZ literal as wall-clock µs, with no session zone", () => {
    expect(lit("TIMESTAMP_NTZ '2024-01-01 10:00:00'")).toEqual({ value: Date.UTC(2024, 0, 1, 10) * 1000, type: { kind: "timestamp_ntz" } });
    expect(lit("TIMESTAMP_LTZ '2024-01-01 10:00:00Z'")).toEqual({ value: Date.UTC(2024, 0, 1, 10) * 1000, type: { kind: "timestamp" } });
  });
  it("refuses intervals Spark refuses, naming the problem", () => {
    expect(() => lit("INTERVAL 1 MONTH 2 DAYS")).toThrow(/INVALID_INTERVAL_LITERAL.*cannot mix year-month and day-time fields/);
    expect(() => lit("INTERVAL '1 25:00:00' DAY TO SECOND")).toThrow(/INVALID_INTERVAL_LITERAL.*'1 25:00:00'/);
    expect(() => lit("INTERVAL '1-12' YEAR TO MONTH")).toThrow(/INVALID_INTERVAL_LITERAL/);
    expect(() => lit("INTERVAL '1' MONTH TO YEAR")).toThrow(/INVALID_INTERVAL_LITERAL.*not an interval qualifier/);
    expect(() => lit("INTERVAL 1.5 MONTHS")).toThrow(/whole numbers/);
    expect(() => lit("INTERVAL 3 FORTNIGHTS")).toThrow(/expected an interval unit/);
    expect(() => lit("INTERVAL '3 fortnights'")).toThrow(/unknown unit 'fortnights'/);
  });
});

describe("window functions", () => {
  it("OVER with partition, order, nulls and a ROWS frame", () => {
    expect(shape("sum(x) OVER (PARTITION BY k ORDER BY t DESC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)")).toBe(
      "sum(x) OVER (PARTITION BY k ORDER BY t DESC NULLS FIRST ROWS unboundedPreceding..currentRow)",
    );
  });
  it("RANGE frames with offsets, single-bound frames, and named windows", () => {
    expect(shape("avg(x) OVER (ORDER BY t RANGE BETWEEN 2 PRECEDING AND 1.5 FOLLOWING)")).toBe(
      "avg(x) OVER (ORDER BY t ASC NULLS FIRST RANGE -2..1.5)",
    );
    expect(shape("count(1) OVER (ORDER BY t ROWS 3 PRECEDING)")).toBe("count(1:int) OVER (ORDER BY t ASC NULLS FIRST ROWS -3..currentRow)");
    expect(shape("rank() OVER w")).toBe("rank() OVER (w)");
    expect(shape("rank() OVER (w)")).toBe("rank() OVER (w)");
    expect(shape("lag(x) IGNORE NULLS OVER (ORDER BY t)")).toBe("lag(x) IGNORE NULLS OVER (ORDER BY t ASC NULLS FIRST)");
  });
});

describe("errors carry line:column", () => {
  const cases: [string, string, number, number][] = [
    ["1 +", "PARSE_SYNTAX_ERROR", 1, 4],
    ["(1", "PARSE_SYNTAX_ERROR", 1, 3],
    ["a b c", "PARSE_SYNTAX_ERROR", 1, 5],
    ["a\n  + )", "PARSE_SYNTAX_ERROR", 2, 5],
    ["'abc", "PARSE_SYNTAX_ERROR", 1, 1],
    ["a /* open", "PARSE_SYNTAX_ERROR", 1, 3],
    ["X'0G'", "PARSE_SYNTAX_ERROR", 1, 1],
    ["`abc", "PARSE_SYNTAX_ERROR", 1, 1],
    ["10abc", "PARSE_SYNTAX_ERROR", 1, 1],
    ["a $ b", "PARSE_SYNTAX_ERROR", 1, 3],
    ["1.5L", "INVALID_NUMERIC_LITERAL", 1, 1],
    ["1e400", "INVALID_NUMERIC_LITERAL_RANGE", 1, 1],
    ["x + 99999999999999999999L", "INVALID_NUMERIC_LITERAL_RANGE", 1, 5],
    ["40000S", "INVALID_NUMERIC_LITERAL_RANGE", 1, 1],
    ["200Y", "INVALID_NUMERIC_LITERAL_RANGE", 1, 1],
    ["99999999999999999999999999999999999999999", "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION", 1, 1],
    ["DATE '2024-13-01'", "INVALID_TYPED_LITERAL", 1, 1],
    ["TIMESTAMP 'yesterday'", "INVALID_TYPED_LITERAL", 1, 1],
    ["CAST(a AS foo)", "UNSUPPORTED_DATATYPE", 1, 11],
    ["CAST(a AS int", "PARSE_SYNTAX_ERROR", 1, 14],
    ["INTERVAL 10", "PARSE_SYNTAX_ERROR", 1, 12],
    ["CASE END", "PARSE_SYNTAX_ERROR", 1, 6],
    ["a IS 5", "PARSE_SYNTAX_ERROR", 1, 6],
    ["a NOT 5", "PARSE_SYNTAX_ERROR", 1, 3],
    ["(SELECT 1)", "UNSUPPORTED_FEATURE", 1, 1],
    ["EXISTS (SELECT 1)", "UNSUPPORTED_FEATURE", 1, 1],
    ["a IN (SELECT b FROM t)", "UNSUPPORTED_FEATURE", 1, 6],
    ["sum(x) OVER (ORDER BY t RANGE INTERVAL 1 MONTH PRECEDING)", "UNSUPPORTED_FEATURE", 1, 31],
    ["s LIKE ANY ('a', 'b')", "UNSUPPORTED_FEATURE", 1, 8],
    ["mask(s, upperChar => 'X')", "UNSUPPORTED_FEATURE", 1, 1],
    ["sum(x) OVER (ORDER BY t ROWS BETWEEN y PRECEDING AND CURRENT ROW)", "UNSUPPORTED_FEATURE", 1, 38],
    ["sum(x) OVER (ORDER BY t ROWS BETWEEN 1 AND CURRENT ROW)", "PARSE_SYNTAX_ERROR", 1, 40],
  ];
  it.each(cases)("%s → %s at %i:%i", (text, code, line, column) => {
    const e = errorOf(() => parseExpression(text));
    expect(e.code).toBe(code);
    expect(e.context.line).toBe(line);
    expect(e.context.column).toBe(column);
    expect(e.message).toContain(`line ${line}:${column}`);
  });

  it("prints Spark's message with a caret excerpt", () => {
    const e = errorOf(() => parseExpression("a +\n  b c d"));
    expect(e.kind).toBe("parse");
    expect(e.message).toBe("[PARSE_SYNTAX_ERROR] Syntax error at or near 'd': extra input 'd'. (line 2:7)\n\n== SQL ==\na +\n  b c d\n------^^^");
  });

  it("says 'end of input' when the text stops early", () => {
    expect(errorOf(() => parseExpression("f(a,")).message).toContain("Syntax error at or near end of input");
  });
});
