/**
 * Retries for transient gRPC failures, as PySpark's Spark Connect client does by default
 * (pyspark/sql/connect/client/retries.py, DefaultPolicy): UNAVAILABLE is retried, and so is an
 * INTERNAL error whose message says the server lost the execution's cursor
 * (INVALID_CURSOR.DISCONNECTED). Backoff starts at 50 ms and grows 4x per attempt up to 60 s,
 * with up to 500 ms random jitter once the wait passes 2 s; at most 15 retries.
 */
import type { RpcError } from "./grpc-transport.js";

export interface RetryOptions {
  readonly maxRetries: number;
  readonly initialBackoffMs: number;
  readonly multiplier: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 15, initialBackoffMs: 50, multiplier: 4, maxBackoffMs: 60_000 };

const UNAVAILABLE = 14;
const INTERNAL = 13;

/** Whether a failed call may succeed when tried again. */
export function isTransient(e: unknown): boolean {
  const info = (e as Partial<RpcError>).info;
  if (!info) return false;
  return info.code === UNAVAILABLE || (info.code === INTERNAL && info.details.includes("INVALID_CURSOR.DISCONNECTED"));
}

/** The wait before retry number `attempt` (0-based). */
export function backoffMs(attempt: number, opts: RetryOptions = DEFAULT_RETRY): number {
  const base = Math.min(opts.maxBackoffMs, opts.initialBackoffMs * opts.multiplier ** attempt);
  return base > 2000 ? base + Math.random() * 500 : base;
}

/** Run `fn`, retrying while `retryable(error)` says so, waiting `backoffMs` between attempts. */
export async function withRetries<T>(fn: () => Promise<T>, retryable: (e: unknown) => boolean, opts: RetryOptions = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= opts.maxRetries || !retryable(e)) throw e;
      await new Promise((r) => setTimeout(r, backoffMs(attempt, opts)));
    }
  }
}
