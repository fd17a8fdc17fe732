/**
 * A session's web UI: the query store fed by the session's listener bus, the HTTP server, and the
 * Prometheus endpoint when `spark.ui.prometheus.enabled` is true. The session loads this module
 * only when `spark.ui.enabled` is true (Spark's default), so a session without a UI pays nothing.
 *
 * Keys (Spark's): spark.ui.port (4040; the next free one when taken, up to spark.port.maxRetries
 * more), spark.driver.bindAddress (127.0.0.1 here; Spark binds every interface),
 * spark.sql.streaming.ui.retainedQueries, spark.sql.streaming.ui.retainedProgressUpdates.
 */
import type { RuntimeConfig } from "../session/runtime-config.js";
import type { StreamingQueryListener } from "../dataframe/streaming-query-types.js";
import { type LiveQuery, UiQueryStore } from "./query-store.js";
import { type WebUiServer, startWebUiServer } from "./ui-server.js";

export interface WebUi {
  readonly url: string;
  readonly store: UiQueryStore;
  /** Record a query the session started. */
  track(q: LiveQuery): void;
  close(): Promise<void>;
}

/** What the UI needs from a session: its conf and its listener registry. */
export interface UiSession {
  readonly conf: RuntimeConfig;
  readonly streams: { addListener(l: StreamingQueryListener): void; removeListener(l: StreamingQueryListener): void };
}

export async function startWebUi(session: UiSession): Promise<WebUi> {
  const conf = session.conf;
  const store = new UiQueryStore(conf.getNumber("spark.sql.streaming.ui.retainedQueries"), conf.getNumber("spark.sql.streaming.ui.retainedProgressUpdates"));
  const metrics = conf.getBoolean("spark.ui.prometheus.enabled") ? await import("./prometheus-metrics.js").then((m) => m.prometheusHandler(store)) : undefined;
  const server: WebUiServer = await startWebUiServer({
    host: conf.get("spark.driver.bindAddress")!,
    port: conf.getNumber("spark.ui.port"),
    maxRetries: conf.getNumber("spark.port.maxRetries"),
    store,
    ...(metrics ? { metrics } : {}),
    keepProcessAlive: false,
  });
  session.streams.addListener(store);
  return {
    url: server.url,
    store,
    track: (q) => store.track(q),
    close: async () => {
      session.streams.removeListener(store);
      await server.close();
    },
  };
}
