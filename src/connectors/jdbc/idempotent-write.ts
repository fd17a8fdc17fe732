/**
 * One exactly-once write into PostgreSQL: the rows and the writer's version (a micro-batch id)
 * commit in one transaction, and a version already applied is skipped. Used by the `postgres`
 * streaming sink (appId = the query id) and by batch writes with `txnAppId` / `txnVersion`
 * (the names of Delta's idempotent foreachBatch writes), e.g. inside foreachBatch.
 *   1. BEGIN; lock the writer's row of the progress table (query_id = the app id, table_name →
 *      batch_id), creating the progress table when missing (without an app id: no steps 1, 2);
 *   2. a version at or below the recorded one was applied already: ROLLBACK, read nothing;
 *   3. create the target table when missing (Spark's PostgreSQL types, the upsert key as primary
 *      key); in complete mode empty it;
 *   4. write the rows — with an upsert key, INSERT ... ON CONFLICT (key) DO UPDATE (the last row
 *      of a key wins); without, plain INSERTs — record the version, COMMIT.
 */
import type { Client } from "pg";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";
import { RAW_TEXT, quoteIdent } from "./pg-client.js";
import { createTableSql, insertRows, tableExists, targetColumns } from "./table-statements.js";

export interface IdempotentWrite {
  readonly table: string;
  readonly schema: StructType;
  readonly progressTable: string;
  /** Whose version this is (the streaming query's id, or txnAppId); without it, no skipping. */
  readonly txn?: { readonly appId: string; readonly version: number };
  readonly upsertKey: readonly string[];
  readonly batchSize: number;
  readonly sessionZone: string;
  /** Replace the table's rows (complete output mode). */
  readonly replace: boolean;
}

/** Run the write in its own transaction; the rows written, or null when the version was applied before. */
export async function writeOnce(client: Client, w: IdempotentWrite, batches: AsyncIterable<ColumnBatch> | readonly ColumnBatch[]): Promise<number | null> {
  await client.query("BEGIN ISOLATION LEVEL READ COMMITTED");
  try {
    const last = w.txn ? await lockProgress(client, w.progressTable, w.txn.appId, w.table) : null;
    if (w.txn && last !== null && last >= w.txn.version) {
      await client.query("ROLLBACK");
      return null;
    }
    const created = !(await tableExists(client, w.table)) && (await createOnce(client, createTableSql(w.table, w.schema, new Map(), "", w.upsertKey)));
    if (!created && w.replace) await client.query(`DELETE FROM ${w.table}`);
    const columns = await targetColumns(client, w.table, w.schema);
    const keyIdx = w.upsertKey.map((k) => w.schema.fields.findIndex((f) => f.name === k));
    const others = columns.filter((_, i) => !keyIdx.includes(i));
    const conflict = `ON CONFLICT (${keyIdx.map((i) => quoteIdent(columns[i]!)).join(", ")}) DO ${others.length === 0 ? "NOTHING" : `UPDATE SET ${others.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(", ")}`}`;
    const rows = await insertRows(
      client,
      { table: w.table, columns, schema: w.schema, batchSize: w.batchSize, sessionZone: w.sessionZone, ...(keyIdx.length > 0 ? { conflict, prepare: (r: unknown[][]) => lastPerKey(r, keyIdx) } : {}) },
      batches,
    );
    if (w.txn) await client.query({ text: `UPDATE ${w.progressTable} SET batch_id = $3 WHERE query_id = $1 AND table_name = $2`, values: [w.txn.appId, w.table, w.txn.version] });
    await client.query("COMMIT");
    return rows;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}

/** Lock (creating when missing) the writer's progress row; the last applied version or null. */
async function lockProgress(client: Client, t: string, appId: string, table: string): Promise<number | null> {
  if (!(await tableExists(client, t))) await createOnce(client, `CREATE TABLE ${t} (query_id TEXT NOT NULL, table_name TEXT NOT NULL, batch_id BIGINT, PRIMARY KEY (query_id, table_name))`);
  await client.query({ text: `INSERT INTO ${t} (query_id, table_name, batch_id) VALUES ($1, $2, NULL) ON CONFLICT DO NOTHING`, values: [appId, table] });
  const r = await client.query({ text: `SELECT batch_id FROM ${t} WHERE query_id = $1 AND table_name = $2 FOR UPDATE`, values: [appId, table], rowMode: "array", types: RAW_TEXT });
  const v = r.rows[0]?.[0] as string | null | undefined;
  return v === null || v === undefined ? null : Number(v);
}

/**
 * Create a table unless another session did first: concurrent creators can collide in
 * PostgreSQL's catalog (42P07 duplicate table, or 23505 on pg_type) even with IF NOT EXISTS, so
 * the CREATE runs under a savepoint and a collision counts as "exists". Returns whether this
 * call created it.
 */
async function createOnce(client: Client, ddl: string): Promise<boolean> {
  await client.query("SAVEPOINT sluice_create");
  try {
    await client.query(ddl);
    await client.query("RELEASE SAVEPOINT sluice_create");
    return true;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== "42P07" && code !== "23505") throw e;
    await client.query("ROLLBACK TO SAVEPOINT sluice_create");
    return false;
  }
}

/** The rows of a chunk with one row per key, the last one (ON CONFLICT may touch a row only once per statement). */
function lastPerKey(rows: unknown[][], keyIdx: readonly number[]): unknown[][] {
  const byKey = new Map<string, number>();
  rows.forEach((r, i) => byKey.set(JSON.stringify(keyIdx.map((k) => (typeof r[k] === "bigint" ? String(r[k]) : r[k]))), i));
  if (byKey.size === rows.length) return rows;
  const keep = new Set(byKey.values());
  return rows.filter((_, i) => keep.has(i));
}
