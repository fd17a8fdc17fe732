/**
 * Spark Connect's DataType message (types.proto) as Sluice types, and Arrow IPC result batches as
 * ColumnBatches of the server's schema. Sluice has one string type, so CHAR/VARCHAR arrive as
 * STRING (docs/spark-connect.md); types
 * Sluice has no values for (CalendarInterval, UDTs) are refused by name.
 */
import * as arrow from "apache-arrow";
import { arrowDataToVector } from "../columnar/arrow.js";
import { type ColumnBatch, makeBatch } from "../columnar/column-batch.js";
import { unsupported } from "../common/errors.js";
import { type DataType, DayTimeIntervalType, YearMonthIntervalType } from "../types/data-type.js";
import { toDecimal } from "../types/decimal-value.js";
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
  timestamp_ntz: { kind: "timestamp_ntz" },
  // Arrow carries it as Spark's struct of value and metadata bytes (columnar/arrow.ts reads that)
  variant: { kind: "variant" },
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

/** Literal members whose value is the engine value as is (numbers, strings, booleans). */
const PLAIN_LITERALS = new Set(["boolean", "byte", "short", "integer", "float", "double", "string", "date", "year_month_interval"]);

/** A Literal message (decoded with oneofs: `literal_type` names the member) as its type and engine value (columnar/values.ts). */
export function fromConnectLiteral(lit: Msg): { type: DataType; value: unknown } {
  const member = lit.literal_type as string;
  const body = lit[member];
  if (member === "null") return { type: fromConnectType(body as Msg), value: null };
  if (PLAIN_LITERALS.has(member)) return { type: SIMPLE[member] ?? YearMonthIntervalType(), value: body };
  switch (member) {
    case "long":
      return { type: SIMPLE.long!, value: BigInt(body as string) };
    case "day_time_interval":
      return { type: DayTimeIntervalType(), value: BigInt(body as string) };
    case "timestamp":
    case "timestamp_ntz":
      return { type: SIMPLE[member]!, value: Number(body as string) };
    case "binary":
      return { type: SIMPLE.binary!, value: new Uint8Array(body as Uint8Array) };
    case "decimal": {
      const d = body as Msg;
      const precision = (d.precision as number | undefined) ?? 38;
      const scale = (d.scale as number | undefined) ?? 0;
      return { type: { kind: "decimal", precision, scale }, value: toDecimal(d.value as string, precision, scale) };
    }
    case "array": {
      const a = body as Msg;
      const elementType = fromConnectType(a.element_type as Msg);
      return { type: { kind: "array", elementType, containsNull: true }, value: ((a.elements as Msg[] | undefined) ?? []).map((e) => fromConnectLiteral(e).value) };
    }
    case "map": {
      const m = body as Msg;
      const keys = ((m.keys as Msg[] | undefined) ?? []).map((k) => fromConnectLiteral(k).value);
      const values = ((m.values as Msg[] | undefined) ?? []).map((v) => fromConnectLiteral(v).value);
      return { type: { kind: "map", keyType: fromConnectType(m.key_type as Msg), valueType: fromConnectType(m.value_type as Msg), valueContainsNull: true }, value: new Map(keys.map((k, i) => [k, values[i]])) };
    }
    case "struct": {
      const st = body as Msg;
      const type = connectStructType(st.struct_type as Msg);
      const elements = (st.elements as Msg[] | undefined) ?? [];
      return { type, value: Object.fromEntries(type.fields.map((f, i) => [f.name, elements[i] ? fromConnectLiteral(elements[i]).value : null])) };
    }
    default:
      throw unsupported("CONNECT_UNSUPPORTED_TYPE", `The server sent a ${member.toUpperCase()} value, a type Sluice has no values for; cast it (e.g. to STRING) in the query`, { type: member });
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
