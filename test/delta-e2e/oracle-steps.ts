/**
 * Replaying the SQL steps the delta-spark oracles record (scripts/oracle/delta_alter_columns.py,
 * delta_table_upgrades.py) on a table Sluice writes, and comparing what they commit:
 *   - CREATE TABLE and INSERT INTO become DataFrame writes on the table's path (Sluice has no
 *     catalog); a CREATE with a NOT NULL column is committed directly, since a DataFrame write
 *     makes every column nullable (as Delta's does);
 *   - every other statement runs as SQL with `$T` replaced by delta.`<path>`.
 */
import type { Session } from "../../src/index.js";
import { col } from "../../src/index.js";
import { assignColumnMapping } from "../../src/delta/column-mapping-writes.js";
import { loadSnapshot } from "../../src/delta/snapshot.js";
import { OptimisticTransaction } from "../../src/delta/transaction.js";
import { StructType } from "../../src/types/struct-type.js";

const CREATE = /^CREATE TABLE \$T \((.*)\) USING delta(?: PARTITIONED BY \((\w+)\))?(?: TBLPROPERTIES \((.*)\))? *$/;
const INSERT = /^INSERT INTO \$T (VALUES .*|SELECT .*)$/;
const MODE = "delta.columnMapping.mode";

/** Run one oracle step on `table`. */
export async function replayStep(spark: Session, table: string, sql: string): Promise<void> {
  const create = CREATE.exec(sql);
  if (create) {
    const schema = StructType.fromDDL(create[1]!);
    const properties = [...(create[3] ?? "").matchAll(/'([^']+)' = '([^']+)'/g)].map(([, k, v]) => [k!, v!] as const);
    const partitionColumns = create[2] ? [create[2]] : [];
    if (/ NOT NULL/.test(create[1]!)) return createWithNotNull(table, schema, new Map(properties), partitionColumns);
    let w = spark.createDataFrame([], schema).write.format("delta");
    if (create[2]) w = w.partitionBy(create[2]);
    for (const [k, v] of properties) w = w.option(k, v);
    return w.save(table);
  }
  const insert = INSERT.exec(sql);
  if (insert) {
    // INSERT by position: the values' columns take the table's names and types
    const target = (await loadSnapshot(table)).schema;
    const values = spark.sql(insert[1]!.startsWith("VALUES") ? `SELECT * FROM ${insert[1]}` : insert[1]!);
    const named = values.toDF(...target.fieldNames).select(...target.fields.map((f) => col(f.name).cast(f.type).alias(f.name)));
    return named.write.format("delta").mode("append").save(table);
  }
  await spark.sql(sql.replaceAll("$T", `delta.\`${table}\``)).collect();
}

async function createWithNotNull(table: string, fields: StructType, properties: ReadonlyMap<string, string>, partitionColumns: string[]): Promise<void> {
  const others = [...properties.keys()].filter((k) => k !== MODE);
  if (others.length > 0) throw new Error(`replayStep: a NOT NULL table with ${others.join(", ")} is not replayed (only ${MODE})`);
  const mode = properties.get(MODE) ?? "none";
  const { schema, maxColumnId } = mode === "none" ? { schema: fields, maxColumnId: 0 } : assignColumnMapping(fields, 0);
  const configuration: Record<string, string> = mode === "none" ? {} : { [MODE]: mode, "delta.columnMapping.maxColumnId": String(maxColumnId) };
  const tx = (await OptimisticTransaction.start(table)).createTable({ schema, configuration, partitionColumns });
  await tx.commit({ operation: "CREATE TABLE" });
}

/** Generated physical names (`col-<uuid>`) as PHYSICAL, as the oracles record them, at any depth and inside JSON text. */
export const physical = (v: unknown): unknown => {
  if (typeof v === "string" && /^[[{]/.test(v)) return physical(JSON.parse(v));
  if (Array.isArray(v)) return v.map(physical);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, k === "delta.columnMapping.physicalName" && typeof x === "string" && /^col-[0-9a-f-]{36}$/.test(x) ? "PHYSICAL" : physical(x)]),
    );
  }
  return v;
};
