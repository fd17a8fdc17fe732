/**
 * A relation's columns described synchronously, for analysis: a DataFrame resolves its
 * schema when it is built (as Spark's JDBCRelation asks the database at `load()`), and the
 * analyzer is synchronous. The queries run on a worker thread with node-postgres while this
 * thread waits on an Atomics cell; the worker posts its answer on a MessageChannel that is read
 * with receiveMessageOnPort.
 *   1. start the worker with the driver's path, the connection config and the query;
 *   2. the worker connects, runs the query, looks its columns' types up in pg_type and their
 *      NOT NULL flags in pg_attribute, posts the columns (or the error's message and SQLSTATE),
 *      sets the cell and ends;
 *   3. this thread wakes, reads the message, and terminates the worker.
 */
import { createRequire } from "node:module";
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import { SluiceError } from "../../common/errors.js";
import type { ConnectionConfig } from "./jdbc-options.js";
import { clientConfig, pgError, sessionSetup } from "./pg-client.js";

/** A column of a relation as PostgreSQL describes it: its type, and whether it is NOT NULL. */
export interface DescribedColumn {
  readonly name: string;
  readonly dataTypeID: number;
  /** The type modifier (numeric precision and scale, varchar length); -1 when none. */
  readonly dataTypeModifier: number;
  readonly tableID: number;
  readonly columnID: number;
  /** pg_type.typname; for a domain, its base type's name (as the JDBC driver reports it). */
  readonly typeName: string;
  /** The element type's name when the column is an array, else "". */
  readonly elementTypeName: string;
  /** pg_type.typtype of the (base) type: b base, e enum, c composite, r range, ... */
  readonly typeType: string;
  /** The column is a table column declared NOT NULL. */
  readonly notNull: boolean;
}

// Plain JavaScript: runs in the worker without the TypeScript loader.
const WORKER = `
const { workerData } = require("node:worker_threads");
const { pgPath, config, setup, sql, cell, port } = workerData;
const TYPES = "SELECT t.oid::text, COALESCE(b.typname, t.typname), COALESCE(e.typname, ''), COALESCE(b.typtype, t.typtype)::text FROM pg_type t LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype LEFT JOIN pg_type e ON t.typcategory = 'A' AND e.oid = t.typelem WHERE t.oid::text = ANY($1::text[])";
const NOT_NULL = "SELECT attrelid::text, attnum::text FROM pg_attribute WHERE attrelid::text = ANY($1::text[]) AND attnum > 0 AND attnotnull";
const pg = require(pgPath);
const raw = { getTypeParser: () => (v) => v };
(async () => {
  const client = new pg.Client(config);
  client.on("error", () => undefined);
  try {
    await client.connect();
    for (const s of setup) await client.query(s);
    const r = await client.query({ text: sql, rowMode: "array", types: raw });
    const oids = [...new Set(r.fields.map((f) => String(f.dataTypeID)))];
    const types = await client.query({ text: TYPES, values: [oids], rowMode: "array", types: raw });
    const byOid = new Map(types.rows.map((t) => [t[0], t]));
    const tables = [...new Set(r.fields.filter((f) => f.tableID).map((f) => String(f.tableID)))];
    const nn = tables.length === 0 ? [] : (await client.query({ text: NOT_NULL, values: [tables], rowMode: "array", types: raw })).rows;
    const notNull = new Set(nn.map((x) => x[0] + "." + x[1]));
    port.postMessage({ ok: r.fields.map((f) => {
      const t = byOid.get(String(f.dataTypeID)) ?? [];
      return { name: f.name, dataTypeID: f.dataTypeID, dataTypeModifier: f.dataTypeModifier, tableID: f.tableID, columnID: f.columnID,
        typeName: t[1] ?? "", elementTypeName: t[2] ?? "", typeType: t[3] ?? "", notNull: notNull.has(f.tableID + "." + f.columnID) };
    }) });
  } catch (e) {
    port.postMessage({ error: { message: String(e && e.message || e), code: e && e.code } });
  } finally {
    await client.end().catch(() => undefined);
    Atomics.store(cell, 0, 1);
    Atomics.notify(cell, 0);
  }
})();
`;

/** The columns `sql` returns (it is run as given: make it return no rows), described synchronously. */
export function describeSync(c: ConnectionConfig, sql: string, what: string, timeoutMs = 120_000): DescribedColumn[] {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const pgPath = createRequire(import.meta.url).resolve("pg");
  const worker = new Worker(WORKER, { eval: true, workerData: { pgPath, config: clientConfig(c), setup: sessionSetup(c), sql, cell, port: port2 }, transferList: [port2] });
  try {
    if (Atomics.wait(cell, 0, 0, timeoutMs) === "timed-out") {
      throw new SluiceError("io", "JDBC_TIMEOUT", `PostgreSQL did not answer within ${timeoutMs / 1000} s while ${what}`, { server: `${c.host}:${c.port}` });
    }
    const msg = receiveMessageOnPort(port1)?.message as { ok?: DescribedColumn[]; error?: { message: string; code?: string } } | undefined;
    if (!msg?.ok) throw pgError(msg?.error ?? new Error("the schema worker ended without an answer"), c, what);
    return msg.ok;
  } finally {
    port1.close();
    void worker.terminate();
  }
}
