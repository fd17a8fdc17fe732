/**
 * Spark Connect's DataType message (types.proto) as Sluice types, and Arrow IPC result batches as
 * ColumnBatches of the server's schema. Sluice has one string type, so CHAR/VARCHAR arrive as
 * STRING (docs/spark-connect.md); types
 * Sluice has no values for (CalendarInterval, TIMESTAMP_NTZ, VARIANT, UDTs) are refused by name.
 */
import * as arrow from "apache-arrow";
import { arrowDataToVector } from "../columnar/arrow.js";
import { type ColumnBatch, makeBatch } from "../columnar/column-batch.js";
import { unsupported } from "../common/errors.js";
import { type DataType, DayTimeIntervalType, YearMonthIntervalType } from "../types/data-type.js";
import { StructType } from "../types/struct-type.js";
import type { Msg } from "./connect-proto.js";

const SIMPLE: Readonly<Record<string, DataType>> = {
  null: { kind: "null" },
  binary: { kind: "binary" },
  boolean: { kind: "boolean" },
  byte: { kind: "byte" },
  short: { kind: "short" },
  integer: { kind: "int" },
  long: { kind: "bigint" },
  float: { kind: "float" },
  double: { kind: "double" },
  string: { kind: "string" },
  char: { kind: "string" },
  var_char: { kind: "string" },
  date: { kind: "date" },
  timestamp: { kind: "timestamp" },
};

/** A DataType message (decoded with oneofs: `kind` names the member) as a Sluice type. */
export function fromConnectType(t: Msg): DataType {
  const kind = t.kind as string;
  const simple = SIMPLE[kind];
  if (simple) return simple;
  const body = t[kind] as Msg;
  switch (kind) {
    case "decimal":
      return { kind: "decimal", precision: (body.precision as number | undefined) ?? 10, scale: (body.scale as number | undefined) ?? 0 };
    case "array":
      return { kind: "array", elementType: fromConnectType(body.element_type as Msg), containsNull: body.contains_null === true };
    case "map":
      return { kind: "map", keyType: fromConnectType(body.key_type as Msg), valueType: fromConnectType(body.value_type as Msg), valueContainsNull: body.value_contains_null === true };
    case "struct":
      return connectStructType(t);
    // Spark's field numbers are Sluice's: YEAR 0, MONTH 1; DAY 0, HOUR 1, MINUTE 2, SECOND 3
    case "year_month_interval":
      return YearMonthIntervalType((body.start_field as number | undefined) ?? 0, (body.end_field as number | undefined) ?? 1);
    case "day_time_interval":
      return DayTimeIntervalType((body.start_field as number | undefined) ?? 0, (body.end_field as number | undefined) ?? 3);
    default:
      throw unsupported("CONNECT_UNSUPPORTED_TYPE", `The server's result has a ${kind.toUpperCase()} column, a type Sluice has no values for; cast it (e.g. to STRING) in the query`, { type: kind });
  }
}

/** A struct DataType message as a StructType. */
export function connectStructType(t: Msg): StructType {
  if (t.kind !== "struct") throw unsupported("CONNECT_UNSUPPORTED_TYPE", `Expected a struct schema from the server, got ${String(t.kind)}`);
  const fields = ((t.struct as Msg).fields as Msg[] | undefined) ?? [];
  return new StructType(fields.map((f) => ({ name: f.name as string, type: fromConnectType(f.data_type as Msg), nullable: f.nullable === true })));
}

/** Decode one ArrowBatch's IPC stream bytes into ColumnBatches of `schema` (the plan's schema from the server). */
export function decodeArrowBatch(data: Uint8Array, schema: StructType): ColumnBatch[] {
  const reader = arrow.RecordBatchReader.from(data);
  const out: ColumnBatch[] = [];
  for (const rb of reader) {
    const cols = schema.fields.map((f, k) => arrowDataToVector(rb.data.children[k]!, f.type));
    out.push(makeBatch(schema, cols, rb.numRows));
  }
  return out;
}
