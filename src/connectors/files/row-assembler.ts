/**
 * Builds ColumnBatches of ≤ batchSize rows from parsed records and applies the parse mode, as
 * Spark's FailureSafeParser does:
 *   PERMISSIVE — a bad field becomes null and the row is kept; the record's raw text goes to the
 *     corrupt-record column when the schema has it;
 *   DROPMALFORMED — a record with any bad field is dropped;
 *   FAILFAST — the first bad record fails the read with MALFORMED_RECORD_IN_PARSING naming file and line.
 * Beyond Spark, the malformed records kept (PERMISSIVE) and dropped (DROPMALFORMED) are counted
 * into MalformedCounts, which scans report (streaming progress, a batch read's warning).
 */
import { type ColumnBatch, VectorBuilder, makeBatch } from "../../columnar/column-batch.js";
import { inputError } from "../../common/errors.js";
import type { StructType } from "../../types/struct-type.js";
import type { ParseMode } from "./options.js";

/** Malformed records a read met: `malformed` in all, of which `dropped` were dropped by DROPMALFORMED. */
export interface MalformedCounts {
  malformed: number;
  dropped: number;
}

export const noMalformedRecords = (): MalformedCounts => ({ malformed: 0, dropped: 0 });

export class RowAssembler {
  readonly #builders: VectorBuilder[];
  readonly #row: unknown[];
  #bad = false;
  #badReason = "";
  #rows = 0;

  constructor(
    readonly schema: StructType,
    /** Index of the corrupt-record column in `schema`, or -1. */
    readonly corruptIndex: number,
    readonly mode: ParseMode,
    readonly file: string,
    readonly batchSize: number,
    /** Where malformed records are counted (optional). */
    readonly counts?: MalformedCounts,
  ) {
    this.#builders = schema.fields.map((f) => new VectorBuilder(f.type, Math.min(batchSize, 1024)));
    this.#row = new Array<unknown>(schema.length).fill(null);
  }

  /** Start a new row: every column null, not bad. */
  begin(): void {
    this.#row.fill(null);
    this.#bad = false;
  }

  set(col: number, value: unknown): void {
    this.#row[col] = value;
  }

  /** Mark the current record malformed (the column keeps null). */
  markBad(reason: string): void {
    if (!this.#bad) this.#badReason = reason;
    this.#bad = true;
  }

  get isBad(): boolean {
    return this.#bad;
  }

  /**
   * Finish the row: keep, drop or fail according to the mode. `raw` is the record text,
   * `line` its 1-based line number. Returns a full batch when batchSize rows are ready.
   */
  end(raw: string, line: number): ColumnBatch | undefined {
    if (this.#bad) {
      if (this.counts && this.mode !== "FAILFAST") this.counts.malformed++;
      if (this.mode === "FAILFAST") {
        throw inputError(
          "MALFORMED_RECORD_IN_PARSING",
          `Malformed record in ${this.file} at line ${line}: ${this.#badReason}. Record: ${raw.length > 200 ? raw.slice(0, 200) + "…" : raw}. Fix the input, or read with mode PERMISSIVE (nulls) or DROPMALFORMED (skip).`,
          { file: this.file, line },
        );
      }
      if (this.mode === "DROPMALFORMED") {
        if (this.counts) this.counts.dropped++;
        return undefined;
      }
      if (this.corruptIndex >= 0) this.#row[this.corruptIndex] = raw;
    }
    for (let c = 0; c < this.#builders.length; c++) this.#builders[c]!.append(this.#row[c]);
    this.#rows++;
    return this.#rows >= this.batchSize ? this.flush() : undefined;
  }

  /** The rows collected so far as a batch (undefined when none), and reset. */
  flush(): ColumnBatch | undefined {
    if (this.#rows === 0) return undefined;
    const batch = makeBatch(
      this.schema,
      this.#builders.map((b) => b.finish()),
      this.#rows,
    );
    for (let c = 0; c < this.#builders.length; c++) this.#builders[c] = new VectorBuilder(this.schema.fields[c]!.type, Math.min(this.batchSize, 1024));
    this.#rows = 0;
    return batch;
  }
}
