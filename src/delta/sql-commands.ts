/**
 * Delta's SQL statements run over the DeltaTable commands (sql/delta-statements.ts parses them).
 * Each returns delta-spark's result rows as a DataFrame (command-result.ts): DELETE / UPDATE
 * `num_affected_rows`; MERGE `num_affected_rows, num_updated_rows, num_deleted_rows,
 * num_inserted_rows`; OPTIMIZE, RESTORE, DESCRIBE HISTORY / DETAIL the DeltaTable's DataFrames;
 * VACUUM the table path (DRY RUN: the files it would delete); ALTER TABLE (properties and
 * column DDL, column-changes.ts) no rows.
 * Tables are named by path (`delta.\`/path\``, or a quoted path where Delta takes one); Sluice
 * has no table catalog, so a bare name is TABLE_OR_VIEW_NOT_FOUND, found before anything runs.
 */
import { analysisError, unsupported } from "../common/errors.js";
import { DataFrame } from "../dataframe/dataframe.js";
import { Column } from "../expr/column.js";
import type { Expr } from "../expr/expr.js";
import type { Session } from "../session/session.js";
import { rewriteExpr } from "../sql/expr-utils.js";
import type { DeltaCommand, DeltaStatement, DeltaTableRef, SqlAssignment, SqlMergeClause, SqlNewColumn } from "../sql/delta-statements.js";
import { parseDataType } from "../types/ddl.js";
import { StructType } from "../types/struct-type.js";
import { addColumns, changeColumn, dropColumns, renameColumn } from "./column-changes.js";
import { commandResult } from "./command-result.js";
import { DETAIL_SCHEMA } from "./commands/detail.js";
import { OPTIMIZE_SCHEMA } from "./commands/optimize.js";
import { type DeltaMergeBuilder, DeltaTable, HISTORY_SCHEMA, RESTORE_SCHEMA } from "./delta-table.js";
import { setTableProperties, unsetTableProperties } from "./table-properties.js";
import { vacuum } from "./vacuum.js";

const AFFECTED = StructType.fromDDL("num_affected_rows BIGINT");
const MERGE_RESULT = StructType.fromDDL("num_affected_rows BIGINT, num_updated_rows BIGINT, num_deleted_rows BIGINT, num_inserted_rows BIGINT");
const PATH = StructType.fromDDL("path STRING");
const NONE = new StructType([]);

const STATEMENT: Record<DeltaCommand["kind"], string> = {
  delete: "DELETE",
  update: "UPDATE",
  merge: "MERGE",
  optimize: "OPTIMIZE",
  restore: "RESTORE",
  vacuum: "VACUUM",
  describeHistory: "DESCRIBE HISTORY",
  describeDetail: "DESCRIBE DETAIL",
  setProperties: "ALTER TABLE SET TBLPROPERTIES",
  unsetProperties: "ALTER TABLE UNSET TBLPROPERTIES",
  renameColumn: "ALTER TABLE RENAME COLUMN",
  dropColumns: "ALTER TABLE DROP COLUMNS",
  addColumns: "ALTER TABLE ADD COLUMNS",
  changeColumn: "ALTER TABLE CHANGE COLUMN",
};

/** Start the statement and return its result DataFrame; a missing table fails here, synchronously. */
/** New columns' types as the session reads them: a bare TIMESTAMP is TIMESTAMP_NTZ under spark.sql.timestampType = TIMESTAMP_NTZ, as in Spark's parser. */
function sessionTypes(spark: Session, columns: readonly SqlNewColumn[]): SqlNewColumn[] {
  if (spark.conf.get("spark.sql.timestampType", "TIMESTAMP_LTZ")!.toUpperCase() !== "TIMESTAMP_NTZ") return [...columns];
  return columns.map((c) => ({ ...c, type: parseDataType(c.typeText, { timestampNTZ: true }) }));
}

export function runDeltaStatement(spark: Session, st: DeltaStatement): DataFrame {
  const c = st.command;
  const path = tablePath(c.table);
  const table = DeltaTable.forPath(spark, path);
  const what = `${STATEMENT[c.kind]} on ${path}`;
  const rows = (schema: StructType, run: () => Promise<readonly Record<string, unknown>[]>): DataFrame =>
    commandResult(spark, schema, what, async () => spark.createDataFrame([...(await run())], schema));
  switch (c.kind) {
    case "delete": {
      const where = c.where ? [cond(unqualified(c.where, c.table.alias))] : [];
      return rows(AFFECTED, async () => [{ num_affected_rows: BigInt(await table.delete(...where)) }]);
    }
    case "update": {
      const set = Object.fromEntries(Object.entries(assignments(c.set, c.table)).map(([k, v]) => [k, cond(unqualified(v.expr, c.table.alias))]));
      const where = c.where ? [cond(unqualified(c.where, c.table.alias))] : [];
      return rows(AFFECTED, async () => [{ num_affected_rows: BigInt(await table.update(set, ...where)) }]);
    }
    case "merge": {
      const builder = mergeBuilder(spark, table, c);
      return rows(MERGE_RESULT, async () => {
        const m = await builder.execute();
        const n = (x: number): bigint => BigInt(x);
        return [{ num_affected_rows: n(m.numTargetRowsUpdated + m.numTargetRowsDeleted + m.numTargetRowsInserted), num_updated_rows: n(m.numTargetRowsUpdated), num_deleted_rows: n(m.numTargetRowsDeleted), num_inserted_rows: n(m.numTargetRowsInserted) }];
      });
    }
    case "optimize": {
      const builder = c.where ? table.optimize().where(cond(c.where)) : table.optimize();
      return commandResult(spark, OPTIMIZE_SCHEMA, what, () => builder.executeCompaction());
    }
    case "restore":
      return commandResult(spark, RESTORE_SCHEMA, what, () => (c.version !== undefined ? table.restoreToVersion(c.version) : table.restoreToTimestamp(c.timestamp!)));
    case "vacuum": {
      const check = spark.conf.get("spark.databricks.delta.retentionDurationCheck.enabled", "true") !== "false";
      return rows(PATH, async () => {
        const res = await vacuum(path, { ...(c.retainHours !== undefined ? { retentionHours: c.retainHours } : {}), retentionDurationCheck: check, dryRun: c.dryRun });
        return c.dryRun ? res.deleted.map((p) => ({ path: p })) : [{ path }];
      });
    }
    case "describeHistory":
      return commandResult(spark, HISTORY_SCHEMA, what, () => table.history(c.limit));
    case "describeDetail":
      return commandResult(spark, DETAIL_SCHEMA, what, () => table.detail());
    case "setProperties":
      return rows(NONE, async () => (await setTableProperties(path, c.properties), []));
    case "unsetProperties":
      return rows(NONE, async () => (await unsetTableProperties(path, c.keys, c.ifExists), []));
    case "renameColumn":
      return rows(NONE, async () => (await renameColumn(path, c.column, c.newName), []));
    case "dropColumns":
      return rows(NONE, async () => (await dropColumns(path, c.columns, c.ifExists), []));
    case "addColumns":
      return rows(NONE, async () => (await addColumns(path, sessionTypes(spark, c.columns)), []));
    case "changeColumn":
      return rows(NONE, async () => (await changeColumn(path, c.column, c.change), []));
  }
}

/** The table's path: `delta.\`/path\`` or a quoted path; anything else names a catalog table Sluice does not have. */
function tablePath(ref: DeltaTableRef): string {
  if (ref.path !== undefined) return ref.path;
  const [format, path, ...rest] = ref.nameParts;
  if (format!.toLowerCase() === "delta" && path !== undefined && rest.length === 0) return path;
  const name = ref.nameParts.map((p) => "`" + p.replace(/`/g, "``") + "`").join(".");
  throw analysisError(
    "TABLE_OR_VIEW_NOT_FOUND",
    `The table or view ${name} cannot be found: Sluice has no table catalog, so Delta statements name a table by its path, as delta.\`/path/to/table\``,
    { table: ref.nameParts.join(".") },
  );
}

const cond = (e: Expr): Column => new Column(e);

/** DELETE / UPDATE read the table unaliased: `x.id` with the statement's alias `x` is `id`. */
function unqualified(e: Expr, alias: string | undefined): Expr {
  if (alias === undefined) return e;
  return rewriteExpr(e, (x) => (x.kind === "column" && x.nameParts.length > 1 && x.nameParts[0]!.toLowerCase() === alias.toLowerCase() ? { ...x, nameParts: x.nameParts.slice(1) } : undefined));
}

/** `SET a = e, t.b = f` → the DeltaTable's column → value map (a qualifier naming the target is dropped). */
function assignments(set: readonly SqlAssignment[], target: DeltaTableRef): Record<string, Column> {
  const out: Record<string, Column> = {};
  for (const a of set) out[columnName(a.column, target)] = cond(a.value);
  return out;
}

function columnName(parts: readonly string[], target: DeltaTableRef): string {
  if (parts.length === 1) return parts[0]!;
  const qualifier = parts[0]!.toLowerCase();
  if (parts.length === 2 && (qualifier === target.alias?.toLowerCase() || qualifier === target.nameParts.at(-1)!.toLowerCase())) return parts[1]!;
  throw unsupported("DELTA_NESTED_FIELD_ASSIGNMENT", `Assigning to ${parts.join(".")} is not supported: Sluice's Delta commands set top-level columns of the target table (nested struct fields are not supported)`, { column: parts.join(".") });
}

/** The MERGE as the DeltaTable's builder, clause by clause in the statement's order. */
function mergeBuilder(spark: Session, table: DeltaTable, c: Extract<DeltaCommand, { kind: "merge" }>): DeltaMergeBuilder {
  const source = new DataFrame(spark.dfContext, c.source);
  let b = (c.table.alias !== undefined ? table.alias(c.table.alias) : table).merge(c.sourceAlias !== undefined ? source.alias(c.sourceAlias) : source, cond(c.on));
  const when = (x: SqlMergeClause): Column | undefined => (x.condition ? cond(x.condition) : undefined);
  for (const x of c.matched) {
    const a = x.action;
    if (a.kind === "delete") b = b.whenMatchedDelete(when(x));
    else if (a.kind === "update") b = a.set === "*" ? b.whenMatchedUpdateAll(when(x)) : b.whenMatchedUpdate(assignments(a.set, c.table), when(x));
  }
  for (const x of c.notMatched) {
    const a = x.action;
    if (a.kind === "insertAll") b = b.whenNotMatchedInsertAll(when(x));
    else if (a.kind === "insert") b = b.whenNotMatchedInsert(Object.fromEntries(a.columns.map((col, i) => [columnName(col, c.table), cond(a.values[i]!)])), when(x));
  }
  for (const x of c.notMatchedBySource) {
    const a = x.action;
    if (a.kind === "delete") b = b.whenNotMatchedBySourceDelete(when(x));
    else if (a.kind === "update" && a.set !== "*") b = b.whenNotMatchedBySourceUpdate(assignments(a.set, c.table), when(x));
  }
  return b;
}
