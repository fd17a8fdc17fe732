/**
 * MERGE INTO a Delta table (Delta's MergeIntoCommand), run on the DataFrame engine. Steps:
 *   1. read the latest snapshot; load the target's rows as a DataFrame tagged with the data file
 *      and row each came from (`alias` of the DeltaTable applies);
 *   2. join target and source on the merge condition: inner when there is no NOT MATCHED clause,
 *      else right outer (every source row, with its target match or nulls);
 *   3. project, per clause, its condition and its assignments cast to the target column types,
 *      and collect the joined rows as column batches;
 *   4. per matched row pick the first MATCHED clause whose condition holds (update or delete);
 *      per unmatched source row the first NOT MATCHED clause (insert); a target row that more
 *      than one source row matches fails with DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE
 *      (unless every MATCHED clause is an unconditional delete);
 *   5. rewrite only the touched files (kept + updated rows), write the inserted rows, and commit
 *      removes + adds in one transaction that read the whole table (operation MERGE).
 */
import { type ColumnBatch, VectorBuilder, getValue, makeBatch } from "../columnar/column-batch.js";
import { analysisError, executionError } from "../common/errors.js";
import { readDeltaFiles } from "../connectors/delta/delta-scan.js";
import { writeDataFiles } from "../connectors/delta/delta-writer.js";
import { DataFrame } from "../dataframe/dataframe.js";
import { Column } from "../expr/column.js";
import { expr, lit } from "../expr/functions.js";
import { node } from "../plan/logical-plan.js";
import { StructType } from "../types/struct-type.js";
import { txnVersion } from "./snapshot.js";
import { OptimisticTransaction } from "./transaction.js";

type Cond = Column | string;
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
  /** Idempotent merge (foreachBatch): skipped when the table's txn for appId is ≥ version. */
  readonly txn?: { readonly appId: string; readonly version: number };
}

export interface MergeMetrics {
  readonly numTargetRowsUpdated: number;
  readonly numTargetRowsDeleted: number;
  readonly numTargetRowsInserted: number;
  readonly numSourceRows: number;
  /** False when the txn was already applied and nothing was written. */
  readonly committed: boolean;
}

const toCol = (c: Cond): Column => (typeof c === "string" ? expr(c) : c);
const condText = (c: Cond | undefined): string | null => (c === undefined ? null : typeof c === "string" ? c : "<column>");

export async function executeMerge(spec: MergeSpec): Promise<MergeMetrics> {
  const tx = await OptimisticTransaction.start(spec.tablePath);
  const snap = tx.snapshot;
  if (!snap) throw analysisError("DELTA_TABLE_NOT_FOUND", `${spec.tablePath} is not a Delta table; create it before merging into it`, { table: spec.tablePath });
  const none: MergeMetrics = { numTargetRowsUpdated: 0, numTargetRowsDeleted: 0, numTargetRowsInserted: 0, numSourceRows: 0, committed: false };
  if (spec.txn) {
    if (txnVersion(snap, spec.txn.appId) >= spec.txn.version) return none;
    tx.setTxn(spec.txn.appId, spec.txn.version);
  }
  const schema = snap.schema;
  const ctx = spec.source.ctx;
  // 1. target rows, tagged with file and row
  const fileBatches: ColumnBatch[] = [];
  const tagged: ColumnBatch[] = [];
  const tagSchema = new StructType([...schema.fields, { name: "__merge_file", type: { kind: "int" }, nullable: false }, { name: "__merge_row", type: { kind: "int" }, nullable: false }]);
  for (let f = 0; f < snap.files.length; f++) {
    const parts: ColumnBatch[] = [];
    for await (const b of readDeltaFiles([snap.files[f]!], schema, snap.partitionColumns, 1 << 30)) parts.push(b);
    const whole = parts.length === 1 ? parts[0]! : concatRows(schema, parts);
    fileBatches.push(whole);
    const fileIds = new Int32Array(whole.numRows).fill(f);
    const rowIds = Int32Array.from({ length: whole.numRows }, (_, i) => i);
    tagged.push(makeBatch(tagSchema, [...whole.columns, { type: { kind: "int" }, length: whole.numRows, values: fileIds, validity: null }, { type: { kind: "int" }, length: whole.numRows, values: rowIds, validity: null }], whole.numRows));
  }
  let target: DataFrame = new DataFrame(ctx, node({ kind: "localRelation", schema: tagSchema, batches: tagged }));
  if (spec.targetAlias) target = target.alias(spec.targetAlias);
  const source = spec.source;
  // 2–3. join and project clause columns
  const tcol = (name: string): Column => target.col(name);
  const scol = (name: string, clause: string): Column => {
    const i = source.schema.indexOf(name);
    if (i < 0) {
      throw analysisError("DELTA_MERGE_UNRESOLVED_EXPRESSION", `Cannot resolve ${name} in ${clause}: the source has no column \`${name}\` (source columns: ${source.columns.join(", ")})`, { column: name });
    }
    return source.col(source.schema.fields[i]!.name);
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
  const cols: Column[] = [tcol("__merge_file").alias("__f"), tcol("__merge_row").alias("__r")];
  const clauses = [...spec.matched.map((c) => ({ c, matched: true })), ...spec.notMatched.map((c) => ({ c, matched: false }))];
  clauses.forEach(({ c }, k) => {
    cols.push((c.condition === undefined ? lit(true) : toCol(c.condition)).alias(`__c${k}`));
    if (c.kind === "delete") return;
    const what = c.kind === "update" ? "UPDATE" : "INSERT";
    const spec2 = c.kind === "update" ? c.set : c.values;
    const m = spec2 === "*" ? null : assigned(spec2, what);
    schema.fields.forEach((f, j) => {
      let v: Column;
      if (m === null) v = scol(f.name, `${what} *`);
      else if (m.has(j)) v = toCol(m.get(j)!);
      else v = c.kind === "update" ? tcol(f.name) : lit(null);
      cols.push(v.cast(f.type).alias(`__c${k}_${j}`));
    });
  });
  const how = spec.notMatched.length > 0 ? "right" : "inner";
  const joined = target.join(source, toCol(spec.condition), how).select(...cols);
  const out = await joined.collectBatches();
  const numSource = await source.count();
  // 4. decide per row
  const updates = new Map<number, Map<number, unknown[]>>(); // file → row → new values
  const deletes = new Map<number, Set<number>>();
  const matchCount = new Map<number, Map<number, number>>();
  const inserts = schema.fields.map((f) => new VectorBuilder(f.type, 0));
  let numInserted = 0;
  let numUpdated = 0;
  let numDeleted = 0;
  const deleteOnly = spec.matched.every((c) => c.kind === "delete" && c.condition === undefined);
  const nFields = schema.fields.length;
  for (const b of out) {
    const base = 2;
    const offsets: number[] = [];
    let o = base;
    for (const { c } of clauses) {
      offsets.push(o);
      o += c.kind === "delete" ? 1 : 1 + nFields;
    }
    for (let r = 0; r < b.numRows; r++) {
      const file = getValue(b.columns[0]!, r) as number | null;
      if (file !== null) {
        const row = getValue(b.columns[1]!, r) as number;
        const counts = matchCount.get(file) ?? new Map<number, number>();
        matchCount.set(file, counts);
        const n = (counts.get(row) ?? 0) + 1;
        counts.set(row, n);
        if (n > 1 && !deleteOnly && spec.matched.length > 0) {
          throw executionError(
            "DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE",
            `Cannot perform Merge as multiple source rows matched and attempted to modify the same target row in the Delta table ${spec.tablePath} in possibly conflicting ways. ` +
              `By SQL semantics of Merge, when multiple source rows match on the same target row, the result may be ambiguous as it is unclear which source row should be used to update or delete the matching target row. ` +
              `Preprocess the source table to eliminate the possibility of multiple matches (for example dropDuplicates on the merge key).`,
            { table: spec.tablePath },
          );
        }
      }
      for (let k = 0; k < clauses.length; k++) {
        const { c, matched } = clauses[k]!;
        if (matched !== (file !== null)) continue;
        if (getValue(b.columns[offsets[k]!]!, r) !== true) continue;
        if (c.kind === "delete") {
          const row = getValue(b.columns[1]!, r) as number;
          const set = deletes.get(file!) ?? new Set<number>();
          deletes.set(file!, set);
          if (!set.has(row)) numDeleted++;
          set.add(row);
        } else {
          const values = schema.fields.map((_, j) => getValue(b.columns[offsets[k]! + 1 + j]!, r));
          if (c.kind === "update") {
            const row = getValue(b.columns[1]!, r) as number;
            const m = updates.get(file!) ?? new Map<number, unknown[]>();
            updates.set(file!, m);
            m.set(row, values);
            numUpdated++;
          } else {
            values.forEach((v, j) => inserts[j]!.append(v));
            numInserted++;
          }
        }
        break;
      }
    }
  }
  // 5. rewrite touched files, write inserts, commit
  tx.readWholeTable();
  const touched = new Set([...updates.keys(), ...deletes.keys()]);
  const now = Date.now();
  let filesAdded = 0;
  for (const f of touched) {
    const file = snap.files[f]!;
    const b = fileBatches[f]!;
    const upd = updates.get(f);
    const del = deletes.get(f);
    const builders = schema.fields.map((fl) => new VectorBuilder(fl.type, b.numRows));
    let kept = 0;
    for (let r = 0; r < b.numRows; r++) {
      if (del?.has(r)) continue;
      const nv = upd?.get(r);
      for (let j = 0; j < nFields; j++) builders[j]!.append(nv ? nv[j] : getValue(b.columns[j]!, r));
      kept++;
    }
    tx.remove({ path: file.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true, partitionValues: file.partitionValues, size: file.size });
    for (const a of writeDataFiles(spec.tablePath, makeBatch(schema, builders.map((x) => x.finish()), kept), snap.partitionColumns)) {
      tx.add(a);
      filesAdded++;
    }
  }
  if (numInserted > 0) {
    for (const a of writeDataFiles(spec.tablePath, makeBatch(schema, inserts.map((x) => x.finish()), numInserted), snap.partitionColumns)) {
      tx.add(a);
      filesAdded++;
    }
  }
  await tx.commit({
    operation: "MERGE",
    operationParameters: {
      predicate: JSON.stringify([condText(spec.condition)]),
      matchedPredicates: JSON.stringify(spec.matched.map((c) => ({ ...(c.condition !== undefined ? { predicate: condText(c.condition) } : {}), actionType: c.kind }))),
      notMatchedPredicates: JSON.stringify(spec.notMatched.map((c) => ({ ...(c.condition !== undefined ? { predicate: condText(c.condition) } : {}), actionType: c.kind }))),
    },
    operationMetrics: {
      numSourceRows: String(numSource),
      numTargetRowsUpdated: String(numUpdated),
      numTargetRowsDeleted: String(numDeleted),
      numTargetRowsInserted: String(numInserted),
      numTargetFilesRemoved: String(touched.size),
      numTargetFilesAdded: String(filesAdded),
      numOutputRows: String(numInserted + numUpdated),
    },
  });
  return { numTargetRowsUpdated: numUpdated, numTargetRowsDeleted: numDeleted, numTargetRowsInserted: numInserted, numSourceRows: numSource, committed: true };
}

function concatRows(schema: StructType, parts: readonly ColumnBatch[]): ColumnBatch {
  const n = parts.reduce((s, p) => s + p.numRows, 0);
  const builders = schema.fields.map((f) => new VectorBuilder(f.type, n));
  for (const p of parts) for (let r = 0; r < p.numRows; r++) schema.fields.forEach((_, j) => builders[j]!.append(getValue(p.columns[j]!, r)));
  return makeBatch(schema, builders.map((b) => b.finish()), n);
}
