/**
 * mapGroupsWithState / flatMapGroupsWithState on a batch DataFrame (as Spark runs them outside
 * streaming): every key is called once with all its rows and no prior state (or its initial
 * state; keys only in the initial state are called with no rows); timeouts never fire and the
 * state is dropped afterwards.
 */
import { type ColumnBatch, batchFromRows, batchToRows } from "../../columnar/column-batch.js";
import type { GroupsWithStateSpec, Row } from "../../plan/groups-with-state.js";
import type { StructType } from "../../types/struct-type.js";
import type { ExecutionPlan, TaskContext } from "../execution-plan.js";
import { GroupStateImpl, callGroupFunction, encodeGroupKey, loadInitialState } from "./group-state.js";

export class GroupsWithStateExec implements ExecutionPlan {
  readonly name = "GroupsWithStateExec";
  readonly children: readonly ExecutionPlan[];
  readonly schema: StructType;

  constructor(
    readonly child: ExecutionPlan,
    readonly spec: GroupsWithStateSpec,
  ) {
    this.children = [child];
    this.schema = spec.outputSchema;
  }

  describe(): string {
    return `${this.name}: ${this.spec.isMap ? "mapGroupsWithState" : "flatMapGroupsWithState"}, ${this.spec.timeout}`;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const groups = new Map<string, { key: unknown; rows: Row[] }>();
    for await (const batch of this.child.execute(ctx)) {
      for (const row of batchToRows(batch)) {
        const key = this.spec.keyFn(row);
        const k = encodeGroupKey(key);
        const g = groups.get(k);
        if (g) g.rows.push(row);
        else groups.set(k, { key, rows: [row] });
      }
    }
    const initial = this.spec.initialState ? await loadInitialState(this.spec) : new Map<string, { key: unknown; state: Row }>();
    for (const [k, init] of initial) if (!groups.has(k)) groups.set(k, { key: init.key, rows: [] });
    const out: Row[] = [];
    const batchTimestampMs = Math.floor(ctx.eval.currentTimestampUs / 1000);
    for (const [k, g] of groups) {
      const state = new GroupStateImpl(initial.get(k)?.state, { timeout: this.spec.timeout, batchTimestampMs, watermarkMs: undefined, hasTimedOut: false, isMap: this.spec.isMap });
      await callGroupFunction(this.spec, g.key, g.rows, state, out);
    }
    if (out.length > 0) yield batchFromRows(this.spec.outputSchema, out);
  }
}
