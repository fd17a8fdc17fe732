/**
 * PySpark parity for the jdbc format: the same PostgreSQL tables read by PySpark 4.0.1 with the
 * PostgreSQL JDBC driver, and the same DataFrame written by it (recorded by
 * scripts/oracle/gen_jdbc.py into golden/jdbc_parity.json), against Sluice on a fresh cluster.
 * Values are compared as Spark's CAST(... AS STRING) texts (hex for binary), computed by each engine.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { type PostgresServer, startPostgres } from "../support/postgres-server.js";

interface Golden {
  read: { schema: string; nullable: boolean[]; rows: Record<string, string | null>[] };
  readPreferTimestampNTZ: { schema: string; rows: Record<string, string | null>[] };
  write: { sql: string[]; columnTypes: string[]; rows: string[] };
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "golden", "jdbc_parity.json"), "utf8")) as Golden;
let pg: PostgresServer;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

beforeAll(async () => {
  pg = await startPostgres();
  pg.psql(readFileSync(join(import.meta.dirname, "golden", "pgtypes.sql"), "utf8"));
}, 120_000);
afterAll(async () => {
  await spark.stop();
  await pg?.stop();
});

describe("PySpark 4.0.1 parity (PostgreSQL JDBC driver)", () => {
  it("reads PostgreSQL types into the schema and values PySpark reads", async () => {
    const df = spark.read.jdbc(pg.jdbcUrl, "pgtypes", { user: pg.user, password: pg.password });
    expect(df.schema.simpleString()).toBe(golden.read.schema);
    expect(df.schema.fields.map((f) => f.nullable)).toEqual(golden.read.nullable);
    const texts = df.schema.fields.map((f) => (f.type.kind === "binary" ? `hex(\`${f.name}\`) AS \`${f.name}\`` : `CAST(\`${f.name}\` AS STRING) AS \`${f.name}\``));
    const rows = await df.selectExpr(...texts).orderBy("id").collect();
    expect(rows).toEqual(golden.read.rows);
  });

  it("reads timestamp and time as TIMESTAMP_NTZ with preferTimestampNTZ, timestamptz still as TIMESTAMP", async () => {
    const df = spark.read.option("preferTimestampNTZ", "true").jdbc(pg.jdbcUrl, "pgtypes", { user: pg.user, password: pg.password });
    expect(df.schema.simpleString()).toBe(golden.readPreferTimestampNTZ.schema);
    const rows = await df.selectExpr("CAST(id AS STRING) AS id", "CAST(ts AS STRING) AS ts", "CAST(tz AS STRING) AS tz", "CAST(tm AS STRING) AS tm").orderBy("id").collect();
    expect(rows).toEqual(golden.readPreferTimestampNTZ.rows);
  });

  it("writes the column types and rows PySpark writes", async () => {
    const df = spark.sql(golden.write.sql.join(" UNION ALL "));
    await df.write.jdbc(pg.jdbcUrl, "sluice_written", "overwrite", { user: pg.user, password: pg.password });
    const types = pg.psql("SELECT attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' NOT NULL' ELSE '' END FROM pg_attribute WHERE attrelid = 'sluice_written'::regclass AND attnum > 0 ORDER BY attnum");
    expect(types.trim().split("\n")).toEqual(golden.write.columnTypes);
    expect(pg.psql("SELECT * FROM sluice_written ORDER BY id").trim().split("\n")).toEqual(golden.write.rows);
  });
});
