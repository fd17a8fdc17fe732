/**
 * The part of a join shared by HashJoinExec and NestedLoopJoinExec: given candidate pairs
 * (left row, right row) for a range of left rows, apply the residual condition columnarly over a
 * combined batch [left..., right...], then shape the output for the join type:
 *   inner/cross: matching pairs · left/full: plus left rows without a match (right side null) ·
 *   right/full: matched build rows are remembered and `finish()` emits the others (left null) ·
 *   left_semi / left_anti: left rows with / without a match, once each, left columns only.
 * The right side is always the build side (held whole in memory).
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch, take } from "../../columnar/column-batch.js";
import { nullVector } from "../../columnar/vector.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import type { JoinType } from "../../plan/logical-plan.js";
import { StructType } from "../../types/struct-type.js";
import { trueMask } from "./filter-exec.js";

export class JoinEmitter {
  private readonly matchedRight: Uint8Array | null;
  private readonly combinedSchema: StructType;

  constructor(
    readonly joinType: JoinType,
    readonly schema: StructType,
    readonly leftSchema: StructType,
    readonly right: ColumnBatch,
    readonly condition: CompiledExpr | null,
  ) {
    this.matchedRight = joinType === "right" || joinType === "full" ? new Uint8Array(right.numRows) : null;
    this.combinedSchema = new StructType([...leftSchema.fields, ...right.schema.fields]);
  }

  /**
   * Output for left rows [from, to) of `left`, whose candidate pairs are li[0..count) / ri[0..count)
   * (every pair's left row lies in the range). Returns null when nothing is produced.
   */
  emit(left: ColumnBatch, from: number, to: number, li: Int32Array, ri: Int32Array, count: number): ColumnBatch | null {
    let L = li.subarray(0, count);
    let R = ri.subarray(0, count);
    if (this.condition !== null && count > 0) {
      const combined = this.pairBatch(this.combinedSchema, left, L, R);
      const mask = trueMask(this.condition(combined), count);
      let m = 0;
      for (let i = 0; i < count; i++) m += mask[i]!;
      if (m < count) {
        const l2 = new Int32Array(m);
        const r2 = new Int32Array(m);
        for (let i = 0, j = 0; i < count; i++) {
          if (mask[i] === 1) {
            l2[j] = L[i]!;
            r2[j++] = R[i]!;
          }
        }
        L = l2;
        R = r2;
      }
    }
    if (this.matchedRight !== null) for (let i = 0; i < R.length; i++) this.matchedRight[R[i]!] = 1;
    switch (this.joinType) {
      case "inner":
      case "cross":
      case "right":
        return L.length === 0 ? null : this.pairBatch(this.schema, left, L, R);
      case "left":
      case "full": {
        const unmatched = this.leftRows(L, from, to, false);
        if (L.length === 0 && unmatched.length === 0) return null;
        const l3 = new Int32Array(L.length + unmatched.length);
        l3.set(L);
        l3.set(unmatched, L.length);
        const r3 = new Int32Array(l3.length).fill(-1);
        r3.set(R);
        return this.pairBatch(this.schema, left, l3, r3);
      }
      case "left_semi":
      case "left_anti": {
        const rows = this.leftRows(L, from, to, this.joinType === "left_semi");
        if (rows.length === 0) return null;
        return makeBatch(
          this.schema,
          left.columns.map((c) => take(c, rows)),
          rows.length,
        );
      }
    }
  }

  /** Right/full joins: the build rows no pair matched, with null left columns. */
  finish(): ColumnBatch | null {
    if (this.matchedRight === null) return null;
    const rows: number[] = [];
    for (let i = 0; i < this.matchedRight.length; i++) if (this.matchedRight[i] === 0) rows.push(i);
    if (rows.length === 0) return null;
    const n = rows.length;
    return makeBatch(
      this.schema,
      [...this.leftSchema.fields.map((f) => nullVector(f.type, n)), ...this.right.columns.map((c) => take(c, rows))],
      n,
    );
  }

  /** Left rows in [from, to) that appear (matched) or do not appear in L, in row order. */
  private leftRows(L: Int32Array, from: number, to: number, matched: boolean): Int32Array {
    const seen = new Uint8Array(to - from);
    for (let i = 0; i < L.length; i++) seen[L[i]! - from] = 1;
    const want = matched ? 1 : 0;
    let m = 0;
    for (let i = 0; i < seen.length; i++) if (seen[i] === want) m++;
    const out = new Int32Array(m);
    for (let i = 0, j = 0; i < seen.length; i++) if (seen[i] === want) out[j++] = from + i;
    return out;
  }

  private pairBatch(schema: StructType, left: ColumnBatch, L: Int32Array, R: Int32Array): ColumnBatch {
    return makeBatch(
      schema,
      [...left.columns.map((c) => take(c, L)), ...this.right.columns.map((c) => take(c, R))],
      L.length,
    );
  }
}
