/**
 * DeltaTable (delta-spark's `DeltaTable`): a handle on a Delta table by path, for reading it as
 * a DataFrame, its history, detail and version, VACUUM, DELETE, UPDATE, RESTORE, OPTIMIZE and
 * MERGE with an immutable builder:
 *
 *   await DeltaTable.forPath(spark, "tables/users").alias("t")
 *     .merge(updates.alias("s"), "t.id = s.id")
 *     .whenMatchedUpdateAll()
 *     .whenNotMatchedInsertAll()
 *     .execute();
 */
import { analysisError } from "../common/errors.js";
import { peekDeltaTable } from "../connectors/delta/delta-scan.js";
import type { DataFrame } from "../dataframe/dataframe.js";
import { Column } from "../expr/column.js";
import type { Session } from "../session/session.js";
import { StructType } from "../types/struct-type.js";
import { history } from "./history.js";
import { executeDelete } from "./commands/delete.js";
import { DETAIL_SCHEMA, detail } from "./commands/detail.js";
import { DeltaOptimizeBuilder } from "./commands/optimize.js";
import { type RestoreMetrics, executeRestore } from "./commands/restore.js";
import { executeUpdate } from "./commands/update.js";
import { type MergeClause, type MergeMetrics, executeMerge } from "./merge.js";
import { loadSnapshot } from "./snapshot.js";
import { vacuum } from "./vacuum.js";
import type { Cond } from "./commands/conditions.js";

export { DeltaOptimizeBuilder } from "./commands/optimize.js";

type Assignments = Readonly<Record<string, Cond>>;

export const HISTORY_SCHEMA = StructType.fromDDL(
  "version BIGINT, timestamp TIMESTAMP, userId STRING, userName STRING, operation STRING, operationParameters MAP<STRING, STRING>, " +
    "job STRUCT<jobId: STRING>, notebook STRUCT<notebookId: STRING>, clusterId STRING, readVersion BIGINT, isolationLevel STRING, isBlindAppend BOOLEAN, " +
    "operationMetrics MAP<STRING, STRING>, userMetadata STRING, engineInfo STRING",
);

export const RESTORE_SCHEMA = StructType.fromDDL(
  "table_size_after_restore BIGINT, num_of_files_after_restore BIGINT, num_removed_files BIGINT, num_restored_files BIGINT, removed_files_size BIGINT, restored_files_size BIGINT",
);

/** A Delta Lake table by path or name (`DeltaTable.forPath(spark, path)`): `toDF`, `version`, `history`, `merge` and `vacuum`, as delta-spark's `DeltaTable`. */
export class DeltaTable {
  private constructor(
    private readonly spark: Session,
    readonly path: string,
    private readonly aliasName?: string,
  ) {}

  /**
   * A handle on the Delta table at `path`; fails with DELTA_TABLE_NOT_FOUND when there is none.
   * A session that runs Delta elsewhere (a Spark Connect session) hands out its own handle.
   */
  static forPath<T>(spark: { deltaTableForPath(path: string): T }, path: string): T;
  static forPath(spark: Session, path: string): DeltaTable;
  static forPath(spark: Session | { deltaTableForPath(path: string): unknown }, path: string): unknown {
    if ("deltaTableForPath" in spark) return spark.deltaTableForPath(path);
    peekDeltaTable(path);
    return new DeltaTable(spark, path);
  }

  /** True when `path` holds a Delta table. */
  static isDeltaTable(_spark: Session, path: string): boolean {
    try {
      peekDeltaTable(path);
      return true;
    } catch {
      return false;
    }
  }

  alias(name: string): DeltaTable {
    return new DeltaTable(this.spark, this.path, name);
  }

  /** The latest version as a DataFrame (aliased when the handle is). */
  toDF(): DataFrame {
    const df = this.spark.read.format("delta").load(this.path);
    return this.aliasName ? df.alias(this.aliasName) : df;
  }

  /** The latest version number. */
  async version(): Promise<number> {
    return (await loadSnapshot(this.path)).version;
  }

  /** DESCRIBE HISTORY as a DataFrame with Delta's columns, newest first; at most `limit` rows. */
  async history(limit?: number): Promise<DataFrame> {
    const entries = await history(this.path, limit);
    const str = (o: Readonly<Record<string, unknown>>): Map<string, string> =>
      new Map(Object.entries(o).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const rows = entries.map((e) => ({
      version: e.version,
      timestamp: e.timestamp,
      userId: null,
      userName: null,
      operation: e.operation,
      operationParameters: str(e.operationParameters),
      job: null,
      notebook: null,
      clusterId: null,
      readVersion: e.readVersion,
      isolationLevel: e.isolationLevel,
      isBlindAppend: e.isBlindAppend,
      operationMetrics: str(e.operationMetrics),
      userMetadata: typeof e.commitInfo?.userMetadata === "string" ? e.commitInfo.userMetadata : null,
      engineInfo: e.engineInfo,
    }));
    return this.spark.createDataFrame(rows, HISTORY_SCHEMA);
  }

  /**
   * VACUUM: delete unreferenced files older than `retentionHours` (default 168); returns their
   * paths. The retention check follows `spark.databricks.delta.retentionDurationCheck.enabled`
   * unless `retentionDurationCheck` is given.
   */
  async vacuum(retentionHours?: number, options: { retentionDurationCheck?: boolean; dryRun?: boolean } = {}): Promise<string[]> {
    const check = options.retentionDurationCheck ?? this.spark.conf.get("spark.databricks.delta.retentionDurationCheck.enabled", "true") !== "false";
    const res = await vacuum(this.path, { ...(retentionHours !== undefined ? { retentionHours } : {}), ...options, retentionDurationCheck: check });
    return [...res.deleted];
  }

  /** DELETE the rows where `condition` is true (every row without one); returns how many. */
  async delete(condition?: Cond): Promise<number> {
    return executeDelete(this.spark.dfContext, this.path, condition);
  }

  /**
   * UPDATE: `set` maps columns to new values (SQL strings or Columns) in the rows where
   * `condition` holds (every row without one); returns how many. Both Scala's argument order
   * `update(condition, set)` and `update(set, condition?)` are accepted.
   */
  async update(set: Assignments, condition?: Cond): Promise<number>;
  async update(condition: Cond, set: Assignments): Promise<number>;
  async update(a: Assignments | Cond, b?: Assignments | Cond): Promise<number> {
    const isCond = (x: unknown): x is Cond => typeof x === "string" || x instanceof Column;
    const [condition, set] = isCond(a) ? [a, b as Assignments] : [b as Cond | undefined, a];
    return executeUpdate(this.spark.dfContext, this.path, condition, set ?? {});
  }

  /** RESTORE the table to `version`; returns Delta's one-row metrics DataFrame. */
  async restoreToVersion(version: number): Promise<DataFrame> {
    return this.restoreMetrics(await executeRestore(this.path, { version }));
  }

  /** RESTORE the table to the version in force at `timestamp` (ISO string, Date or epoch ms). */
  async restoreToTimestamp(timestamp: string | Date | number): Promise<DataFrame> {
    return this.restoreMetrics(await executeRestore(this.path, { timestamp }));
  }

  private restoreMetrics(m: RestoreMetrics): DataFrame {
    return this.spark.createDataFrame([{ ...m }], RESTORE_SCHEMA);
  }

  /** DESCRIBE DETAIL: one row with Delta's columns (format, id, location, numFiles, …). */
  async detail(): Promise<DataFrame> {
    return this.spark.createDataFrame([await detail(this.path)], DETAIL_SCHEMA);
  }

  /** OPTIMIZE: `.where(partitionPredicate)` then `.executeCompaction()`. */
  optimize(): DeltaOptimizeBuilder {
    return new DeltaOptimizeBuilder(this.spark, this.path);
  }

  /** Start a MERGE of `source` into this table on `condition`. */
  merge(source: DataFrame, condition: Cond): DeltaMergeBuilder {
    return new DeltaMergeBuilder({ table: this, source, condition, matched: [], notMatched: [], notMatchedBySource: [] });
  }

  /** @internal */
  get targetAlias(): string | undefined {
    return this.aliasName;
  }
}

interface MergeState {
  readonly table: DeltaTable;
  readonly source: DataFrame;
  readonly condition: Cond;
  readonly matched: readonly MergeClause[];
  readonly notMatched: readonly MergeClause[];
  readonly notMatchedBySource: readonly MergeClause[];
}

/** Immutable MERGE builder; clauses apply in the order given (the first whose condition holds wins). */
export class DeltaMergeBuilder {
  constructor(private readonly s: MergeState) {}

  private matched(c: MergeClause): DeltaMergeBuilder {
    return new DeltaMergeBuilder({ ...this.s, matched: [...this.s.matched, c] });
  }
  private notMatched(c: MergeClause): DeltaMergeBuilder {
    return new DeltaMergeBuilder({ ...this.s, notMatched: [...this.s.notMatched, c] });
  }

  /** Update matched rows: `set` maps target columns to expressions (strings or Columns). */
  whenMatchedUpdate(set: Readonly<Record<string, Cond>>, condition?: Cond): DeltaMergeBuilder {
    if (Object.keys(set).length === 0) throw analysisError("DELTA_MERGE_MISSING_ASSIGNMENTS", "whenMatchedUpdate needs at least one column to set; use whenMatchedUpdateAll() to copy every source column");
    return this.matched({ kind: "update", set, ...(condition !== undefined ? { condition } : {}) });
  }
  /** Update every target column from the source column of the same name. */
  whenMatchedUpdateAll(condition?: Cond): DeltaMergeBuilder {
    return this.matched({ kind: "update", set: "*", ...(condition !== undefined ? { condition } : {}) });
  }
  whenMatchedDelete(condition?: Cond): DeltaMergeBuilder {
    return this.matched({ kind: "delete", ...(condition !== undefined ? { condition } : {}) });
  }
  /** Insert unmatched source rows: `values` maps target columns to expressions; others are null. */
  whenNotMatchedInsert(values: Readonly<Record<string, Cond>>, condition?: Cond): DeltaMergeBuilder {
    if (Object.keys(values).length === 0) throw analysisError("DELTA_MERGE_MISSING_ASSIGNMENTS", "whenNotMatchedInsert needs at least one column value; use whenNotMatchedInsertAll() to copy every source column");
    return this.notMatched({ kind: "insert", values, ...(condition !== undefined ? { condition } : {}) });
  }
  whenNotMatchedInsertAll(condition?: Cond): DeltaMergeBuilder {
    return this.notMatched({ kind: "insert", values: "*", ...(condition !== undefined ? { condition } : {}) });
  }
  /** Update target rows that no source row matches: `set` may refer to target columns only. */
  whenNotMatchedBySourceUpdate(set: Readonly<Record<string, Cond>>, condition?: Cond): DeltaMergeBuilder {
    if (Object.keys(set).length === 0) throw analysisError("DELTA_MERGE_MISSING_ASSIGNMENTS", "whenNotMatchedBySourceUpdate needs at least one column to set");
    return this.bySource({ kind: "update", set, ...(condition !== undefined ? { condition } : {}) });
  }
  /** Delete target rows that no source row matches. */
  whenNotMatchedBySourceDelete(condition?: Cond): DeltaMergeBuilder {
    return this.bySource({ kind: "delete", ...(condition !== undefined ? { condition } : {}) });
  }
  private bySource(c: MergeClause): DeltaMergeBuilder {
    return new DeltaMergeBuilder({ ...this.s, notMatchedBySource: [...this.s.notMatchedBySource, c] });
  }

  /**
   * Run the merge as one commit. With `txn` (appId, version) it is idempotent: a merge whose
   * version the table already holds for appId is skipped (exactly-once in foreachBatch).
   */
  async execute(options: { txnAppId?: string; txnVersion?: number } = {}): Promise<MergeMetrics> {
    const { table, source, condition, matched, notMatched, notMatchedBySource } = this.s;
    if (matched.length === 0 && notMatched.length === 0 && notMatchedBySource.length === 0) {
      throw analysisError("DELTA_MERGE_MISSING_WHEN", "There must be at least one WHEN clause in a MERGE statement: add whenMatched..., whenNotMatched... or whenNotMatchedBySource...");
    }
    for (const [list, what] of [[matched, "MATCHED"], [notMatched, "NOT MATCHED"], [notMatchedBySource, "NOT MATCHED BY SOURCE"]] as const) {
      list.slice(0, -1).forEach((c) => {
        if (c.condition === undefined) {
          throw analysisError("DELTA_NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION", `When there are more than one ${what} clauses in a MERGE statement, only the last ${what} clause can omit the condition.`);
        }
      });
    }
    const txn = options.txnAppId !== undefined && options.txnVersion !== undefined ? { appId: options.txnAppId, version: options.txnVersion } : undefined;
    return executeMerge({
      tablePath: table.path,
      ...(table.targetAlias ? { targetAlias: table.targetAlias } : {}),
      source,
      condition,
      matched,
      notMatched,
      notMatchedBySource,
      ...(txn ? { txn } : {}),
    });
  }
}
