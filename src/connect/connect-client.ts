/**
 * One Spark Connect session on a server: every RPC Sluice makes, with the session id, user
 * context and client_type filled in.
 *
 * ExecutePlan runs reattachable (ReattachOptions.reattachable), as PySpark's
 * ExecutePlanResponseReattachableIterator does:
 *   1. ExecutePlan with a client-chosen operation_id; remember each response's response_id.
 *   2. If the stream ends before ResultComplete, or fails transiently (retry-policy.ts), call
 *      ReattachExecute(operation_id, last_response_id) after a backoff and continue from there;
 *      if the server answers that it has no such operation (the failed ExecutePlan never reached
 *      it, e.g. the connection was refused), send the ExecutePlan again under the same id.
 *   3. After ResultComplete, ReleaseExecute(release_all) so the server frees the buffered responses.
 * Synchronous calls (schemas, views, conf) go through SyncBridge.
 */
import { randomUUID } from "node:crypto";
import { SluiceError } from "../common/errors.js";
import type { ConnectionSpec } from "./connection-string.js";
import { type Msg, decodeMessage, encodeMessage } from "./connect-proto.js";
import { toSluiceError } from "./connect-errors.js";
import { GrpcTransport } from "./grpc-transport.js";
import { backoffMs, DEFAULT_RETRY, isTransient } from "./retry-policy.js";
import { SyncBridge } from "./sync-bridge.js";

/** A reattach's error classes that mean the server never saw the operation (nor, for a new session, anything). */
const NEVER_STARTED = new Set(["INVALID_HANDLE.OPERATION_NOT_FOUND", "INVALID_HANDLE.SESSION_NOT_FOUND"]);

/** What Sluice tells the server it is (base.proto's client_type: "for logging purposes"). */
export const CLIENT_TYPE = `sluice/0.1.0 node/${process.versions.node}`;

export class ConnectClient {
  #transport: GrpcTransport | undefined;
  #bridge: SyncBridge | undefined;
  readonly #base: Msg;
  #closed = false;

  constructor(readonly spec: ConnectionSpec) {
    this.#base = { session_id: spec.sessionId, user_context: { user_id: spec.userId }, client_type: CLIENT_TYPE };
  }

  get sessionId(): string {
    return this.spec.sessionId;
  }

  #async(): GrpcTransport {
    this.#checkOpen();
    this.#transport ??= new GrpcTransport(this.spec);
    return this.#transport;
  }

  #sync(): SyncBridge {
    this.#checkOpen();
    this.#bridge ??= new SyncBridge(this.spec);
    return this.#bridge;
  }

  #checkOpen(): void {
    if (this.#closed) throw new SluiceError("config", "CONNECT_SESSION_CLOSED", `The Spark Connect session ${this.spec.sessionId} was stopped; build a new session`);
  }

  /** AnalyzePlan with one `analyze` member set (schema, explain, is_streaming, spark_version), synchronously. */
  analyzeSync(analyze: Msg): Msg {
    try {
      return decodeMessage("AnalyzePlanResponse", this.#sync().unary("AnalyzePlan", encodeMessage("AnalyzePlanRequest", { ...this.#base, ...analyze })));
    } catch (e) {
      throw toSluiceError(e);
    }
  }

  /** Config with one operation (set, get_option, unset), synchronously. */
  configSync(operation: Msg): Msg {
    try {
      return decodeMessage("ConfigResponse", this.#sync().unary("Config", encodeMessage("ConfigRequest", { ...this.#base, operation })));
    } catch (e) {
      throw toSluiceError(e);
    }
  }

  /** Run a plan (usually a command) to completion synchronously; returns every response. */
  executeSync(plan: Msg): Msg[] {
    try {
      const req = encodeMessage("ExecutePlanRequest", { ...this.#base, plan, operation_id: randomUUID() });
      return this.#sync().stream("ExecutePlan", req).map((b) => decodeMessage("ExecutePlanResponse", b));
    } catch (e) {
      throw toSluiceError(e);
    }
  }

  /** Run a plan reattachably (steps 1–3 above), yielding its responses; aborting `signal` interrupts it on the server. */
  async *execute(plan: Msg, signal?: AbortSignal): AsyncGenerator<Msg> {
    const operationId = randomUUID();
    const transport = this.#async();
    const onAbort = (): void => void this.interrupt(operationId).catch(() => undefined);
    signal?.addEventListener("abort", onAbort, { once: true });
    let lastResponseId: string | undefined;
    let complete = false;
    let attempt = 0;
    /** Whether the next call reattaches; the first is ExecutePlan, and so is a retry the server never saw. */
    let reattach = false;
    try {
      while (!complete) {
        const req = reattach
          ? encodeMessage("ReattachExecuteRequest", { ...this.#base, operation_id: operationId, ...(lastResponseId !== undefined ? { last_response_id: lastResponseId } : {}) })
          : encodeMessage("ExecutePlanRequest", { ...this.#base, plan, operation_id: operationId, request_options: [{ reattach_options: { reattachable: true } }] });
        try {
          for await (const bytes of transport.stream(reattach ? "ReattachExecute" : "ExecutePlan", req, signal)) {
            const res = decodeMessage("ExecutePlanResponse", bytes);
            lastResponseId = res.response_id as string;
            attempt = 0;
            if (res.response_type === "result_complete") complete = true;
            yield res;
          }
          if (!complete) attempt++; // the server ended the stream early: reattach
          reattach = true;
        } catch (e) {
          if (signal?.aborted) throw new SluiceError("execution", "OPERATION_CANCELED", "The Spark Connect operation was interrupted", { operationId });
          if (reattach && lastResponseId === undefined && NEVER_STARTED.has(toSluiceError(e).code)) {
            // the ExecutePlan that failed never reached the server: send it again, under the same
            // operation id (as PySpark does), so a server that did run it refuses the duplicate
            reattach = false;
            continue;
          }
          if (!isTransient(e) || attempt >= DEFAULT_RETRY.maxRetries) throw toSluiceError(e, { operationId });
          await new Promise((r) => setTimeout(r, backoffMs(attempt++)));
          reattach = true; // the server may have started it: reattach, never re-execute blindly
        }
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (complete) this.#release(operationId);
    }
  }

  /**
   * ReleaseExecute(release_all) for a finished operation, sent through the bridge's worker without
   * waiting: an async call from here would only leave once this thread's event loop turns, and a
   * caller that goes straight on to a synchronous call (spark.sql, df.schema) blocks it, so the
   * release went out with — and was served alongside — the next query. Best effort: the server
   * also frees finished operations after a timeout.
   */
  #release(operationId: string): void {
    if (this.#closed) return;
    this.#sync().send("ReleaseExecute", encodeMessage("ReleaseExecuteRequest", { ...this.#base, operation_id: operationId, release_all: {} }));
  }

  /** Interrupt one operation, or every operation of this session. Returns the interrupted ids. */
  async interrupt(operationId?: string): Promise<string[]> {
    const req = operationId === undefined ? { ...this.#base, interrupt_type: "INTERRUPT_TYPE_ALL" } : { ...this.#base, interrupt_type: "INTERRUPT_TYPE_OPERATION_ID", operation_id: operationId };
    try {
      const res = decodeMessage<{ interrupted_ids?: string[] }>("InterruptResponse", await this.#async().unary("Interrupt", encodeMessage("InterruptRequest", req)));
      return res.interrupted_ids ?? [];
    } catch (e) {
      throw toSluiceError(e);
    }
  }

  /** ReleaseSession: the server drops the session's state (views, conf, queries); the client closes. */
  async releaseSession(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#async().unary("ReleaseSession", encodeMessage("ReleaseSessionRequest", this.#base));
    } catch (e) {
      throw toSluiceError(e);
    } finally {
      this.#closed = true;
      this.#transport?.close();
      this.#bridge?.close();
    }
  }
}
