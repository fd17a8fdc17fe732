/**
 * Parameter types of the lambdas passed to Spark's higher-order functions, derived from the
 * arguments before the lambda: transform/filter/exists/forall (element[, index]), aggregate
 * (accumulator = zero's type, element; finish: accumulator), zip_with (left, right element),
 * map_filter/transform_keys/transform_values (key, value), map_zip_with (key, v1, v2),
 * array_sort (left, right element).
 */
import type { RExpr } from "../../expr/resolved-expr.js";
import { type DataType, IntegerType, NullType } from "../../types/data-type.js";

const elem = (t: DataType | undefined): DataType => (t?.kind === "array" ? t.elementType : NullType);
const key = (t: DataType | undefined): DataType => (t?.kind === "map" ? t.keyType : NullType);
const value = (t: DataType | undefined): DataType => (t?.kind === "map" ? t.valueType : NullType);

/** `before` holds the resolved arguments preceding this lambda (earlier lambdas included). */
export function hofLambdaParams(fn: string, before: readonly RExpr[], lambdaIndex: number, arity: number): DataType[] {
  const t0 = before[0]?.type;
  switch (fn) {
    case "transform":
    case "filter":
    case "exists":
    case "forall":
      return [elem(t0), IntegerType].slice(0, arity);
    case "aggregate":
    case "reduce":
      // merge: (acc, x) with acc typed as the zero value; finish: (acc) typed as merge's result
      return lambdaIndex === 0 ? [before[1]?.type ?? NullType, elem(t0)] : [before[2]?.type ?? before[1]?.type ?? NullType];
    case "zip_with":
      return [elem(t0), elem(before[1]?.type)];
    case "map_filter":
    case "transform_keys":
    case "transform_values":
      return [key(t0), value(t0)];
    case "map_zip_with":
      return [key(t0), value(t0), value(before[1]?.type)];
    case "array_sort":
      return [elem(t0), elem(t0)];
    default:
      return Array.from({ length: arity }, (_, i) => (i === 0 ? elem(t0) : IntegerType));
  }
}
