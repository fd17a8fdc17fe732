/**
 * An exchange in explain(): where a parallel operator hands its input to the local[N] workers
 * (Spark's BroadcastExchange, or ShuffleExchange printed as `Exchange hashpartitioning(…)`).
 * The rows move inside the operator above it, so executing the exchange is executing its child.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";
import type { ExecutionPlan, TaskContext } from "../execution-plan.js";

export class ExchangeExec implements ExecutionPlan {
  readonly children: readonly ExecutionPlan[];

  constructor(
    readonly name: "BroadcastExchangeExec" | "ShuffleExchangeExec",
    readonly child: ExecutionPlan,
    /** What explain says after the name. */
    readonly how: string,
  ) {
    this.children = [child];
  }

  get schema(): StructType {
    return this.child.schema;
  }

  execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    return this.child.execute(ctx);
  }

  describe(): string {
    return `${this.name}: ${this.how}`;
  }
}
