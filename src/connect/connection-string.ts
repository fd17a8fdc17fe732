/**
 * Spark Connect's connection string (Spark's connector/connect/docs/client-connection-string.md):
 * `sc://host[:port][/];param=value;param=value`. The scheme is fixed, the path must be empty, the
 * port defaults to 15002 and parameter names are case sensitive. Parameters: `token` (sent as
 * `authorization: Bearer <token>`; it implies `use_ssl=true`, as in PySpark's ChannelBuilder),
 * `use_ssl`, `user_id`, `user_agent`, `session_id` (a UUID, to join an existing server session).
 */
import { randomUUID } from "node:crypto";
import { configError } from "../common/errors.js";

export interface ConnectionSpec {
  readonly host: string;
  readonly port: number;
  readonly token: string | null;
  readonly useSsl: boolean;
  readonly userId: string;
  readonly userAgent: string;
  /** The client-chosen session id (PySpark makes a fresh UUID unless the string names one). */
  readonly sessionId: string;
}

export const DEFAULT_CONNECT_PORT = 15002;
const PARAMS = new Set(["token", "use_ssl", "user_id", "user_agent", "session_id"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parse a connection string; every problem is a CONNECT_INVALID_URL error naming the part that is wrong. */
export function parseConnectionString(url: string): ConnectionSpec {
  const bad = (why: string): Error => configError("CONNECT_INVALID_URL", `Invalid Spark Connect connection string "${redact(url)}": ${why}`, { url: redact(url) });
  if (!url.startsWith("sc://")) throw bad("it must start with sc://");
  const [authorityAndPath, ...paramParts] = url.slice("sc://".length).split(";");
  const slash = authorityAndPath!.indexOf("/");
  const authority = slash < 0 ? authorityAndPath! : authorityAndPath!.slice(0, slash);
  if (slash >= 0 && authorityAndPath!.slice(slash + 1) !== "") throw bad("the path must be empty (parameters follow '/;')");
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d+))?$/.exec(authority);
  if (!m) throw bad(`"${authority}" is not host[:port]`);
  const port = m[2] === undefined ? DEFAULT_CONNECT_PORT : Number(m[2]);
  if (!(port > 0 && port < 65536)) throw bad(`port ${m[2]} is out of range`);
  const params = new Map<string, string>();
  for (const p of paramParts) {
    if (p === "") continue;
    const eq = p.indexOf("=");
    if (eq <= 0) throw bad(`parameter "${p.split("=")[0]}" has no value (write name=value)`);
    const key = p.slice(0, eq);
    if (!PARAMS.has(key)) throw bad(`unknown parameter "${key}"; known: ${[...PARAMS].join(", ")}`);
    params.set(key, decodeURIComponent(p.slice(eq + 1)));
  }
  const token = params.get("token") ?? null;
  const ssl = params.get("use_ssl");
  if (ssl !== undefined && ssl !== "true" && ssl !== "false") throw bad(`use_ssl must be true or false, not "${ssl}"`);
  const sessionId = params.get("session_id") ?? randomUUID();
  if (!UUID.test(sessionId)) throw bad(`session_id must be a UUID, not "${sessionId}"`);
  return {
    host: m[1]!.replace(/^\[|\]$/g, ""),
    port,
    token,
    useSsl: ssl === "true" || (ssl === undefined && token !== null),
    userId: params.get("user_id") ?? process.env.USER ?? "",
    userAgent: params.get("user_agent") ?? "sluice",
    sessionId,
  };
}

/** The string with its token replaced, for messages. */
function redact(url: string): string {
  return url.replace(/(;token=)[^;]*/g, "$1<redacted>");
}
