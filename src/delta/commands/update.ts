/**
 * UPDATE a Delta table (Delta's UpdateCommand), copy-on-write. Steps:
 *   1. read the latest snapshot and resolve the assigned columns (unknown → error);
 *   2. evaluate the condition (true where absent) and every column's new value — the assigned
 *      expression cast to the column type, else the old value — on every row, tagged with its
 *      file and row number;
 *   3. each file with a row whose condition is true is removed, and the rows of all of them
 *      (those rows replaced) are written as new files; untouched files stay;
 *   4. commit the removes and adds as operation UPDATE with Delta's metrics (no commit when no
 *      row matched, as in Delta); returns how many rows were updated.
 */
import { getValue } from "../../columnar/column-batch.js";
import { analysisError, executionError } from "../../common/errors.js";
import type { DataFrameContext } from "../../dataframe/dataframe.js";
import { lit } from "../../expr/functions.js";
import { OptimisticTransaction } from "../transaction.js";
import { type Cond, condText, toCol } from "./conditions.js";
import { FILE_COL, ROW_COL, loadTargetRows, rewriteFiles } from "./target-rows.js";

export async function executeUpdate(ctx: DataFrameContext, tablePath: string, condition: Cond | undefined, set: Readonly<Record<string, Cond>>): Promise<number> {
  const tx = await OptimisticTransaction.start(tablePath);
  const snap = tx.snapshot;
  if (!snap) throw executionError("DELTA_TABLE_NOT_FOUND", `${tablePath} is not a Delta table`, { table: tablePath });
  const { schema } = snap;
  if (Object.keys(set).length === 0) throw analysisError("DELTA_UPDATE_MISSING_ASSIGNMENTS", "update needs at least one column to set");
  const assigned = new Map<number, Cond>();
  for (const [k, v] of Object.entries(set)) {
    const j = schema.indexOf(k);
    if (j < 0) {
      throw analysisError("UNRESOLVED_COLUMN", `Cannot resolve ${k} in UPDATE: the table has no such column (columns: ${schema.fieldNames.join(", ")})`, { column: k });
    }
    assigned.set(j, v);
  }
  const started = Date.now();
  const { batches, df } = await loadTargetRows(ctx, snap);
  const values = schema.fields.map((f, j) => (assigned.has(j) ? toCol(assigned.get(j)!).cast(f.type) : df.col(f.name)).alias(`__v${j}`));
  const cond = (condition === undefined ? lit(true) : toCol(condition)).alias("__c");
  const out = await df.select(df.col(FILE_COL), df.col(ROW_COL), cond, ...values).collectBatches();
  const updated = new Map<number, Map<number, unknown[]>>();
  for (const b of out) {
    for (let r = 0; r < b.numRows; r++) {
      if (getValue(b.columns[2]!, r) !== true) continue;
      const f = getValue(b.columns[0]!, r) as number;
      const m = updated.get(f) ?? new Map<number, unknown[]>();
      updated.set(f, m);
      m.set(getValue(b.columns[1]!, r) as number, schema.fields.map((_, j) => getValue(b.columns[3 + j]!, r)));
    }
  }
  if (updated.size === 0) return 0;
  tx.readWholeTable();
  const { metrics } = rewriteFiles(tx, snap, batches, new Map([...updated].map(([f, rows]) => [f, { updated: rows }])));
  const numUpdatedRows = [...updated.values()].reduce((s, rows) => s + rows.size, 0);
  await tx.commit({
    operation: "UPDATE",
    operationParameters: { predicate: JSON.stringify(condition === undefined ? [] : [condText(condition)]) },
    operationMetrics: { ...metrics, numUpdatedRows: String(numUpdatedRows), executionTimeMs: String(Date.now() - started) },
  });
  return numUpdatedRows;
}
