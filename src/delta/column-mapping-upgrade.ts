/**
 * Turning column mapping on for an existing table, `ALTER TABLE t SET TBLPROPERTIES
 * ('delta.columnMapping.mode' = 'name')`, as delta-spark 4.0 does it (recorded by
 * scripts/oracle/delta_table_upgrades.py):
 *   - every field, at every level of nested structs, gets a column id (counting from 1, a
 *     field before the fields inside it) and a physical name equal to its current name, so the
 *     data files already written stay readable as they are; `delta.columnMapping.maxColumnId`
 *     is the largest id;
 *   - the protocol gains the columnMapping feature: a legacy (1, 2) table becomes (2, 7) with
 *     `columnMapping` and the writer features writer 2 implied, a table with reader features
 *     lists it on both sides;
 *   - from `none` only `name` is allowed; any other change of mode (to `id`, or between `name`
 *     and `id`) is DELTA_UNSUPPORTED_COLUMN_MAPPING_MODE_CHANGE, as in delta-spark. Turning it off
 *     again (`none` on a mapped table) makes delta-spark rewrite every data file (operation
 *     REMOVE COLUMN MAPPING), which Sluice does not do: DELTA_UNSUPPORTED_TABLE_PROPERTY.
 */
import { analysisError, unsupported } from "../common/errors.js";
import type { StructField } from "../types/data-type.js";
import { StructType } from "../types/struct-type.js";
import type { Metadata, Protocol } from "./actions.js";
import { COLUMN_ID_KEY, PHYSICAL_NAME_KEY, columnMappingMode } from "./column-mapping.js";
import { MAX_COLUMN_ID_KEY, mapFields } from "./column-mapping-writes.js";
import { withTableFeature } from "./protocol.js";

export const MODE_KEY = "delta.columnMapping.mode";

export interface ColumnMappingUpgrade {
  readonly schemaString: string;
  readonly configuration: Readonly<Record<string, string>>;
  readonly protocol?: Protocol;
}

/**
 * What setting `delta.columnMapping.mode` to `value` changes on a table with `md` and `protocol`:
 * the new schema, configuration (with `value` and the max column id) and protocol, or undefined
 * when nothing but the property changes (the table already has that mode).
 */
export function columnMappingUpgrade(md: Metadata, protocol: Protocol, value: string, table: string): ColumnMappingUpgrade | undefined {
  const from = columnMappingMode(md.configuration, table);
  const to = columnMappingMode({ [MODE_KEY]: value }, table);
  if (from === to) return undefined;
  if (to === "none") {
    throw unsupported(
      "DELTA_UNSUPPORTED_TABLE_PROPERTY",
      `Turning column mapping off on ${table} is not supported by Sluice: delta-spark rewrites every data file with the logical column names for it (operation REMOVE COLUMN MAPPING).`,
      { table, property: MODE_KEY },
    );
  }
  if (from !== "none" || to !== "name") {
    throw analysisError("DELTA_UNSUPPORTED_COLUMN_MAPPING_MODE_CHANGE", `[DELTA_UNSUPPORTED_COLUMN_MAPPING_MODE_CHANGE] Changing column mapping mode from '${from}' to '${to}' is not supported.`, { table, from, to });
  }
  let next = 0;
  const field = (f: StructField): StructField => {
    const id = ++next;
    return { ...f, metadata: { ...f.metadata, [COLUMN_ID_KEY]: id, [PHYSICAL_NAME_KEY]: f.name }, type: mapFields(f.type, field) };
  };
  const schema = new StructType(StructType.fromJson(md.schemaString).fields.map(field));
  const upgraded = withTableFeature(protocol, "columnMapping", protocol.minReaderVersion === 3, 2);
  return {
    schemaString: schema.json(),
    configuration: { ...md.configuration, [MODE_KEY]: value, [MAX_COLUMN_ID_KEY]: String(next) },
    ...(upgraded ? { protocol: upgraded } : {}),
  };
}
