import type { ColumnBatch } from "../../columnar/column-batch.js";
import { takeBatch } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { GroupKeyEncoder } from "../hash/group-key-encoder.js";

/**
 * Keeps the first row seen per key (the columns at `keys`; all columns for distinct()), across
 * batches. Keys compare as in GROUP BY: nulls equal nulls, NaN equals NaN, -0.0 equals 0.0.
 */
export class DropDuplicatesExec implements ExecutionPlan {
  readonly name = "DropDuplicatesExec";
  readonly children: readonly ExecutionPlan[];

  constructor(
    readonly child: ExecutionPlan,
    readonly keys: readonly number[],
  ) {
    this.children = [child];
  }

  get schema(): StructType {
    return this.child.schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const types = this.keys.map((k) => this.schema.fields[k]!.type);
    const encoder = new GroupKeyEncoder(types, { keepKeys: false });
    for await (const batch of this.child.execute(ctx)) {
      throwIfAborted(ctx);
      const n = batch.numRows;
      if (n === 0) continue;
      let next = encoder.numGroups;
      const ids = encoder.encode(
        this.keys.map((k) => batch.columns[k]!),
        n,
      );
      const keep = new Int32Array(n);
      let m = 0;
      for (let i = 0; i < n; i++) {
        if (ids[i] === next) {
          keep[m++] = i;
          next++;
        }
      }
      if (m === n) yield batch;
      else if (m > 0) yield takeBatch(batch, keep.subarray(0, m));
    }
  }

  describe(): string {
    return `${this.name}: [${this.keys.map((k) => this.schema.fields[k]!.name).join(", ")}]`;
  }
}
