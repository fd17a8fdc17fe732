import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch } from "../../columnar/column-batch.js";
import { type Vector, makeVector } from "../../columnar/vector.js";
import { toWire } from "../../parallel/vector-wire.js";
import { dataTypeToJson } from "../../types/json-schema.js";
import type { StructType } from "../../types/struct-type.js";
import { type TaskContext, throwIfAborted } from "../execution-plan.js";
import type { RowsPiece, ScanSplit, SplittableScan } from "../scan-pieces.js";

/** Rows held in memory (createDataFrame, memory streams): yields the given batches in order. */
export class LocalRelationExec implements SplittableScan {
  readonly name = "LocalRelationExec";
  readonly children = [];

  constructor(
    readonly schema: StructType,
    readonly batches: readonly ColumnBatch[],
  ) {}

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    for (const b of this.batches) {
      throwIfAborted(ctx);
      // Re-label with this node's schema (names and nullability are the plan's).
      yield b.schema === this.schema ? b : makeBatch(this.schema, b.columns, b.numRows);
    }
  }

  /** Row ranges of about `pieceBytes` (8 bytes a value, as an estimate), each a copy of its rows, in order. */
  async split(_ctx: TaskContext, pieceBytes: number, sizeOnly: boolean): Promise<ScanSplit> {
    const width = Math.max(1, this.schema.length) * 8;
    const rows = this.batches.reduce((s, b) => s + b.numRows, 0);
    const finish = (): void => {};
    if (sizeOnly) return { pieces: [], sizeBytes: rows * width, finish };
    const step = Math.max(1, Math.floor(pieceBytes / width));
    const schema = dataTypeToJson(this.schema);
    const pieces: RowsPiece[] = [];
    for (const b of this.batches) {
      for (let start = 0; start < b.numRows; start += step) {
        const end = Math.min(b.numRows, start + step);
        const { columns, transfer } = toWire(b.columns.map((c) => copyRange(c, start, end)));
        pieces.push({ kind: "rows", schema, numRows: end - start, columns, transfer });
      }
    }
    return { pieces, sizeBytes: rows * width, finish };
  }

  describe(): string {
    const rows = this.batches.reduce((s, b) => s + b.numRows, 0);
    return `${this.name}: [${this.schema.fieldNames.join(", ")}], ${rows} rows`;
  }
}

/** Rows start..end-1 of `v` in storage of their own (a piece's buffers are transferred away). */
function copyRange(v: Vector, start: number, end: number): Vector {
  const values = ArrayBuffer.isView(v.values) ? v.values.slice(start, end) : v.values.slice(start, end);
  return makeVector(v.type, values, v.validity === null ? null : v.validity.slice(start, end));
}
