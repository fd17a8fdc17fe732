/** Built-in ranking, offset and nth_value window functions by lower-case Spark name. */
import type { WindowFunction } from "../function-types.js";
import { nthValue } from "./nth-value.js";
import { offsetFunctions } from "./offset.js";
import { rankingFunctions } from "./ranking.js";

const families: readonly (readonly WindowFunction[])[] = [rankingFunctions, offsetFunctions, [nthValue]];

const byName = new Map<string, WindowFunction>();
for (const family of families) for (const fn of family) byName.set(fn.name, fn);

export const lookupWindowFunction = (name: string): WindowFunction | undefined => byName.get(name.toLowerCase());
export const windowFunctionNames = (): string[] => [...byName.keys()];
