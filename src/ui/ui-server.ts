/**
 * The web UI's HTTP server (node:http). Pages follow Spark's Structured Streaming tab:
 *   /StreamingQuery/                   active and finished queries
 *   /StreamingQuery/statistics/?id=R   one run: live charts, latest progress, plan, checkpoint
 * Both are one static page that polls the JSON API (`/api/queries`, `/api/queries/<runId or id>`).
 * Charts are drawn by uPlot, served from the package's own node_modules (no network needed).
 * `/metrics` serves Prometheus text when a metrics handler is given.
 *
 * Binding follows Spark's Utils.startServiceOnPort: the configured port, else the next ones up to
 * `maxRetries` more; port 0 lets the system choose.
 */
import { readFile } from "node:fs/promises";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { redactText } from "../common/redaction.js";
import { SluiceError } from "../common/errors.js";
import type { UiQueryStore } from "./query-store.js";

export interface WebUiServerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxRetries: number;
  readonly store: UiQueryStore;
  /** Prometheus text for `/metrics`; without it `/metrics` is 404. */
  readonly metrics?: () => Promise<{ readonly contentType: string; readonly body: string }>;
  /** Whether the open server keeps the process alive (true for `sluice ui`; a session's UI does not). */
  readonly keepProcessAlive: boolean;
}

export interface WebUiServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), "static");
const UPLOT_DIR = join(dirname(createRequire(import.meta.url).resolve("uplot/package.json")), "dist");
/** Files under /static/, and where they come from. */
const STATIC: Readonly<Record<string, readonly [string, string]>> = {
  "app.js": [join(STATIC_DIR, "app.js"), "text/javascript; charset=utf-8"],
  "app.css": [join(STATIC_DIR, "app.css"), "text/css; charset=utf-8"],
  "uPlot.iife.min.js": [join(UPLOT_DIR, "uPlot.iife.min.js"), "text/javascript; charset=utf-8"],
  "uPlot.min.css": [join(UPLOT_DIR, "uPlot.min.css"), "text/css; charset=utf-8"],
};

/** Start serving; rejects with UI_BIND_FAILED when no port in the range is free. */
export async function startWebUiServer(opts: WebUiServerOptions): Promise<WebUiServer> {
  const server = createServer((req, res) => {
    handle(opts, req, res).catch((e: unknown) => send(res, 500, "text/plain; charset=utf-8", `Internal error: ${(e as Error).message}\n`));
  });
  const port = await listen(server, opts);
  if (!opts.keepProcessAlive) {
    server.unref();
    server.on("connection", (socket) => socket.unref()); // an open browser tab does not keep it alive either
  }
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function listen(server: Server, opts: WebUiServerOptions): Promise<number> {
  const tries = opts.port === 0 ? 1 : opts.maxRetries + 1;
  let last: Error | undefined;
  for (let i = 0; i < tries; i++) {
    const port = opts.port === 0 ? 0 : opts.port + i;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, opts.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      return (server.address() as AddressInfo).port;
    } catch (e) {
      last = e as Error;
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") break;
    }
  }
  const range = opts.port === 0 ? "a free port" : `ports ${opts.port}..${opts.port + tries - 1}`;
  throw new SluiceError("io", "UI_BIND_FAILED", `Could not bind the web UI to ${opts.host} on ${range}: ${last?.message}; set spark.ui.port (0 picks a free one), spark.port.maxRetries or spark.ui.enabled=false`, { host: opts.host, port: opts.port }, last);
}

async function handle(opts: WebUiServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain; charset=utf-8", "Only GET is served\n");
  const url = new URL(req.url ?? "/", "http://ui");
  const path = url.pathname;
  if (path === "/" || path === "/StreamingQuery") return redirect(res, "/StreamingQuery/");
  if (path === "/StreamingQuery/" || path === "/StreamingQuery/statistics/") {
    return send(res, 200, "text/html; charset=utf-8", await readFile(join(STATIC_DIR, "index.html"), "utf8"));
  }
  if (path.startsWith("/static/")) {
    const file = STATIC[path.slice("/static/".length)];
    if (!file) return notFound(res, path);
    return send(res, 200, file[1], await readFile(file[0]));
  }
  if (path === "/favicon.ico") {
    res.writeHead(204).end();
    return;
  }
  if (path === "/api/queries") return json(res, 200, opts.store.list());
  if (path.startsWith("/api/queries/")) {
    const detail = opts.store.detail(decodeURIComponent(path.slice("/api/queries/".length)));
    return detail ? json(res, 200, detail) : json(res, 404, { error: `No query with run id or id ${path.slice(13)}` });
  }
  if (path === "/metrics" && opts.metrics) {
    const m = await opts.metrics();
    return send(res, 200, m.contentType, m.body);
  }
  return notFound(res, path);
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  res.end(body);
}
// Every API answer passes the redaction of secret option values (common/redaction.ts) as a last guard.
const json = (res: ServerResponse, status: number, value: unknown): void => send(res, status, "application/json; charset=utf-8", redactText(JSON.stringify(value)));
const notFound = (res: ServerResponse, path: string): void => send(res, 404, "text/plain; charset=utf-8", `Not found: ${path}\n`);
function redirect(res: ServerResponse, to: string): void {
  res.writeHead(302, { location: to });
  res.end();
}
