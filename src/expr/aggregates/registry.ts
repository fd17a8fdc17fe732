/** Built-in aggregate functions by lower-case Spark name. */
import type { AggregateFunction } from "../function-types.js";

const families: readonly (readonly AggregateFunction[])[] = [];

const byName = new Map<string, AggregateFunction>();
for (const family of families) for (const fn of family) byName.set(fn.name, fn);

export const lookupAggregateFunction = (name: string): AggregateFunction | undefined => byName.get(name.toLowerCase());
export const aggregateFunctionNames = (): string[] => [...byName.keys()];
