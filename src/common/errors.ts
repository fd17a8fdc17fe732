/**
 * The one error type Sluice throws. `code` is stable (UPPER_SNAKE) and safe to match on;
 * `message` is for humans and may change. `context` names where the problem is
 * (column, file, line, offset, query, batch, operator).
 */
import { redactText } from "./redaction.js";

/** The class of a {@link SluiceError}: what went wrong, in the words of Spark's error classes. */
export type ErrorKind =
  | "analysis" // the query refers to something that does not exist or does not type-check
  | "parse" // SQL, DDL, interval or option text could not be parsed
  | "input" // data read from outside is malformed
  | "unsupported" // a valid request Sluice (or Spark) does not support
  | "execution" // a failure while running a query
  | "config" // bad options or configuration
  | "io" // file system or network failure
  | "internal"; // a bug in Sluice

export type ErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

/** Every error Sluice raises for bad input, an unsupported option or a failed query: `kind` classifies it, and its message names the problem. */
export class SluiceError extends Error {
  override readonly name = "SluiceError";
  readonly kind: ErrorKind;
  readonly code: string;
  readonly context: ErrorContext;

  constructor(kind: ErrorKind, code: string, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(redactText(message), options);
    this.kind = kind;
    this.code = code;
    this.context = context;
  }
}

/** Shorthands, so call sites read as the rule they enforce. */
export const analysisError = (code: string, message: string, context?: ErrorContext) =>
  new SluiceError("analysis", code, message, context);
export const parseError = (code: string, message: string, context?: ErrorContext) =>
  new SluiceError("parse", code, message, context);
export const inputError = (code: string, message: string, context?: ErrorContext, cause?: unknown) =>
  new SluiceError("input", code, message, context, { cause });
export const unsupported = (code: string, message: string, context?: ErrorContext) =>
  new SluiceError("unsupported", code, message, context);
export const executionError = (code: string, message: string, context?: ErrorContext, cause?: unknown) =>
  new SluiceError("execution", code, message, context, { cause });
export const configError = (code: string, message: string, context?: ErrorContext) =>
  new SluiceError("config", code, message, context);
export const internalError = (message: string, context?: ErrorContext) =>
  new SluiceError("internal", "INTERNAL_ERROR", message, context);

/** Levenshtein distance, used to suggest the closest names in "not found" errors. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The candidates closest to `name` (case-insensitive), best first, at most `limit`. */
export function closestNames(name: string, candidates: readonly string[], limit = 5): string[] {
  const lower = name.toLowerCase();
  return [...new Set(candidates)]
    .map((c) => ({ c, d: editDistance(lower, c.toLowerCase()) }))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, limit)
    .map((x) => x.c);
}
