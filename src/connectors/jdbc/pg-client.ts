/**
 * Connections to PostgreSQL through node-postgres (`pg`), imported on first use so pipelines that
 * never touch a database do not load it. Every value comes back as PostgreSQL's text form
 * (pg-types parsing is switched off per query): pg-types.ts turns text into engine values with
 * Spark's types, keeping microseconds and 64-bit integers exact.
 *
 * Errors are wrapped into SluiceError with the server's SQLSTATE; the message is the server's
 * (PostgreSQL never echoes a password) and the context names the server, never credentials.
 */
import type { Client, ClientConfig } from "pg";
import { SluiceError } from "../../common/errors.js";
import { type ConnectionConfig, describeConnection } from "./jdbc-options.js";

/** The driver's config for `c` (also handed to the schema worker, sync-query.ts). */
export function clientConfig(c: ConnectionConfig): ClientConfig {
  return {
    host: c.host,
    port: c.port,
    database: c.database,
    application_name: c.applicationName,
    ...(c.user !== undefined ? { user: c.user } : {}),
    ...(c.password !== undefined ? { password: c.password } : {}),
    ...(c.ssl === "disable" ? {} : { ssl: c.ssl === "require" ? { rejectUnauthorized: false } : true }),
    ...(c.connectTimeoutSeconds ? { connectionTimeoutMillis: c.connectTimeoutSeconds * 1000 } : {}),
    // Timestamps with time zone print in UTC, so their text carries the instant unambiguously.
    options: `-c TimeZone=UTC${c.queryTimeoutSeconds > 0 ? ` -c statement_timeout=${c.queryTimeoutSeconds * 1000}` : ""}`,
  };
}

/** SQL run on every new connection: search_path (currentSchema), then sessionInitStatement. */
export function sessionSetup(c: ConnectionConfig): string[] {
  return [...(c.currentSchema !== undefined ? [`SET search_path TO ${c.currentSchema}`] : []), ...(c.sessionInitStatement !== undefined ? [c.sessionInitStatement] : [])];
}

/** Raw text for every type: the text form is what pg-types.ts parses. */
export const RAW_TEXT = { getTypeParser: () => (v: string) => v } as unknown as NonNullable<import("pg").QueryConfig["types"]>;

/** Wrap a driver or server error; `what` says what Sluice was doing (reading table t, ...). */
export function pgError(e: unknown, c: ConnectionConfig, what: string, extra: Record<string, string> = {}): SluiceError {
  if (e instanceof SluiceError) return e;
  const err = e as { message?: string; code?: string };
  const sqlState = typeof err.code === "string" && /^[0-9A-Z]{5}$/.test(err.code) ? err.code : undefined;
  let message = String(err.message ?? e);
  if (c.password) message = message.split(c.password).join("***");
  const kind = sqlState === undefined ? "io" : sqlState.startsWith("42") ? "analysis" : "execution";
  return new SluiceError(kind, "JDBC_ERROR", `PostgreSQL at ${describeConnection(c)} failed while ${what}: ${message}${sqlState ? ` (SQLSTATE ${sqlState})` : ""}`, { server: describeConnection(c), ...(sqlState ? { sqlState } : {}), ...extra }, { cause: sqlState ? undefined : e });
}

/** A connected client with the session set up; the caller ends it. */
export async function connect(c: ConnectionConfig, what: string): Promise<Client> {
  const pg = (await import("pg")).default;
  const client = new pg.Client(clientConfig(c));
  try {
    await client.connect();
    for (const sql of sessionSetup(c)) await client.query(sql);
  } catch (e) {
    await client.end().catch(() => undefined);
    throw pgError(e, c, what);
  }
  // An idle client whose server went away emits 'error'; the next query reports it instead.
  client.on("error", () => undefined);
  return client;
}

/** Run `fn` with a fresh connection, always closing it. */
export async function withClient<T>(c: ConnectionConfig, what: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(c, what);
  try {
    return await fn(client);
  } catch (e) {
    throw pgError(e, c, what);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `"name"` with embedded quotes doubled (PostgreSQL's quoteIdentifier in Spark's dialect). */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
