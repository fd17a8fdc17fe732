/**
 * What a query reports beside its batch progress, as Spark reports it: the state operators of an
 * idle trigger, the query exception's offsets, and the exception text of the terminated event.
 */
import { SluiceError } from "../../common/errors.js";
import { redactText } from "../../common/redaction.js";
import type { QueryTerminatedEvent, StateOperatorProgress } from "../../dataframe/streaming-query-types.js";

/**
 * The state operators of a trigger that ran no batch (Spark's extractStateOperatorMetrics with
 * hasExecuted = false): the last batch's totals, nothing updated, removed or dropped.
 */
export function idleStateOperators(last: readonly StateOperatorProgress[]): StateOperatorProgress[] {
  return last.map((o) => ({ ...o, numRowsUpdated: 0, numRowsRemoved: 0, numRowsDroppedByWatermark: 0, allUpdatesTimeMs: 0, allRemovalsTimeMs: 0, commitTimeMs: 0 }));
}

/**
 * The query's error with Spark's StreamingQueryException offsets in its context: `startOffset`
 * (the committed offsets, `-` per source before the first commit) and `endOffset` (what the
 * failing batch read up to), each as Spark's offset-sequence text `[o1, o2]`.
 */
export function queryErrorWithOffsets(e: SluiceError, startOffset: string, endOffset: string): SluiceError {
  const out = new SluiceError(e.kind, e.code, e.message, { ...e.context, startOffset, endOffset }, e.cause === undefined ? undefined : { cause: e.cause });
  if (e.stack) out.stack = e.stack;
  return out;
}

/**
 * The terminated event's exception as Spark's: the cause's text and error class when the query
 * wrapped a failure (STREAM_FAILED), not the wrapper's; null for a clean stop.
 */
export function terminatedException(e: SluiceError | null): Pick<QueryTerminatedEvent, "exception" | "errorClassOnException"> {
  if (!e) return { exception: null, errorClassOnException: null };
  const cause = e.code === "STREAM_FAILED" && e.cause instanceof Error ? e.cause : e;
  return { exception: redactText(cause.message), errorClassOnException: cause instanceof SluiceError ? cause.code : null };
}
