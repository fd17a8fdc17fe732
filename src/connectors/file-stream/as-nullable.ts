/**
 * Spark's `StructType.asNullable`: every field, array element and map value nullable, at every
 * depth. A streaming file source applies it to a user schema by default
 * (spark.sql.streaming.fileSource.schema.forceNullable), since a file can always hold a null or
 * lack a column whatever the schema claims.
 */
import type { DataType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";

function nullableType(t: DataType): DataType {
  switch (t.kind) {
    case "array":
      return { ...t, elementType: nullableType(t.elementType), containsNull: true };
    case "map":
      return { ...t, keyType: nullableType(t.keyType), valueType: nullableType(t.valueType), valueContainsNull: true };
    case "struct":
      return asNullable(t instanceof StructType ? t : new StructType(t.fields));
    default:
      return t;
  }
}

export function asNullable(schema: StructType): StructType {
  return new StructType(schema.fields.map((f) => ({ ...f, type: nullableType(f.type), nullable: true })));
}
