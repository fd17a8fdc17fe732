/**
 * mode(col [, deterministic = false]): the most frequent non-null value of a group, in the
 * column's type; null for a group without values. Ties: Spark returns whichever tied value its
 * hash map yields first (unspecified), Sluice the first one seen; with `deterministic` = true
 * (a foldable BOOLEAN) the smallest tied value, as Spark 4 (maps, which have no order, keep the first). DISTINCT is refused, as in Spark.
 * State: the group's value → count table.
 */
import { analysisError } from "../../common/errors.js";
import { vectorFromValues } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import { BooleanType, type DataType, sqlTypeName } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, GroupAccumulator } from "../function-types.js";
import { compareValues } from "../functions/compare-values.js";
import { checkArity, isOrderable } from "./common.js";
import { countsStateTypes, ValueCounts } from "./value-counts.js";

class ModeAccumulator implements GroupAccumulator {
  private readonly counts: ValueCounts;
  private readonly orderable: boolean;

  constructor(
    private readonly type: DataType,
    deterministic: boolean,
  ) {
    this.counts = new ValueCounts(type);
    this.orderable = deterministic && isOrderable(type);
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number): void {
    this.counts.addRows(groupIds, args[0]!, numRows);
  }

  evaluate(numGroups: number): Vector {
    const out: unknown[] = [];
    for (let g = 0; g < numGroups; g++) {
      let best: { value: unknown; count: number } | undefined;
      for (const e of this.counts.at(g)?.values() ?? []) {
        if (best === undefined || e.count > best.count) best = e;
        else if (this.orderable && e.count === best.count && compareValues(this.type, e.value, best.value) < 0) best = e;
      }
      out.push(best === undefined ? null : best.value);
    }
    return vectorFromValues(this.type, out);
  }

  state(numGroups: number): Vector[] {
    return this.counts.state(numGroups);
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number): void {
    this.counts.merge(groupIds, states, numRows);
  }
}

export const mode: AggregateFunction = {
  name: "mode",
  resolve(args: readonly ArgInfo[], ctx, distinct) {
    checkArity("mode", args, 1, 2);
    if (distinct) {
      throw analysisError("INVALID_WITHIN_GROUP_EXPRESSION", "Invalid function `mode` with WITHIN GROUP. The function does not support DISTINCT with WITHIN GROUP. Remove DISTINCT.", {
        function: "mode",
        subclass: "DISTINCT_UNSUPPORTED",
      });
    }
    const t = args[0]!.type;
    const flag = args[1];
    if (flag && flag.type.kind !== "boolean") {
      throw analysisError("UNEXPECTED_INPUT_TYPE", `Parameter second of function \`mode\` requires the "BOOLEAN" type, however it has the type "${sqlTypeName(flag.type)}". Pass true or false.`, {
        function: "mode",
      });
    }
    if (flag && (flag.literal === undefined || flag.literal.value === null)) {
      throw analysisError(
        "NON_FOLDABLE_ARGUMENT",
        'The function `mode` requires the parameter `deterministic` to be a foldable expression of the type "BOOLEAN", but the actual argument is a non-foldable. Pass true or false.',
        { function: "mode", parameter: "deterministic" },
      );
    }
    return { argTypes: flag ? [t, BooleanType] : [t], returnType: t, stateTypes: countsStateTypes(t) };
  },
  create: (argTypes, returnType, ctx, options) => new ModeAccumulator(argTypes[0]!, options.literals[1] === true),
};
