/**
 * Raw gRPC calls to a Spark Connect server (service spark.connect.SparkConnectService) over
 * @grpc/grpc-js, loaded on first use. Requests and responses cross as encoded bytes, so the same
 * transport serves the async client and the synchronous bridge's worker (sync-bridge.ts).
 * Transient failures are retried with exponential backoff (retry-policy.ts).
 */
import { createRequire } from "node:module";
import type * as grpc from "@grpc/grpc-js";
import type { ConnectionSpec } from "./connection-string.js";
import { isTransient, withRetries } from "./retry-policy.js";

const SERVICE = "/spark.connect.SparkConnectService/";

/** A failed call as plain data (it crosses the worker boundary): gRPC status code, message, status details. */
export interface RpcFailureInfo {
  readonly code: number;
  readonly details: string;
  /** The `grpc-status-details-bin` trailer: an encoded google.rpc.Status, when the server sent one. */
  readonly statusDetails?: Uint8Array;
}

export class RpcError extends Error {
  constructor(readonly info: RpcFailureInfo) {
    super(info.details);
  }
}

let grpcModule: typeof grpc | undefined;
function grpcLib(): typeof grpc {
  grpcModule ??= createRequire(import.meta.url)("@grpc/grpc-js") as typeof grpc;
  return grpcModule;
}

/** gRPC channel options for a connection (shared with the synchronous bridge's worker). */
export function channelOptions(spec: ConnectionSpec): Record<string, string | number> {
  // Results come as Arrow batches of up to spark.connect.grpc.arrow.maxBatchSize (4 MiB by default); allow headroom.
  return { "grpc.max_receive_message_length": 128 * 1024 * 1024, "grpc.primary_user_agent": spec.userAgent };
}

const identity = (b: Buffer): Buffer => b;

function toRpcError(e: unknown): RpcError {
  const err = e as grpc.ServiceError;
  if (typeof err?.code !== "number") return new RpcError({ code: 2, details: e instanceof Error ? e.message : String(e) });
  const bin = err.metadata?.get("grpc-status-details-bin")[0];
  return new RpcError({ code: err.code, details: err.details ?? err.message, ...(bin instanceof Buffer ? { statusDetails: new Uint8Array(bin) } : {}) });
}

export class GrpcTransport {
  readonly #client: grpc.Client;
  readonly #metadata: grpc.Metadata;

  constructor(spec: ConnectionSpec) {
    const g = grpcLib();
    const creds = spec.useSsl ? g.credentials.createSsl() : g.credentials.createInsecure();
    this.#client = new g.Client(`${spec.host}:${spec.port}`, creds, channelOptions(spec));
    this.#metadata = new g.Metadata();
    if (spec.token !== null) this.#metadata.set("authorization", `Bearer ${spec.token}`);
  }

  /** One unary call, retried while the failure is transient. */
  unary(method: string, request: Buffer): Promise<Buffer> {
    return withRetries(
      () =>
        new Promise<Buffer>((ok, fail) => {
          this.#client.makeUnaryRequest(SERVICE + method, identity, identity, request, this.#metadata.clone(), {}, (err, res) => (err ? fail(toRpcError(err)) : ok(res!)));
        }),
      isTransient,
    );
  }

  /**
   * A server-streaming call; yields each response's bytes. Not retried here: a stream that fails
   * part-way is resumed by the caller (ReattachExecute), which knows the last response it saw.
   */
  async *stream(method: string, request: Buffer, signal?: AbortSignal): AsyncGenerator<Buffer> {
    const call = this.#client.makeServerStreamRequest(SERVICE + method, identity, identity, request, this.#metadata.clone(), {});
    const onAbort = (): void => call.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const msg of call as AsyncIterable<Buffer>) yield msg;
    } catch (e) {
      throw toRpcError(e);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      call.cancel();
    }
  }

  close(): void {
    this.#client.close();
  }
}
