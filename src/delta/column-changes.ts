/**
 * Column DDL on a Delta table, as delta-spark 4.0's ALTER TABLE commands do it
 * (AlterTableAddColumnsDeltaCommand, AlterTableDropColumnsDeltaCommand,
 * AlterTableChangeColumnDeltaCommand). Each is one metadata-only commit:
 *   1. read the latest snapshot and find the named column (case-insensitively, through structs);
 *   2. check the change: RENAME and DROP need column mapping (the data files keep the physical
 *      names, so renaming changes only the schema and dropping leaves the data unread) and refuse
 *      without it (DELTA_UNSUPPORTED_RENAME_COLUMN / DELTA_UNSUPPORTED_DROP_COLUMN); a partition
 *      column cannot be dropped; added columns must be nullable; ALTER COLUMN may change the
 *      comment, drop NOT NULL, move a column and widen its type when the table has type
 *      widening on (type-widening.ts), but not set NOT NULL;
 *   3. stage the new schema in metaData (fields keep their column-mapping id and physical name;
 *      added fields get new ones counting from delta.columnMapping.maxColumnId; a renamed
 *      partition column is renamed in partitionColumns);
 *   4. commit with delta-spark's operation and operationParameters: RENAME COLUMN
 *      {oldColumnPath, newColumnPath}, DROP COLUMNS {columns}, ADD COLUMNS {columns},
 *      CHANGE COLUMN {column[, position]}.
 */
import { analysisError, executionError } from "../common/errors.js";
import type { SqlColumnChange, SqlColumnPosition, SqlNewColumn } from "../sql/delta-statements.js";
import type { DataType, StructField } from "../types/data-type.js";
import { containsType, sqlTypeName } from "../types/data-type.js";
import { dataTypeToJson } from "../types/json-schema.js";
import { StructType } from "../types/struct-type.js";
import { columnMappingMode } from "./column-mapping.js";
import { MAX_COLUMN_ID_KEY, assignColumnMapping, largestColumnId } from "./column-mapping-writes.js";
import type { Protocol } from "./actions.js";
import { TIMESTAMP_NTZ_FEATURE } from "./timestamp-ntz-feature.js";
import { OptimisticTransaction } from "./transaction.js";
import { type TypeChangeContext, checkTypeChange, withTypeChange } from "./type-widening.js";

/** RENAME COLUMN `column` TO `newName` (a nested field keeps its parent). */
export async function renameColumn(tablePath: string, column: readonly string[], newName: string): Promise<void> {
  const tx = await start(tablePath);
  const md = tx.metadata!;
  const schema = StructType.fromJson(md.schemaString);
  const parent = column.slice(0, -1);
  let oldName = "";
  const renamed = inStruct(schema, parent, tablePath, column, (s) => {
    const i = fieldIndex(s, column, tablePath, schema);
    oldName = s.fields[i]!.name;
    const clash = s.fields.findIndex((f, k) => k !== i && f.name.toLowerCase() === newName.toLowerCase());
    if (clash >= 0) throw alreadyExists("rename", newName, s, tablePath);
    return new StructType(s.fields.map((f, k) => (k === i ? { ...f, name: newName } : f)));
  });
  if (columnMappingMode(md.configuration, tablePath) === "none") {
    throw analysisError("DELTA_UNSUPPORTED_RENAME_COLUMN", `[DELTA_UNSUPPORTED_RENAME_COLUMN] Column rename is not supported for your Delta table. ${ADVICE}`, { table: tablePath, column: attributeName(column) });
  }
  const partitionColumns = parent.length === 0 ? md.partitionColumns.map((c) => (c === oldName ? newName : c)) : md.partitionColumns;
  tx.updateMetadata({ schemaString: renamed.json(), partitionColumns });
  await tx.commit({ operation: "RENAME COLUMN", operationParameters: { oldColumnPath: attributeName([...parent, oldName]), newColumnPath: attributeName([...parent, newName]) } });
}

/** DROP COLUMNS: the columns leave the schema; their values stay in the data files, unread. */
export async function dropColumns(tablePath: string, columns: readonly (readonly string[])[], ifExists: boolean): Promise<void> {
  const tx = await start(tablePath);
  const md = tx.metadata!;
  let schema = StructType.fromJson(md.schemaString);
  const dropped: (readonly string[])[] = [];
  for (const column of columns) {
    if (ifExists && !exists(schema, column)) continue;
    schema = inStruct(schema, column.slice(0, -1), tablePath, column, (s) => {
      const i = fieldIndex(s, column, tablePath, schema);
      if (s.length === 1) {
        throw analysisError("DELTA_DROP_COLUMN_ON_SINGLE_FIELD_SCHEMA", `[DELTA_DROP_COLUMN_ON_SINGLE_FIELD_SCHEMA] Cannot drop column from a schema with a single column. Schema:\n${s.treeString()}`, { table: tablePath, column: attributeName(column) });
      }
      dropped.push([...column.slice(0, -1), s.fields[i]!.name]);
      return new StructType(s.fields.filter((_, k) => k !== i));
    });
  }
  if (columnMappingMode(md.configuration, tablePath) === "none") {
    throw analysisError("DELTA_UNSUPPORTED_DROP_COLUMN", `[DELTA_UNSUPPORTED_DROP_COLUMN] DROP COLUMN is not supported for your Delta table. ${ADVICE}`, { table: tablePath });
  }
  const names = new Set(dropped.filter((c) => c.length === 1).map((c) => c[0]!));
  const parts = md.partitionColumns.filter((c) => names.has(c));
  if (parts.length > 0) {
    throw analysisError("DELTA_UNSUPPORTED_DROP_PARTITION_COLUMN", `[DELTA_UNSUPPORTED_DROP_PARTITION_COLUMN] Dropping partition columns (${parts.join(",")}) is not allowed.`, { table: tablePath, columns: parts.join(",") });
  }
  if (dropped.length === 0) return; // IF EXISTS and none exists: nothing to commit, as delta-spark
  tx.updateMetadata({ schemaString: schema.json() });
  await tx.commit({ operation: "DROP COLUMNS", operationParameters: { columns: JSON.stringify(dropped.map(attributeName)) } });
}

/** ADD COLUMNS: each new column at the end of its struct, FIRST, or AFTER a sibling. */
export async function addColumns(tablePath: string, columns: readonly SqlNewColumn[]): Promise<void> {
  if (columns.some((c) => !c.nullable || hasNotNullField(c.type))) {
    throw analysisError("DELTA_OPERATION_NOT_ALLOWED", "[DELTA_OPERATION_NOT_ALLOWED] Operation not allowed: `NOT NULL in ALTER TABLE ADD COLUMNS` is not supported for Delta tables", { table: tablePath });
  }
  const tx = await start(tablePath);
  const md = tx.metadata!;
  requireNtzFeature(columns, tx.snapshot!.protocol, tablePath);
  let schema = StructType.fromJson(md.schemaString);
  for (const c of columns) {
    const field: StructField = { name: c.path.at(-1)!, type: c.type, nullable: true, metadata: c.comment !== undefined ? { comment: c.comment } : {} };
    schema = inStruct(schema, c.path.slice(0, -1), tablePath, c.path, (s) => {
      if (s.fields.some((f) => f.name.toLowerCase() === field.name.toLowerCase())) throw alreadyExists("add", field.name, s, tablePath);
      return new StructType(placed(s, field, c.position, tablePath));
    }, true);
  }
  let configuration = md.configuration;
  if (columnMappingMode(md.configuration, tablePath) !== "none") {
    const max = Number(md.configuration[MAX_COLUMN_ID_KEY] ?? largestColumnId(schema));
    const assigned = assignColumnMapping(schema, max);
    schema = assigned.schema;
    configuration = { ...configuration, [MAX_COLUMN_ID_KEY]: String(assigned.maxColumnId) };
  }
  tx.updateMetadata({ schemaString: schema.json(), configuration });
  const logged = columns.map((c) => ({
    column: fieldForLog(c.path, { name: c.path.at(-1)!, type: c.type, nullable: c.nullable, metadata: c.comment !== undefined ? { comment: c.comment } : {} }),
    ...(c.position ? { position: positionText(c.position) } : {}),
  }));
  await tx.commit({ operation: "ADD COLUMNS", operationParameters: { columns: JSON.stringify(logged) } });
}

/**
 * ALTER | CHANGE COLUMN: a new comment, DROP NOT NULL, a new position, or a wider type (type
 * widening, type-widening.ts; also of an array element or map key/value: `a.element`,
 * `m.key`, `m.value`); the field keeps its mapping metadata.
 */
export async function changeColumn(tablePath: string, column: readonly string[], change: SqlColumnChange): Promise<void> {
  const tx = await start(tablePath);
  const md = tx.metadata!;
  const schema = StructType.fromJson(md.schemaString);
  const { field: fieldPath, inner } = splitNested(schema, column);
  const target = inner.length > 0 ? fieldPath : column;
  const context = (path: string): TypeChangeContext => ({ path, table: tablePath, configuration: md.configuration, protocol: tx.snapshot!.protocol });
  let changed: StructField | undefined;
  let logged: Record<string, unknown> | undefined;
  const out = inStruct(schema, target.slice(0, -1), tablePath, column, (s) => {
    const i = fieldIndex(s, target, tablePath, schema);
    const old = s.fields[i]!;
    const path = attributeName([...target.slice(0, -1), old.name]);
    if (inner.length > 0) {
      const nested = nestedType(old.type, inner, tablePath, column, schema);
      const innerPath = attributeName([...target.slice(0, -1), old.name, ...inner]);
      if (change.type === undefined || change.comment !== undefined || change.nullable !== undefined || change.position) {
        throw analysisError("DELTA_UNSUPPORTED_ALTER_TABLE_CHANGE_COL_OP", `[DELTA_UNSUPPORTED_ALTER_TABLE_CHANGE_COL_OP] ALTER TABLE CHANGE COLUMN of ${innerPath} can only change its TYPE`, { table: tablePath, column: innerPath });
      }
      if (!sameType(nested.type, change.type)) {
        refuseComplex(nested.type, innerPath, tablePath);
        checkTypeChange(nested.type, change.type, context(innerPath));
      }
      changed = { ...old, type: replaceNested(old.type, inner, change.type), metadata: withTypeChange(old.metadata, nested.type, change.type, inner) };
      logged = { name: innerPath, type: logTypeName(change.type), nullable: nested.nullable, metadata: {} };
      return new StructType(s.fields.map((f, k) => (k === i ? changed! : f)));
    }
    const nullable = change.nullable ?? old.nullable;
    let type = old.type;
    let metadata = change.comment !== undefined ? { ...old.metadata, comment: change.comment } : old.metadata;
    const forLog = metadata;
    if (change.type !== undefined && !sameType(change.type, old.type)) {
      refuseComplex(old.type, path, tablePath);
      checkTypeChange(old.type, change.type, context(path));
      type = change.type;
      metadata = withTypeChange(metadata, old.type, change.type, []);
    }
    if (old.nullable && !nullable) {
      throw analysisError("_LEGACY_ERROR_TEMP_2330", `[_LEGACY_ERROR_TEMP_2330] Cannot change nullable column to non-nullable: ${path}.`, { table: tablePath, column: path });
    }
    changed = { ...old, type, nullable, ...(metadata ? { metadata } : {}) };
    // delta-spark logs the field's metadata before this type change
    logged = fieldForLog(column, { ...changed, metadata: forLog ?? {} });
    const rest = s.fields.map((f, k) => (k === i ? changed! : f));
    if (!change.position) return new StructType(rest);
    if (change.position.kind === "after" && change.position.column.toLowerCase() === old.name.toLowerCase()) return new StructType(rest);
    return new StructType(placed(new StructType(rest.filter((_, k) => k !== i)), changed, change.position, tablePath));
  });
  tx.updateMetadata({ schemaString: out.json() });
  await tx.commit({
    operation: "CHANGE COLUMN",
    operationParameters: { column: JSON.stringify(logged!), ...(change.position ? { position: positionText(change.position) } : {}) },
  });
}

const sameType = (a: DataType, b: DataType): boolean => JSON.stringify(dataTypeToJson(a)) === JSON.stringify(dataTypeToJson(b));

/** Spark's refusal to change a struct, map or array as a whole (its fields, key/value or element change instead). */
function refuseComplex(t: DataType, path: string, table: string): void {
  if (t.kind !== "struct" && t.kind !== "map" && t.kind !== "array") return;
  const [what, how] = { struct: ["STRUCT", "Update a struct by updating its fields"], map: ["MAP", "Update a map by updating its keys and values"], array: ["ARRAY", "Update the element by updating its element"] }[t.kind];
  const code = `CANNOT_UPDATE_FIELD.${what}_TYPE`;
  throw analysisError(code, `[${code}] Cannot update delta.\`${table}\` field ${quoted(path)} type: ${how}.`, { table, column: path });
}

/** `column` split into the struct-field path it names and what follows inside arrays and maps (`element`, `key`, `value`). */
function splitNested(schema: StructType, column: readonly string[]): { field: readonly string[]; inner: readonly string[] } {
  let t: DataType = schema;
  let k = 0;
  while (k < column.length && t.kind === "struct") {
    const i = StructType.of(t).indexOf(column[k]!);
    if (i < 0) break;
    t = t.fields[i]!.type;
    k++;
  }
  return k > 0 && k < column.length && (t.kind === "array" || t.kind === "map") ? { field: column.slice(0, k), inner: column.slice(k) } : { field: column, inner: [] };
}

/** The type (and its nullability) at `inner` inside `t`. */
function nestedType(t: DataType, inner: readonly string[], table: string, column: readonly string[], schema: StructType): { type: DataType; nullable: boolean } {
  let at: { type: DataType; nullable: boolean } = { type: t, nullable: true };
  for (const part of inner) {
    const p = part.toLowerCase();
    const x = at.type;
    if (x.kind === "array" && p === "element") at = { type: x.elementType, nullable: x.containsNull };
    else if (x.kind === "map" && p === "key") at = { type: x.keyType, nullable: false };
    else if (x.kind === "map" && p === "value") at = { type: x.valueType, nullable: x.valueContainsNull };
    else throw notFound(column, table, schema);
  }
  return at;
}

/** `t` with the type at `inner` replaced by `to`. */
function replaceNested(t: DataType, inner: readonly string[], to: DataType): DataType {
  if (inner.length === 0) return to;
  const p = inner[0]!.toLowerCase();
  if (t.kind === "array") return { ...t, elementType: replaceNested(t.elementType, inner.slice(1), to) };
  if (t.kind === "map") return p === "key" ? { ...t, keyType: replaceNested(t.keyType, inner.slice(1), to) } : { ...t, valueType: replaceNested(t.valueType, inner.slice(1), to) };
  return t;
}

const ADVICE =
  "Please enable Column Mapping on your Delta table with mapping mode 'name': Sluice sets it when a write creates the table (the delta.columnMapping.mode write option or table property); " +
  "delta-spark can also turn it on for an existing table with ALTER TABLE table_name SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name'). Column mapping requires at least protocol (2, 5).";

async function start(tablePath: string): Promise<OptimisticTransaction> {
  const tx = await OptimisticTransaction.start(tablePath);
  if (!tx.snapshot) throw executionError("DELTA_TABLE_NOT_FOUND", `${tablePath} is not a Delta table`, { table: tablePath });
  return tx;
}

/** Spark's UnresolvedAttribute name: parts joined by dots, a part with a dot in backticks. */
function attributeName(parts: readonly string[]): string {
  return parts.map((p) => (p.includes(".") ? "`" + p + "`" : p)).join(".");
}

/** `schema` with `update` applied to the struct at `parent` (a path of struct fields). */
function inStruct(schema: StructType, parent: readonly string[], table: string, column: readonly string[], update: (s: StructType) => StructType, adding = false): StructType {
  if (parent.length === 0) return update(schema);
  const i = schema.indexOf(parent[0]!);
  if (i < 0) throw notFound(column, table, schema);
  const f = schema.fields[i]!;
  if (f.type.kind !== "struct") {
    if (adding) {
      const name = column.map((p) => "`" + p + "`").join(".");
      throw analysisError("INVALID_FIELD_NAME", `[INVALID_FIELD_NAME] Field name ${name} is invalid: \`${f.name}\` is not a struct.`, { table, column: attributeName(column) });
    }
    throw notFound(column, table, schema);
  }
  const inner = inStruct(StructType.of(f.type), parent.slice(1), table, column, update, adding);
  return new StructType(schema.fields.map((x, k) => (k === i ? { ...x, type: inner } : x)));
}

function fieldIndex(s: StructType, column: readonly string[], table: string, schema: StructType): number {
  const i = s.indexOf(column.at(-1)!);
  if (i < 0) throw notFound(column, table, schema);
  return i;
}

/**
 * A TIMESTAMP_NTZ column (anywhere in a new column's type) needs the timestampNtz feature already
 * in the protocol: delta-spark 4.0 does not add it on ADD COLUMNS but refuses with
 * DELTA_FEATURES_REQUIRE_MANUAL_ENABLEMENT (recorded on delta-spark 4.0.0, test/delta-e2e/add-columns-ntz.test.ts).
 */
function requireNtzFeature(columns: readonly SqlNewColumn[], protocol: Protocol, tablePath: string): void {
  const c = columns.find((x) => containsType(x.type, "timestamp_ntz"));
  if (!c || (protocol.writerFeatures ?? []).includes(TIMESTAMP_NTZ_FEATURE)) return;
  throw analysisError(
    "DELTA_FEATURES_REQUIRE_MANUAL_ENABLEMENT",
    `[DELTA_FEATURES_REQUIRE_MANUAL_ENABLEMENT] Your table schema requires manually enablement of the following table feature(s): ${TIMESTAMP_NTZ_FEATURE} (column \`${c.path.join(".")}\`). Create the table with the table property 'delta.feature.${TIMESTAMP_NTZ_FEATURE}' = 'supported' (delta-spark also takes it in ALTER TABLE ... SET TBLPROPERTIES; Sluice does not yet).`,
    { table: tablePath, column: c.path.join("."), feature: TIMESTAMP_NTZ_FEATURE },
  );
}

/** A struct field declared NOT NULL anywhere inside `t` (delta-spark refuses those in ADD COLUMNS too). */
function hasNotNullField(t: DataType): boolean {
  if (t.kind === "struct") return t.fields.some((f) => !f.nullable || hasNotNullField(f.type));
  if (t.kind === "array") return hasNotNullField(t.elementType);
  if (t.kind === "map") return hasNotNullField(t.keyType) || hasNotNullField(t.valueType);
  return false;
}

function exists(schema: StructType, column: readonly string[]): boolean {
  let s: DataType = schema;
  for (const name of column) {
    if (s.kind !== "struct") return false;
    const i = StructType.of(s).indexOf(name);
    if (i < 0) return false;
    s = s.fields[i]!.type;
  }
  return true;
}

/** The fields of `s` with `field` added at `position` (the end when absent). */
function placed(s: StructType, field: StructField, position: SqlColumnPosition | undefined, table: string): StructField[] {
  const fields = [...s.fields];
  if (!position) return [...fields, field];
  if (position.kind === "first") return [field, ...fields];
  const k = s.indexOf(position.column);
  if (k < 0) {
    throw analysisError("FIELD_NOT_FOUND", `[FIELD_NOT_FOUND] No such struct field \`${position.column}\` in ${s.fieldNames.join(", ")}.`, { table, column: position.column });
  }
  fields.splice(k + 1, 0, field);
  return fields;
}

/** delta-spark's log form of a field: {name (the full path), type (typeName), nullable, metadata}. */
function fieldForLog(path: readonly string[], f: StructField): Record<string, unknown> {
  return { name: attributeName([...path.slice(0, -1), f.name]), type: logTypeName(f.type), nullable: f.nullable, metadata: f.metadata ?? {} };
}

/** A type as delta-spark's operationParameters name it: the JSON type name, or the kind of a complex type. */
function logTypeName(t: DataType): string {
  const json = dataTypeToJson(t);
  return typeof json === "string" ? json : t.kind;
}

function positionText(p: SqlColumnPosition): string {
  return p.kind === "first" ? "FIRST" : `AFTER ${p.column}`;
}

const quoted = (name: string): string => "`" + name.replace(/`/g, "``") + "`";

/** Spark's analyzer error for a column the table does not have, listing the top-level columns. */
function notFound(column: readonly string[], table: string, schema: StructType): Error {
  const name = column.map(quoted).join(".");
  return analysisError(
    "UNRESOLVED_COLUMN.WITH_SUGGESTION",
    `[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name ${name} cannot be resolved. Did you mean one of the following? [${schema.fieldNames.map(quoted).join(", ")}].`,
    { table, column: attributeName(column) },
  );
}

function alreadyExists(what: "add" | "rename", name: string, s: StructType, table: string): Error {
  return analysisError("FIELD_ALREADY_EXISTS", `[FIELD_ALREADY_EXISTS] Cannot ${what} column, because ${quoted(name)} already exists in "${sqlTypeName(s)}".`, { table, column: name });
}
