import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { CacheSlot } from "../../plan/logical-plan.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, collectBatches, throwIfAborted } from "../execution-plan.js";

/**
 * A persisted DataFrame (Spark's InMemoryRelation / InMemoryTableScanExec). While the slot is
 * persisted, the first execution computes the child completely into the slot — as Spark's block
 * manager stores a partition whole, even for take(1) — and every execution then reads those
 * batches without running the child again. Concurrent first executions share one computation;
 * a failed one leaves the slot empty for the next action. Not persisted (after unpersist()): the
 * child runs every time.
 */
export class InMemoryRelationExec implements ExecutionPlan {
  readonly name = "InMemoryTableScanExec";
  readonly children: readonly ExecutionPlan[];

  constructor(
    readonly child: ExecutionPlan,
    readonly slot: CacheSlot,
  ) {
    this.children = [child];
  }

  get schema(): StructType {
    return this.child.schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const slot = this.slot;
    if (slot.level === null) {
      yield* this.child.execute(ctx);
      return;
    }
    if (slot.batches === null) {
      const pending = collectBatches(this.child, ctx);
      slot.batches = pending;
      pending.catch(() => {
        if (slot.batches === pending) slot.batches = null;
      });
    }
    for (const batch of await slot.batches) {
      throwIfAborted(ctx);
      yield batch;
    }
  }

  describe(): string {
    return `${this.name}: ${this.slot.level ?? "not persisted"}${this.slot.batches === null ? "" : ", materialized"}`;
  }
}
