/**
 * The jdbc format against a real PostgreSQL (started for this file, stopped after): every type
 * both ways with Spark's mapping, partitioned reads, fetchsize, predicate pushdown, save modes,
 * and the errors a user meets — none of which may show the password.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session, col } from "../../src/index.js";
import { SluiceError } from "../../src/common/errors.js";
import { compareRows } from "../../src/testing/stream-test.js";
import { type PostgresServer, startPostgres } from "../support/postgres-server.js";

let pg: PostgresServer;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const creds = () => ({ user: pg.user, password: pg.password });
const read = (table: string, extra: Record<string, string | number | boolean> = {}) => spark.read.format("jdbc").options({ url: pg.jdbcUrl, dbtable: table, ...creds(), ...extra }).load();
type Row = Record<string, unknown>;
const rows2 = (sql: string): string[] => pg.psql(sql).trim().split("\n").filter(Boolean);
const byId = (rows: Row[]) => [...rows].sort((a, b) => Number(a.id ?? -1) - Number(b.id ?? -1));

async function failure(p: Promise<unknown> | (() => unknown)): Promise<SluiceError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(SluiceError);
    expect(`${(e as Error).message} ${JSON.stringify((e as SluiceError).context)}`).not.toContain(pg.password);
    return e as SluiceError;
  }
  throw new Error("expected a failure");
}

beforeAll(async () => {
  pg = await startPostgres();
  pg.psql(readFileSync(join(import.meta.dirname, "golden", "pgtypes.sql"), "utf8"));
  pg.psql(`
    CREATE TABLE nums AS SELECT g AS id, (g % 7) AS k, 'name-' || g AS name FROM generate_series(-50, 1049) g;
    INSERT INTO nums VALUES (NULL, 1, 'null-id'), (NULL, 2, 'null-id-2');
  `);
}, 120_000);
afterAll(async () => {
  await spark.stop();
  await pg?.stop();
});

describe("reading PostgreSQL types with Spark's mapping (PostgresDialect)", () => {
  it("gives Spark's schema (every column nullable, as Spark's JDBC schema; int2 as SMALLINT, Spark 4's ShortType) and exact values", async () => {
    const df = read("pgtypes");
    expect(df.schema.simpleString()).toBe(
      "struct<id:int,i2:smallint,i8:bigint,f4:float,f8:double,n:decimal(12,3),nu:decimal(38,18),m:string,t:string,vc:string,c:string,b:boolean,b1:boolean,b4:binary,by:binary,d:date,ts:timestamp,tz:timestamp,tm:timestamp,j:string,jb:string,u:string,ip:string,iv:string,e:string,dom:int,ai:array<int>,at:array<string>,an:array<decimal(5,2)>>",
    );
    expect(df.schema.fields.every((f) => f.nullable)).toBe(true);
    const [r1, r2] = byId(await df.collect());
    expect(r1).toMatchObject({ id: 1, i2: -32768, f4: Math.fround(0.1), f8: -1.5e300, n: "123456789.125", nu: "1.500000000000000000", m: "$12.34", t: `a'b"c`, vc: "varchar", c: "ab ", b: true, b1: true });
    expect(String(r1!.i8)).toBe("9007199254740993");
    expect(String(r2!.i8)).toBe("-9223372036854775808");
    expect([...(r1!.by as Uint8Array)]).toEqual([0, 255, 16]);
    expect((r1!.d as Date).toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect((r1!.tm as Date).toISOString()).toBe("1970-01-01T12:34:56.500Z");
    expect(r1).toMatchObject({ j: '{"a": [1]}', jb: '{"b": 2}', u: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", ip: "10.0.0.1", iv: "1 day 02:00:00", e: "happy", dom: 7 });
    expect(r1).toMatchObject({ ai: [1, null, 3], at: ["x, y", 'q"uote', null], an: ["1.25", "-2.50"] });
    expect(r2).toMatchObject({ f4: NaN, f8: Infinity, ai: [], at: null });
    // Microseconds survive: the engine keeps them even though a JS Date cannot show them.
    const text = await df.selectExpr("id", "cast(ts as string) AS ts", "cast(tz as string) AS tz", "cast(d as string) AS d").collect();
    expect(byId(text)[0]).toEqual({ id: 1, ts: "2024-01-02 03:04:05.123456", tz: "2024-01-02 01:04:05.654321", d: "2024-02-29" });
    expect(byId(text)[1]!.d).toBe("-0043-03-15");
  });

  it("reads a query, and read.jdbc(url, table, properties) with and without partitioning", async () => {
    const q = spark.read.format("jdbc").options({ url: pg.jdbcUrl, query: "SELECT id, name FROM nums WHERE k = 3", ...creds() }).load();
    expect(await q.count()).toBe(Number(pg.psql("SELECT count(*) FROM nums WHERE k = 3").trim()));
    expect(await spark.read.jdbc(pg.jdbcUrl, "nums", creds()).count()).toBe(1102);
    expect(await spark.read.jdbc(`${pg.jdbcUrl}?user=${pg.user}&password=${encodeURIComponent(pg.password)}`, "nums", "id", 0, 1000, 4).count()).toBe(1102);
  });
});

describe("time zones", () => {
  it("a TIMESTAMP column is a wall clock in the session time zone, TIMESTAMPTZ an instant, both ways and in pushed filters", async () => {
    pg.psql("CREATE TABLE tzt (id int, ts timestamp, tz timestamptz); INSERT INTO tzt VALUES (1, '2024-07-01 12:00:00', '2024-07-01 12:00:00+00'), (2, '2024-07-01 16:00:00', NULL)");
    spark.conf.set("spark.sql.session.timeZone", "America/New_York");
    try {
      const df = read("tzt");
      const r = byId(await df.collect())[0]!;
      expect((r.ts as Date).toISOString()).toBe("2024-07-01T16:00:00.000Z");
      expect((r.tz as Date).toISOString()).toBe("2024-07-01T12:00:00.000Z");
      const at = new Date("2024-07-01T16:00:00Z");
      const pushed = df.filter(col("ts").eq(at));
      expect(pushed.explainString("simple")).toContain(`PushedFilters: ["ts" = '2024-07-01 12:00:00-04:00:00']`);
      expect((await pushed.collect()).map((x) => x.id)).toEqual([1]);
      await df.select("id", "ts").write.jdbc(pg.jdbcUrl, "tzw", "overwrite", creds());
      expect(pg.psql("SELECT ts FROM tzw ORDER BY id").trim().split("\n")).toEqual(["2024-07-01 16:00:00+00", "2024-07-01 20:00:00+00"]);
      await df.select("id", "ts").write.jdbc(pg.jdbcUrl, "tzt", "append", creds());
      expect(pg.psql("SELECT ts FROM tzt WHERE tz IS NULL ORDER BY ts").trim().split("\n")).toEqual(["2024-07-01 12:00:00", "2024-07-01 16:00:00", "2024-07-01 16:00:00"]);
    } finally {
      spark.conf.set("spark.sql.session.timeZone", "UTC");
    }
  });
});

describe("partitioned reads (partitionColumn, lowerBound, upperBound, numPartitions)", () => {
  it("equal the unpartitioned read for any bounds, including NULL keys and rows outside the bounds", async () => {
    const all = await read("nums").collect();
    expect(all).toHaveLength(1102);
    for (const [lower, upper, n] of [[0, 1000, 4], [100, 200, 7], [-50, 1049, 1], [0, 3, 10], [500, 500, 3], [-1000, 5000, 13]] as const) {
      const df = read("nums", { partitionColumn: "id", lowerBound: lower, upperBound: upper, numPartitions: n });
      expect(compareRows(await df.collect(), all), `bounds ${lower}..${upper}, ${n} partitions`).toBeNull();
    }
    const plan = read("nums", { partitionColumn: "ID", lowerBound: 0, upperBound: 3, numPartitions: 10 });
    // numPartitions is cut to upperBound - lowerBound, as Spark does.
    expect(explain(plan)).toContain("[numPartitions=3]");
  });

  it("partition by a date and by a timestamp column", async () => {
    const all = await read("pgtypes").select("id").collect();
    for (const column of ["d", "ts"]) {
      const df = read("pgtypes", { partitionColumn: column, lowerBound: "2000-01-01", upperBound: "2030-01-01", numPartitions: 3 }).select("id");
      expect(compareRows(await df.collect(), all)).toBeNull();
    }
  });

  it("refuses a partition column that is not numeric, date or timestamp", async () => {
    expect((await failure(() => read("nums", { partitionColumn: "name", lowerBound: 0, upperBound: 10, numPartitions: 2 }).collect())).code).toBe("JDBC_INVALID_PARTITION_COLUMN_TYPE");
  });
});

const explain = (df: { explainString(mode?: "simple"): string }): string => df.explainString("simple");

describe("fetchsize and pushDownPredicate", () => {
  it("a cursor read (fetchsize) gives the same rows", async () => {
    const all = await read("nums").collect();
    expect(compareRows(await read("nums", { fetchsize: 7 }).collect(), all)).toBeNull();
    expect(compareRows(await read("nums", { fetchsize: 5000, partitionColumn: "id", lowerBound: 0, upperBound: 1000, numPartitions: 3 }).collect(), all)).toBeNull();
  });

  it("pushes simple filters into the query (shown in explain) and gives the rows Sluice's filter gives", async () => {
    const cond = col("k").eq(3).and(col("name").startsWith("name-1")).and(col("id").isNotNull()).and(col("name").lt("name-2")).or(col("id").isin(-1, -2));
    const pushed = read("nums").filter(cond);
    const plan = explain(pushed);
    expect(plan).toContain(`PushedFilters: [(((("k" = 3) AND ("name" LIKE 'name-1%' ESCAPE '\\')) AND ("id" IS NOT NULL)) AND ("name" COLLATE "C" < 'name-2')) OR ("id" IN (-1, -2))]`);
    const notPushed = read("nums", { pushDownPredicate: false }).filter(cond);
    expect(explain(notPushed)).toContain("PushedFilters: []");
    const expected = (await read("nums").collect()).filter((r) => (r.k === 3 && String(r.name).startsWith("name-1") && r.id !== null && String(r.name) < "name-2") || r.id === -1 || r.id === -2);
    expect(expected.length).toBeGreaterThan(10);
    expect(compareRows(await pushed.collect(), expected)).toBeNull();
    expect(compareRows(await notPushed.collect(), expected)).toBeNull();
  });
});

describe("round trip of every Sluice type", () => {
  it("writes Spark's PostgreSQL column types and reads the same rows back", async () => {
    const schema = "id INT NOT NULL, s STRING, b BOOLEAN, l BIGINT, f FLOAT, d DOUBLE, m DECIMAL(20,4), dt DATE, ts TIMESTAMP, bin BINARY, ai ARRAY<INT>, as_ ARRAY<STRING>, ats ARRAY<TIMESTAMP>";
    const rows: Row[] = [
      { id: 1, s: `it's "quoted", {braced}\\`, b: true, l: 9007199254740991, f: 1.5, d: -0.1, m: 12345.6789, dt: new Date("1999-12-31"), ts: new Date("2024-05-06T07:08:09.123Z"), bin: new Uint8Array([0, 1, 254]), ai: [1, null, -3], as_: ["a,b", 'q"', null, "NULL"], ats: [new Date("2024-01-01T00:00:00Z")] },
      { id: 2, s: "ünïcødé ✓", b: false, l: -1, f: -0, d: 1e-300, m: -0.0001, dt: new Date("1970-01-01"), ts: new Date("1969-12-31T23:59:59.999Z"), bin: new Uint8Array([]), ai: [], as_: [""], ats: [] },
      { id: 3, s: null, b: null, l: null, f: null, d: null, m: null, dt: null, ts: null, bin: null, ai: null, as_: null, ats: null },
    ];
    const df = spark.createDataFrame(rows, schema);
    await df.write.jdbc(pg.jdbcUrl, "roundtrip", "overwrite", creds());
    expect(pg.psql("SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'roundtrip' ORDER BY ordinal_position").trim().split("\n")).toEqual([
      "id|integer|NO", "s|text|YES", "b|boolean|YES", "l|bigint|YES", "f|real|YES", "d|double precision|YES", "m|numeric|YES", "dt|date|YES",
      "ts|timestamp with time zone|YES", "bin|bytea|YES", "ai|ARRAY|YES", "as_|ARRAY|YES", "ats|ARRAY|YES",
    ]);
    expect(pg.psql("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'roundtrip'::regclass AND attname IN ('m', 'ai', 'as_', 'ats') ORDER BY attnum").trim().split("\n")).toEqual(["numeric(20,4)", "integer[]", "text[]", "timestamp with time zone[]"]);
    const back = read("roundtrip");
    expect(back.schema.simpleString()).toBe(df.schema.simpleString().replace("as_:array<string>", "as_:array<string>"));
    expect(compareRows(await back.collect(), await df.collect())).toBeNull();
  });

  it("refuses types PostgreSQL columns cannot hold, before touching the database", async () => {
    const df = spark.createDataFrame([{ id: 1, m: new Map([["a", 1]]) }], "id INT, m MAP<STRING, INT>");
    const e = await failure(df.write.jdbc(pg.jdbcUrl, "nomaps", "overwrite", creds()));
    expect(e.code).toBe("JDBC_UNSUPPORTED_TYPE");
    expect(pg.psql("SELECT to_regclass('nomaps') IS NULL").trim()).toBe("t");
  });
});

describe("save modes", () => {
  const df = (ids: number[]) => spark.createDataFrame(ids.map((id) => ({ id, v: `v${id}` })), "id INT, v STRING");
  const ids = () => pg.psql("SELECT id FROM modes ORDER BY id").trim().split("\n").filter(Boolean).map(Number);
  const w = (d: ReturnType<typeof df>) => d.write.format("jdbc").options({ url: pg.jdbcUrl, dbtable: "modes", ...creds() });

  it("errorifexists, append, ignore, overwrite (drop and re-create) and overwrite with truncate", async () => {
    await w(df([1, 2])).save();
    expect(ids()).toEqual([1, 2]);
    const e = await failure(w(df([3])).save());
    expect(e.code).toBe("TABLE_OR_VIEW_ALREADY_EXISTS");
    expect(e.message).toBe("Table or view 'modes' already exists. SaveMode: ErrorIfExists.");
    await w(df([3, 4])).mode("append").option("batchsize", 1).save();
    expect(ids()).toEqual([1, 2, 3, 4]);
    await w(df([9])).mode("ignore").save();
    expect(ids()).toEqual([1, 2, 3, 4]);
    // truncate keeps the table's own definition (here a varchar(5) column); plain overwrite re-creates it.
    pg.psql("ALTER TABLE modes ALTER COLUMN v TYPE varchar(5)");
    await w(df([5])).mode("overwrite").option("truncate", true).save();
    expect(ids()).toEqual([5]);
    expect(pg.psql("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'modes'::regclass AND attname = 'v'").trim()).toBe("character varying(5)");
    await w(df([6, 7])).mode("overwrite").option("createTableColumnTypes", "v VARCHAR(64)").save();
    expect(ids()).toEqual([6, 7]);
    expect(pg.psql("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'modes'::regclass AND attname = 'v'").trim()).toBe("character varying(64)");
    await w(df([8])).mode("append").option("isolationLevel", "NONE").save();
    expect(ids()).toEqual([6, 7, 8]);
  });

  it("appends by column name, matched case-insensitively, and refuses a column the table lacks", async () => {
    pg.psql(`CREATE TABLE named ("V" text, "ID" int)`);
    await spark.createDataFrame([{ id: 1, v: "x" }], "id INT, v STRING").write.jdbc(pg.jdbcUrl, "named", "append", creds());
    expect(pg.psql(`SELECT "ID", "V" FROM named`).trim()).toBe("1|x");
    const e = await failure(spark.createDataFrame([{ id: 1, extra: "x" }], "id INT, extra STRING").write.jdbc(pg.jdbcUrl, "named", "append", creds()));
    expect(e.code).toBe("JDBC_COLUMN_NOT_FOUND");
  });

  it("a write that fails part-way leaves the table as it was (one transaction)", async () => {
    await w(df([1, 2, 3])).mode("overwrite").save();
    const bad = spark.createDataFrame([{ id: 10, v: "ok" }, { id: 11, v: "nul\0byte" }], "id INT, v STRING");
    const e = await failure(w(bad).mode("overwrite").option("batchsize", 1).save());
    expect(e.code).toBe("JDBC_ERROR");
    expect(ids()).toEqual([1, 2, 3]);
  });

  it("beyond Spark: upsertKey upserts, and txnAppId/txnVersion write a version once (for foreachBatch)", async () => {
    const up = (rows: Row[], extra: Record<string, string | number>) => spark.createDataFrame(rows, "id INT, v STRING").write.format("jdbc").mode("append").options({ url: pg.jdbcUrl, dbtable: "online", ...creds(), upsertKey: "id", ...extra }).save();
    await up([{ id: 1, v: "a" }, { id: 2, v: "b" }, { id: 1, v: "a2" }], { txnAppId: "features", txnVersion: 0 });
    expect(rows2("SELECT id, v FROM online ORDER BY id")).toEqual(["1|a2", "2|b"]);
    // Version 0 again (a re-run foreachBatch): skipped. Version 1: applied.
    await up([{ id: 1, v: "again" }], { txnAppId: "features", txnVersion: 0 });
    await up([{ id: 2, v: "b1" }, { id: 3, v: "c" }], { txnAppId: "features", txnVersion: 1 });
    expect(rows2("SELECT id, v FROM online ORDER BY id")).toEqual(["1|a2", "2|b1", "3|c"]);
    expect(rows2("SELECT batch_id FROM sluice_stream_progress WHERE query_id = 'features' AND table_name = 'online'")).toEqual(["1"]);
    await up([{ id: 3, v: "c2" }], {});
    expect(rows2("SELECT v FROM online WHERE id = 3")).toEqual(["c2"]);
    expect((await failure(spark.createDataFrame([{ id: 1, v: "x" }], "id INT, v STRING").write.format("jdbc").mode("overwrite").options({ url: pg.jdbcUrl, dbtable: "online", ...creds(), upsertKey: "id" }).save())).code).toBe("JDBC_OPTION_CONFLICT");
    expect((await failure(up([{ id: 1, v: "x" }], { txnAppId: "features" }))).code).toBe("JDBC_OPTION_REQUIRED");
    expect((await failure(up([{ id: 1, v: "x" }], { upsertKey: "nope" }))).code).toBe("JDBC_COLUMN_NOT_FOUND");
  });

  it("checks createTableColumnTypes against the DataFrame's columns", async () => {
    expect((await failure(w(df([1])).mode("overwrite").option("createTableColumnTypes", "nope INT").save())).message).toContain("createTableColumnTypes option column nope not found in schema");
    expect((await failure(w(df([1])).mode("overwrite").option("createTableColumnTypes", "v INT, V TEXT").save())).code).toBe("JDBC_DUPLICATE_COLUMN");
  });
});

describe("errors", () => {
  it("a wrong password, an unknown table and a bad query name the problem, never the password", async () => {
    const wrong = await failure(() => spark.read.format("jdbc").options({ url: pg.jdbcUrl, dbtable: "nums", user: pg.user, password: pg.password + "x" }).load());
    expect(wrong.message).toMatch(/password authentication failed for user "sluice"/);
    expect(wrong.message).not.toContain(pg.password + "x");
    const missing = await failure(() => read("no_such_table"));
    expect(missing.message).toContain('relation "no_such_table" does not exist');
    expect(missing.context.sqlState).toBe("42P01");
    const bad = await failure(() => spark.read.format("jdbc").options({ url: pg.jdbcUrl, query: "SELEC 1", ...creds() }).load());
    expect(bad.message).toContain("syntax error");
    const refused = await failure(() => spark.read.format("jdbc").options({ url: `jdbc:postgresql://127.0.0.1:1/x`, dbtable: "t", ...creds() }).load());
    expect(refused.code).toBe("JDBC_ERROR");
  });

  it("refuses streaming reads, user schemas, paths and unknown options", async () => {
    expect((await failure(() => spark.readStream.format("jdbc").options({ url: pg.jdbcUrl, dbtable: "nums", ...creds() }).load())).code).toBe("STREAMING_NOT_SUPPORTED");
    expect((await failure(() => spark.read.format("jdbc").schema("id INT").options({ url: pg.jdbcUrl, dbtable: "nums", ...creds() }).load())).code).toBe("USER_SPECIFIED_SCHEMA_NOT_ALLOWED");
    expect((await failure(() => read("nums", { fetchSise: 10 }))).code).toBe("JDBC_UNKNOWN_OPTION");
    expect((await failure(spark.createDataFrame([{ id: 1 }], "id INT").write.format("jdbc").options({ url: pg.jdbcUrl, dbtable: "p", ...creds() }).save("some/path"))).code).toBe("JDBC_OPTION_CONFLICT");
  });

  it("explain() shows the table and server, not the credentials", () => {
    const plan = explain(spark.read.jdbc(`${pg.jdbcUrl}?password=${encodeURIComponent(pg.password)}`, "nums", { user: pg.user }));
    expect(plan).toContain(`JDBCRelation(nums) [numPartitions=1] postgresql://127.0.0.1:${pg.port}/sluice`);
    expect(plan).not.toContain(pg.password);
    expect(plan).not.toContain("password");
  });
});
