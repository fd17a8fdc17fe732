/**
 * Options of the `jdbc` data source (Spark's JDBCOptions / JdbcOptionsInWrite names) and of the
 * `postgres` streaming sink, parsed once into typed values. Keys match case-insensitively, as
 * in Spark. Every key Sluice does not know is reported at once, by name; values are never put
 * in an error (a password could be among them).
 *
 * The URL is PostgreSQL's JDBC form, `jdbc:postgresql://host[:port][/database][?prop=value&...]`
 * (or `jdbc:postgresql:database`); its properties and the options share one namespace, as in
 * the PostgreSQL JDBC driver, and options win.
 */
import { configError, unsupported } from "../../common/errors.js";

/** Where and how to connect (what the driver needs); `password` never leaves this object. */
export interface ConnectionConfig {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user?: string;
  readonly password?: string;
  /** sslmode: disable (default) | require (encrypted, certificate not checked) | verify-full. */
  readonly ssl: "disable" | "require" | "verify-full";
  readonly currentSchema?: string;
  readonly applicationName: string;
  readonly connectTimeoutSeconds?: number;
  /** sessionInitStatement: run on every new connection before anything else. */
  readonly sessionInitStatement?: string;
  /** queryTimeout (seconds, 0 = none) as the session's statement_timeout. */
  readonly queryTimeoutSeconds: number;
}

export type IsolationLevel = "NONE" | "READ_UNCOMMITTED" | "READ_COMMITTED" | "REPEATABLE_READ" | "SERIALIZABLE";

export interface JdbcReadOptions {
  readonly connection: ConnectionConfig;
  /** The FROM item: the dbtable text, or `(query) SPARK_GEN_SUBQ_0`. */
  readonly table: string;
  /** What explain() and errors show: dbtable or the query (never credentials). */
  readonly tableOrQuery: string;
  readonly partitioning?: { readonly column: string; readonly lowerBound: string; readonly upperBound: string; readonly numPartitions: number };
  readonly fetchSize: number;
  readonly pushDownPredicate: boolean;
  /** preferTimestampNTZ: PostgreSQL's timestamp and time (without a zone) read as TIMESTAMP_NTZ. */
  readonly preferTimestampNTZ: boolean;
}

export interface JdbcWriteOptions {
  readonly connection: ConnectionConfig;
  readonly table: string;
  readonly batchSize: number;
  readonly truncate: boolean;
  readonly cascadeTruncate: boolean;
  readonly createTableColumnTypes?: string;
  readonly createTableOptions: string;
  readonly isolationLevel: IsolationLevel;
  /** Beyond Spark: upsert by these columns (ON CONFLICT), append mode only. */
  readonly upsertKey: readonly string[];
  /** Beyond Spark (Delta's names): skip the write when this app already wrote this version. */
  readonly txn?: { readonly appId: string; readonly version: number };
  readonly progressTable: string;
}

export interface PostgresSinkOptions {
  readonly connection: ConnectionConfig;
  readonly table: string;
  readonly upsertKey: readonly string[];
  readonly batchSize: number;
  readonly progressTable: string;
}

/** Connection keys, valid in the URL's query string and as options (the PostgreSQL driver's names). */
const CONNECTION_KEYS = ["user", "password", "ssl", "sslmode", "currentSchema", "ApplicationName", "connectTimeout"];
const COMMON_KEYS = ["url", "driver", "dbtable", "sessionInitStatement", "queryTimeout", ...CONNECTION_KEYS];
const READ_KEYS = [...COMMON_KEYS, "query", "partitionColumn", "lowerBound", "upperBound", "numPartitions", "fetchsize", "pushDownPredicate", "preferTimestampNTZ"];
const WRITE_KEYS = [...COMMON_KEYS, "batchsize", "truncate", "cascadeTruncate", "createTableColumnTypes", "createTableOptions", "isolationLevel", "numPartitions", "upsertKey", "txnAppId", "txnVersion", "progressTable"];
/** The stream writer's own keys reach the sink's options too. */
const SINK_KEYS = [...COMMON_KEYS, "upsertKey", "batchsize", "progressTable", "checkpointLocation"];
/** Spark JDBC options Sluice does not implement: refused by name rather than ignored. */
const SPARK_ONLY_KEYS = [
  "customSchema", "prepareQuery", "pushDownAggregate", "pushDownLimit", "pushDownOffset", "pushDownTableSample", "keytab", "principal",
  "refreshKrb5Config", "connectionProvider", "hint",
];
const DRIVER = "org.postgresql.Driver";

type Use = "read" | "write" | "sink";
const KEYS: Record<Use, readonly string[]> = { read: READ_KEYS, write: WRITE_KEYS, sink: SINK_KEYS };
const FORMAT: Record<Use, string> = { read: "jdbc", write: "jdbc", sink: "postgres" };

/** Lower-cased view of the options, after refusing unknown and unsupported keys (all at once). */
function checkKeys(options: Readonly<Record<string, string>>, use: Use): Map<string, string> {
  const known = new Map(KEYS[use].map((k) => [k.toLowerCase(), k]));
  const sparkOnly = new Set(SPARK_ONLY_KEYS.map((k) => k.toLowerCase()));
  const notHere = Object.keys(options).filter((k) => sparkOnly.has(k.toLowerCase()));
  if (notHere.length > 0) {
    throw unsupported("JDBC_OPTION_NOT_SUPPORTED", `The ${FORMAT[use]} data source does not support the option(s) ${notHere.join(", ")} (Spark JDBC options Sluice does not implement). Supported: ${KEYS[use].join(", ")}`, { format: FORMAT[use], options: notHere.join(",") });
  }
  const unknown = Object.keys(options).filter((k) => !known.has(k.toLowerCase()));
  if (unknown.length > 0) {
    throw configError("JDBC_UNKNOWN_OPTION", `Unknown option(s) for the ${FORMAT[use]} ${use === "sink" ? "sink" : use}: ${unknown.join(", ")}. Supported: ${KEYS[use].join(", ")}`, { format: FORMAT[use], options: unknown.join(",") });
  }
  return new Map(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
}

const bad = (key: string, message: string, format: string) => configError("JDBC_INVALID_OPTION", `Invalid value for option '${key}': ${message}`, { format, option: key });

function integer(o: Map<string, string>, key: string, def: number, min: number, format: string, hint = ""): number {
  const raw = o.get(key.toLowerCase());
  if (raw === undefined) return def;
  const n = Number(raw.trim());
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw bad(key, `expected an integer, got '${raw}'`, format);
  // Spark: "Invalid value `-1` for parameter `fetchsize`. The minimum value is 0."
  if (n < min) throw bad(key, `the minimum value is ${min}, got ${n}${hint}`, format);
  return n;
}

function bool(o: Map<string, string>, key: string, def: boolean, format: string): boolean {
  const raw = o.get(key.toLowerCase());
  if (raw === undefined) return def;
  const v = raw.trim().toLowerCase();
  if (v !== "true" && v !== "false") throw bad(key, `expected true or false, got '${raw}'`, format);
  return v === "true";
}

/** Split `jdbc:postgresql://host:port/db?k=v&...` into server address and URL properties. */
function parseUrl(url: string, format: string): { host: string; port: number; database: string; props: Map<string, string> } {
  const m = /^jdbc:postgresql:(?:\/\/(\[[^\]]+\]|[^/:?,]*)(?::(\d+))?(?:\/([^?]*))?|([^/?][^?]*)?)(?:\?(.*))?$/i.exec(url.trim());
  if (!m) {
    const scheme = /^jdbc:([a-z0-9]+):/i.exec(url)?.[1];
    if (scheme) throw unsupported("JDBC_UNSUPPORTED_DATABASE", `Sluice's ${format} source speaks PostgreSQL only: the URL names '${scheme}'. Use jdbc:postgresql://host:port/database`, { format, scheme });
    throw bad("url", "expected jdbc:postgresql://host[:port]/database[?user=...]", format);
  }
  const host = (m[1] ?? "").replace(/^\[|\]$/g, "") || "localhost";
  const port = m[2] === undefined ? 5432 : Number(m[2]);
  const props = new Map<string, string>();
  for (const part of (m[5] ?? "").split("&").filter((p) => p.length > 0)) {
    const eq = part.indexOf("=");
    const k = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    props.set(k.toLowerCase(), decodeURIComponent(eq < 0 ? "" : part.slice(eq + 1)));
    if (!CONNECTION_KEYS.some((c) => c.toLowerCase() === k.toLowerCase())) {
      throw configError("JDBC_UNKNOWN_OPTION", `Unknown property '${k}' in the JDBC URL's query string. Supported: ${CONNECTION_KEYS.join(", ")}`, { format, option: k });
    }
  }
  return { host, port, database: decodeURIComponent(m[3] ?? m[4] ?? "") || "postgres", props };
}

function connectionOf(o: Map<string, string>, format: string): ConnectionConfig {
  const url = o.get("url");
  if (url === undefined || url.trim() === "") throw configError("JDBC_OPTION_REQUIRED", `Option 'url' is required: jdbc:postgresql://host:port/database`, { format, option: "url" });
  const driver = o.get("driver");
  if (driver !== undefined && driver !== DRIVER) throw unsupported("JDBC_UNSUPPORTED_DRIVER", `Sluice connects to PostgreSQL itself; option 'driver' may only be ${DRIVER}, got '${driver}'`, { format, option: "driver" });
  const { host, port, database, props } = parseUrl(url, format);
  for (const [k, v] of o) if (CONNECTION_KEYS.some((c) => c.toLowerCase() === k)) props.set(k, v);
  const sslmode = (props.get("sslmode") ?? (props.get("ssl") === "true" ? "verify-full" : "disable")).toLowerCase();
  if (sslmode !== "disable" && sslmode !== "require" && sslmode !== "verify-full") throw bad("sslmode", `expected disable, require or verify-full, got '${sslmode}'`, format);
  const timeout = props.get("connecttimeout");
  const queryTimeout = integer(o, "queryTimeout", 0, 0, format);
  return {
    host,
    port,
    database,
    ssl: sslmode,
    applicationName: props.get("applicationname") ?? "sluice",
    queryTimeoutSeconds: queryTimeout,
    ...(props.has("user") ? { user: props.get("user")! } : {}),
    ...(props.has("password") ? { password: props.get("password")! } : {}),
    ...(props.has("currentschema") ? { currentSchema: props.get("currentschema")! } : {}),
    ...(timeout !== undefined ? { connectTimeoutSeconds: integer(new Map([["connecttimeout", timeout]]), "connectTimeout", 0, 0, format) } : {}),
    ...(o.has("sessioninitstatement") ? { sessionInitStatement: o.get("sessioninitstatement")! } : {}),
  };
}

function tableOf(o: Map<string, string>, format: string): string {
  const t = o.get("dbtable");
  if (t === undefined || t.trim() === "") throw configError("JDBC_OPTION_REQUIRED", `Option 'dbtable' is required`, { format, option: "dbtable" });
  return t.trim();
}

/** `spark.read.format("jdbc")` options. */
export function parseJdbcReadOptions(options: Readonly<Record<string, string>>): JdbcReadOptions {
  const f = "jdbc";
  const o = checkKeys(options, "read");
  const connection = connectionOf(o, f);
  const dbtable = o.get("dbtable");
  const query = o.get("query");
  // Spark's JDBCOptions rules and messages.
  if (dbtable !== undefined && query !== undefined) throw configError("JDBC_OPTION_CONFLICT", `Both 'dbtable' and 'query' can not be specified at the same time.`, { format: f });
  if (dbtable === undefined && query === undefined) throw configError("JDBC_OPTION_REQUIRED", `Option 'dbtable' or 'query' is required.`, { format: f });
  if (query !== undefined && query.trim() === "") throw bad("query", "Option `query` can not be empty.", f);
  const names = ["partitionColumn", "lowerBound", "upperBound", "numPartitions"];
  const given = names.filter((k) => o.has(k.toLowerCase()));
  if (query !== undefined && o.has("partitioncolumn")) {
    throw configError("JDBC_OPTION_CONFLICT", `Options 'query' and 'partitionColumn' can not be specified together. Please define the query using \`dbtable\` option instead and make sure to qualify the partition columns using the supplied subquery alias to resolve any ambiguity.`, { format: f });
  }
  let partitioning: JdbcReadOptions["partitioning"];
  if (o.has("partitioncolumn")) {
    if (given.length !== names.length) throw configError("JDBC_OPTION_REQUIRED", `When 'partitionColumn' is specified, 'lowerBound', 'upperBound', and 'numPartitions' are also required (missing: ${names.filter((k) => !given.includes(k)).join(", ")})`, { format: f });
    partitioning = { column: o.get("partitioncolumn")!, lowerBound: o.get("lowerbound")!, upperBound: o.get("upperbound")!, numPartitions: integer(o, "numPartitions", 1, 1, f) };
  } else if (o.has("lowerbound") || o.has("upperbound")) {
    throw configError("JDBC_OPTION_REQUIRED", `When 'partitionColumn' is not specified, 'lowerBound' and 'upperBound' are expected to be empty`, { format: f });
  } else if (o.has("numpartitions")) integer(o, "numPartitions", 1, 1, f);
  const tableOrQuery = query !== undefined ? query.trim() : dbtable!.trim();
  return {
    connection,
    table: query !== undefined ? `(${query.trim()}) SPARK_GEN_SUBQ_0` : dbtable!.trim(),
    tableOrQuery,
    ...(partitioning ? { partitioning } : {}),
    fetchSize: integer(o, "fetchsize", 0, 0, f, " (0 lets the driver decide: all rows at once)"),
    pushDownPredicate: bool(o, "pushDownPredicate", true, f),
    preferTimestampNTZ: bool(o, "preferTimestampNTZ", false, f),
  };
}

const ISOLATION: readonly IsolationLevel[] = ["NONE", "READ_UNCOMMITTED", "READ_COMMITTED", "REPEATABLE_READ", "SERIALIZABLE"];

/** `df.write.format("jdbc")` options. */
export function parseJdbcWriteOptions(options: Readonly<Record<string, string>>): JdbcWriteOptions {
  const f = "jdbc";
  if (Object.keys(options).some((k) => k.toLowerCase() === "query")) throw configError("JDBC_OPTION_CONFLICT", `Option 'query' is not applicable while writing: name the target table with 'dbtable'.`, { format: f, option: "query" });
  const o = checkKeys(options, "write");
  const iso = (o.get("isolationlevel") ?? "READ_UNCOMMITTED").trim().toUpperCase();
  if (!ISOLATION.includes(iso as IsolationLevel)) throw bad("isolationLevel", `this can be NONE, READ_UNCOMMITTED, READ_COMMITTED, REPEATABLE_READ or SERIALIZABLE; got '${o.get("isolationlevel")}'`, f);
  integer(o, "numPartitions", 1, 1, f);
  return {
    connection: connectionOf(o, f),
    table: tableOf(o, f),
    batchSize: integer(o, "batchsize", 1000, 1, f),
    truncate: bool(o, "truncate", false, f),
    cascadeTruncate: bool(o, "cascadeTruncate", false, f),
    ...(o.has("createtablecolumntypes") ? { createTableColumnTypes: o.get("createtablecolumntypes")! } : {}),
    createTableOptions: o.get("createtableoptions") ?? "",
    isolationLevel: iso as IsolationLevel,
    upsertKey: upsertKeyOf(o, f),
    ...txnOf(o, f),
    progressTable: progressTableOf(o),
  };
}

function upsertKeyOf(o: Map<string, string>, format: string): string[] {
  if (!o.has("upsertkey")) return [];
  const keys = o.get("upsertkey")!.split(",").map((k) => k.trim());
  if (keys.some((k) => k === "")) throw bad("upsertKey", "expected comma-separated column names", format);
  return keys;
}

const progressTableOf = (o: Map<string, string>): string => (o.get("progresstable") ?? "sluice_stream_progress").trim();

/** txnAppId + txnVersion (both or neither), as Delta's idempotent writes name them. */
function txnOf(o: Map<string, string>, format: string): { txn?: { appId: string; version: number } } {
  if (!o.has("txnappid") && !o.has("txnversion")) return {};
  if (!o.has("txnappid") || !o.has("txnversion")) throw configError("JDBC_OPTION_REQUIRED", `Options 'txnAppId' and 'txnVersion' go together: the app's id and the version (e.g. foreachBatch's batchId) to write once`, { format });
  const appId = o.get("txnappid")!.trim();
  if (appId === "") throw bad("txnAppId", "expected a non-empty id", format);
  return { txn: { appId, version: integer(o, "txnVersion", 0, 0, format) } };
}

/** `writeStream.format("postgres")` options. */
export function parsePostgresSinkOptions(options: Readonly<Record<string, string>>): PostgresSinkOptions {
  const f = "postgres";
  const o = checkKeys(options, "sink");
  return {
    connection: connectionOf(o, f),
    table: tableOf(o, f),
    upsertKey: upsertKeyOf(o, f),
    batchSize: integer(o, "batchsize", 1000, 1, f),
    progressTable: progressTableOf(o),
  };
}

/** The option map without credentials, for explain() and progress. */
export function describeConnection(c: ConnectionConfig): string {
  return `postgresql://${c.host.includes(":") ? `[${c.host}]` : c.host}:${c.port}/${c.database}`;
}
