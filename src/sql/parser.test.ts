import { describe, expect, it } from "vitest";
import { SluiceError } from "../common/errors.js";
import type { LogicalPlan } from "../plan/logical-plan.js";
import { parseMultipartIdentifier, parseScript, parseStatement } from "./parser.js";
import { planShape } from "./plan-shape.js";

function plan(text: string): LogicalPlan {
  const st = parseStatement(text);
  if (st.kind !== "query") throw new Error(`not a query: ${st.kind}`);
  return st.plan;
}
const shape = (text: string): string => planShape(plan(text));

function errorOf(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SluiceError);
    return e as SluiceError;
  }
  throw new Error("expected an error");
}

const ONE = "range[0, 1, 1]";

describe("set operations, subqueries, aliases", () => {
  const cases: [string, string][] = [
    ["select a from t intersect select b from u", "union:distinct(project[a](table[t]), project[b](table[u]))"],
    ["select a from t except all select b from u", "union(project[a](table[t]), project[b](table[u]))"],
    // INTERSECT binds tighter than UNION / EXCEPT.
    [
      "select 1 union select 2 intersect select 3",
      `union:distinct(project[1:int](${ONE}), union:distinct(project[2:int](${ONE}), project[3:int](${ONE})))`,
    ],
    ["select * from (select 1) s(a)", `project[*](alias[s](project[1:int](${ONE})))`],
    ["select posexplode(xs) as (p, x) from t", "project[posexplode(xs) AS p](table[t])"],
    ["select a, x from t lateral view outer explode(xs) v as x", "project[a, x](project[*, explode_outer(xs) AS x](table[t]))"],
    ["select struct(a AS x, b) from t", "project[named_struct('x', a, 'b', b)](table[t])"],
    ["select window.start from t group by window(ts, '1 hour')", "aggregate[window(ts, '1 hour'); window(ts, '1 hour')['start']](table[t])"],
    ["select a from t where b in (select c from u)", "project[a](join:left_semi[eq(b, __sluice_sq1.__sluice_sq1_0)](table[t], alias[__sluice_sq1](project[c](table[u]))))"],
    ["select a from t where exists (select 1 from u where u.k = t.k)", "project[a](join:left_semi[eq(u.k, t.k)](table[t], table[u]))"],
    [
      "select a, (select max(c) from u) from t",
      "project[a, __sluice_sq1.v AS scalarsubquery()](join:cross[](table[t], alias[__sluice_sq1](aggregate[; __sluice_scalar_subquery(v) AS v](alias[__sluice_sq1_in](aggregate[; max(c)](table[u]))))))",
    ],
  ];
  it.each(cases)("%s", (sql, expected) => expect(shape(sql)).toBe(expected));

  it("records set operation kinds, multi-name aliases and column aliases", () => {
    const p = plan("select a from t minus select b from u");
    expect(p.kind === "union" && p.setOp).toBe("except");
    const g = plan("select posexplode(xs) as (p, x) from t");
    expect(g.kind === "project" && g.exprs[0]!.kind === "alias" && g.exprs[0]!.names).toEqual(["p", "x"]);
    const s = plan("select * from (select 1, 2) s(a, b)");
    expect(s.kind === "project" && s.input.kind === "subqueryAlias" && s.input.columnNames).toEqual(["a", "b"]);
  });

  it("parses INTERVAL frame bounds in microseconds", () => {
    const p = plan("select sum(x) over (order by ts range between interval 5 minutes preceding and interval '1' hour following) from t");
    const w = p.kind === "project" ? p.exprs[0]! : undefined;
    expect(w?.kind === "window" && w.spec.frame).toEqual({
      type: "range",
      start: { kind: "offset", value: -300_000_000, unit: "microsecond" },
      end: { kind: "offset", value: 3_600_000_000, unit: "microsecond" },
    });
  });
});

describe("SELECT without aggregates → project", () => {
  const cases: [string, string][] = [
    ["SELECT 1", `project[1:int](${ONE})`],
    ["select a, b from t", "project[a, b](table[t])"],
    ["SELECT * FROM db.t", "project[*](table[db.t])"],
    ["SELECT a AS x, b y, c `z z` FROM t", "project[a AS x, b AS y, c AS z z](table[t])"],
    ["SELECT a FROM t WHERE a > 1 AND b IS NOT NULL", "project[a](filter[and(gt(a, 1:int), isnotnull(b))](table[t]))"],
    ["SELECT DISTINCT a FROM t", "distinct(project[a](table[t]))"],
    ["SELECT x.a FROM t AS x", "project[x.a](alias[x](table[t]))"],
    ["SELECT a FROM t LIMIT 5", "limit[5](project[a](table[t]))"],
    ["SELECT a FROM t LIMIT 5 OFFSET 2", "limit[5 offset 2](project[a](table[t]))"],
    ["SELECT a FROM t LIMIT ALL", "project[a](table[t])"],
    ["SELECT a FROM t;", "project[a](table[t])"],
    ["SELECT s.a FROM (SELECT 1 AS a) s", `project[s.a](alias[s](project[1:int AS a](${ONE})))`],
    ["SELECT * FROM range(10)", "project[*](range[0, 10, 1])"],
    ["SELECT * FROM range(1, 10, 3)", "project[*](range[1, 10, 3])"],
    ["SELECT * FROM range(-5, 5)", "project[*](range[-5, 5, 1])"],
    ["TABLE t", "table[t]"],
    ["(SELECT a FROM t)", "project[a](table[t])"],
  ];
  it.each(cases)("%s", (text, expected) => expect(shape(text)).toBe(expected));
});

describe("ORDER BY", () => {
  it("sorts below the project so input columns and aliases both work", () => {
    expect(shape("SELECT a, b + 1 AS c FROM t ORDER BY c DESC, d")).toBe(
      "project[a, add(b, 1:int) AS c](sort[add(b, 1:int) DESC NULLS LAST, d ASC NULLS FIRST](table[t]))",
    );
    expect(shape("SELECT a, b FROM t ORDER BY 2")).toBe("project[a, b](sort[b ASC NULLS FIRST](table[t]))");
  });
  it("sorts above DISTINCT, window functions and generators, by output name", () => {
    expect(shape("SELECT DISTINCT a AS x FROM t ORDER BY 1")).toBe("sort[x ASC NULLS FIRST](distinct(project[a AS x](table[t])))");
    expect(shape("SELECT explode(xs) AS x FROM t ORDER BY x")).toBe("sort[x ASC NULLS FIRST](project[explode(xs) AS x](table[t]))");
  });
  it("applies to the whole set operation, with ordinals named by the first SELECT", () => {
    expect(shape("SELECT a AS k FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 3")).toBe(
      "limit[3](sort[k ASC NULLS FIRST](union(project[a AS k](table[t]), project[b](table[u]))))",
    );
  });
});

describe("aggregates", () => {
  it("GROUP BY with ordinals and aliases resolved to expressions", () => {
    expect(shape("SELECT k, count(*) AS c FROM t GROUP BY k")).toBe("aggregate[k; k, count(1:int) AS c](table[t])");
    expect(shape("SELECT id % 2 AS k, sum(v) FROM t GROUP BY 1")).toBe("aggregate[mod(id, 2:int); mod(id, 2:int) AS k, sum(v)](table[t])");
    expect(shape("SELECT id % 2 AS k, sum(v) FROM t GROUP BY k")).toBe("aggregate[mod(id, 2:int); mod(id, 2:int) AS k, sum(v)](table[t])");
    expect(shape("SELECT a, b, max(c) FROM t GROUP BY ALL")).toBe("aggregate[a, b; a, b, max(c)](table[t])");
    expect(shape("SELECT window(ts, '10 minutes') AS w, count(*) FROM t GROUP BY window(ts, '10 minutes')")).toBe(
      "aggregate[window(ts, '10 minutes'); window(ts, '10 minutes') AS w, count(1:int)](table[t])",
    );
  });
  it("aggregates without GROUP BY, ROLLUP and CUBE", () => {
    expect(shape("SELECT count(*) FROM t")).toBe("aggregate[; count(1:int)](table[t])");
    expect(shape("SELECT a, b, sum(c) FROM t GROUP BY ROLLUP(a, b)")).toBe("aggregate:rollup[a, b; a, b, sum(c)](table[t])");
    expect(shape("SELECT a, sum(c) FROM t GROUP BY CUBE(a)")).toBe("aggregate:cube[a; a, sum(c)](table[t])");
    expect(shape("SELECT a, sum(c) FROM t GROUP BY a WITH ROLLUP")).toBe("aggregate:rollup[a; a, sum(c)](table[t])");
  });
  it("HAVING filters over the aggregate; unselected aggregates become hidden columns", () => {
    expect(shape("SELECT k, count(*) AS c FROM t GROUP BY k HAVING c > 1")).toBe(
      "filter[gt(c, 1:int)](aggregate[k; k, count(1:int) AS c](table[t]))",
    );
    expect(shape("SELECT k, count(*) AS c FROM t GROUP BY k HAVING count(*) > 1")).toBe(
      "filter[gt(c, 1:int)](aggregate[k; k, count(1:int) AS c](table[t]))",
    );
    expect(shape("SELECT k FROM t GROUP BY k HAVING max(v) > 2")).toBe(
      "drop[__sluice_hidden_0](filter[gt(__sluice_hidden_0, 2:int)](aggregate[k; k, max(v) AS __sluice_hidden_0](table[t])))",
    );
  });
  it("ORDER BY over an aggregate uses output names, hiding what is not selected", () => {
    expect(shape("SELECT k, count(*) AS c FROM t GROUP BY k ORDER BY c DESC, 1")).toBe(
      "sort[c DESC NULLS LAST, k ASC NULLS FIRST](aggregate[k; k, count(1:int) AS c](table[t]))",
    );
    expect(shape("SELECT count(*) AS c FROM t GROUP BY k ORDER BY k, sum(v)")).toBe(
      "drop[__sluice_hidden_0, __sluice_hidden_1](sort[__sluice_hidden_0 ASC NULLS FIRST, __sluice_hidden_1 ASC NULLS FIRST](aggregate[k; count(1:int) AS c, k AS __sluice_hidden_0, sum(v) AS __sluice_hidden_1](table[t])))",
    );
  });
  it("DISTINCT over an aggregate", () => {
    expect(shape("SELECT DISTINCT count(*) AS c FROM t GROUP BY k ORDER BY c")).toBe(
      "sort[c ASC NULLS FIRST](distinct(aggregate[k; count(1:int) AS c](table[t])))",
    );
  });
  it("window functions alone do not make an aggregate", () => {
    expect(shape("SELECT sum(v) OVER (PARTITION BY k) FROM t")).toBe("project[sum(v) OVER (PARTITION BY k)](table[t])");
  });
});

describe("named WINDOW clauses", () => {
  it("substitutes WINDOW w AS (...) into OVER w, including windows defined by name", () => {
    expect(shape("SELECT rank() OVER w AS r, sum(v) OVER w2 FROM t WINDOW w AS (PARTITION BY k ORDER BY ts), w2 AS w")).toBe(
      "project[rank() OVER (PARTITION BY k ORDER BY ts ASC NULLS FIRST) AS r, sum(v) OVER (PARTITION BY k ORDER BY ts ASC NULLS FIRST)](table[t])",
    );
  });
  it("window names are case-insensitive", () => {
    expect(shape("SELECT rank() OVER W FROM t WINDOW w AS (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)")).toBe(
      "project[rank() OVER (ORDER BY ts ASC NULLS FIRST ROWS -1..1)](table[t])",
    );
  });
});

describe("joins", () => {
  const cases: [string, string][] = [
    ["SELECT * FROM a JOIN b ON a.id = b.id", "project[*](join:inner[eq(a.id, b.id)](table[a], table[b]))"],
    ["SELECT * FROM a INNER JOIN b USING (id, k)", "project[*](join:inner[USING id, k](table[a], table[b]))"],
    ["SELECT * FROM a LEFT JOIN b ON x = y", "project[*](join:left[eq(x, y)](table[a], table[b]))"],
    ["SELECT * FROM a LEFT OUTER JOIN b ON x = y", "project[*](join:left[eq(x, y)](table[a], table[b]))"],
    ["SELECT * FROM a RIGHT JOIN b ON x = y", "project[*](join:right[eq(x, y)](table[a], table[b]))"],
    ["SELECT * FROM a FULL OUTER JOIN b ON x = y", "project[*](join:full[eq(x, y)](table[a], table[b]))"],
    ["SELECT * FROM a LEFT SEMI JOIN b ON x = y", "project[*](join:left_semi[eq(x, y)](table[a], table[b]))"],
    ["SELECT * FROM a LEFT ANTI JOIN b ON x = y", "project[*](join:left_anti[eq(x, y)](table[a], table[b]))"],
    ["SELECT * FROM a CROSS JOIN b", "project[*](join:cross[](table[a], table[b]))"],
    ["SELECT * FROM a JOIN b", "project[*](join:cross[](table[a], table[b]))"],
    ["SELECT * FROM a, b x WHERE a.id = x.id", "project[*](filter[eq(a.id, x.id)](join:cross[](table[a], alias[x](table[b]))))"],
    ["SELECT * FROM a t1 JOIN b t2 ON t1.k = t2.k JOIN c ON t2.j = c.j", "project[*](join:inner[eq(t2.j, c.j)](join:inner[eq(t1.k, t2.k)](alias[t1](table[a]), alias[t2](table[b])), table[c]))"],
    ["SELECT * FROM (a JOIN b USING (id))", "project[*](join:inner[USING id](table[a], table[b]))"],
  ];
  it.each(cases)("%s", (text, expected) => expect(shape(text)).toBe(expected));
});

describe("set operations, VALUES", () => {
  it("UNION is distinct, UNION ALL is not; both left-associative", () => {
    expect(shape("SELECT a FROM t UNION SELECT a FROM u UNION ALL SELECT a FROM v")).toBe(
      "union(union:distinct(project[a](table[t]), project[a](table[u])), project[a](table[v]))",
    );
    expect(shape("SELECT a FROM t UNION DISTINCT SELECT a FROM u")).toBe("union:distinct(project[a](table[t]), project[a](table[u]))");
  });
  it("VALUES rows become projections over one row, named col1.. or by the alias list", () => {
    expect(shape("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(x, y)")).toBe(
      `project[*](alias[t](union(project[1:int AS x, 'a' AS y](${ONE}), project[2:int AS x, 'b' AS y](${ONE}))))`,
    );
    expect(shape("VALUES 1, 2")).toBe(`union(project[1:int AS col1](${ONE}), project[2:int AS col1](${ONE}))`);
    expect(shape("SELECT * FROM VALUES (1) t")).toBe(`project[*](alias[t](project[1:int AS col1](${ONE})))`);
  });
});

describe("CTEs", () => {
  it("inlines CTE plans by name, later CTEs seeing earlier ones", () => {
    expect(shape("WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM b")).toBe(
      `project[*](alias[b](project[add(x, 1:int) AS y](alias[a](project[1:int AS x](${ONE})))))`,
    );
  });
  it("inner WITH shadows outer names only inside its scope", () => {
    expect(shape("WITH a AS (SELECT 1 AS x) SELECT * FROM (WITH a AS (SELECT 2 AS x) SELECT * FROM a) JOIN a")).toBe(
      `project[*](join:cross[](project[*](alias[a](project[2:int AS x](${ONE}))), alias[a](project[1:int AS x](${ONE}))))`,
    );
  });
  it("names outside any scope, or used before their definition, are tables", () => {
    expect(shape("WITH a AS (SELECT * FROM b), b AS (SELECT 1 AS x) SELECT * FROM a")).toBe("project[*](alias[a](project[*](table[b])))");
    expect(shape("SELECT * FROM (WITH a AS (SELECT 1 AS x) SELECT * FROM a) s, a")).toBe(
      `project[*](join:cross[](alias[s](project[*](alias[a](project[1:int AS x](${ONE})))), table[a]))`,
    );
  });
  it("CTE names match case-insensitively", () => {
    expect(shape("WITH Src AS (SELECT 1 AS x) SELECT * FROM SRC")).toBe(`project[*](alias[SRC](project[1:int AS x](${ONE})))`);
  });
});

describe("streaming sources and watermarks", () => {
  it("STREAM read_files → a streaming read with options and schema; WATERMARK → withWatermark", () => {
    const p = plan(
      "SELECT * FROM STREAM read_files('in/', format => 'json', schema => 'id STRING, ts TIMESTAMP', maxFilesPerTrigger => 2) WATERMARK ts DELAY OF INTERVAL 10 MINUTES",
    );
    expect(planShape(p)).toBe('project[*](watermark[ts, 10 minutes](readStream[json ["in/"] {"maxFilesPerTrigger":"2"} schema]))');
    const read = ((p as { input: LogicalPlan }).input as { input: LogicalPlan }).input;
    expect(read.kind === "read" && read.source.userSchema?.fields.map((f) => f.name)).toEqual(["id", "ts"]);
  });
  it("read_files without STREAM is a batch read; STREAM(...) parentheses are accepted", () => {
    expect(shape("SELECT * FROM read_files('a/', 'b/', format => 'CSV', header => true)")).toBe('project[*](read[csv ["a/","b/"] {"header":"true"}])');
    expect(shape("SELECT * FROM STREAM(read_files('a/', format => 'text'))")).toBe('project[*](readStream[text ["a/"] {}])');
  });
  it("STREAM read_kafka maps bootstrapServers to kafka.bootstrap.servers", () => {
    expect(shape("SELECT CAST(value AS STRING) FROM STREAM read_kafka(bootstrapServers => 'h:9092', subscribe => 'events', maxOffsetsPerTrigger => 100)")).toBe(
      'project[cast(value AS string)](readStream[kafka [] {"kafka.bootstrap.servers":"h:9092","subscribe":"events","maxOffsetsPerTrigger":"100"}])',
    );
  });
  it("WATERMARK accepts an alias before or after it and a string delay", () => {
    expect(shape("SELECT * FROM STREAM read_files('in/', format => 'json') AS e WATERMARK e.ts DELAY OF '5 seconds'")).toBe(
      'project[*](watermark[e.ts, 5 seconds](alias[e](readStream[json ["in/"] {}])))',
    );
    expect(shape("SELECT * FROM events WATERMARK ts DELAY OF INTERVAL 1 MINUTE e")).toBe("project[*](alias[e](watermark[ts, 1 minute](table[events])))");
  });
});

describe("statements", () => {
  it("CREATE [OR REPLACE] TEMP VIEW", () => {
    const st = parseStatement("CREATE OR REPLACE TEMPORARY VIEW v AS SELECT a FROM t");
    expect(st.kind === "createView" && { name: st.name, replace: st.replace, ifNotExists: st.ifNotExists, global: st.global, plan: planShape(st.plan) }).toEqual({
      name: "v",
      replace: true,
      ifNotExists: false,
      global: false,
      plan: "project[a](table[t])",
    });
    const st2 = parseStatement("create global temp view if not exists `my view` as with c as (select 1 x) select * from c");
    expect(st2.kind === "createView" && [st2.name, st2.replace, st2.ifNotExists, st2.global]).toEqual(["my view", false, true, true]);
  });
  it("INSERT INTO / OVERWRITE", () => {
    const st = parseStatement("INSERT INTO TABLE db.sink SELECT * FROM src");
    expect(st.kind === "insertInto" && [st.nameParts, st.overwrite, planShape(st.plan)]).toEqual([["db", "sink"], false, "project[*](table[src])"]);
    const st2 = parseStatement("insert overwrite sink (select 1)");
    expect(st2.kind === "insertInto" && st2.overwrite).toBe(true);
  });
  it("INSERT INTO a path table WITH options (Spark 4's write options)", () => {
    const st = parseStatement("INSERT INTO delta.`/tmp/out` WITH ('queryName' = 'w', checkpointLocation = './c', 'n' = 3) WITH c AS (SELECT 1) SELECT * FROM c");
    expect(st.kind === "insertInto" && [st.nameParts, st.options, planShape(st.plan)]).toEqual([["delta", "/tmp/out"], { queryName: "w", checkpointLocation: "./c", n: "3" }, "project[*](alias[c](project[1:int](range[0, 1, 1])))"]);
    expect(errorOf(() => parseStatement("insert into t with ('a' = 'b', 'A' = 'c') select 1")).message).toContain("option 'A' is given more than once");
    expect(errorOf(() => parseStatement("insert into t with ('a' = x) select 1")).message).toContain("expected a literal value for option 'a'");
  });
  it("SET key = value keeps the raw text, as Spark's SET does", () => {
    expect(parseStatement("SET spark.sql.shuffle.partitions = 3")).toEqual({ kind: "set", key: "spark.sql.shuffle.partitions", value: "3", line: 1 });
    expect(parseStatement("set x.y='a b'")).toMatchObject({ key: "x.y", value: "'a b'" });
    expect(parseStatement("set a.b = ./c=d")).toMatchObject({ key: "a.b", value: "./c=d" });
    expect(errorOf(() => parseStatement("SET spark.ui.enabled")).code).toBe("PARSE_SYNTAX_ERROR");
    // a path whose part starts with a digit, or holds characters no expression has, is still a value
    expect(parseStatement("SET spark.sql.streaming.checkpointLocation = /tmp/sluice-1OFroE/$chk@2 -- where")).toMatchObject({ value: "/tmp/sluice-1OFroE/$chk@2" });
    const sts = parseScript("SET a = 'x;y';\nset b=1a;SELECT 1");
    expect(sts.map((s) => (s.kind === "set" ? s.value : s.kind))).toEqual(["'x;y'", "1a", "query"]);
    // only a statement's first word opens a raw SET: elsewhere the lexer's checks stand
    expect(errorOf(() => parseStatement("SELECT 1a")).message).toContain("Invalid number or name '1a'");
  });
  it("parseScript splits statements on ';' and names the line of a bad one", () => {
    const sts = parseScript("-- pipeline\nSET a = 1;\n;\nCREATE TEMP VIEW v AS SELECT 1;\nINSERT INTO json.`o` SELECT * FROM v;");
    expect(sts.map((s) => s.kind)).toEqual(["set", "createView", "insertInto"]);
    expect(sts[2]).toMatchObject({ line: 5 });
    expect(errorOf(() => parseScript("SET a = 1;\nSELECT 1 SELECT 2")).message).toContain("2:10");
  });
  it("parseMultipartIdentifier", () => {
    expect(parseMultipartIdentifier("a.b.c")).toEqual(["a", "b", "c"]);
    expect(parseMultipartIdentifier("`a.b`.`c``d`")).toEqual(["a.b", "c`d"]);
    expect(errorOf(() => parseMultipartIdentifier("a b")).code).toBe("PARSE_SYNTAX_ERROR");
  });
});

describe("errors carry line:column", () => {
  const cases: [string, string, number, number][] = [
    ["selct 1", "PARSE_SYNTAX_ERROR", 1, 1],
    ["select 1 form t", "PARSE_SYNTAX_ERROR", 1, 15],
    ["select *\nfrom range(3)\nwhere id >", "PARSE_SYNTAX_ERROR", 3, 11],
    ["select * from t join", "PARSE_SYNTAX_ERROR", 1, 21],
    ["select a from t where", "PARSE_SYNTAX_ERROR", 1, 22],
    ["select a from", "PARSE_SYNTAX_ERROR", 1, 14],
    ["select a from t as", "PARSE_SYNTAX_ERROR", 1, 19],
    ["with a as (select 1), a as (select 2) select * from a", "DUPLICATED_CTE_NAMES", 1, 23],
    ["with a(x) as (select 1) select * from a", "UNSUPPORTED_FEATURE", 1, 7],
    ["select a from t limit 'x'", "INVALID_LIMIT_LIKE_EXPRESSION", 1, 23],
    ["select a from t limit -1", "INVALID_LIMIT_LIKE_EXPRESSION", 1, 23],
    ["select rank() over w from t window w2 as w", "PARSE_SYNTAX_ERROR", 1, 42],
    ["select a from t group by grouping sets ((a))", "UNSUPPORTED_FEATURE", 1, 26],
    ["select * from a natural join b", "UNSUPPORTED_FEATURE", 1, 17],
    ["select * from a lateral join b", "UNSUPPORTED_FEATURE", 1, 17],
    ["select * from a lateral view 5", "PARSE_SYNTAX_ERROR", 1, 30],
    ["select a from t group by a having a in (select 1)", "UNSUPPORTED_FEATURE", 1, 1],
    ["select * from stream events", "UNSUPPORTED_FEATURE", 1, 22],
    ["select * from t watermark ts delay of 5", "PARSE_SYNTAX_ERROR", 1, 39],
    ["select 1 + 1 union select 2 order by 1", "UNSUPPORTED_FEATURE", 1, 1],
    ["create view v as select 1", "UNSUPPORTED_FEATURE", 1, 8],
    ["create temp view v(a) as select 1", "UNSUPPORTED_FEATURE", 1, 19],
    ["insert into t (a) select 1", "UNSUPPORTED_FEATURE", 1, 15],
    ["drop table t", "PARSE_SYNTAX_ERROR", 1, 1],
    ["select * from nope(1)", "UNRESOLVABLE_TABLE_VALUED_FUNCTION", 1, 15],
    ["select * from range()", "WRONG_NUM_ARGS", 1, 15],
    ["select * from range(x)", "INVALID_SQL_ARG", 1, 15],
    ["select * from range(1, 5, 0)", "INVALID_RANGE_STEP", 1, 15],
    ["select * from stream range(5)", "UNSUPPORTED_STREAMING_TABLE_VALUED_FUNCTION", 1, 22],
    ["select * from read_files('a', format => 'json', Format => 'csv')", "DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT", 1, 15],
    ["select * from read_files('a', format => x)", "INVALID_SQL_ARG", 1, 15],
    ["select * from read_files(format => 'json')", "REQUIRED_PARAMETER_NOT_FOUND", 1, 15],
    ["select * from read_files('a')", "REQUIRED_PARAMETER_NOT_FOUND", 1, 15],
    ["select * from read_kafka('h')", "INVALID_SQL_ARG", 1, 15],
    ["select * from read_kafka(subscribe => 't')", "REQUIRED_PARAMETER_NOT_FOUND", 1, 15],
    ["select * from values (1, 2), (3)", "INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH", 1, 15],
    ["select * from values (1, 2) as t(a)", "ASSIGNMENT_ARITY_MISMATCH", 1, 15],
  ];
  it.each(cases)("%s → %s at %i:%i", (text, code, line, column) => {
    const e = errorOf(() => parseStatement(text));
    expect(e.code).toBe(code);
    if (code !== "UNSUPPORTED_FEATURE" || line !== 1 || column !== 1) {
      expect(e.context.line).toBe(line);
      expect(e.context.column).toBe(column);
    }
  });

  it("the brief's example: a misspelt FROM reads as an alias, so Spark blames the next word", () => {
    expect(errorOf(() => parseStatement("select 1 form t")).message).toBe(
      "[PARSE_SYNTAX_ERROR] Syntax error at or near 't': extra input 't'. (line 1:15)\n\n== SQL ==\nselect 1 form t\n--------------^^^",
    );
  });

  const analysis: [string, string][] = [
    ["select rank() over w from t", "MISSING_WINDOW_SPECIFICATION"],
    ["select a, count(*) from t group by 3", "GROUP_BY_POS_OUT_OF_RANGE"],
    ["select a, count(*) from t group by 2", "GROUP_BY_POS_AGGREGATE"],
    ["select a from t order by 2", "ORDER_BY_POS_OUT_OF_RANGE"],
    ["select * from t order by 1", "UNSUPPORTED_FEATURE"],
  ];
  it.each(analysis)("%s → %s", (text, code) => {
    expect(errorOf(() => parseStatement(text)).code).toBe(code);
  });
});
