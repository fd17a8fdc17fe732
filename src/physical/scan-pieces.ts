/**
 * A scan that can be cut into pieces read independently, in any thread, as Spark cuts its input
 * into partitions: rows held in memory cut into row ranges, files into whole files, byte ranges
 * of JSON lines or ranges of Parquet row groups. A piece is plain data (it crosses to a worker thread by postMessage);
 * read in piece order, the pieces give the scan's rows in the scan's order.
 */
import type { WireVector } from "../parallel/vector-wire.js";
import type { ExecutionPlan, TaskContext } from "./execution-plan.js";

/** Rows of an in-memory relation (their columns copied for the piece, then transferred). */
export interface RowsPiece {
  readonly kind: "rows";
  /** `dataTypeToJson` of the relation's schema. */
  readonly schema: unknown;
  readonly numRows: number;
  readonly columns: readonly WireVector[];
  /** The columns' buffers, to list for transfer when the piece is posted (they move, never copied). */
  readonly transfer: readonly ArrayBuffer[];
}

/** A file, a byte range of one, or a range of its row groups, read by the files connector (file-source.ts readFilePiece). */
export interface FilePiece {
  readonly kind: "file";
  readonly format: string;
  readonly path: string;
  /** JSON lines: the bytes whose lines the piece holds. */
  readonly range?: { readonly start: number; readonly end: number };
  /** Parquet: the row groups start..end-1. */
  readonly rowGroups?: { readonly start: number; readonly end: number };
  /** `dataTypeToJson` of the columns read from the file, and of the scan's output. */
  readonly readSchema: unknown;
  readonly outSchema: unknown;
  /** Per output column, the file's raw partition value (string or null), or false for a data column. */
  readonly partitionRaw: readonly (string | null | false)[];
  readonly options: Readonly<Record<string, string>>;
  readonly timeZone: string;
  readonly tolerance: { readonly ignoreMissingFiles: boolean; readonly ignoreCorruptFiles: boolean };
  /** The Hadoop settings in scope for the file (its store's reach from the worker). */
  readonly hadoopConf: readonly (readonly [string, string])[];
}

export type ScanPiece = RowsPiece | FilePiece;

/** A scan's pieces, the bytes they stand for, and what to do with the malformed records the pieces met. */
export interface ScanSplit {
  readonly pieces: readonly ScanPiece[];
  /** Listed bytes (files) or an estimate of the rows' size (memory). */
  readonly sizeBytes: number;
  /** Called once all pieces were read, with the malformed records they counted. */
  readonly finish: (counts: { readonly malformed: number; readonly dropped: number }) => void;
}

/** An ExecutionPlan whose rows can be read as pieces. */
export interface SplittableScan extends ExecutionPlan {
  /**
   * The pieces of this scan of about `pieceBytes` each; `sizeOnly` asks only for sizeBytes
   * (pieces may then be empty), so a caller can decide before paying for copies.
   */
  split(ctx: TaskContext, pieceBytes: number, sizeOnly: boolean): Promise<ScanSplit>;
}

export const isSplittable = (p: ExecutionPlan): p is SplittableScan => typeof (p as Partial<SplittableScan>).split === "function";
