import { analysisError, closestNames } from "../common/errors.js";
import {
  type DataType,
  type StructField as StructFieldT,
  type StructTypeLike,
  quoteIdent,
  simpleString,
  sqlTypeName,
} from "./data-type.js";
import { type DDLOptions, parseDDLSchema, parseDataType } from "./ddl.js";
import { dataTypeFromJson, dataTypeToJson } from "./json-schema.js";

export type StructField = StructFieldT;
/** Build a field; `nullable` defaults to true as in Spark. */
export function StructField(name: string, type: DataType, nullable = true, metadata?: Record<string, unknown>): StructField {
  return metadata ? { name, type, nullable, metadata } : { name, type, nullable };
}

/**
 * An ordered list of named, typed fields: the schema of a DataFrame and the STRUCT type.
 * Immutable; `add` returns a new StructType.
 */
export class StructType implements StructTypeLike {
  readonly kind = "struct" as const;
  readonly fields: readonly StructField[];

  constructor(fields: readonly StructField[] = []) {
    this.fields = Object.freeze([...fields]);
  }

  /** Parse a DDL schema string: `"id STRING, tags ARRAY<STRING>, ts TIMESTAMP"`. */
  static fromDDL(ddl: string, options?: DDLOptions): StructType {
    return new StructType(parseDDLSchema(ddl, options));
  }

  /** Parse Spark's JSON schema form (`{"type":"struct","fields":[...]}`), as Delta stores it. */
  static fromJson(json: string | unknown): StructType {
    const t = dataTypeFromJson(typeof json === "string" ? JSON.parse(json) : json);
    if (t.kind !== "struct") throw analysisError("INVALID_SCHEMA", `Expected a struct schema, got ${simpleString(t)}`);
    return StructType.of(t);
  }

  /** Wrap any struct-shaped type. */
  static of(t: StructTypeLike): StructType {
    return t instanceof StructType ? t : new StructType(t.fields);
  }

  /**
   * A new StructType with one more field, as PySpark's `add(field, data_type, nullable)`: the type
   * is a DataType or a type name parsed as in DDL (`"string"`, `"array<int>"`, `"decimal(10,2)"`),
   * or the first argument is a whole StructField.
   */
  add(field: string | StructField, type?: DataType | string, nullable = true, metadata?: Record<string, unknown>): StructType {
    if (typeof field !== "string") return new StructType([...this.fields, field]);
    if (type === undefined) {
      throw analysisError("INVALID_SCHEMA", `StructType.add("${field}") needs a data type: a DataType or a type name such as "string"`, { field });
    }
    const t = typeof type === "string" ? parseDataType(type) : type;
    return new StructType([...this.fields, StructField(field, t, nullable, metadata)]);
  }

  get fieldNames(): string[] {
    return this.fields.map((f) => f.name);
  }

  get length(): number {
    return this.fields.length;
  }

  /** Index of a field by case-insensitive name (Spark's default), or -1. */
  indexOf(name: string): number {
    const exact = this.fields.findIndex((f) => f.name === name);
    if (exact >= 0) return exact;
    const lower = name.toLowerCase();
    return this.fields.findIndex((f) => f.name.toLowerCase() === lower);
  }

  /** The named field; throws a FIELD_NOT_FOUND error suggesting the closest names. */
  field(name: string): StructField {
    const i = this.indexOf(name);
    if (i < 0) {
      throw analysisError(
        "FIELD_NOT_FOUND",
        `No such struct field \`${name}\` in ${this.fieldNames.map(quoteIdent).join(", ")}. Did you mean one of: ${closestNames(name, this.fieldNames).join(", ")}?`,
        { field: name },
      );
    }
    return this.fields[i]!;
  }

  /** `struct<a:int,b:string>` */
  simpleString(): string {
    return simpleString(this);
  }

  /** `a INT, b STRING NOT NULL`, parseable by `fromDDL`. */
  toDDL(): string {
    return this.fields.map((f) => `${quoteIdent(f.name)} ${sqlTypeName(f.type)}${f.nullable ? "" : " NOT NULL"}`).join(", ");
  }

  /** Spark's JSON schema string. */
  json(): string {
    return JSON.stringify(dataTypeToJson(this));
  }

  /** `printSchema()` text, as Spark prints it. */
  treeString(): string {
    const lines = ["root"];
    const walk = (t: DataType, prefix: string): void => {
      if (t.kind === "struct") {
        for (const f of t.fields) {
          lines.push(`${prefix}|-- ${f.name}: ${typeLabel(f.type)} (nullable = ${f.nullable})`);
          walk(f.type, prefix + "|    ");
        }
      } else if (t.kind === "array") {
        lines.push(`${prefix}|-- element: ${typeLabel(t.elementType)} (containsNull = ${t.containsNull})`);
        walk(t.elementType, prefix + "|    ");
      } else if (t.kind === "map") {
        lines.push(`${prefix}|-- key: ${typeLabel(t.keyType)}`);
        walk(t.keyType, prefix + "|    ");
        lines.push(`${prefix}|-- value: ${typeLabel(t.valueType)} (valueContainsNull = ${t.valueContainsNull})`);
        walk(t.valueType, prefix + "|    ");
      }
    };
    walk(this, " ");
    return lines.join("\n") + "\n";
  }

  toString(): string {
    return `StructType(${this.toDDL()})`;
  }
}

/** Spark's typeName where it differs from simpleString (printSchema prints `byte`, `integer`, `long`). */
const TYPE_NAMES: Partial<Record<DataType["kind"], string>> = { struct: "struct", array: "array", map: "map", byte: "byte", short: "short", int: "integer", bigint: "long" };
const typeLabel = (t: DataType): string => TYPE_NAMES[t.kind] ?? simpleString(t);

/** Accept a DDL string or a StructType wherever the API takes a schema. */
export function toStructType(schema: string | StructTypeLike, options?: DDLOptions): StructType {
  return typeof schema === "string" ? StructType.fromDDL(schema, options) : StructType.of(schema);
}
