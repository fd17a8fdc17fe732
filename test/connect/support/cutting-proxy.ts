/**
 * A TCP proxy in front of the Spark Connect server that misbehaves on purpose, once, so tests can
 * watch the client recover: it drops the first `refuse` connections as soon as they open
 * (the client sees UNAVAILABLE), and cuts the first connection whose server-to-client bytes pass
 * `cutAfterBytes` (a result stream dropped part-way). Everything else is forwarded untouched.
 *
 * It runs in a worker thread: a remote session blocks its main thread while it waits for schemas
 * (src/connect/sync-bridge.ts), and a proxy on that thread could not forward those calls.
 * Counters are shared memory, readable while the worker runs.
 */
import { Worker } from "node:worker_threads";

export interface CuttingProxy {
  /** `sc://127.0.0.1:<proxy port>` */
  readonly remote: string;
  /** Connections accepted so far (refused ones included). */
  readonly connections: number;
  /** Server-to-client bytes the cut connection had forwarded when it was cut, or null before the cut. */
  readonly cutAt: number | null;
  close(): Promise<void>;
}

const PROXY_SOURCE = String.raw`
const { workerData, parentPort } = require("node:worker_threads");
const net = require("node:net");
const { host, port, refuse, cutAfterBytes, counters } = workerData;
const sockets = new Set();
const track = (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); s.on("error", () => undefined); };
const server = net.createServer((client) => {
  const n = Atomics.add(counters, 0, 1) + 1;
  track(client);
  if (n <= refuse) return void client.destroy();
  const up = net.connect(port, host);
  track(up);
  up.on("close", () => client.destroy());
  client.on("close", () => up.destroy());
  let down = 0;
  up.on("data", (chunk) => {
    down += chunk.length;
    if (cutAfterBytes >= 0 && down > cutAfterBytes && Atomics.compareExchange(counters, 1, -1, down - chunk.length) === -1) {
      client.resetAndDestroy();
      up.destroy();
      return;
    }
    client.write(chunk);
  });
  client.on("data", (chunk) => up.write(chunk));
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
parentPort.on("message", () => {
  for (const s of sockets) s.destroy();
  server.close(() => process.exit(0));
});
`;

export async function cuttingProxy(upstream: string, opts: { refuse?: number; cutAfterBytes?: number }): Promise<CuttingProxy> {
  const target = /^sc:\/\/([^:/]+):(\d+)/.exec(upstream);
  if (!target) throw new Error(`not an sc:// address with a port: ${upstream}`);
  const counters = new Int32Array(new SharedArrayBuffer(8));
  counters[1] = -1;
  const worker = new Worker(PROXY_SOURCE, {
    eval: true,
    workerData: { host: target[1], port: Number(target[2]), refuse: opts.refuse ?? 0, cutAfterBytes: opts.cutAfterBytes ?? -1, counters },
  });
  const port = await new Promise<number>((ok, fail) => {
    worker.once("message", ok);
    worker.once("error", fail);
  });
  return {
    remote: `sc://127.0.0.1:${port}`,
    get connections() {
      return Atomics.load(counters, 0);
    },
    get cutAt() {
      const v = Atomics.load(counters, 1);
      return v === -1 ? null : v;
    },
    close: () =>
      new Promise<void>((ok) => {
        worker.once("exit", () => ok());
        worker.postMessage("close");
      }),
  };
}
