/**
 * SQL expression text and casts on a real Spark Connect server, as PySpark's client sends them:
 * `F.expr`/`selectExpr`/`filter(text)` as Expression.ExpressionString, so the server's parser
 * reads Spark-only syntax and names columns as Spark does, and a cast to a type name as text, so
 * bare TIMESTAMP follows the server session's spark.sql.timestampType. Names and dtypes are
 * PySpark's (pyspark-expr-names.json, from scripts/connect/pyspark_expr_names.py).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session, functions as F } from "../../src/index.js";
import type { DataFrame } from "../../src/dataframe/dataframe.js";
import type { RemoteSession } from "../../src/connect/remote-session.js";
import { parseExpression } from "../../src/sql/parse-expression.js";
import { TimestampType } from "../../src/types/data-type.js";
import { sharedConnectServer } from "./support/connect-server.js";

type Golden = Record<string, { columns: string[]; dtypes: string[]; count: number }>;
const PYSPARK = JSON.parse(readFileSync(new URL("./pyspark-expr-names.json", import.meta.url), "utf8")) as Golden;

let spark: RemoteSession;
beforeAll(async () => {
  spark = Session.builder().remote(await sharedConnectServer()).config("spark.sql.session.timeZone", "UTC").getOrCreate();
}, 240_000);
afterAll(async () => spark?.stop());

async function expectPySparks(name: string, df: DataFrame): Promise<Record<string, unknown>[]> {
  const rows = await df.collect();
  expect({ columns: df.columns, dtypes: df.dtypes.map(([, t]) => t), count: rows.length }).toEqual(PYSPARK[name]);
  return rows;
}

describe("expression text over Spark Connect", { timeout: 120_000 }, () => {
  it("selectExpr and F.expr text is named and typed by the server's parser, as PySpark's", async () => {
    const r = spark.range(4);
    await expectPySparks("selectExpr", r.selectExpr("id + 1", "id::string", "CAST(id AS DOUBLE) / 2 AS half", "'a' || id", "id IS DISTINCT FROM 1", "count(*) OVER ()"));
    await expectPySparks("expr", r.select(F.expr("id * 2"), F.expr("upper('x') AS u"), F.expr("id % 3").alias("m")));
  });

  it("runs Spark-only syntax the local parser refuses: an ordered-set aggregate, a scalar subquery in filter(text)", async () => {
    expect(() => parseExpression("percentile_cont(0.5) WITHIN GROUP (ORDER BY id)")).toThrow(expect.objectContaining({ code: "PARSE_SYNTAX_ERROR" }));
    const median = await expectPySparks("withinGroup", spark.range(4).selectExpr("percentile_cont(0.5) WITHIN GROUP (ORDER BY id)"));
    expect(median).toEqual([{ "percentile_cont(0.5) WITHIN GROUP (ORDER BY id)": 1.5 }]);
    // an aggregate FILTER has no Connect expression when built as a Column; as text it runs
    expect(await spark.range(4).select(F.expr("count(id) FILTER (WHERE id > 1) AS n")).collect()).toEqual([{ n: 2n }]);
    expect(await expectPySparks("subqueryFilter", spark.range(4).filter("id < (SELECT max(id) FROM range(3))"))).toEqual([{ id: 0n }, { id: 1n }]);
  });

  it("bad text fails with the server's PARSE_SYNTAX_ERROR at first use, as in PySpark", () => {
    const df = spark.range(1).selectExpr("id +");
    expect(() => df.columns).toThrow(expect.objectContaining({ code: "PARSE_SYNTAX_ERROR" }));
  });

  it("under spark.sql.timestampType=TIMESTAMP_NTZ, cast('timestamp') is TIMESTAMP_NTZ and cast(TimestampType) stays TIMESTAMP", async () => {
    spark.conf.set("spark.sql.timestampType", "TIMESTAMP_NTZ");
    try {
      const s = spark.sql("SELECT '2024-01-02 03:04:05' AS s");
      const rows = await expectPySparks("castUnderNtz", s.select(F.col("s").cast("timestamp").alias("by_name"), F.col("s").cast(TimestampType).alias("by_type"), F.expr("CAST(s AS TIMESTAMP)")));
      // NTZ as a Date whose UTC fields are the wall clock; LTZ read in the session zone (UTC)
      const t = new Date("2024-01-02T03:04:05Z");
      expect(rows).toEqual([{ by_name: t, by_type: t, s: t }]);
    } finally {
      spark.conf.unset("spark.sql.timestampType");
    }
  });
});
