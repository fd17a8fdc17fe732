/**
 * Synchronous gRPC calls for what DataFrames need synchronously (a schema, a temp view): the
 * DataFrame API analyzes eagerly, but gRPC in Node is asynchronous. A worker thread
 * (sync-worker.ts) makes the call while this thread blocks on Atomics.wait; the worker posts the
 * reply on a MessagePort and flips a shared flag, and this thread reads the reply with
 * receiveMessageOnPort. One call at a time; the worker is started on first use and unref'd.
 */
import { createRequire } from "node:module";
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import { executionError } from "../common/errors.js";
import type { ConnectionSpec } from "./connection-string.js";
import { RpcError, type RpcFailureInfo, channelOptions } from "./grpc-transport.js";
import { DEFAULT_RETRY, backoffMs, isTransient } from "./retry-policy.js";
import { SYNC_WORKER_SOURCE } from "./sync-worker.js";

/** How long one synchronous call may take before the client gives up (the server is gone or stuck). */
const SYNC_CALL_TIMEOUT_MS = 10 * 60_000;

export class SyncBridge {
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
  /** [0]: replies so far (the worker bumps it after posting one); [1]: 1 once the worker failed to load. */
  readonly #flag = new Int32Array(new SharedArrayBuffer(8));

  constructor(private readonly spec: ConnectionSpec) {}

  unary(method: string, request: Buffer): Buffer {
    return this.#call(method, false, request) as Buffer;
  }

  /**
   * A unary call sent now whose answer nobody waits for (best effort: a failure is dropped). The
   * worker's event loop runs whatever this thread does, so the request leaves at once even if
   * this thread next blocks in a synchronous call — an async call made here would wait for this
   * thread's event loop to turn.
   */
  send(method: string, request: Buffer): void {
    const port = this.#start();
    if (Atomics.load(this.#flag, 1) !== 1) port.postMessage({ method, stream: false, noReply: true, request: new Uint8Array(request) });
  }

  /** A server-streaming call drained to the end. */
  stream(method: string, request: Buffer): Buffer[] {
    return this.#call(method, true, request) as Buffer[];
  }

  close(): void {
    void this.#worker?.terminate();
    this.#worker = undefined;
  }

  /** One call, retried after a blocking backoff while the failure is transient (retry-policy.ts). */
  #call(method: string, stream: boolean, request: Buffer): Buffer | Buffer[] {
    for (let attempt = 0; ; attempt++) {
      try {
        return this.#once(method, stream, request);
      } catch (e) {
        if (attempt >= DEFAULT_RETRY.maxRetries || !isTransient(e)) throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, backoffMs(attempt));
      }
    }
  }

  #once(method: string, stream: boolean, request: Buffer): Buffer | Buffer[] {
    const port = this.#start();
    const seen = Atomics.load(this.#flag, 0);
    if (Atomics.load(this.#flag, 1) !== 1) port.postMessage({ method, stream, request: new Uint8Array(request) });
    if (Atomics.wait(this.#flag, 0, seen, SYNC_CALL_TIMEOUT_MS) === "timed-out") {
      throw executionError("CONNECT_TIMEOUT", `Spark Connect call ${method} got no answer from ${this.spec.host}:${this.spec.port} within ${SYNC_CALL_TIMEOUT_MS / 1000} s`);
    }
    const reply = receiveMessageOnPort(port)?.message as { ok?: Uint8Array | Uint8Array[]; failure?: RpcFailureInfo } | undefined;
    if (!reply) throw executionError("CONNECT_BRIDGE_FAILED", `Spark Connect call ${method}: the client worker sent no reply`);
    if (reply.failure) throw new RpcError(reply.failure);
    const ok = reply.ok!;
    return Array.isArray(ok) ? ok.map((b) => Buffer.from(b)) : Buffer.from(ok);
  }

  #start(): MessagePort {
    if (this.#port) return this.#port;
    const { port1, port2 } = new MessageChannel();
    this.#worker = new Worker(SYNC_WORKER_SOURCE, {
      eval: true,
      workerData: {
        grpcPath: createRequire(import.meta.url).resolve("@grpc/grpc-js"),
        target: `${this.spec.host}:${this.spec.port}`,
        ssl: this.spec.useSsl,
        token: this.spec.token,
        options: channelOptions(this.spec),
        port: port2,
        flag: this.#flag,
      },
      transferList: [port2],
    });
    this.#worker.unref();
    port1.unref();
    this.#port = port1;
    return port1;
  }
}

