/**
 * DataFrames on a real Spark Connect server (pip pyspark 4.0.1, started once per run by
 * support/connect-server.ts): rows in the embedded engine's shapes, schemas and explain from
 * AnalyzePlan, server errors as SluiceErrors with Spark's error class, temp views, writes, conf,
 * and the refusals of what cannot run remotely.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Observation, Session, SluiceError, functions as F, variantToJson } from "../../src/index.js";
import type { VariantVal } from "../../src/types/variant-val.js";
import { sqlTypeName } from "../../src/types/data-type.js";
import type { RemoteSession } from "../../src/connect/remote-session.js";
import { sharedConnectServer } from "./support/connect-server.js";

let spark: RemoteSession;

beforeAll(async () => {
  spark = Session.builder().remote(await sharedConnectServer()).config("spark.sql.session.timeZone", "UTC").getOrCreate();
}, 240_000);
afterAll(async () => spark?.stop());

async function codeOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (e instanceof SluiceError) return e.code;
    throw e;
  }
  throw new Error("expected a SluiceError");
}

describe("remote session", { timeout: 180_000 }, () => {
  it("talks to the server it was given", () => {
    expect(spark.version).toBe("4.0.1");
  });

  it("collects rows with the embedded engine's value shapes (BIGINT as bigint, dates and timestamps as Date)", async () => {
    const rows = await spark
      .sql("SELECT CAST(9007199254740993 AS BIGINT) AS big, 7 AS i, 1.5D AS d, CAST('12.50' AS DECIMAL(4,2)) AS dec, 'x' AS s, DATE'2024-02-29' AS dt, TIMESTAMP'2024-01-02 03:04:05.678' AS ts, array(1, 2) AS a, map('k', 1) AS m, named_struct('f', 1) AS st, CAST(NULL AS INT) AS n")
      .collect();
    expect(rows).toEqual([
      {
        big: 9007199254740993n,
        i: 7,
        d: 1.5,
        dec: "12.50",
        s: "x",
        dt: new Date("2024-02-29T00:00:00Z"),
        ts: new Date("2024-01-02T03:04:05.678Z"),
        a: [1, 2],
        m: new Map([["k", 1]]),
        st: { f: 1 },
        n: null,
      },
    ]);
  });

  it("runs DataFrame operations on the server: createDataFrame, filter, withColumn, groupBy, join, orderBy", async () => {
    const orders = spark.createDataFrame(
      [
        { id: 1, cust: "a", amount: 10 },
        { id: 2, cust: "b", amount: 5 },
        { id: 3, cust: "a", amount: 7 },
      ],
      "id INT, cust STRING, amount INT",
    );
    const custs = spark.createDataFrame([{ cust: "a", name: "Ann" }, { cust: "b", name: "Bob" }], "cust STRING, name STRING");
    const df = orders
      .filter(F.col("amount").gt(6))
      .withColumn("double", F.col("amount").multiply(2))
      .join(custs, "cust")
      .groupBy("name")
      .agg(F.sum("double").alias("total"), F.count("*").alias("n"))
      .orderBy(F.col("total").desc());
    expect(df.columns).toEqual(["name", "total", "n"]);
    expect(await df.collect()).toEqual([{ name: "Ann", total: 34n, n: 2n }]);
    expect(await orders.count()).toBe(3);
  });

  it("df.col() of a joined DataFrame resolves against that DataFrame (plan ids)", async () => {
    const a = spark.range(3);
    const b = spark.range(2).withColumn("x", F.lit("b"));
    const rows = await a.join(b, a.col("id").eq(b.col("id"))).select(a.col("id"), b.col("x")).orderBy("id").collect();
    expect(rows).toEqual([
      { id: 0n, x: "b" },
      { id: 1n, x: "b" },
    ]);
  });

  it("schema and explain come from AnalyzePlan", () => {
    const df = spark.range(5).selectExpr("id * 2 AS twice");
    expect(df.schema.fields.map((f) => [f.name, f.type.kind, f.nullable])).toEqual([["twice", "bigint", false]]);
    expect(df.explainString("simple")).toMatch(/== Physical Plan ==[\s\S]*Range \(0, 5/);
  });

  it("sends TINYINT, SMALLINT and ANSI interval literals typed and named as Spark's parser types and names them", async () => {
    const df = spark.range(1).select(F.expr("10Y"), F.expr("-300S"), F.expr("INTERVAL '2' DAY"), F.expr("INTERVAL '-1-2' YEAR TO MONTH"), F.expr("INTERVAL '10:20' HOUR TO MINUTE"), F.expr("id + 1Y AS n"));
    expect(df.schema.fields.map((f) => [f.name, sqlTypeName(f.type)])).toEqual([
      ["10", "TINYINT"],
      ["-300", "SMALLINT"],
      ["INTERVAL '2' DAY", "INTERVAL DAY"],
      ["INTERVAL '-1-2' YEAR TO MONTH", "INTERVAL YEAR TO MONTH"],
      ["INTERVAL '10:20' HOUR TO MINUTE", "INTERVAL HOUR TO MINUTE"],
      ["n", "BIGINT"],
    ]);
    expect(await df.collect()).toEqual([{ "10": 10, "-300": -300, "INTERVAL '2' DAY": 172_800_000_000n, "INTERVAL '-1-2' YEAR TO MONTH": -14, "INTERVAL '10:20' HOUR TO MINUTE": 37_200_000_000n, n: 1n }]);
    // an interval inside a computation: the server's date arithmetic sees the literal's type
    const [row] = await spark.range(1).select(F.expr("DATE'2024-01-31' + INTERVAL '1' MONTH").alias("d"), F.expr("TIMESTAMP'2024-01-01 00:00:00' + INTERVAL '1 02:00:00' DAY TO SECOND").alias("t")).collect();
    expect(row).toEqual({ d: new Date("2024-02-29T00:00:00Z"), t: new Date("2024-01-02T02:00:00Z") });
  });

  it("VARIANT results arrive as the embedded engine's VariantVal, with the same bytes and JSON", async () => {
    const q = `SELECT parse_json('{"a":[1,2.5,"x"],"b":{"c":null}}') AS v, variant_get(parse_json('{"a":7}'), '$.a', 'int') AS a`;
    const remote = await spark.sql(q).collect();
    expect(spark.sql(q).schema.fields.map((f) => sqlTypeName(f.type))).toEqual(["VARIANT", "INT"]);
    const local = await Session.builder().getOrCreate().sql(q).collect();
    expect(remote).toEqual(local);
    expect(variantToJson(remote[0]!.v as VariantVal)).toBe('{"a":[1,2.5,"x"],"b":{"c":null}}');
  });

  it("VARIANT values go to the server as lit() (as parse_json of their JSON text) and in createDataFrame, with the embedded engine's rows; a value JSON cannot carry is refused", async () => {
    const local = Session.builder().getOrCreate();
    // keys out of order and nested: the server's parse_json numbers them differently, which no query sees
    const [{ v }] = (await local.sql(`SELECT parse_json('{"z":[1,"x",null,true],"a":{"d":12.25,"b":-7}}') AS v`).collect()) as [{ v: VariantVal }];
    const viaLit = (s: Session | RemoteSession) =>
      s
        .range(2)
        .select(F.col("id"), F.lit(v).alias("v"))
        .selectExpr("id", "to_json(v) AS j", "schema_of_variant(v) AS s", "variant_get(v, '$.a.d', 'decimal(5,2)') AS d", "variant_get(v, '$.z[1]', 'string') AS x", "v IS NULL AS n")
        .collect();
    const remoteLit = await viaLit(spark);
    expect(remoteLit).toEqual(await viaLit(local));
    expect(remoteLit[0]).toEqual({ id: 0n, j: '{"a":{"b":-7,"d":12.25},"z":[1,"x",null,true]}', s: "OBJECT<a: OBJECT<b: BIGINT, d: DECIMAL(4,2)>, z: ARRAY<VARIANT>>", d: "12.25", x: "x", n: false });
    // createDataFrame sends the bytes themselves (Arrow), so even the VariantVal is the same
    const viaRows = (s: Session | RemoteSession) => s.createDataFrame([{ i: 1, v }, { i: 2, v: null }], "i INT, v VARIANT").selectExpr("i", "v", "to_json(v) AS j").collect();
    expect(await viaRows(spark)).toEqual(await viaRows(local));
    // a double whose JSON text has an exponent parses back as that double; 2.5 would come back as a DECIMAL
    const [{ e, d }] = (await local.sql(`SELECT parse_json('{"x":1e10}') AS e, CAST(2.5D AS VARIANT) AS d`).collect()) as [{ e: VariantVal; d: VariantVal }];
    const exact = (s: Session | RemoteSession) => s.range(1).select(F.lit(e).alias("e")).selectExpr("to_json(e) AS j", "schema_of_variant(e) AS s").collect();
    expect(await exact(spark)).toEqual([{ j: '{"x":1.0E10}', s: "OBJECT<x: DOUBLE>" }]);
    expect(await exact(spark)).toEqual(await exact(local));
    expect(await codeOf(() => spark.range(1).select(F.lit(d).alias("d")).collect())).toBe("CONNECT_UNSUPPORTED_EXPRESSION");
    expect(await codeOf(() => spark.range(1).select(F.lit([v]).alias("a")).collect())).toBe("CONNECT_UNSUPPORTED_EXPRESSION");
  });

  it("an Observation gets the server's metrics row in the embedded engine's shapes, from the first action only, writes included", async () => {
    const local = Session.builder().getOrCreate();
    const run = async (s: Session | RemoteSession): Promise<[Record<string, unknown>, Record<string, unknown>]> => {
      const obs = new Observation("o");
      const df = s
        .createDataFrame([{ k: "a", v: 1 }, { k: "b", v: 2 }, { k: "c", v: null }], "k STRING, v INT")
        .observe(obs, F.count(F.lit(1)).alias("rows"), F.sum("v").alias("sum_v"), F.avg("v").alias("avg_v"), F.max("k").alias("max_k"), F.expr("sum(CAST(v AS DECIMAL(10,2)))").alias("dec"));
      // (not collect_list: Spark 4.0.1's server fails to send an array metric, "Unsupported component type ... in arrays")
      expect(await df.count()).toBe(3);
      const first = await obs.get();
      await df.where(F.col("v").eq(1)).collect(); // a later action leaves the row as it was
      expect(await obs.get()).toEqual(first);
      const written = new Observation("w");
      await s.range(4).observe(written, F.count(F.lit(1)).alias("n")).write.mode("overwrite").parquet(mkdtempSync(join(tmpdir(), "sluice-observe-write-")));
      return [first, await written.get()];
    };
    const [remote, ours] = [await run(spark), await run(local)];
    expect(remote).toEqual(ours);
    expect(remote[0]).toEqual({ rows: 3n, sum_v: 3n, avg_v: 1.5, max_k: "c", dec: "3.00" });
    expect(remote[1]).toEqual({ n: 4n });
  });

  it("a DataFrame is analyzed on the server when first used, once: building one costs no round trip", async () => {
    const analyze = vi.spyOn(spark.client, "analyzeSync");
    try {
      const base = spark.range(10);
      const df = base.selectExpr("id * 3 AS t").filter("t > 5").withColumnRenamed("t", "u");
      expect(analyze).not.toHaveBeenCalled();
      expect(df.columns).toEqual(["u"]);
      expect(df.schema.fields.map((f) => f.name)).toEqual(["u"]);
      expect(analyze).toHaveBeenCalledTimes(1);
      // a column taken from a DataFrame still names its plan (UnresolvedAttribute.plan_id)
      const joined = base.join(df, base.col("id").eq(df.col("u")));
      expect((await joined.orderBy("id").collect()).map((r) => r.id)).toEqual([6n, 9n]);
      const sql = spark.sql("SELECT 1 AS one");
      const before = analyze.mock.calls.length;
      expect(await sql.collect()).toEqual([{ one: 1 }]);
      expect(sql.columns).toEqual(["one"]);
      expect(analyze.mock.calls.length).toBe(before); // the result's schema came with the rows
    } finally {
      analyze.mockRestore();
    }
  });

  it("server errors are SluiceErrors with Spark's error class as the code and the server's message", async () => {
    // as in PySpark's Connect client, a DataFrame is analyzed on the server when first used
    const bad = spark.range(3).select("nope");
    let err: unknown;
    try {
      void bad.columns;
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).code).toBe("UNRESOLVED_COLUMN.WITH_SUGGESTION");
    expect((err as SluiceError).kind).toBe("analysis");
    expect((err as SluiceError).message).toContain("`nope`");
    expect(await codeOf(() => bad.collect())).toBe("UNRESOLVED_COLUMN.WITH_SUGGESTION");
    expect(await codeOf(() => spark.sql("SELECT 1/0 AS x").collect())).toBe("DIVIDE_BY_ZERO");
    expect(await codeOf(() => spark.sql("SELEC 1"))).toBe("PARSE_SYNTAX_ERROR");
  });

  it("temp views and SQL commands run on the server", async () => {
    spark.range(4).createOrReplaceTempView("four");
    expect(await spark.sql("SELECT sum(id) AS s FROM four").collect()).toEqual([{ s: 6n }]);
    expect(spark.catalog.listTables()).toContain("four");
    expect(spark.catalog.dropTempView("four")).toBe(true);
    expect(spark.catalog.dropTempView("four")).toBe(false);
  });

  it("writes and reads files and Delta tables on the server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-connect-"));
    await spark.range(5).write.mode("overwrite").parquet(join(dir, "p"));
    expect(await spark.read.parquet(join(dir, "p")).count()).toBe(5);
    await spark.range(3).write.format("delta").save(join(dir, "d"));
    await spark.sql(`INSERT INTO delta.\`${join(dir, "d")}\` VALUES (10)`).collect();
    expect((await spark.read.format("delta").load(join(dir, "d")).orderBy("id").collect()).map((r) => r.id)).toEqual([0n, 1n, 2n, 10n]);
  });

  it("conf lives on the server", async () => {
    spark.conf.set("spark.sql.shuffle.partitions", "3");
    expect(spark.conf.get("spark.sql.shuffle.partitions")).toBe("3");
    spark.conf.unset("spark.sql.shuffle.partitions");
  });

  it("refuses up front what cannot run remotely", async () => {
    expect(await codeOf(() => spark.memoryStream())).toBe("CONNECT_UNSUPPORTED_PLAN");
    const stream = spark.readStream.format("rate").load();
    expect(await codeOf(() => stream.writeStream.foreachBatch(() => undefined).start())).toBe("CONNECT_UNSUPPORTED_SINK");
    expect(await codeOf(() => stream.writeStream.foreach({ process: () => undefined }).start())).toBe("CONNECT_UNSUPPORTED_SINK");
    expect(await codeOf(() => stream.withWatermark("timestamp", "1 minute", { lateRows: () => undefined }))).toBe("CONNECT_UNSUPPORTED_PLAN");
  });

  it("a stopped session refuses new work", async () => {
    const other = Session.builder().remote(`sc://${spark.client.spec.host}:${spark.client.spec.port}`).getOrCreate();
    expect(await other.range(2).count()).toBe(2);
    await other.stop();
    expect(await codeOf(() => other.range(2).count())).toBe("CONNECT_SESSION_CLOSED");
  });
});
