/** Built-in aggregate functions by lower-case Spark name; aliases are separate entries. */
import type { AggregateFunction } from "../function-types.js";
import { approxCountDistinct } from "./approx-count-distinct.js";
import { bitAggFunctions } from "./bit-agg.js";
import { boolAggFunctions } from "./bool-agg.js";
import { centralMomentFunctions } from "./central-moment.js";
import { collectFunctions } from "./collect.js";
import { countFunctions } from "./count.js";
import { firstLastFunctions } from "./first-last.js";
import { minMaxFunctions } from "./min-max.js";
import { mode } from "./mode.js";
import { percentileFunctions } from "./percentile.js";
import { percentileApproxFunctions } from "./percentile-approx.js";
import { scalarSubqueryAggregate } from "./scalar-subquery.js";
import { schemaOfVariantAgg } from "./schema-of-variant-agg.js";
import { sumAvgFunctions } from "./sum-avg.js";
import { trySumAvgFunctions } from "./try-sum-avg.js";

const families: readonly (readonly AggregateFunction[])[] = [
  countFunctions,
  sumAvgFunctions,
  trySumAvgFunctions,
  minMaxFunctions,
  firstLastFunctions,
  collectFunctions,
  centralMomentFunctions,
  boolAggFunctions,
  [approxCountDistinct],
  percentileApproxFunctions,
  percentileFunctions,
  [mode],
  bitAggFunctions,
  [scalarSubqueryAggregate],
  [schemaOfVariantAgg],
];

const byName = new Map<string, AggregateFunction>();
for (const family of families) for (const fn of family) byName.set(fn.name, fn);

export const lookupAggregateFunction = (name: string): AggregateFunction | undefined => byName.get(name.toLowerCase());
export const aggregateFunctionNames = (): string[] => [...byName.keys()];
