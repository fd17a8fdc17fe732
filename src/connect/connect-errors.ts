/**
 * Server failures as SluiceErrors. A Spark Connect server answers a failed call with a gRPC
 * status whose `grpc-status-details-bin` trailer holds a google.rpc.Status with an ErrorInfo:
 * `reason` is the JVM exception class and `metadata.errorClass` Spark's error condition
 * (e.g. UNRESOLVED_COLUMN.WITH_SUGGESTION), with `sqlState` beside it. The SluiceError's code is
 * that condition (or CONNECT_<gRPC status> when the server names none), its message the server's.
 */
import { type ErrorKind, SluiceError } from "../common/errors.js";
import { decodeMessage } from "./connect-proto.js";
import { RpcError } from "./grpc-transport.js";

const GRPC_CODES = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"];

interface ErrorInfo {
  reason?: string;
  domain?: string;
  metadata?: Record<string, string>;
}

/**
 * The ErrorInfo a failed call carried, if any, and the status message: the server's whole
 * message, also when the grpc-message header lost it (a multi-line message arrives there empty).
 */
function statusOf(e: RpcError): { info?: ErrorInfo; message?: string } {
  if (!e.info.statusDetails) return {};
  const status = decodeMessage<{ message?: string; details?: { type_url: string; value: Buffer }[] }>("google.rpc.Status", e.info.statusDetails);
  const any = status.details?.find((d) => d.type_url.endsWith("google.rpc.ErrorInfo"));
  return { ...(any ? { info: decodeMessage<ErrorInfo>("google.rpc.ErrorInfo", any.value) } : {}), ...(status.message ? { message: status.message.trim() } : {}) };
}

/** Which kind of SluiceError a JVM exception class is. */
function kindOf(reason: string | undefined, grpcCode: number): ErrorKind {
  if (reason?.endsWith("AnalysisException")) return "analysis";
  if (reason?.endsWith("ParseException")) return "parse";
  if (reason?.includes("Unsupported") || grpcCode === 12) return "unsupported";
  if (grpcCode === 14 || grpcCode === 4) return "io";
  return "execution";
}

/** Turn anything a Connect call threw into a SluiceError (SluiceErrors pass through). */
export function toSluiceError(e: unknown, context: Readonly<Record<string, string>> = {}): SluiceError {
  if (e instanceof SluiceError) return e;
  if (!(e instanceof RpcError)) return new SluiceError("internal", "CONNECT_CLIENT_ERROR", e instanceof Error ? e.message : String(e), context, { cause: e });
  const { info, message } = statusOf(e);
  const errorClass = info?.metadata?.errorClass;
  const code = errorClass ?? `CONNECT_${GRPC_CODES[e.info.code] ?? e.info.code}`;
  const ctx = { ...context, grpcStatus: GRPC_CODES[e.info.code] ?? String(e.info.code), ...(info?.reason ? { exception: info.reason } : {}), ...(info?.metadata?.sqlState ? { sqlState: info.metadata.sqlState } : {}) };
  return new SluiceError(kindOf(info?.reason, e.info.code), code, message ?? e.info.details, ctx, { cause: e });
}
