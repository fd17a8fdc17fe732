/**
 * End to end through spark.sql: set operations, subquery expressions, generator aliases and
 * INTERVAL frames. Expected answers were checked against PySpark 4.0.1.
 */
import { describe, expect, it } from "vitest";
import { SluiceError } from "../common/errors.js";
import { Session } from "../index.js";

const spark = Session.builder().getOrCreate();
spark.createDataFrame([1, 1, 1, 2, null, null, 3].map((x) => ({ x })), "x INT").createOrReplaceTempView("sq_a");
spark.createDataFrame([1, 1, 2, null, 4].map((y) => ({ y })), "y INT").createOrReplaceTempView("sq_b");
spark.createDataFrame([1, 2].map((y) => ({ y })), "y INT").createOrReplaceTempView("sq_c");
spark
  .createDataFrame(
    [
      { k: 1, v: 10 },
      { k: 1, v: 20 },
      { k: 2, v: 5 },
    ],
    "k INT, v INT",
  )
  .createOrReplaceTempView("sq_kv");

const values = async (sql: string): Promise<unknown[]> => (await spark.sql(sql).collect()).map((r) => Object.values(r)[0]);
const sorted = async (sql: string): Promise<unknown[]> => (await values(sql)).sort((a, b) => (a === null ? -1 : b === null ? 1 : Number(a) - Number(b)));
const rows = async (sql: string): Promise<unknown[]> => (await spark.sql(sql).collect()).map((r) => Object.values(r));

async function errorCode(sql: string): Promise<string> {
  try {
    await spark.sql(sql).collect();
  } catch (e) {
    expect(e).toBeInstanceOf(SluiceError);
    return (e as SluiceError).code;
  }
  throw new Error("expected an error");
}

describe("INTERSECT / EXCEPT", () => {
  it("DISTINCT forms match NULL with NULL", async () => {
    expect(await sorted("select x from sq_a intersect select y from sq_b")).toEqual([null, 1, 2]);
    expect(await sorted("select x from sq_a except select y from sq_b")).toEqual([3]);
    expect(await sorted("select x from sq_a minus select y from sq_b")).toEqual([3]);
  });
  it("ALL forms keep duplicates by count", async () => {
    expect(await sorted("select x from sq_a intersect all select y from sq_b")).toEqual([null, 1, 1, 2]);
    expect(await sorted("select x from sq_a except all select y from sq_b")).toEqual([null, 1, 3]);
  });
  it("takes the first input's column names and binds tighter than UNION", async () => {
    expect(spark.sql("select x as first from sq_a intersect select y from sq_b").columns).toEqual(["first"]);
    expect(await sorted("select 1 union select 2 intersect select 2")).toEqual([1, 2]);
  });
  it("a column count mismatch is NUM_COLUMNS_MISMATCH", async () => {
    expect(await errorCode("select x, x from sq_a intersect select y from sq_b")).toBe("NUM_COLUMNS_MISMATCH");
  });
});

describe("IN / NOT IN / EXISTS subqueries", () => {
  it("IN is a semi join", async () => {
    expect(await sorted("select x from sq_a where x in (select y from sq_c)")).toEqual([1, 1, 1, 2]);
  });
  it("NOT IN drops everything when the subquery has a NULL, and NULL x unless it is empty", async () => {
    expect(await values("select x from sq_a where x not in (select y from sq_b)")).toEqual([]);
    expect(await sorted("select x from sq_a where x not in (select y from sq_b where y is not null)")).toEqual([3]);
    expect(await sorted("select x from sq_a where x not in (select y from sq_b where y > 100)")).toEqual([null, null, 1, 1, 1, 2, 3]);
  });
  it("correlated EXISTS / NOT EXISTS", async () => {
    expect(await sorted("select x from sq_a a where exists (select 1 from sq_kv t where t.k = a.x and t.v > 6)")).toEqual([1, 1, 1]);
    expect(await sorted("select x from sq_a a where not exists (select 1 from sq_kv t where t.k = a.x)")).toEqual([null, null, 3]);
  });
  it("subqueries inside OR are UNSUPPORTED_FEATURE", async () => {
    expect(await errorCode("select x from sq_a where x = 3 or x in (select y from sq_c)")).toBe("UNSUPPORTED_FEATURE");
  });
  it("an IN subquery with the wrong column count is ASSIGNMENT_ARITY_MISMATCH", async () => {
    expect(await errorCode("select x from sq_a where x in (select y, y from sq_c)")).toBe("ASSIGNMENT_ARITY_MISMATCH");
  });
});

describe("scalar subqueries", () => {
  it("uncorrelated: one value for every row, null when empty", async () => {
    expect(await sorted("select (select max(y) from sq_b) from sq_c")).toEqual([4, 4]);
    expect(await values("select (select y from sq_b where y > 100)")).toEqual([null]);
    expect(spark.sql("select (select max(y) from sq_b) from sq_c").columns).toEqual(["scalarsubquery()"]);
  });
  it("more than one row is SCALAR_SUBQUERY_TOO_MANY_ROWS", async () => {
    expect(await errorCode("select x, (select y from sq_b) from sq_a")).toBe("SCALAR_SUBQUERY_TOO_MANY_ROWS");
  });
  it("correlated count(*) gives 0 for rows without a match", async () => {
    const got = await rows("select y, (select count(*) from sq_kv t where t.k = c.y) n, (select sum(v) from sq_kv t where t.k = c.y) s from sq_b c");
    expect(got.sort((a, b) => Number((a as number[])[0] ?? -1) - Number((b as number[])[0] ?? -1))).toEqual([
      [null, 0n, null],
      [1, 2n, 30n],
      [1, 2n, 30n],
      [2, 1n, 5n],
      [4, 0n, null],
    ]);
  });
});

describe("special call forms", () => {
  it("substring() with no arguments is WRONG_NUM_ARGS, not a syntax error", async () => {
    expect(await errorCode("select substring()")).toBe("WRONG_NUM_ARGS");
  });
  it("struct(a AS x, b) names its fields", () => {
    expect(spark.sql("select struct(1 as x, y) s from sq_c").schema.fields[0]!.type).toMatchObject({
      kind: "struct",
      fields: [{ name: "x" }, { name: "y" }],
    });
  });
});

describe("generator aliases", () => {
  it("AS (a, b) names each generated column; a wrong count is UDTF_ALIAS_NUMBER_MISMATCH", async () => {
    const df = spark.sql("select posexplode(array(10, 20)) as (p, v)");
    expect(df.columns).toEqual(["p", "v"]);
    expect(await rows("select posexplode(array(10, 20)) as (p, v)")).toEqual([
      [0, 10],
      [1, 20],
    ]);
    expect(await errorCode("select posexplode(array(1, 2)) as (p)")).toBe("UDTF_ALIAS_NUMBER_MISMATCH");
  });
  it("LATERAL VIEW [OUTER] adds the generated columns after the input's", async () => {
    expect(await rows("select y, e from sq_c lateral view explode(array(y, y * 10)) t as e")).toEqual([
      [1, 1],
      [1, 10],
      [2, 2],
      [2, 20],
    ]);
    expect(await rows("select y, e from sq_c lateral view outer explode(array()) t as e")).toEqual([
      [1, null],
      [2, null],
    ]);
  });
  it("t(a, b) renames columns; a count mismatch is ASSIGNMENT_ARITY_MISMATCH", async () => {
    expect(spark.sql("select * from sq_kv as t(a, b)").columns).toEqual(["a", "b"]);
    expect(await errorCode("select * from sq_kv as t(a)")).toBe("ASSIGNMENT_ARITY_MISMATCH");
  });
});
