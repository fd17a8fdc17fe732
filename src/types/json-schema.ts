/**
 * Spark's JSON form of data types (DataType.json), the form Delta's `metaData.schemaString` uses:
 * atomic types are strings ("integer", "long", "decimal(10,2)"), complex types are objects.
 */
import { analysisError } from "../common/errors.js";
import { ArrayType, type DataType, MapType, simpleString, type StructField } from "./data-type.js";
import { parseDataType } from "./ddl.js";

const ATOMIC_TO_JSON: Record<string, string> = {
  null: "void",
  string: "string",
  boolean: "boolean",
  byte: "byte",
  short: "short",
  int: "integer",
  bigint: "long",
  float: "float",
  double: "double",
  date: "date",
  timestamp: "timestamp",
  timestamp_ntz: "timestamp_ntz",
  binary: "binary",
  variant: "variant",
};

/** A data type as Spark's JSON schema form (what `df.schema.json()` and a checkpoint's metadata hold). */
export function dataTypeToJson(t: DataType): unknown {
  switch (t.kind) {
    case "year_month_interval":
    case "day_time_interval":
      return simpleString(t); // "interval day to second", as Spark's DataType.json
    case "decimal":
      return `decimal(${t.precision},${t.scale})`;
    case "array":
      return { type: "array", elementType: dataTypeToJson(t.elementType), containsNull: t.containsNull };
    case "map":
      return {
        type: "map",
        keyType: dataTypeToJson(t.keyType),
        valueType: dataTypeToJson(t.valueType),
        valueContainsNull: t.valueContainsNull,
      };
    case "struct":
      return {
        type: "struct",
        fields: t.fields.map((f) => ({
          name: f.name,
          type: dataTypeToJson(f.type),
          nullable: f.nullable,
          metadata: f.metadata ?? {},
        })),
      };
    default:
      return ATOMIC_TO_JSON[t.kind];
  }
}

const JSON_TO_ATOMIC: Record<string, DataType> = {
  void: { kind: "null" },
  string: { kind: "string" },
  boolean: { kind: "boolean" },
  byte: { kind: "byte" },
  short: { kind: "short" },
  integer: { kind: "int" },
  long: { kind: "bigint" },
  float: { kind: "float" },
  double: { kind: "double" },
  date: { kind: "date" },
  timestamp: { kind: "timestamp" },
  timestamp_ntz: { kind: "timestamp_ntz" },
  binary: { kind: "binary" },
  variant: { kind: "variant" },
};

/** A data type from Spark's JSON schema form; an unknown type is a SluiceError. */
export function dataTypeFromJson(j: unknown): DataType {
  if (typeof j === "string") {
    const atomic = JSON_TO_ATOMIC[j];
    if (atomic) return atomic;
    const dec = /^decimal\((\d+),\s*(-?\d+)\)$/.exec(j);
    if (dec) return { kind: "decimal", precision: Number(dec[1]), scale: Number(dec[2]) };
    if (j === "decimal") return { kind: "decimal", precision: 10, scale: 0 };
    if (/^interval /.test(j)) return parseDataType(j);
    throw analysisError("UNSUPPORTED_DATA_TYPE", `Unsupported data type "${j}" in JSON schema`, { type: j });
  }
  if (j && typeof j === "object") {
    const o = j as Record<string, unknown>;
    switch (o.type) {
      case "array":
        return ArrayType(dataTypeFromJson(o.elementType), o.containsNull !== false);
      case "map":
        return MapType(dataTypeFromJson(o.keyType), dataTypeFromJson(o.valueType), o.valueContainsNull !== false);
      case "struct": {
        if (!Array.isArray(o.fields)) throw analysisError("INVALID_SCHEMA", "JSON struct schema has no fields array");
        const fields: StructField[] = o.fields.map((f: unknown) => {
          const fo = f as Record<string, unknown>;
          if (typeof fo.name !== "string") throw analysisError("INVALID_SCHEMA", "JSON schema field has no name");
          const md = fo.metadata && typeof fo.metadata === "object" && Object.keys(fo.metadata).length > 0 ? (fo.metadata as Record<string, unknown>) : undefined;
          return md
            ? { name: fo.name, type: dataTypeFromJson(fo.type), nullable: fo.nullable !== false, metadata: md }
            : { name: fo.name, type: dataTypeFromJson(fo.type), nullable: fo.nullable !== false };
        });
        return { kind: "struct", fields };
      }
    }
  }
  throw analysisError("INVALID_SCHEMA", `Cannot read data type from JSON: ${JSON.stringify(j)}`);
}
