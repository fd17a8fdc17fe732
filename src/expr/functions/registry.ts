/**
 * Built-in scalar functions by lower-case Spark name. Each family file exports a list of
 * ScalarFunction objects; aliases are separate entries sharing an implementation.
 */
import type { ScalarFunction } from "../function-types.js";
import { arithmeticFunctions } from "./arithmetic.js";
import { arrayFunctions } from "./arrays.js";
import { bitwiseFunctions } from "./bitwise.js";
import { collectionFunctions } from "./collections.js";
import { comparisonFunctions } from "./comparison.js";
import { conditionalFunctions } from "./conditional.js";
import { csvFunctions } from "./csv-functions.js";
import { calendarFunctions } from "./datetime-calendar.js";
import { datetimeFunctions } from "./datetime.js";
import { hashFunctions } from "./hash.js";
import { higherOrderFunctions } from "./higher-order.js";
import { jsonFunctions } from "./json.js";
import { mapFunctions } from "./maps.js";
import { mathExtraFunctions } from "./math-extra.js";
import { mathFunctions } from "./math.js";
import { miscFunctions } from "./misc.js";
import { numberFormatFunctions } from "./number-format.js";
import { predicateFunctions } from "./predicates.js";
import { sessionWindowFunctions } from "./session-window.js";
import { byteStringFunctions } from "./strings-bytes.js";
import { moreStringFunctions } from "./strings-more.js";
import { stringFunctions } from "./strings.js";
import { toCsvFunctions } from "./to-csv.js";
import { variantFunctions } from "./variant.js";

const families: readonly (readonly ScalarFunction[])[] = [
  arithmeticFunctions,
  comparisonFunctions,
  predicateFunctions,
  conditionalFunctions,
  stringFunctions,
  byteStringFunctions,
  moreStringFunctions,
  mathFunctions,
  mathExtraFunctions,
  bitwiseFunctions,
  miscFunctions,
  datetimeFunctions,
  calendarFunctions,
  hashFunctions,
  collectionFunctions,
  arrayFunctions,
  mapFunctions,
  numberFormatFunctions,
  higherOrderFunctions,
  jsonFunctions,
  csvFunctions,
  toCsvFunctions,
  sessionWindowFunctions,
  variantFunctions,
];

const byName = new Map<string, ScalarFunction>();
for (const family of families) for (const fn of family) byName.set(fn.name, fn);

export const lookupScalarFunction = (name: string): ScalarFunction | undefined => byName.get(name.toLowerCase());
export const scalarFunctionNames = (): string[] => [...byName.keys()];
