/**
 * Synchronous object-store requests for the engine's synchronous callers: a worker thread
 * (object-store-worker.ts) makes the request with the cloud's SDK while this thread blocks on
 * Atomics.wait; the worker posts the reply on a MessagePort and bumps a shared counter, and this
 * thread takes the reply with receiveMessageOnPort (the way src/connect/sync-bridge.ts runs gRPC).
 * One request at a time; the worker starts on the first object-store request and is unref'd, so a
 * pipeline on local files never loads an SDK.
 */
import { createRequire } from "node:module";
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import { SluiceError } from "../common/errors.js";
import { type ObjectStoreSettings, secretsOf } from "./object-store-conf.js";
import { OBJECT_STORE_WORKER_SOURCE } from "./object-store-worker.js";

/** How long one request may take before the caller gives up (the store is unreachable or stuck). */
const REQUEST_TIMEOUT_MS = 10 * 60_000;

export interface ObjectStoreFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export type ObjectStoreRequest =
  | { readonly op: "head"; readonly key: string }
  | { readonly op: "get"; readonly key: string; readonly offset?: number; readonly length?: number }
  | { readonly op: "put"; readonly key: string; readonly body: Uint8Array; readonly ifNoneMatch: boolean }
  | { readonly op: "list"; readonly prefix: string; readonly recursive: boolean }
  | { readonly op: "delete"; readonly keys: readonly string[] }
  | { readonly op: "uploadStart"; readonly key: string }
  | { readonly op: "uploadPart"; readonly key: string; readonly uploadId: string; readonly partNumber: number; readonly body: Uint8Array }
  | { readonly op: "uploadComplete"; readonly key: string; readonly uploadId: string; readonly parts: readonly string[] }
  | { readonly op: "uploadAbort"; readonly key: string; readonly uploadId: string };

/** A failed request; `failure.message` has the settings' secrets scrubbed. */
export class ObjectStoreRequestError extends Error {
  constructor(readonly failure: ObjectStoreFailure) {
    super(failure.message);
  }
}

class ObjectStoreBridge {
  #port: MessagePort | undefined;
  /** [0]: replies so far (the worker bumps it after posting one). */
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));

  /** Run `req` against the store of `settings` and return the worker's `ok` value. */
  request(settings: ObjectStoreSettings, req: ObjectStoreRequest): unknown {
    const port = this.#start();
    const seen = Atomics.load(this.#flag, 0);
    port.postMessage({ ...req, settings, secrets: secretsOf(settings) });
    if (Atomics.wait(this.#flag, 0, seen, REQUEST_TIMEOUT_MS) === "timed-out") {
      throw new SluiceError("io", "FS_TIMEOUT", `The object store did not answer a ${req.op} request within ${REQUEST_TIMEOUT_MS / 1000} s`);
    }
    const reply = receiveMessageOnPort(port)?.message as { ok?: unknown; failure?: ObjectStoreFailure } | undefined;
    if (!reply) throw new SluiceError("internal", "FS_BRIDGE_FAILED", `The object-store worker sent no reply to a ${req.op} request`);
    if (reply.failure) throw new ObjectStoreRequestError(reply.failure);
    return reply.ok;
  }

  #start(): MessagePort {
    if (this.#port) return this.#port;
    const { port1, port2 } = new MessageChannel();
    const require = createRequire(import.meta.url);
    const worker = new Worker(OBJECT_STORE_WORKER_SOURCE, {
      eval: true,
      workerData: { s3Path: require.resolve("@aws-sdk/client-s3"), azurePath: require.resolve("@azure/storage-blob"), port: port2, flag: this.#flag },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    this.#port = port1;
    return port1;
  }
}

let shared: ObjectStoreBridge | undefined;

/** The process's one bridge (started on first use). */
export function objectStoreBridge(): ObjectStoreBridge {
  return (shared ??= new ObjectStoreBridge());
}
