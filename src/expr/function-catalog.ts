import { lookupAggregateFunction, aggregateFunctionNames } from "./aggregates/registry.js";
import type { FunctionCatalog } from "./function-types.js";
import { lookupScalarFunction, scalarFunctionNames } from "./functions/registry.js";
import { lookupWindowFunction, windowFunctionNames } from "./window-functions/registry.js";

/** The built-in functions. */
export const builtinFunctions: FunctionCatalog = {
  scalar: lookupScalarFunction,
  aggregate: lookupAggregateFunction,
  window: lookupWindowFunction,
  names: () => [...scalarFunctionNames(), ...aggregateFunctionNames(), ...windowFunctionNames()],
};
