/**
 * Contracts between the analyzer and the function library (expr/functions/*).
 * A function is registered once by its lower-case Spark name (plus aliases); the analyzer looks it
 * up, asks it to check and coerce argument types (`resolve`), and inserts casts for the argument
 * types it asks for. Compilation happens once per plan, never per row.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import type { Vector } from "../columnar/vector.js";
import type { DataType } from "../types/data-type.js";
import type { RExpr } from "./resolved-expr.js";

/** Session settings an expression may depend on. */
export interface EvalContext {
  /** spark.sql.session.timeZone, an IANA name such as "UTC" or "America/Los_Angeles". */
  readonly timeZone: string;
  /** spark.sql.ansi.enabled (true by default, as in Spark 4). */
  readonly ansi: boolean;
  /** spark.sql.decimalOperations.allowPrecisionLoss (absent = true, Spark's default). */
  readonly decimalAllowPrecisionLoss?: boolean;
  /** spark.sql.timestampType is TIMESTAMP_NTZ: bare TIMESTAMP, to_timestamp and make_timestamp mean TIMESTAMP_NTZ (absent = false). */
  readonly timestampNTZ?: boolean;
  /** The batch's logical time in µs, for current_timestamp() (fixed per query / micro-batch). */
  readonly currentTimestampUs: number;
}

export interface ResolvedSignature {
  /** The types the arguments must be cast to (same length as the call's arguments). */
  readonly argTypes: readonly DataType[];
  readonly returnType: DataType;
  /** Defaults to "any argument nullable". */
  readonly nullable?: boolean;
}

/** What `resolve` may look at: argument types, and literal values where the argument is a literal. */
export interface ArgInfo {
  readonly type: DataType;
  readonly nullable: boolean;
  /** Present when the argument is a literal (engine value; may be null). */
  readonly literal?: { readonly value: unknown };
}

/** A compiled expression: evaluates over a whole batch, returns one vector of batch.numRows. */
export type CompiledExpr = (batch: ColumnBatch) => Vector;

export interface ScalarFunction {
  readonly name: string;
  /** Check arity and types; throw an analysis SluiceError (code DATATYPE_MISMATCH or WRONG_NUM_ARGS). */
  resolve(args: readonly ArgInfo[], ctx: EvalContext): ResolvedSignature;
  /**
   * Build the kernel. `args` are the compiled arguments (already cast to the resolved types);
   * `argExprs` lets the function read literal arguments (patterns, formats, schemas) once.
   */
  compile(args: readonly CompiledExpr[], argExprs: readonly RExpr[], returnType: DataType, ctx: EvalContext): CompiledExpr;
  /** Non-deterministic functions (rand, uuid, current_timestamp) are not constant-folded. */
  readonly deterministic?: boolean;
  /** Spark's display form for auto-generated column names, when not `name(arg, ...)`. */
  readonly display?: (argNames: readonly string[]) => string;
}

/**
 * Columnar accumulator for one aggregate over many groups. Group ids are dense 0..numGroups-1.
 * Partial state is exposed as vectors so stateful streaming can checkpoint and merge it.
 */
export interface GroupAccumulator {
  /** Fold `numRows` input rows into groups `groupIds[i]`; `numGroups` may have grown since last call. */
  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void;
  /** Final values, one per group, of the aggregate's return type. */
  evaluate(numGroups: number): Vector;
  /** Partial state, one vector per `stateTypes` entry, one row per group. */
  state(numGroups: number): Vector[];
  /** Merge partial states (rows of `state()` output) into groups `groupIds[i]`. */
  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void;
}

export interface AggregateFunction {
  readonly name: string;
  /** Its partial state is never null (Spark's count buffer is `nullable = false`); recorded in state schemas. */
  readonly nonNullableState?: boolean;
  resolve(args: readonly ArgInfo[], ctx: EvalContext, distinct: boolean): ResolvedSignature & {
    /** Types of the partial state vectors. */
    readonly stateTypes: readonly DataType[];
  };
  create(argTypes: readonly DataType[], returnType: DataType, ctx: EvalContext, options: AggregateOptions): GroupAccumulator;
}

export interface AggregateOptions {
  readonly distinct: boolean;
  readonly ignoreNulls: boolean;
  /** Literal arguments by position (e.g. percentile_approx's percentage and accuracy). */
  readonly literals: readonly (unknown | undefined)[];
}

/** Ranking and offset functions evaluated per window partition (row_number, rank, lag, ...). */
export interface WindowFunction {
  readonly name: string;
  /** True for functions that read the window frame (nth_value): `evaluate` then gets each row's frame. */
  readonly usesFrame?: boolean;
  resolve(args: readonly ArgInfo[], ctx: EvalContext): ResolvedSignature & {
    /** True for rank-like functions that ignore the frame and need an ORDER BY. */
    readonly requiresOrder: boolean;
  };
  /**
   * Evaluate over one partition, already sorted. `args` are the argument vectors for the
   * partition's rows; `peerGroupStarts` marks rows whose order key differs from the previous row.
   */
  evaluate(
    args: readonly Vector[],
    numRows: number,
    peerGroupStart: Uint8Array,
    literals: readonly (unknown | undefined)[],
    returnType: DataType,
    options: { readonly ignoreNulls: boolean },
    /** With `usesFrame`: row i's frame is partition rows [start[i], end[i]) (empty when start >= end). */
    frame?: { readonly start: Int32Array; readonly end: Int32Array },
  ): Vector;
}

/** Name → implementation lookup used by the analyzer; injectable so tests and UDFs can extend it. */
export interface FunctionCatalog {
  scalar(name: string): ScalarFunction | undefined;
  aggregate(name: string): AggregateFunction | undefined;
  window(name: string): WindowFunction | undefined;
  /** Every known name, for "did you mean" suggestions. */
  names(): string[];
}
