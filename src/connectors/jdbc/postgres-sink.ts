/**
 * The `postgres` streaming sink (beyond Spark, which has no streaming JDBC sink): exactly-once
 * into a PostgreSQL table. Each batch is one transaction that holds both its rows and its batch
 * id, so after a crash either both are there or neither is:
 *   1. BEGIN; lock this query's row of the progress table (`sluice_stream_progress` by default:
 *      query_id, table_name → batch_id), creating the progress table and the target table when
 *      they are missing (the target with Spark's PostgreSQL types and the upsert key as its
 *      primary key);
 *   2. a batch id at or below the recorded one was applied already: ROLLBACK, read nothing;
 *   3. otherwise write the rows — with `upsertKey`, INSERT ... ON CONFLICT (key) DO UPDATE (the
 *      last row of a key in the batch wins); without it, plain INSERTs (append); in complete
 *      mode the table is emptied first — record the batch id, COMMIT.
 * Update mode needs `upsertKey` (rows of a key replace the previous ones).
 */
import type { Client } from "pg";
import { configError } from "../../common/errors.js";
import { readStreamMetadata } from "../../streaming/checkpoint/stream-metadata-file.js";
import type { StructType } from "../../types/struct-type.js";
import type { BatchData, OutputMode, StreamSink } from "../api/sink.js";
import { type PostgresSinkOptions, describeConnection } from "./jdbc-options.js";
import { RAW_TEXT, connect, pgError, quoteIdent } from "./pg-client.js";
import { createTableSql, insertRows, tableExists, targetColumns } from "./jdbc-writer.js";

export class PostgresSink implements StreamSink {
  readonly description: string;
  readonly #o: PostgresSinkOptions;
  readonly #checkpointDir: string;
  readonly #sessionZone: string;
  #client: Client | undefined;
  #queryId: string | undefined;
  /** Rows written by the last batch (-1 when it was skipped as already applied). */
  lastOutputRows = -1;

  constructor(o: PostgresSinkOptions, schema: StructType, outputMode: OutputMode, checkpointDir: string, sessionZone: string) {
    if (outputMode === "update" && o.upsertKey.length === 0) {
      throw configError("POSTGRES_SINK_UPSERT_KEY_REQUIRED", `The postgres sink needs option("upsertKey", "col[,col...]") in update mode: each key's row replaces the previous one`, { format: "postgres", mode: "update" });
    }
    for (const k of o.upsertKey) {
      if (!schema.fields.some((f) => f.name === k)) throw configError("POSTGRES_SINK_UPSERT_KEY_NOT_FOUND", `upsertKey column ${k} is not a column of the stream: ${schema.simpleString()}`, { format: "postgres", column: k });
    }
    this.#o = o;
    this.#checkpointDir = checkpointDir;
    this.#sessionZone = sessionZone;
    this.description = `PostgresSink[${o.table} at ${describeConnection(o.connection)}${o.upsertKey.length > 0 ? `, upsertKey=${o.upsertKey.join(",")}` : ""}]`;
  }

  async addBatch(batchId: number, data: BatchData, outputMode: OutputMode): Promise<void> {
    const o = this.#o;
    const what = `writing batch ${batchId} to ${o.table}`;
    this.#queryId ??= readStreamMetadata(this.#checkpointDir).id;
    this.#client ??= await connect(o.connection, what);
    const client = this.#client;
    try {
      await client.query("BEGIN ISOLATION LEVEL READ COMMITTED");
      const last = await this.#lockProgress(client);
      if (last !== null && last >= batchId) {
        await client.query("ROLLBACK");
        this.lastOutputRows = -1;
        return;
      }
      const created = !(await tableExists(client, o.table)) && (await createOnce(client, createTableSql(o.table, data.schema, new Map(), "", o.upsertKey)));
      if (!created && outputMode === "complete") await client.query(`DELETE FROM ${o.table}`);
      const columns = await targetColumns(client, o.table, data.schema);
      const keyIdx = o.upsertKey.map((k) => data.schema.fields.findIndex((f) => f.name === k));
      const others = columns.filter((_, i) => !keyIdx.includes(i));
      const conflict =
        keyIdx.length === 0
          ? undefined
          : `ON CONFLICT (${keyIdx.map((i) => quoteIdent(columns[i]!)).join(", ")}) DO ${others.length === 0 ? "NOTHING" : `UPDATE SET ${others.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(", ")}`}`;
      this.lastOutputRows = await insertRows(
        client,
        { table: o.table, columns, schema: data.schema, batchSize: o.batchSize, sessionZone: this.#sessionZone, ...(conflict ? { conflict, prepare: (rows) => lastPerKey(rows, keyIdx) } : {}) },
        data.batches,
      );
      await client.query({ text: `UPDATE ${o.progressTable} SET batch_id = $3 WHERE query_id = $1 AND table_name = $2`, values: [this.#queryId, o.table, batchId] });
      await client.query("COMMIT");
    } catch (e) {
      // The connection may be broken; a new one is made for the batch's re-run.
      this.#client = undefined;
      await client.query("ROLLBACK").catch(() => undefined);
      await client.end().catch(() => undefined);
      throw pgError(e, o.connection, what, { table: o.table });
    }
  }

  /** Lock (creating when missing) this query's progress row; the last applied batch id or null. */
  async #lockProgress(client: Client): Promise<number | null> {
    const t = this.#o.progressTable;
    if (!(await tableExists(client, t))) await createOnce(client, `CREATE TABLE ${t} (query_id TEXT NOT NULL, table_name TEXT NOT NULL, batch_id BIGINT, PRIMARY KEY (query_id, table_name))`);
    await client.query({ text: `INSERT INTO ${t} (query_id, table_name, batch_id) VALUES ($1, $2, NULL) ON CONFLICT DO NOTHING`, values: [this.#queryId, this.#o.table] });
    const r = await client.query({ text: `SELECT batch_id FROM ${t} WHERE query_id = $1 AND table_name = $2 FOR UPDATE`, values: [this.#queryId, this.#o.table], rowMode: "array", types: RAW_TEXT });
    const v = r.rows[0]?.[0] as string | null | undefined;
    return v === null || v === undefined ? null : Number(v);
  }

  async stop(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => undefined);
  }
}

/**
 * Create `table` unless another session did first: concurrent creators can collide in
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
