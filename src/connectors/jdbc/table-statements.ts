/**
 * The statements every PostgreSQL write is made of: CREATE TABLE with Spark's column types
 * (createTableColumnTypes applied), does the table exist, the table's columns for the
 * DataFrame's (case-insensitive, as Spark's getInsertStatement), and batched multi-row INSERTs.
 */
import type { Client } from "pg";
import { type ColumnBatch, getValue } from "../../columnar/column-batch.js";
import { analysisError, configError } from "../../common/errors.js";
import type { StructType } from "../../types/struct-type.js";
import { RAW_TEXT, quoteIdent } from "./pg-client.js";
import { encoderFor, pgTypeOf } from "./pg-types.js";

/** PostgreSQL accepts at most 65535 parameters in one statement. */
const MAX_PARAMS = 65_535;

/** Column types from createTableColumnTypes (`"name VARCHAR(100), c2 CHAR(4)"`), checked against the schema. */
export function parseCreateTableColumnTypes(text: string, schema: StructType): Map<string, string> {
  const out = new Map<string, string>();
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) (parts.push(cur), (cur = ""));
    else cur += ch;
  }
  parts.push(cur);
  for (const part of parts.map((p) => p.trim())) {
    const m = /^(`[^`]+`|"[^"]+"|[A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/s.exec(part);
    if (!m) throw configError("JDBC_INVALID_OPTION", `Invalid value for option 'createTableColumnTypes': expected "column TYPE, ...", got '${part}'`, { option: "createTableColumnTypes" });
    const name = m[1]!.replace(/^[`"]|[`"]$/g, "");
    const field = schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!field) throw analysisError("JDBC_COLUMN_NOT_FOUND", `createTableColumnTypes option column ${name} not found in schema ${schema.simpleString()}`, { option: "createTableColumnTypes", column: name });
    if (out.has(field.name)) throw analysisError("JDBC_DUPLICATE_COLUMN", `Found duplicate column(s) in the createTableColumnTypes option value: ${name}`, { option: "createTableColumnTypes", column: name });
    out.set(field.name, m[2]!.trim().replace(/\s+/g, " ").toLowerCase());
  }
  return out;
}

/** `CREATE TABLE t ("a" INTEGER NOT NULL, ...) <createTableOptions>` (Spark's JdbcUtils.createTable). */
export function createTableSql(table: string, schema: StructType, columnTypes: ReadonlyMap<string, string>, tableOptions: string, primaryKey: readonly string[] = []): string {
  const cols = schema.fields.map((f) => `${quoteIdent(f.name)} ${columnTypes.get(f.name) ?? pgTypeOf(f.type, f.name)}${f.nullable ? "" : " NOT NULL"}`);
  if (primaryKey.length > 0) cols.push(`PRIMARY KEY (${primaryKey.map(quoteIdent).join(", ")})`);
  return `CREATE TABLE ${table} (${cols.join(", ")}) ${tableOptions}`.trimEnd();
}

/** Whether `table` exists (to_regclass resolves it as SQL would, on the search path). */
export async function tableExists(client: Client, table: string): Promise<boolean> {
  const r = await client.query({ text: "SELECT to_regclass($1) IS NOT NULL", values: [table], rowMode: "array", types: RAW_TEXT });
  return r.rows[0]?.[0] === "t";
}

/** The table's column names for the DataFrame's columns (case-insensitive), refusing missing ones. */
export async function targetColumns(client: Client, table: string, schema: StructType): Promise<string[]> {
  const r = await client.query({ text: `SELECT * FROM ${table} WHERE 1=0`, rowMode: "array", types: RAW_TEXT });
  const names = r.fields.map((f) => f.name);
  return schema.fields.map((f) => {
    const hit = names.find((n) => n === f.name) ?? names.find((n) => n.toLowerCase() === f.name.toLowerCase());
    if (hit === undefined) throw analysisError("JDBC_COLUMN_NOT_FOUND", `Column "${f.name}" not found in the columns of table ${table}: ${names.join(", ")}`, { table, column: f.name });
    return hit;
  });
}

/**
 * INSERT the rows of `batches` into `columns` of `table`, `batchSize` rows per statement (fewer
 * when the parameter limit says so); `conflict` is appended to each INSERT (an upsert's ON
 * CONFLICT clause); `prepare` may reorder or drop a chunk's rows first. Returns the rows sent.
 */
export async function insertRows(
  client: Client,
  spec: { readonly table: string; readonly columns: readonly string[]; readonly schema: StructType; readonly batchSize: number; readonly sessionZone: string; readonly conflict?: string; readonly prepare?: (rows: unknown[][]) => unknown[][] },
  batches: AsyncIterable<ColumnBatch> | readonly ColumnBatch[],
): Promise<number> {
  const n = spec.columns.length;
  const chunk = Math.max(1, Math.min(spec.batchSize, Math.floor(MAX_PARAMS / Math.max(n, 1))));
  const encoders = spec.schema.fields.map((f) => encoderFor(f.type, spec.sessionZone));
  const head = `INSERT INTO ${spec.table} (${spec.columns.map(quoteIdent).join(", ")}) VALUES `;
  let pending: unknown[][] = [];
  let sent = 0;
  const flush = async (): Promise<void> => {
    const rows = spec.prepare ? spec.prepare(pending) : pending;
    pending = [];
    if (rows.length === 0) return;
    const values: (string | null)[] = [];
    const tuples = rows.map((row) => `(${row.map((v, j) => (values.push(v === null || v === undefined ? null : encoders[j]!(v)), `$${values.length}`)).join(", ")})`);
    await client.query({ text: head + tuples.join(", ") + (spec.conflict ? ` ${spec.conflict}` : ""), values });
    sent += rows.length;
  };
  for await (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      pending.push(b.columns.map((c) => getValue(c, i)));
      if (pending.length >= chunk) await flush();
    }
  }
  await flush();
  return sent;
}
