/**
 * A relation's columns described synchronously, for analysis: a DataFrame resolves its
 * schema when it is built (as Spark's JDBCRelation asks the database at `load()`), and the
 * analyzer is synchronous. The queries run on a worker thread with node-postgres while this
 * thread waits on an Atomics cell; the worker posts its answer on a MessageChannel that is read
 * with receiveMessageOnPort.
 *   1. start the worker with the driver's path, the connection config and the query;
 *   2. the worker connects, runs the query, looks its columns' types up in pg_type, posts the
 *      columns (or the error's message and SQLSTATE), sets the cell and ends;
 *   3. this thread wakes, reads the message, and terminates the worker.
 */
import { createRequire } from "node:module";
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import { SluiceError } from "../../common/errors.js";
import type { ConnectionConfig } from "./jdbc-options.js";
import { clientConfig, pgError, sessionSetup } from "./pg-client.js";

/** A column of a relation as PostgreSQL describes it: its name and type. */
export interface DescribedColumn {
  readonly name: string;
  readonly dataTypeID: number;
  /** The type modifier (numeric precision and scale, varchar length); -1 when none. */
  readonly dataTypeModifier: number;
  /** pg_type.typname; for a domain, its base type's name (as the JDBC driver reports it). */
  readonly typeName: string;
  /** The element type's name when the column is an array, else "". */
  readonly elementTypeName: string;
}

// Plain JavaScript: runs in the worker without the TypeScript loader.
const WORKER = `
const { workerData } = require("node:worker_threads");
const { pgPath, config, setup, sql, cell, port } = workerData;
const TYPES = "SELECT t.oid::text, COALESCE(b.typname, t.typname), COALESCE(e.typname, '') FROM pg_type t LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype LEFT JOIN pg_type e ON t.typcategory = 'A' AND e.oid = t.typelem WHERE t.oid::text = ANY($1::text[])";
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
    port.postMessage({ ok: r.fields.map((f) => {
      const t = byOid.get(String(f.dataTypeID)) ?? [];
      return { name: f.name, dataTypeID: f.dataTypeID, dataTypeModifier: f.dataTypeModifier,
        typeName: t[1] ?? "", elementTypeName: t[2] ?? "" };
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
