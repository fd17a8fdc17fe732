/**
 * `__sluice_scalar_subquery(x)`: the internal aggregate behind SQL scalar subqueries
 * (`(SELECT max(a) FROM t)`). The SQL layer wraps the subquery in a global aggregate of this
 * function, so the subquery always yields exactly one row: its only value, or null when it has
 * no rows. A second row is Spark's execution error SCALAR_SUBQUERY_TOO_MANY_ROWS.
 */
import { executionError } from "../../common/errors.js";
import { makeVector, type Vector } from "../../columnar/vector.js";
import { BooleanType } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, GroupAccumulator } from "../function-types.js";
import { GroupSlots, checkArity, growU8 } from "./common.js";

/** The function's registered name (not a Spark name; the SQL parser is its only caller). */
export const SCALAR_SUBQUERY_AGG = "__sluice_scalar_subquery";

const tooManyRows = (): Error =>
  executionError(
    "SCALAR_SUBQUERY_TOO_MANY_ROWS",
    "[SCALAR_SUBQUERY_TOO_MANY_ROWS] More than one row returned by a subquery used as an expression. Make the subquery return at most one row, e.g. with an aggregate or LIMIT 1.",
  );

class ScalarSubqueryAccumulator implements GroupAccumulator {
  private set = new Uint8Array(16);

  constructor(private readonly slots: GroupSlots) {}

  private grow(n: number): void {
    this.slots.ensure(n);
    this.set = growU8(this.set, n);
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const v = args[0]!;
    for (let i = 0; i < numRows; i++) {
      const g = groupIds[i]!;
      if (this.set[g] === 1) throw tooManyRows();
      this.slots.copy(g, v, i);
      this.set[g] = 1;
    }
  }

  evaluate(numGroups: number): Vector {
    this.grow(numGroups);
    return this.slots.toVector(numGroups);
  }

  state(numGroups: number): Vector[] {
    this.grow(numGroups);
    return [this.slots.toVector(numGroups), makeVector(BooleanType, this.set.slice(0, numGroups), null)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const wasSet = states[1]!.values as Uint8Array;
    for (let i = 0; i < numRows; i++) {
      if (wasSet[i] !== 1) continue;
      const g = groupIds[i]!;
      if (this.set[g] === 1) throw tooManyRows();
      this.slots.copy(g, states[0]!, i);
      this.set[g] = 1;
    }
  }
}

export const scalarSubqueryAggregate: AggregateFunction = {
  name: SCALAR_SUBQUERY_AGG,
  resolve(args: readonly ArgInfo[]) {
    checkArity(SCALAR_SUBQUERY_AGG, args, 1);
    const t = args[0]!.type;
    return { argTypes: [t], returnType: t, nullable: true, stateTypes: [t, BooleanType] };
  },
  create: (argTypes) => new ScalarSubqueryAccumulator(new GroupSlots(argTypes[0]!)),
};
