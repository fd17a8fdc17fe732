/**
 * Where Spark 4 refuses VARIANT values (CheckAnalysis): they have no order and no equality, so
 * they cannot be grouping keys (GROUP_EXPRESSION_TYPE_IS_NOT_ORDERABLE), sort keys
 * (DATATYPE_MISMATCH.INVALID_ORDERING_TYPE), or columns of DISTINCT, dropDuplicates, INTERSECT
 * and EXCEPT (UNSUPPORTED_FEATURE.SET_OPERATION_ON_VARIANT_TYPE); structs and arrays holding one
 * count too. Extract a scalar with variant_get (or cast it) to group, sort or compare on it.
 */
import { analysisError } from "../../common/errors.js";
import { containsType, type DataType, sqlTypeName } from "../../types/data-type.js";

/** Whether `t` is VARIANT or holds one. */
const containsVariant = (t: DataType): boolean => containsType(t, "variant");

const HINT = "Extract a value with variant_get(v, '$.path', 'type') or cast it first.";

export function checkGroupKeyNotVariant(t: DataType, shown: string): void {
  if (!containsVariant(t)) return;
  throw analysisError("GROUP_EXPRESSION_TYPE_IS_NOT_ORDERABLE", `The expression "${shown}" cannot be used as a grouping expression because its data type "${sqlTypeName(t)}" is not an orderable data type. ${HINT}`, { expression: shown });
}

export function checkOrderableNotVariant(t: DataType, shown: string, op: string): void {
  if (!containsVariant(t)) return;
  throw analysisError("DATATYPE_MISMATCH", `Cannot resolve "${shown}" due to data type mismatch: The \`${op}\` does not support ordering on type "${sqlTypeName(t)}". ${HINT}`, { expression: shown, subclass: "INVALID_ORDERING_TYPE" });
}

export function checkSetOperationColumns(columns: readonly { readonly name: string; readonly type: DataType }[]): void {
  const c = columns.find((x) => containsVariant(x.type));
  if (!c) return;
  throw analysisError("UNSUPPORTED_FEATURE", `The feature is not supported: Cannot have VARIANT type columns in DataFrame which calls set operations (INTERSECT, EXCEPT, etc.), but the type of column \`${c.name}\` is "${sqlTypeName(c.type)}". ${HINT}`, { column: c.name, subclass: "SET_OPERATION_ON_VARIANT_TYPE" });
}
