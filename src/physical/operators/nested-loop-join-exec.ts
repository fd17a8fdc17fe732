/**
 * NestedLoopJoinExec: joins without equi keys (cross joins, non-equi conditions). The right side
 * is drained into memory; each left batch is paired with every right row, a chunk of left rows at
 * a time so that a chunk holds about `batchSize` pairs, and the JoinEmitter applies the condition
 * and the join type.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { concatBatches } from "../../columnar/column-batch.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import type { JoinType } from "../../plan/logical-plan.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { type Compiler, exprToString } from "./describe.js";
import { JoinEmitter } from "./join-emitter.js";

export class NestedLoopJoinExec implements ExecutionPlan {
  readonly name = "NestedLoopJoinExec";
  readonly children: readonly ExecutionPlan[];
  private readonly cond: CompiledExpr | null;

  constructor(
    readonly left: ExecutionPlan,
    readonly right: ExecutionPlan,
    readonly joinType: JoinType,
    readonly condition: RExpr | undefined,
    readonly schema: StructType,
    compile: Compiler,
  ) {
    this.children = [left, right];
    this.cond = condition ? compile(condition) : null;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const parts: ColumnBatch[] = [];
    for await (const b of this.right.execute(ctx)) if (b.numRows > 0) parts.push(b);
    throwIfAborted(ctx);
    const build = concatBatches(this.right.schema, parts);
    const r = build.numRows;
    const emitter = new JoinEmitter(this.joinType, this.schema, this.left.schema, build, this.cond);
    const rowsPerChunk = Math.max(1, Math.floor(Math.max(1, ctx.batchSize) / Math.max(1, r)));
    for await (const batch of this.left.execute(ctx)) {
      throwIfAborted(ctx);
      for (let from = 0; from < batch.numRows; from += rowsPerChunk) {
        const to = Math.min(batch.numRows, from + rowsPerChunk);
        const count = (to - from) * r;
        const li = new Int32Array(count);
        const ri = new Int32Array(count);
        for (let i = from, p = 0; i < to; i++) {
          for (let j = 0; j < r; j++, p++) {
            li[p] = i;
            ri[p] = j;
          }
        }
        const out = emitter.emit(batch, from, to, li, ri, count);
        if (out !== null) yield out;
      }
    }
    const rest = emitter.finish();
    if (rest !== null) yield rest;
  }

  describe(): string {
    return `${this.name}: ${this.joinType}${this.condition ? `, condition=${exprToString(this.condition)}` : ""}`;
  }
}
