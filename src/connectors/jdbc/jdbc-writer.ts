/**
 * Batch writes of the `jdbc` format (Spark's JdbcRelationProvider.createRelation and
 * JdbcUtils.saveTable), on one connection:
 *   1. BEGIN with `isolationLevel` (NONE: every statement commits on its own, as autocommit);
 *   2. does the table exist? (to_regclass, so a name folds to lower case as in SQL);
 *   3. by save mode — table exists: append inserts; overwrite with truncate=true runs
 *      `TRUNCATE TABLE ONLY t` (CASCADE with cascadeTruncate) and inserts, without it drops and
 *      re-creates the table; errorifexists fails; ignore writes nothing. No table: create it
 *      (the DataFrame's columns with Spark's PostgreSQL types, createTableColumnTypes and
 *      createTableOptions applied) and insert;
 *   4. insert the rows `batchsize` at a time as multi-row INSERTs naming the table's columns
 *      (matched to the DataFrame's case-insensitively, as Spark's getInsertStatement);
 *   5. COMMIT — so, beyond Spark, a failed write leaves the table as it was (PostgreSQL's DDL
 *      is transactional), unless isolationLevel is NONE.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { analysisError, configError } from "../../common/errors.js";
import type { StructType } from "../../types/struct-type.js";
import { type JdbcWriteOptions, parseJdbcWriteOptions } from "./jdbc-options.js";
import { pgError, withClient } from "./pg-client.js";
import { pgTypeOf } from "./pg-types.js";
import { writeOnce } from "./idempotent-write.js";
import { createTableSql, insertRows, parseCreateTableColumnTypes, tableExists, targetColumns } from "./table-statements.js";

export type JdbcSaveMode = "append" | "overwrite" | "errorifexists" | "ignore";

const BEGIN: Record<JdbcWriteOptions["isolationLevel"], string | null> = {
  NONE: null,
  READ_UNCOMMITTED: "BEGIN ISOLATION LEVEL READ UNCOMMITTED",
  READ_COMMITTED: "BEGIN ISOLATION LEVEL READ COMMITTED",
  REPEATABLE_READ: "BEGIN ISOLATION LEVEL REPEATABLE READ",
  SERIALIZABLE: "BEGIN ISOLATION LEVEL SERIALIZABLE",
};

/** `df.write.format("jdbc").mode(m).save()`; returns the rows written. */
export async function saveJdbc(schema: StructType, batches: AsyncIterable<ColumnBatch>, mode: JdbcSaveMode, options: Readonly<Record<string, string>>, sessionZone: string): Promise<number> {
  const o = parseJdbcWriteOptions(options);
  // Checked before connecting: a bad option fails without touching the database.
  const columnTypes = o.createTableColumnTypes !== undefined ? parseCreateTableColumnTypes(o.createTableColumnTypes, schema) : new Map<string, string>();
  for (const f of schema.fields) if (!columnTypes.has(f.name)) pgTypeOf(f.type, f.name);
  const what = `writing table ${o.table}`;
  if (o.upsertKey.length > 0 || o.txn) {
    // Beyond Spark: an upsert and/or a write done once per (txnAppId, txnVersion).
    if (mode !== "append") throw configError("JDBC_OPTION_CONFLICT", `Options upsertKey, txnAppId and txnVersion write with mode("append"), got ${mode}`, { format: "jdbc", mode });
    for (const k of o.upsertKey) if (!schema.fields.some((f) => f.name === k)) throw analysisError("JDBC_COLUMN_NOT_FOUND", `upsertKey column ${k} is not a column of the DataFrame: ${schema.simpleString()}`, { column: k });
    const w = { table: o.table, schema, progressTable: o.progressTable, upsertKey: o.upsertKey, batchSize: o.batchSize, sessionZone, replace: false, ...(o.txn ? { txn: o.txn } : {}) };
    return withClient(o.connection, what, async (client) => (await writeOnce(client, w, batches)) ?? 0);
  }
  return withClient(o.connection, what, async (client) => {
    const begin = BEGIN[o.isolationLevel];
    if (begin) await client.query(begin);
    try {
      const exists = await tableExists(client, o.table);
      if (exists && mode === "errorifexists") {
        throw analysisError("TABLE_OR_VIEW_ALREADY_EXISTS", `Table or view '${o.table}' already exists. SaveMode: ErrorIfExists.`, { table: o.table });
      }
      if (exists && mode === "ignore") {
        if (begin) await client.query("ROLLBACK");
        return 0;
      }
      let columns = schema.fields.map((f) => f.name);
      if (exists && (mode === "append" || (mode === "overwrite" && o.truncate))) {
        if (mode === "overwrite") await client.query(`TRUNCATE TABLE ONLY ${o.table}${o.cascadeTruncate ? " CASCADE" : ""}`);
        columns = await targetColumns(client, o.table, schema);
      } else {
        if (exists) await client.query(`DROP TABLE ${o.table}`);
        await client.query(createTableSql(o.table, schema, columnTypes, o.createTableOptions));
      }
      const rows = await insertRows(client, { table: o.table, columns, schema, batchSize: o.batchSize, sessionZone }, batches);
      if (begin) await client.query("COMMIT");
      return rows;
    } catch (e) {
      if (begin) await client.query("ROLLBACK").catch(() => undefined);
      throw pgError(e, o.connection, what, { table: o.table });
    }
  });
}
