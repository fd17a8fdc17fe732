/**
 * DELETE FROM a Delta table (Delta's DeleteCommand), copy-on-write. Steps:
 *   1. read the latest snapshot; without a condition, or with one on partition columns only,
 *      the matching files are removed whole (their row counts from the stats), nothing read;
 *   2. otherwise evaluate the condition on every row (tagged with its file and row number);
 *      a row is deleted where it is true (null keeps the row, as in SQL);
 *   3. each file with deleted rows is removed, and the other rows of all of them are written
 *      as new files (none when every row goes); untouched files stay;
 *   4. commit the removes and adds as operation DELETE with Delta's metrics (no commit when no
 *      row matched, as in Delta); returns how many rows were deleted.
 */
import { executionError } from "../../common/errors.js";
import type { DataFrameContext } from "../../dataframe/dataframe.js";
import { getValue } from "../../columnar/column-batch.js";
import { OptimisticTransaction } from "../transaction.js";
import { type Cond, condText, toCol } from "./conditions.js";
import { filesMatchingPartitions } from "./partition-filter.js";
import { FILE_COL, ROW_COL, NO_CHANGES, loadTargetRows, removeOf, rewriteFiles } from "./target-rows.js";

export async function executeDelete(ctx: DataFrameContext, tablePath: string, condition?: Cond): Promise<number> {
  const tx = await OptimisticTransaction.start(tablePath);
  const snap = tx.snapshot;
  if (!snap) throw executionError("DELTA_TABLE_NOT_FOUND", `${tablePath} is not a Delta table`, { table: tablePath });
  const started = Date.now();
  const predicate = { predicate: JSON.stringify([condition === undefined ? "true" : condText(condition)]) };
  // 1. metadata-only: no condition, or one on partition columns only — whole files go
  const whole = await filesMatchingPartitions(ctx, snap, condition === undefined ? [] : [condition]);
  if ("files" in whole) {
    if (whole.files.length === 0) return 0;
    tx.readWholeTable();
    const now = Date.now();
    for (const f of whole.files) tx.remove(removeOf(f, now, { stats: true }));
    const numDeletedRows = whole.files.reduce((s, f) => s + (f.parsedStats?.numRecords ?? 0), 0);
    await tx.commit({ operation: "DELETE", operationParameters: predicate, operationMetrics: { ...NO_CHANGES, numRemovedFiles: String(whole.files.length), numRemovedBytes: String(whole.files.reduce((s, f) => s + f.size, 0)), numDeletedRows: String(numDeletedRows), executionTimeMs: String(Date.now() - started) } });
    return numDeletedRows;
  }
  // 2. evaluate the condition per row
  const deleted = new Map<number, Set<number>>();
  const { batches, df } = await loadTargetRows(ctx, snap);
  const hits = await df.select(df.col(FILE_COL), df.col(ROW_COL), toCol(condition!).alias("__c")).collectBatches();
  for (const b of hits) {
    for (let r = 0; r < b.numRows; r++) {
      if (getValue(b.columns[2]!, r) !== true) continue;
      const f = getValue(b.columns[0]!, r) as number;
      const set = deleted.get(f) ?? new Set<number>();
      deleted.set(f, set);
      set.add(getValue(b.columns[1]!, r) as number);
    }
  }
  if (deleted.size === 0) return 0;
  // 3–4. rewrite and commit
  tx.readWholeTable();
  const { metrics } = rewriteFiles(tx, snap, batches, new Map([...deleted].map(([f, rows]) => [f, { deleted: rows }])));
  const numDeletedRows = [...deleted.values()].reduce((s, rows) => s + rows.size, 0);
  await tx.commit({ operation: "DELETE", operationParameters: predicate, operationMetrics: { ...metrics, numDeletedRows: String(numDeletedRows), executionTimeMs: String(Date.now() - started) } });
  return numDeletedRows;
}
