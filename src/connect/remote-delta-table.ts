/**
 * DeltaTable on a Spark Connect session (`DeltaTable.forPath(remoteSpark, path)`): the same
 * handle as the embedded one, run by the server's Delta Lake through SQL on `delta.\`path\``:
 *   toDF → read.format("delta"); history → DESCRIBE HISTORY; version → its newest row;
 *   vacuum → VACUUM … DRY RUN (the files), then VACUUM; delete → DELETE FROM; update → UPDATE;
 *   merge → the source as a temp view, then MERGE INTO, metrics from the commit's history row;
 *   restoreToVersion/restoreToTimestamp → RESTORE TABLE … TO VERSION/TIMESTAMP AS OF;
 *   detail → DESCRIBE DETAIL; optimize().where(…).executeCompaction() → OPTIMIZE … WHERE.
 * Conditions and assignments are SQL expression strings: a Column has no SQL text to send, so it
 * is refused by name (CONNECT_UNSUPPORTED_EXPRESSION).
 */
import { randomUUID } from "node:crypto";
import { analysisError, unsupported } from "../common/errors.js";
import type { DataFrame } from "../dataframe/dataframe.js";
import type { Column } from "../expr/column.js";
import type { MergeMetrics } from "../delta/merge.js";
import type { RemoteSession } from "./remote-session.js";

type Cond = Column | string;

/** The SQL text of a condition or value; a Column cannot be sent as SQL. */
function sqlText(c: Cond, what: string): string {
  if (typeof c === "string") return c;
  throw unsupported("CONNECT_UNSUPPORTED_EXPRESSION", `DeltaTable on a Spark Connect session sends ${what} as SQL text: write it as a string (e.g. "t.id = s.id"), not a Column`);
}

const quoteIdent = (name: string): string => "`" + name.replace(/`/g, "``") + "`";

/** The alias a DataFrame was given last (df.alias("s")), which MERGE's SQL must repeat. */
function aliasOf(df: DataFrame): string | undefined {
  const p = df.plan as { kind: string; alias?: string };
  return p.kind === "subqueryAlias" ? p.alias : undefined;
}

export class RemoteDeltaTable {
  constructor(
    private readonly spark: RemoteSession,
    readonly path: string,
    private readonly aliasName?: string,
  ) {}

  /** `delta.\`path\``, the table as SQL names it. */
  get identifier(): string {
    return `delta.${quoteIdent(this.path)}`;
  }

  alias(name: string): RemoteDeltaTable {
    return new RemoteDeltaTable(this.spark, this.path, name);
  }

  toDF(): DataFrame {
    const df = this.spark.read.format("delta").load(this.path);
    return this.aliasName ? df.alias(this.aliasName) : df;
  }

  /** DESCRIBE HISTORY, newest first; at most `limit` rows. */
  async history(limit?: number): Promise<DataFrame> {
    return this.spark.sql(`DESCRIBE HISTORY ${this.identifier}${limit !== undefined ? ` LIMIT ${Math.trunc(limit)}` : ""}`);
  }

  async version(): Promise<number> {
    const [row] = await (await this.history(1)).collect();
    return Number(row!.version);
  }

  /**
   * VACUUM: delete unreferenced files older than `retentionHours` (the server's default when
   * omitted); returns their paths, listed by a DRY RUN just before.
   */
  async vacuum(retentionHours?: number, options: { retentionDurationCheck?: boolean; dryRun?: boolean } = {}): Promise<string[]> {
    const retain = retentionHours !== undefined ? ` RETAIN ${retentionHours} HOURS` : "";
    const key = "spark.databricks.delta.retentionDurationCheck.enabled";
    const saved = options.retentionDurationCheck === false ? this.spark.conf.get(key) : undefined;
    if (options.retentionDurationCheck === false) this.spark.conf.set(key, "false");
    try {
      const files = (await this.spark.sql(`VACUUM ${this.identifier}${retain} DRY RUN`).collect()).map((r) => String(r.path));
      if (options.dryRun !== true) await this.spark.sql(`VACUUM ${this.identifier}${retain}`).collect();
      return files;
    } finally {
      if (options.retentionDurationCheck === false) (saved === undefined ? this.spark.conf.unset(key) : this.spark.conf.set(key, saved));
    }
  }

  /** DELETE FROM the table the rows matching `condition` (every row without one); returns how many. */
  async delete(condition?: Cond): Promise<number> {
    const where = condition !== undefined ? ` WHERE ${sqlText(condition, "the delete condition")}` : "";
    const [row] = await this.spark.sql(`DELETE FROM ${this.#target()}${where}`).collect();
    return Number(row?.num_affected_rows ?? 0);
  }

  /** UPDATE `set`'s columns (target column → SQL expression) in the rows matching `condition`; returns how many. */
  async update(set: Readonly<Record<string, Cond>>, condition?: Cond): Promise<number> {
    const assignments = Object.entries(set).map(([k, v]) => `${quoteIdent(k)} = ${sqlText(v, `the value of ${k}`)}`);
    if (assignments.length === 0) throw analysisError("DELTA_UPDATE_MISSING_ASSIGNMENTS", "update needs at least one column to set");
    const where = condition !== undefined ? ` WHERE ${sqlText(condition, "the update condition")}` : "";
    const [row] = await this.spark.sql(`UPDATE ${this.#target()} SET ${assignments.join(", ")}${where}`).collect();
    return Number(row?.num_affected_rows ?? 0);
  }

  /** RESTORE the table to `version`; returns Delta's one-row metrics DataFrame. */
  async restoreToVersion(version: number): Promise<DataFrame> {
    if (!Number.isInteger(version) || version < 0) throw analysisError("DELTA_RESTORE_INVALID_VERSION", `restoreToVersion needs a table version (a non-negative integer), got ${version}`);
    return this.spark.sql(`RESTORE TABLE ${this.identifier} TO VERSION AS OF ${version}`);
  }

  /** RESTORE the table to the version in force at `timestamp` (a timestamp string, a Date or epoch ms). */
  async restoreToTimestamp(timestamp: string | Date | number): Promise<DataFrame> {
    const at = typeof timestamp === "string" ? `'${timestamp.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'` : `timestamp_millis(${Math.trunc(typeof timestamp === "number" ? timestamp : timestamp.getTime())})`;
    return this.spark.sql(`RESTORE TABLE ${this.identifier} TO TIMESTAMP AS OF ${at}`);
  }

  /** DESCRIBE DETAIL: one row with Delta's columns (format, id, location, numFiles, …). */
  async detail(): Promise<DataFrame> {
    return this.spark.sql(`DESCRIBE DETAIL ${this.identifier}`);
  }

  /** OPTIMIZE: `.where(partitionPredicate)` then `.executeCompaction()`. */
  optimize(): RemoteOptimizeBuilder {
    return new RemoteOptimizeBuilder(this.spark, this.identifier, []);
  }

  merge(source: DataFrame, condition: Cond): RemoteMergeBuilder {
    return new RemoteMergeBuilder(this, this.spark, source, sqlText(condition, "the merge condition"), []);
  }

  /** The table in a statement, with its alias. */
  #target(): string {
    return this.aliasName ? `${this.identifier} AS ${quoteIdent(this.aliasName)}` : this.identifier;
  }

  /** @internal MERGE INTO this table from a view. */
  async runMerge(sourceView: string, sourceAlias: string | undefined, condition: string, clauses: readonly string[]): Promise<MergeMetrics> {
    const using = `${quoteIdent(sourceView)}${sourceAlias ? ` AS ${quoteIdent(sourceAlias)}` : ""}`;
    await this.spark.sql(`MERGE INTO ${this.#target()} USING ${using} ON ${condition} ${clauses.join(" ")}`).collect();
    // the merge's own metrics, with Delta's names, are in its commit's history row
    const [commit] = await (await this.history(1)).collect();
    const m = (commit!.operationMetrics as Map<string, string> | null) ?? new Map<string, string>();
    const n = (k: string): number => Number(m.get(k) ?? 0);
    const names = ["numTargetRowsUpdated", "numTargetRowsDeleted", "numTargetRowsInserted", "numTargetRowsMatchedUpdated", "numTargetRowsMatchedDeleted", "numTargetRowsNotMatchedBySourceUpdated", "numTargetRowsNotMatchedBySourceDeleted", "numSourceRows"] as const;
    return { ...(Object.fromEntries(names.map((k) => [k, n(k)])) as Record<(typeof names)[number], number>), committed: true };
  }
}

/** The embedded DeltaMergeBuilder's clauses, as MERGE INTO SQL. */
export class RemoteMergeBuilder {
  constructor(
    private readonly table: RemoteDeltaTable,
    private readonly spark: RemoteSession,
    private readonly source: DataFrame,
    private readonly condition: string,
    private readonly clauses: readonly string[],
  ) {}

  #with(kind: "MATCHED" | "NOT MATCHED" | "NOT MATCHED BY SOURCE", action: string, condition: Cond | undefined): RemoteMergeBuilder {
    const when = `WHEN ${kind}${condition !== undefined ? ` AND ${sqlText(condition, "a clause condition")}` : ""} THEN ${action}`;
    return new RemoteMergeBuilder(this.table, this.spark, this.source, this.condition, [...this.clauses, when]);
  }

  whenMatchedUpdate(set: Readonly<Record<string, Cond>>, condition?: Cond): RemoteMergeBuilder {
    const pairs = Object.entries(set).map(([k, v]) => `${quoteIdent(k)} = ${sqlText(v, `the value of ${k}`)}`);
    if (pairs.length === 0) throw analysisError("DELTA_MERGE_MISSING_ASSIGNMENTS", "whenMatchedUpdate needs at least one column to set; use whenMatchedUpdateAll() to copy every source column");
    return this.#with("MATCHED", `UPDATE SET ${pairs.join(", ")}`, condition);
  }
  whenMatchedUpdateAll(condition?: Cond): RemoteMergeBuilder {
    return this.#with("MATCHED", "UPDATE SET *", condition);
  }
  whenMatchedDelete(condition?: Cond): RemoteMergeBuilder {
    return this.#with("MATCHED", "DELETE", condition);
  }
  whenNotMatchedInsert(values: Readonly<Record<string, Cond>>, condition?: Cond): RemoteMergeBuilder {
    const cols = Object.keys(values);
    if (cols.length === 0) throw analysisError("DELTA_MERGE_MISSING_ASSIGNMENTS", "whenNotMatchedInsert needs at least one column value; use whenNotMatchedInsertAll() to copy every source column");
    return this.#with("NOT MATCHED", `INSERT (${cols.map(quoteIdent).join(", ")}) VALUES (${cols.map((k) => sqlText(values[k]!, `the value of ${k}`)).join(", ")})`, condition);
  }
  whenNotMatchedInsertAll(condition?: Cond): RemoteMergeBuilder {
    return this.#with("NOT MATCHED", "INSERT *", condition);
  }

  whenNotMatchedBySourceUpdate(set: Readonly<Record<string, Cond>>, condition?: Cond): RemoteMergeBuilder {
    const pairs = Object.entries(set).map(([k, v]) => `${quoteIdent(k)} = ${sqlText(v, `the value of ${k}`)}`);
    if (pairs.length === 0) throw analysisError("DELTA_MERGE_MISSING_ASSIGNMENTS", "whenNotMatchedBySourceUpdate needs at least one column to set");
    return this.#with("NOT MATCHED BY SOURCE", `UPDATE SET ${pairs.join(", ")}`, condition);
  }
  whenNotMatchedBySourceDelete(condition?: Cond): RemoteMergeBuilder {
    return this.#with("NOT MATCHED BY SOURCE", "DELETE", condition);
  }

  /** Run the MERGE on the server as one commit. */
  async execute(options: { txnAppId?: string; txnVersion?: number } = {}): Promise<MergeMetrics> {
    if (options.txnAppId !== undefined || options.txnVersion !== undefined) {
      throw unsupported("CONNECT_UNSUPPORTED_PLAN", "An idempotent merge (txnAppId/txnVersion) is not sent to a Spark Connect server; the server's MERGE INTO runs once per execute()");
    }
    if (this.clauses.length === 0) throw analysisError("DELTA_MERGE_MISSING_WHEN", "There must be at least one WHEN clause in a MERGE statement: add whenMatched... or whenNotMatched...");
    const view = `sluice_merge_source_${randomUUID().replace(/-/g, "")}`;
    this.source.createOrReplaceTempView(view);
    try {
      return await this.table.runMerge(view, aliasOf(this.source), this.condition, this.clauses);
    } finally {
      this.spark.catalog.dropTempView(view);
    }
  }
}

/** `optimize()` on a Spark Connect session: `.where(partitionPredicate)` then `.executeCompaction()` (OPTIMIZE … WHERE). */
export class RemoteOptimizeBuilder {
  constructor(
    private readonly spark: RemoteSession,
    private readonly identifier: string,
    private readonly predicates: readonly string[],
  ) {}

  where(condition: Cond): RemoteOptimizeBuilder {
    return new RemoteOptimizeBuilder(this.spark, this.identifier, [...this.predicates, sqlText(condition, "the optimize condition")]);
  }

  /** Bin-pack small files on the server; returns Delta's one-row result (path, metrics). */
  async executeCompaction(): Promise<DataFrame> {
    const where = this.predicates.length > 0 ? ` WHERE ${this.predicates.map((p) => `(${p})`).join(" AND ")}` : "";
    return this.spark.sql(`OPTIMIZE ${this.identifier}${where}`);
  }
}
