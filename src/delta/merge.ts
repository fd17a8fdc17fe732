/**
 * MERGE INTO a Delta table (Delta's MergeIntoCommand), run on the DataFrame engine. Steps:
 *   1. read the latest snapshot; load the target's rows as a DataFrame tagged with the data file
 *      and row each came from (`alias` of the DeltaTable applies), and tag the source rows;
 *   2. join target and source on the merge condition: inner for MATCHED clauses only, right
 *      outer with NOT MATCHED (every source row), left outer with NOT MATCHED BY SOURCE (every
 *      target row), full outer with both;
 *   3. project, per clause, its condition and its assignments cast to the target column types,
 *      and collect the joined rows as column batches;
 *   4. per matched row pick the first MATCHED clause whose condition holds (update or delete),
 *      per unmatched source row the first NOT MATCHED clause (insert), per unmatched target row
 *      the first NOT MATCHED BY SOURCE clause (update or delete); a target row that more than
 *      one source row matches fails with DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE
 *      (unless every MATCHED clause is an unconditional delete);
 *   5. rewrite only the touched files (kept + updated rows; with deletion vectors on, mark the
 *      touched rows in the files' vectors and write the updated rows), write the inserted rows,
 *      and commit removes + adds in one transaction that read the whole table (operation MERGE).
 */
import { VectorBuilder, getValue, makeBatch } from "../columnar/column-batch.js";
import { analysisError, executionError } from "../common/errors.js";
import type { DataFrame } from "../dataframe/dataframe.js";
import type { Column } from "../expr/column.js";
import { lit } from "../expr/functions.js";
import { type Cond, condText, toCol } from "./commands/conditions.js";
import { FILE_COL, ROW_COL, loadTargetRows, rewriteFiles } from "./commands/target-rows.js";
import { txnVersion } from "./snapshot.js";
import { OptimisticTransaction } from "./transaction.js";

export type MergeClause =
  | { readonly kind: "update"; readonly condition?: Cond; readonly set: Readonly<Record<string, Cond>> | "*" }
  | { readonly kind: "delete"; readonly condition?: Cond }
  | { readonly kind: "insert"; readonly condition?: Cond; readonly values: Readonly<Record<string, Cond>> | "*" };

export interface MergeSpec {
  readonly tablePath: string;
  readonly targetAlias?: string;
  readonly source: DataFrame;
  readonly condition: Cond;
  readonly matched: readonly MergeClause[];
  readonly notMatched: readonly MergeClause[];
  /** WHEN NOT MATCHED BY SOURCE clauses (update or delete of target rows no source row matches). */
  readonly notMatchedBySource?: readonly MergeClause[];
  /** Idempotent merge (foreachBatch): skipped when the table's txn for appId is ≥ version. */
  readonly txn?: { readonly appId: string; readonly version: number };
}

export interface MergeMetrics {
  readonly numTargetRowsUpdated: number;
  readonly numTargetRowsDeleted: number;
  readonly numTargetRowsInserted: number;
  readonly numTargetRowsMatchedUpdated: number;
  readonly numTargetRowsMatchedDeleted: number;
  readonly numTargetRowsNotMatchedBySourceUpdated: number;
  readonly numTargetRowsNotMatchedBySourceDeleted: number;
  readonly numSourceRows: number;
  /** False when the txn was already applied and nothing was written. */
  readonly committed: boolean;
}

const SRC_COL = "__delta_src";
type Group = "matched" | "notMatched" | "notMatchedBySource";

export async function executeMerge(spec: MergeSpec): Promise<MergeMetrics> {
  const tx = await OptimisticTransaction.start(spec.tablePath);
  const snap = tx.snapshot;
  if (!snap) throw analysisError("DELTA_TABLE_NOT_FOUND", `${spec.tablePath} is not a Delta table; create it before merging into it`, { table: spec.tablePath });
  const bySource = spec.notMatchedBySource ?? [];
  const counts = { matchedUpdated: 0, matchedDeleted: 0, nmbsUpdated: 0, nmbsDeleted: 0, inserted: 0 };
  const result = (numSourceRows: number, committed: boolean): MergeMetrics => ({
    numTargetRowsUpdated: counts.matchedUpdated + counts.nmbsUpdated,
    numTargetRowsDeleted: counts.matchedDeleted + counts.nmbsDeleted,
    numTargetRowsInserted: counts.inserted,
    numTargetRowsMatchedUpdated: counts.matchedUpdated,
    numTargetRowsMatchedDeleted: counts.matchedDeleted,
    numTargetRowsNotMatchedBySourceUpdated: counts.nmbsUpdated,
    numTargetRowsNotMatchedBySourceDeleted: counts.nmbsDeleted,
    numSourceRows,
    committed,
  });
  if (spec.txn) {
    if (txnVersion(snap, spec.txn.appId) >= spec.txn.version) return result(0, false);
    tx.setTxn(spec.txn.appId, spec.txn.version);
  }
  const schema = snap.schema;
  // 1. target rows, tagged with file and row; source rows tagged as present
  const { batches: fileBatches, df: target } = await loadTargetRows(spec.source.ctx, snap, spec.targetAlias);
  const source = spec.source.withColumn(SRC_COL, lit(true));
  // 2–3. join and project clause columns
  const tcol = (name: string): Column => target.col(name);
  const scol = (name: string, clause: string): Column => {
    const i = spec.source.schema.indexOf(name);
    if (i < 0) {
      throw analysisError("DELTA_MERGE_UNRESOLVED_EXPRESSION", `Cannot resolve ${name} in ${clause}: the source has no column \`${name}\` (source columns: ${spec.source.columns.join(", ")})`, { column: name });
    }
    return source.col(spec.source.schema.fields[i]!.name);
  };
  const assigned = (set: Readonly<Record<string, Cond>>, clause: string): Map<number, Cond> => {
    const m = new Map<number, Cond>();
    for (const [k, v] of Object.entries(set)) {
      const j = schema.indexOf(k.includes(".") && spec.targetAlias && k.toLowerCase().startsWith(`${spec.targetAlias.toLowerCase()}.`) ? k.slice(spec.targetAlias.length + 1) : k);
      if (j < 0) throw analysisError("DELTA_MERGE_UNRESOLVED_EXPRESSION", `Cannot resolve ${k} in ${clause}: the target has no such column (columns: ${schema.fieldNames.join(", ")})`, { column: k });
      m.set(j, v);
    }
    return m;
  };
  const cols: Column[] = [tcol(FILE_COL).alias("__f"), tcol(ROW_COL).alias("__r"), source.col(SRC_COL).alias("__s")];
  const clauses: { c: MergeClause; group: Group; offset: number }[] = [
    ...spec.matched.map((c) => ({ c, group: "matched" as const, offset: 0 })),
    ...spec.notMatched.map((c) => ({ c, group: "notMatched" as const, offset: 0 })),
    ...bySource.map((c) => ({ c, group: "notMatchedBySource" as const, offset: 0 })),
  ];
  for (const [k, cl] of clauses.entries()) {
    const { c } = cl;
    cl.offset = cols.length;
    const clauseCols: Column[] = [(c.condition === undefined ? lit(true) : toCol(c.condition)).alias(`__c${k}`)];
    if (c.kind !== "delete") {
      const what = c.kind === "update" ? "UPDATE" : "INSERT";
      const spec2 = c.kind === "update" ? c.set : c.values;
      const m = spec2 === "*" ? null : assigned(spec2, what);
      schema.fields.forEach((f, j) => {
        let v: Column;
        if (m === null) v = scol(f.name, `${what} *`);
        else if (m.has(j)) v = toCol(m.get(j)!);
        else v = c.kind === "update" ? tcol(f.name) : lit(null);
        clauseCols.push(v.cast(f.type).alias(`__c${k}_${j}`));
      });
    }
    if (cl.group === "notMatchedBySource") targetOnly(target, clauseCols, spec.tablePath);
    cols.push(...clauseCols);
  }
  const how = spec.notMatched.length > 0 ? (bySource.length > 0 ? "full" : "right") : bySource.length > 0 ? "left" : "inner";
  const out = await target.join(source, toCol(spec.condition), how).select(...cols).collectBatches();
  const numSource = await spec.source.count();
  // 4. decide per row
  const updates = new Map<number, Map<number, unknown[]>>(); // file → row → new values
  const deletes = new Map<number, Set<number>>();
  const matchCount = new Map<number, Map<number, number>>();
  const inserts = schema.fields.map((f) => new VectorBuilder(f.type, 0));
  const deleteOnly = spec.matched.every((c) => c.kind === "delete" && c.condition === undefined);
  for (const b of out) {
    for (let r = 0; r < b.numRows; r++) {
      const file = getValue(b.columns[0]!, r) as number | null;
      const row = getValue(b.columns[1]!, r) as number | null;
      const group: Group = file === null ? "notMatched" : getValue(b.columns[2]!, r) === true ? "matched" : "notMatchedBySource";
      if (group === "matched") {
        const byRow = matchCount.get(file!) ?? new Map<number, number>();
        matchCount.set(file!, byRow);
        const n = (byRow.get(row!) ?? 0) + 1;
        byRow.set(row!, n);
        if (n > 1 && !deleteOnly) throw multipleMatches(spec.tablePath);
      }
      const cl = clauses.find((x) => x.group === group && getValue(b.columns[x.offset]!, r) === true);
      if (!cl) continue;
      const values = cl.c.kind === "delete" ? [] : schema.fields.map((_, j) => getValue(b.columns[cl.offset + 1 + j]!, r));
      if (cl.c.kind === "insert") {
        values.forEach((v, j) => inserts[j]!.append(v));
        counts.inserted++;
      } else if (cl.c.kind === "delete") {
        const set = deletes.get(file!) ?? new Set<number>();
        deletes.set(file!, set);
        if (!set.has(row!)) counts[group === "matched" ? "matchedDeleted" : "nmbsDeleted"]++;
        set.add(row!);
      } else {
        const m = updates.get(file!) ?? new Map<number, unknown[]>();
        updates.set(file!, m);
        m.set(row!, values);
        counts[group === "matched" ? "matchedUpdated" : "nmbsUpdated"]++;
      }
    }
  }
  // 5. rewrite touched files, write inserts, commit
  tx.readWholeTable();
  const touched = new Map([...new Set([...updates.keys(), ...deletes.keys()])].map((f) => [f, { deleted: deletes.get(f), updated: updates.get(f) }]));
  const inserted = counts.inserted > 0 ? makeBatch(schema, inserts.map((x) => x.finish()), counts.inserted) : undefined;
  const { metrics: files, copiedRows: copied } = rewriteFiles(tx, snap, fileBatches, touched, { extra: inserted, removeStats: true });
  const m = result(numSource, true);
  const predicates = (list: readonly MergeClause[]) =>
    JSON.stringify(list.map((c) => ({ ...(c.condition !== undefined ? { predicate: condText(c.condition) } : {}), actionType: c.kind })));
  await tx.commit({
    operation: "MERGE",
    operationParameters: {
      predicate: JSON.stringify([condText(spec.condition)]),
      matchedPredicates: predicates(spec.matched),
      notMatchedPredicates: predicates(spec.notMatched),
      notMatchedBySourcePredicates: predicates(bySource),
    },
    operationMetrics: {
      numSourceRows: String(numSource),
      numTargetRowsInserted: String(m.numTargetRowsInserted),
      numTargetRowsUpdated: String(m.numTargetRowsUpdated),
      numTargetRowsMatchedUpdated: String(m.numTargetRowsMatchedUpdated),
      numTargetRowsNotMatchedBySourceUpdated: String(m.numTargetRowsNotMatchedBySourceUpdated),
      numTargetRowsDeleted: String(m.numTargetRowsDeleted),
      numTargetRowsMatchedDeleted: String(m.numTargetRowsMatchedDeleted),
      numTargetRowsNotMatchedBySourceDeleted: String(m.numTargetRowsNotMatchedBySourceDeleted),
      numTargetRowsCopied: String(copied),
      numOutputRows: String(m.numTargetRowsInserted + m.numTargetRowsUpdated + copied),
      numTargetFilesAdded: files.numAddedFiles,
      numTargetFilesRemoved: files.numRemovedFiles,
      numTargetChangeFilesAdded: files.numAddedChangeFiles,
      numTargetDeletionVectorsAdded: files.numDeletionVectorsAdded!,
      numTargetDeletionVectorsRemoved: files.numDeletionVectorsRemoved!,
      numTargetDeletionVectorsUpdated: files.numDeletionVectorsUpdated!,
      numTargetBytesAdded: files.numAddedBytes!,
      numTargetBytesRemoved: files.numRemovedBytes!,
    },
  });
  return m;
}

/** A NOT MATCHED BY SOURCE clause sees only target columns: resolve its expressions on the target alone. */
function targetOnly(target: DataFrame, cols: readonly Column[], table: string): void {
  try {
    void target.select(...cols).schema;
  } catch (e) {
    throw analysisError(
      "DELTA_MERGE_UNRESOLVED_EXPRESSION",
      `A NOT MATCHED BY SOURCE clause of a MERGE into ${table} can only refer to target columns: ${(e as Error).message}`,
      { table },
    );
  }
}

const multipleMatches = (table: string) =>
  executionError(
    "DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE",
    `Cannot perform Merge as multiple source rows matched and attempted to modify the same target row in the Delta table ${table} in possibly conflicting ways. ` +
      `By SQL semantics of Merge, when multiple source rows match on the same target row, the result may be ambiguous as it is unclear which source row should be used to update or delete the matching target row. ` +
      `Preprocess the source table to eliminate the possibility of multiple matches (for example dropDuplicates on the merge key).`,
    { table },
  );
