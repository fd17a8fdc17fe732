import { describe, expect, it } from "vitest";
import { SluiceError } from "../../common/errors.js";
import { parseJdbcReadOptions, parseJdbcWriteOptions, parsePostgresSinkOptions } from "./jdbc-options.js";

const url = "jdbc:postgresql://db.example:6543/shop?user=alice&password=s3cret-pw";

function error(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SluiceError);
    // A password never appears in an error, whatever went wrong.
    expect(JSON.stringify({ m: (e as Error).message, c: (e as SluiceError).context })).not.toContain("s3cret-pw");
    return e as SluiceError;
  }
  throw new Error("expected an error");
}

describe("JDBC options (Spark's JDBCOptions names and rules)", () => {
  it("reads the URL's server, database and properties; options override them", () => {
    const o = parseJdbcReadOptions({ url, dbtable: "orders", User: "bob", fetchsize: "100" });
    expect(o.connection).toMatchObject({ host: "db.example", port: 6543, database: "shop", user: "bob", password: "s3cret-pw", ssl: "disable" });
    expect(o).toMatchObject({ table: "orders", tableOrQuery: "orders", fetchSize: 100, pushDownPredicate: true });
    expect(parseJdbcReadOptions({ url: "jdbc:postgresql:shop", query: "SELECT 1 AS x" })).toMatchObject({ table: "(SELECT 1 AS x) SPARK_GEN_SUBQ_0", connection: { host: "localhost", port: 5432, database: "shop" } });
  });

  it("reports every unknown key at once, and Spark options Sluice lacks by name", () => {
    const e = error(() => parseJdbcReadOptions({ url, dbtable: "t", fetchSise: "1", partitionColum: "id" }));
    expect(e.code).toBe("JDBC_UNKNOWN_OPTION");
    expect(e.message).toContain("fetchSise, partitionColum");
    expect(error(() => parseJdbcReadOptions({ url, dbtable: "t", customSchema: "id INT" })).code).toBe("JDBC_OPTION_NOT_SUPPORTED");
    expect(error(() => parseJdbcReadOptions({ url: url + "&sslfactory=x", dbtable: "t" })).message).toContain("sslfactory");
  });

  it("keeps Spark's rules for dbtable, query and the partitioning options", () => {
    expect(error(() => parseJdbcReadOptions({ dbtable: "t" })).message).toContain("Option 'url' is required");
    expect(error(() => parseJdbcReadOptions({ url })).message).toBe("Option 'dbtable' or 'query' is required.");
    expect(error(() => parseJdbcReadOptions({ url, dbtable: "t", query: "SELECT 1" })).message).toBe("Both 'dbtable' and 'query' can not be specified at the same time.");
    expect(error(() => parseJdbcReadOptions({ url, query: "SELECT 1", partitionColumn: "id", lowerBound: "0", upperBound: "9", numPartitions: "2" })).message).toContain("Options 'query' and 'partitionColumn' can not be specified together");
    expect(error(() => parseJdbcReadOptions({ url, dbtable: "t", partitionColumn: "id", lowerBound: "0" })).message).toContain("missing: upperBound, numPartitions");
    expect(error(() => parseJdbcReadOptions({ url, dbtable: "t", fetchsize: "-1" })).message).toContain("the minimum value is 0");
    expect(error(() => parseJdbcReadOptions({ url, dbtable: "t", pushDownPredicate: "maybe" })).message).toContain("pushDownPredicate");
  });

  it("accepts only PostgreSQL URLs and the PostgreSQL driver", () => {
    expect(error(() => parseJdbcReadOptions({ url: "jdbc:mysql://h/db", dbtable: "t" })).code).toBe("JDBC_UNSUPPORTED_DATABASE");
    expect(error(() => parseJdbcReadOptions({ url: "postgres://h/db", dbtable: "t" })).code).toBe("JDBC_INVALID_OPTION");
    expect(error(() => parseJdbcReadOptions({ url, dbtable: "t", driver: "com.mysql.Driver" })).code).toBe("JDBC_UNSUPPORTED_DRIVER");
    expect(parseJdbcReadOptions({ url, dbtable: "t", driver: "org.postgresql.Driver" }).table).toBe("t");
  });

  it("parses write options with Spark's defaults and refuses query and bad isolation levels", () => {
    expect(parseJdbcWriteOptions({ url, dbtable: "t" })).toMatchObject({ batchSize: 1000, truncate: false, cascadeTruncate: false, isolationLevel: "READ_UNCOMMITTED", createTableOptions: "" });
    expect(parseJdbcWriteOptions({ url, dbtable: "t", isolationLevel: "serializable", batchsize: "10", truncate: "true" })).toMatchObject({ isolationLevel: "SERIALIZABLE", batchSize: 10, truncate: true });
    expect(error(() => parseJdbcWriteOptions({ url, dbtable: "t", isolationLevel: "SNAPSHOT" })).message).toContain("NONE, READ_UNCOMMITTED, READ_COMMITTED, REPEATABLE_READ or SERIALIZABLE");
    expect(error(() => parseJdbcWriteOptions({ url, dbtable: "t", batchsize: "0" })).message).toContain("the minimum value is 1");
    expect(error(() => parseJdbcWriteOptions({ url, query: "SELECT 1" })).code).toBe("JDBC_OPTION_CONFLICT");
    expect(error(() => parseJdbcWriteOptions({ url, dbtable: "t", fetchsize: "10" })).code).toBe("JDBC_UNKNOWN_OPTION");
  });

  it("parses the postgres sink's upsert key", () => {
    expect(parsePostgresSinkOptions({ url, dbtable: "features", upsertKey: "user_id, day" })).toMatchObject({ upsertKey: ["user_id", "day"], progressTable: "sluice_stream_progress" });
    expect(parsePostgresSinkOptions({ url, dbtable: "features" }).upsertKey).toEqual([]);
    expect(error(() => parsePostgresSinkOptions({ url, dbtable: "f", upsertKey: "a,,b" })).code).toBe("JDBC_INVALID_OPTION");
    expect(error(() => parsePostgresSinkOptions({ url, upsertKey: "id" })).message).toContain("Option 'dbtable' is required");
  });
});
