/**
 * The source of SyncBridge's worker (sync-bridge.ts), plain JavaScript run with `eval` so it loads
 * the same way from TypeScript sources and from the built package. It makes one raw gRPC call at
 * a time with @grpc/grpc-js for a main thread that waits on a shared counter: each request is
 * { method, stream, request }; the reply, posted on the bridge's port before the counter moves, is
 * { ok: bytes | bytes[] } or { failure: { code, details, statusDetails } }. Retries are the main
 * thread's (it sees the failure and decides). A request with noReply is a unary call whose answer
 * nobody waits for (ReleaseExecute): the worker makes it at once and posts nothing back.
 */

/** The worker's script; `workerData` is { grpcPath, target, ssl, token, userAgent, port, flag }. */
export const SYNC_WORKER_SOURCE = String.raw`
const { workerData } = require("node:worker_threads");
const { port, flag } = workerData;
const answer = (reply) => {
  port.postMessage(reply);
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
};
let grpc, client, metadata;
try {
  grpc = require(workerData.grpcPath);
  const creds = workerData.ssl ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  client = new grpc.Client(workerData.target, creds, workerData.options);
  metadata = new grpc.Metadata();
  if (workerData.token !== null) metadata.set("authorization", "Bearer " + workerData.token);
} catch (e) {
  Atomics.store(flag, 1, 1);
  answer({ failure: { code: 2, details: "the Spark Connect client worker failed to start: " + (e && e.message) } });
}
const id = (b) => b;
const failure = (err) => {
  const bin = err.metadata ? err.metadata.get("grpc-status-details-bin")[0] : undefined;
  const f = { code: typeof err.code === "number" ? err.code : 2, details: err.details || err.message || String(err) };
  if (bin) f.statusDetails = new Uint8Array(bin);
  return f;
};
port.on("message", (msg) => {
  const path = "/spark.connect.SparkConnectService/" + msg.method;
  const req = Buffer.from(msg.request);
  if (msg.noReply) {
    client.makeUnaryRequest(path, id, id, req, metadata.clone(), {}, () => undefined);
    return;
  }
  if (!msg.stream) {
    client.makeUnaryRequest(path, id, id, req, metadata.clone(), {}, (err, res) => answer(err ? { failure: failure(err) } : { ok: new Uint8Array(res) }));
    return;
  }
  // a stream may report both 'error' and 'end': answer once
  const out = [];
  let done = false;
  const once = (reply) => {
    if (!done) answer(reply);
    done = true;
  };
  const call = client.makeServerStreamRequest(path, id, id, req, metadata.clone(), {});
  call.on("data", (b) => out.push(new Uint8Array(b)));
  call.on("error", (err) => once({ failure: failure(err) }));
  call.on("end", () => once({ ok: out }));
});
`;
