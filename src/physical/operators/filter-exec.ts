import type { ColumnBatch } from "../../columnar/column-batch.js";
import { filterBatch } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { type Compiler, exprToString } from "./describe.js";

/** Keeps the rows where the condition is true (null counts as false, as in SQL). */
export class FilterExec implements ExecutionPlan {
  readonly name = "FilterExec";
  readonly children: readonly ExecutionPlan[];
  private readonly compiled: CompiledExpr;

  constructor(
    readonly child: ExecutionPlan,
    readonly condition: RExpr,
    compile: Compiler,
  ) {
    this.children = [child];
    this.compiled = compile(condition);
  }

  get schema(): StructType {
    return this.child.schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    for await (const batch of this.child.execute(ctx)) {
      throwIfAborted(ctx);
      if (batch.numRows === 0) continue;
      const mask = trueMask(this.compiled(batch), batch.numRows);
      const out = filterBatch(batch, mask);
      if (out.numRows > 0) yield out;
    }
  }

  describe(): string {
    return `${this.name}: ${exprToString(this.condition)}`;
  }
}

/** 1 where a boolean vector is true and valid, 0 where false or null. */
export function trueMask(v: Vector, n: number): Uint8Array {
  const values = v.values as Uint8Array;
  const validity = v.validity;
  const mask = new Uint8Array(n);
  if (validity === null) {
    for (let i = 0; i < n; i++) mask[i] = values[i] === 1 ? 1 : 0;
  } else {
    for (let i = 0; i < n; i++) mask[i] = values[i] === 1 && validity[i] === 1 ? 1 : 0;
  }
  return mask;
}
