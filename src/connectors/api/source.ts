/**
 * Streaming source contract (Spark's Source / SupportsAdmissionControl, DESIGN.md §3).
 * Offsets are plain JSON values owned by the source; the engine stores them serialized in the
 * offsets log and hands them back on restart through `deserializeOffset`.
 *
 * Rules every source must keep:
 * 1. `getBatch(start, end)` over the same (start, end] returns the same rows, also after a restart.
 * 2. `latestOffset` never goes backwards and respects the read limit.
 * 3. `commit(end)` means the engine will never ask for data at or before `end` again.
 */
import type { AvailableNowProgress } from "../../dataframe/streaming-query-types.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import type { StructType } from "../../types/struct-type.js";

export type Offset = unknown;

/** How much one micro-batch may read (maxFilesPerTrigger, maxOffsetsPerTrigger, ...). */
export type ReadLimit =
  | { readonly kind: "all" }
  | { readonly kind: "maxRows"; readonly rows: number }
  | { readonly kind: "maxFiles"; readonly files: number }
  | { readonly kind: "maxBytes"; readonly bytes: number };

export interface StreamSource {
  readonly schema: StructType;
  /** A stable description for the checkpoint fingerprint and progress (`MemoryStream[id]`, `FileStreamSource[in/]`). */
  readonly description: string;
  /** The offset before any data; batches read (initialOffset, end]. */
  initialOffset(): Offset;
  /** Most recent offset to read up to from `start`, within `limit`; equal to start when nothing is new. */
  latestOffset(start: Offset, limit: ReadLimit): Promise<Offset>;
  /** The rows in (start, end] as a physical plan. */
  getBatch(start: Offset, end: Offset): ExecutionPlan;
  /** The JSON form stored in `offsets/N`. Must round-trip through deserializeOffset. */
  serializeOffset(offset: Offset): string;
  deserializeOffset(json: string): Offset;
  /** Data up to `end` is committed; the source may release it. */
  commit(end: Offset): Promise<void>;
  stop(): Promise<void>;
  /** The read limit from the source's options (default: all available). */
  defaultReadLimit(): ReadLimit;
  /** Trigger.AvailableNow: fix the target offset once at query start (optional capability). */
  prepareForTriggerAvailableNow?(): Promise<void>;
  /**
   * Continuous trigger (optional capability): the rows after `start` as they arrive, until the
   * clock reaches `untilMs`; when it ends, `onEnd` gets the offset it read up to (the epoch's end).
   */
  getContinuous?(start: Offset, untilMs: number, onEnd: (end: Offset) => void): ExecutionPlan;
  /**
   * Trigger.AvailableNow (optional capability): how much of the run's target is read once the
   * source is at `committed`, counted from where the run started; undefined until the target is
   * fixed (StreamingQuery.availableNowProgress).
   */
  availableNowProgress?(committed: Offset): AvailableNowProgress | undefined;
  /** Source-specific numbers for progress `sources[].metrics`. */
  metrics?(latest: Offset | undefined): Record<string, string>;
}

export const offsetsEqual = (s: StreamSource, a: Offset, b: Offset): boolean => s.serializeOffset(a) === s.serializeOffset(b);
