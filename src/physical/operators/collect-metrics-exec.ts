import { type ColumnBatch, batchToRows, getValue } from "../../columnar/column-batch.js";
import type { ObservationSink } from "../../plan/logical-plan.js";
import type { RAggregate } from "../../plan/resolved-plan.js";
import { outputSchema } from "../../plan/resolved-plan.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, collectBatches, throwIfAborted } from "../execution-plan.js";
import type { Compiler } from "./describe.js";
import { HashAggregateExec } from "./hash-aggregate-exec.js";

/** One execution's observed row: as users see it, plus its engine values, types and session time zone (for Spark's JSON). */
export interface ObservedRow {
  readonly row: Readonly<Record<string, unknown>>;
  readonly values: readonly unknown[];
  readonly schema: StructType;
  readonly timeZone: string;
}

/**
 * `df.observe(name, ...)` (Spark's CollectMetricsExec): yields its input unchanged and feeds
 * the same batches to a global HashAggregateExec as they pass, so the metrics cost one
 * aggregation and no copy. When the input ends, `observed` holds the metrics row of that run
 * (a run cut short leaves the previous value), also handed to a batch DataFrame's Observation.
 */
export class CollectMetricsExec implements ExecutionPlan {
  readonly name = "CollectMetricsExec";
  readonly children: readonly ExecutionPlan[];
  observed: ObservedRow | null = null;
  private readonly metricsSchema: StructType;

  constructor(
    readonly child: ExecutionPlan,
    readonly metricsName: string,
    private readonly metrics: RAggregate,
    private readonly compile: Compiler,
    private readonly observation?: ObservationSink,
  ) {
    this.children = [child];
    this.metricsSchema = outputSchema(metrics);
  }

  get schema(): StructType {
    return this.child.schema;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const feed = new BatchFeed(this.child.schema);
    const m = this.metrics;
    const done = collectBatches(new HashAggregateExec(feed, [], m.aggs, m.resultExprs, this.metricsSchema, this.compile), ctx);
    done.catch(() => undefined); // awaited below; a failure must not count as unhandled meanwhile
    let ended = false;
    try {
      for await (const batch of this.child.execute(ctx)) {
        throwIfAborted(ctx);
        feed.push(batch);
        yield batch;
      }
      ended = true;
      feed.end();
      const out = (await done)[0]!;
      const values = out.columns.map((c) => getValue(c, 0));
      this.observed = { row: batchToRows(out)[0]!, values, schema: this.metricsSchema, timeZone: ctx.eval.timeZone };
      this.observation?.onObserved(this.observed.row);
    } finally {
      if (!ended) {
        feed.end();
        await done.catch(() => undefined);
      }
    }
  }

  describe(): string {
    return `${this.name}: ${this.metricsName}, [${this.metrics.output.map((a) => a.name).join(", ")}]`;
  }
}

/** An ExecutionPlan whose batches are pushed in by another operator (one reader). */
class BatchFeed implements ExecutionPlan {
  readonly name = "BatchFeed";
  readonly children: readonly ExecutionPlan[] = [];
  private readonly queue: ColumnBatch[] = [];
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(readonly schema: StructType) {}

  push(b: ColumnBatch): void {
    this.queue.push(b);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *execute(): AsyncIterable<ColumnBatch> {
    for (;;) {
      const b = this.queue.shift();
      if (b !== undefined) yield b;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  describe(): string {
    return this.name;
  }
}
