/**
 * Delta Lake's SQL statements (delta-spark's grammar and Spark's DML), parsed into
 * `DeltaStatement`s that the Delta layer runs over its DeltaTable commands:
 *   DELETE FROM t [[AS] x] [WHERE c] · UPDATE t [[AS] x] SET a = e, ... [WHERE c]
 *   · MERGE INTO t [[AS] x] USING (name | (query)) [[AS] y] ON c WHEN ... (Spark's three clause kinds)
 *   · OPTIMIZE t [WHERE c] · RESTORE [TABLE] t [TO] VERSION|TIMESTAMP AS OF v
 *   · VACUUM t [RETAIN n HOURS] [DRY RUN] · DESCRIBE HISTORY t [LIMIT n] · DESCRIBE DETAIL t
 *   · ALTER TABLE t SET TBLPROPERTIES (k = v, ...) · ALTER TABLE t UNSET TBLPROPERTIES [IF EXISTS] (k, ...)
 *   · ALTER TABLE t RENAME COLUMN a[.b] TO c · ALTER TABLE t DROP COLUMN[S] [IF EXISTS] [(]a[.b], ...[)]
 *   · ALTER TABLE t ADD COLUMN[S] [(]a[.b] type [NOT NULL] [COMMENT 'c'] [FIRST | AFTER x], ...[)]
 *   · ALTER TABLE t ALTER|CHANGE [COLUMN] a[.b] (COMMENT 'c' | SET NOT NULL | DROP NOT NULL | TYPE type | FIRST | AFTER x)
 *   · ALTER TABLE t CHANGE [COLUMN] a[.b] a type [COMMENT 'c'] [FIRST | AFTER x] (Hive's form; no rename, no NOT NULL)
 * A table is `delta.\`/path\``, a quoted path ('/path', as OPTIMIZE / VACUUM / DESCRIBE take it) or
 * a name (which the Delta layer refuses: Sluice has no table catalog). Clauses Sluice does not run
 * (ZORDER BY, USING INVENTORY, LITE / FULL, WITH SCHEMA EVOLUTION, subqueries in conditions) are
 * refused by name here.
 */
import { SluiceError } from "../common/errors.js";
import type { Expr } from "../expr/expr.js";
import type { DataType } from "../types/data-type.js";
import type { LogicalPlan } from "../plan/logical-plan.js";
import type { Token } from "./lexer.js";
import type { QueryParser } from "./query-parser.js";
import { containsSubquery } from "./subqueries.js";

/** The statement's table: `nameParts` as written (`["delta", "/path"]`), and `path` for a quoted path. */
export interface DeltaTableRef {
  readonly nameParts: readonly string[];
  readonly path?: string;
  readonly alias?: string;
}

/** `column = value`; `column` is the name parts as written (a `t.` qualifier is kept). */
export interface SqlAssignment {
  readonly column: readonly string[];
  readonly value: Expr;
}

export type SqlMergeAction =
  | { readonly kind: "update"; readonly set: readonly SqlAssignment[] | "*" }
  | { readonly kind: "delete" }
  | { readonly kind: "insert"; readonly columns: readonly (readonly string[])[]; readonly values: readonly Expr[] }
  | { readonly kind: "insertAll" };

export interface SqlMergeClause {
  readonly condition?: Expr;
  readonly action: SqlMergeAction;
}

/** Where ADD COLUMNS / ALTER COLUMN put a column among its siblings (the end when absent). */
export type SqlColumnPosition = { readonly kind: "first" } | { readonly kind: "after"; readonly column: string };

/** One column of ADD COLUMNS: its path (`s.z` adds z to struct s), type and descriptors. */
export interface SqlNewColumn {
  readonly path: readonly string[];
  readonly type: DataType;
  /** The type as written: a bare TIMESTAMP is TIMESTAMP_NTZ under spark.sql.timestampType = TIMESTAMP_NTZ, which only the session knows. */
  readonly typeText: string;
  readonly nullable: boolean;
  readonly comment?: string;
  readonly position?: SqlColumnPosition;
}

/** What ALTER | CHANGE COLUMN changes; the Hive form may give several at once. */
export interface SqlColumnChange {
  readonly comment?: string;
  readonly nullable?: boolean;
  readonly type?: DataType;
  readonly position?: SqlColumnPosition;
}

export type DeltaCommand =
  | { readonly kind: "delete"; readonly table: DeltaTableRef; readonly where?: Expr }
  | { readonly kind: "update"; readonly table: DeltaTableRef; readonly set: readonly SqlAssignment[]; readonly where?: Expr }
  | {
      readonly kind: "merge";
      readonly table: DeltaTableRef;
      readonly source: LogicalPlan;
      readonly sourceAlias?: string;
      readonly on: Expr;
      readonly matched: readonly SqlMergeClause[];
      readonly notMatched: readonly SqlMergeClause[];
      readonly notMatchedBySource: readonly SqlMergeClause[];
    }
  | { readonly kind: "optimize"; readonly table: DeltaTableRef; readonly where?: Expr }
  | { readonly kind: "restore"; readonly table: DeltaTableRef; readonly version?: number; readonly timestamp?: string }
  | { readonly kind: "vacuum"; readonly table: DeltaTableRef; readonly retainHours?: number; readonly dryRun: boolean }
  | { readonly kind: "describeHistory"; readonly table: DeltaTableRef; readonly limit?: number }
  | { readonly kind: "describeDetail"; readonly table: DeltaTableRef }
  | { readonly kind: "setProperties"; readonly table: DeltaTableRef; readonly properties: Readonly<Record<string, string>> }
  | { readonly kind: "unsetProperties"; readonly table: DeltaTableRef; readonly keys: readonly string[]; readonly ifExists: boolean }
  | { readonly kind: "renameColumn"; readonly table: DeltaTableRef; readonly column: readonly string[]; readonly newName: string }
  | { readonly kind: "dropColumns"; readonly table: DeltaTableRef; readonly columns: readonly (readonly string[])[]; readonly ifExists: boolean }
  | { readonly kind: "addColumns"; readonly table: DeltaTableRef; readonly columns: readonly SqlNewColumn[] }
  | { readonly kind: "changeColumn"; readonly table: DeltaTableRef; readonly column: readonly string[]; readonly change: SqlColumnChange };

export interface DeltaStatement {
  readonly kind: "delta";
  readonly command: DeltaCommand;
  /** 1-based line of the statement's first keyword. */
  readonly line: number;
}

/** Is the statement at the cursor one of Delta's (so `deltaStatement` should parse it)? */
export function isDeltaStatement(p: QueryParser): boolean {
  const kw = p.keywordAt();
  if (kw === "DELETE") return p.isKeyword("FROM", 1);
  if (kw === "UPDATE" || kw === "MERGE" || kw === "OPTIMIZE" || kw === "RESTORE" || kw === "VACUUM") return true;
  if (kw === "DESCRIBE" || kw === "DESC") return p.isKeyword("HISTORY", 1) || p.isKeyword("DETAIL", 1);
  return kw === "ALTER" && p.isKeyword("TABLE", 1);
}

/** Parse the Delta statement at the cursor (`isDeltaStatement` said yes). */
export function deltaStatement(p: QueryParser): DeltaStatement {
  const start = p.peek();
  const command = parseCommand(p, start);
  return { kind: "delta", command, line: start.line };
}

function parseCommand(p: QueryParser, start: Token): DeltaCommand {
  const kw = p.keywordAt();
  p.next();
  switch (kw) {
    case "DELETE": {
      p.expectKeyword("FROM");
      const table = tableRef(p, true);
      const where = p.acceptKeyword("WHERE") ? condition(p, "DELETE") : undefined;
      return { kind: "delete", table, ...(where ? { where } : {}) };
    }
    case "UPDATE": {
      const table = tableRef(p, true);
      p.expectKeyword("SET");
      const set = assignments(p, "UPDATE");
      const where = p.acceptKeyword("WHERE") ? condition(p, "UPDATE") : undefined;
      return { kind: "update", table, set, ...(where ? { where } : {}) };
    }
    case "MERGE":
      return merge(p);
    case "OPTIMIZE": {
      const table = tableRef(p, false);
      const where = p.acceptKeyword("WHERE") ? condition(p, "OPTIMIZE") : undefined;
      if (p.isKeyword("ZORDER")) throw p.unsupportedAt(p.peek(), "OPTIMIZE ... ZORDER BY (Z-order clustering)");
      if (p.isKeyword("FULL")) throw p.unsupportedAt(p.peek(), "OPTIMIZE ... FULL (liquid clustering)");
      return { kind: "optimize", table, ...(where ? { where } : {}) };
    }
    case "RESTORE": {
      p.acceptKeyword("TABLE");
      const table = tableRef(p, false);
      p.acceptKeyword("TO");
      const what = p.peek();
      if (p.acceptKeyword("VERSION", "AS", "OF")) {
        const t = p.next();
        if (t.kind !== "number" || !/^\d+$/.test(t.value)) throw p.fail(t, "expected a version number after VERSION AS OF");
        return { kind: "restore", table, version: Number(t.value) };
      }
      if (p.acceptKeyword("TIMESTAMP", "AS", "OF")) {
        const t = p.next();
        if (t.kind !== "string") throw p.fail(t, "expected a timestamp string after TIMESTAMP AS OF, e.g. '2024-01-31 12:00:00'");
        return { kind: "restore", table, timestamp: t.value };
      }
      throw p.fail(what, "expected VERSION AS OF n or TIMESTAMP AS OF 'timestamp'");
    }
    case "VACUUM": {
      const table = tableRef(p, false);
      if (p.isKeyword("USING") && p.isKeyword("INVENTORY", 1)) throw p.unsupportedAt(p.peek(), "VACUUM ... USING INVENTORY");
      let retainHours: number | undefined;
      if (p.acceptKeyword("RETAIN")) {
        const neg = p.acceptOp("-");
        const t = p.next();
        if (t.kind !== "number") throw p.fail(t, "expected a number of hours after RETAIN");
        retainHours = (neg ? -1 : 1) * Number(t.value.replace(/[dDlL]$/, ""));
        p.expectKeyword("HOURS");
      }
      if (p.isKeyword("LITE") || p.isKeyword("FULL")) throw p.unsupportedAt(p.peek(), `VACUUM ... ${p.keywordAt()} (vacuum modes)`);
      const dryRun = p.acceptKeyword("DRY", "RUN");
      return { kind: "vacuum", table, ...(retainHours !== undefined ? { retainHours } : {}), dryRun };
    }
    case "DESCRIBE":
    case "DESC": {
      if (p.acceptKeyword("DETAIL")) return { kind: "describeDetail", table: tableRef(p, false) };
      p.expectKeyword("HISTORY");
      const table = tableRef(p, false);
      if (!p.acceptKeyword("LIMIT")) return { kind: "describeHistory", table };
      const t = p.next();
      if (t.kind !== "number" || !/^\d+$/.test(t.value)) throw p.fail(t, "expected a row count after LIMIT");
      return { kind: "describeHistory", table, limit: Number(t.value) };
    }
    case "ALTER": {
      p.expectKeyword("TABLE");
      const table = tableRef(p, false);
      if (p.acceptKeyword("SET", "TBLPROPERTIES")) return { kind: "setProperties", table, properties: propertyList(p) };
      if (p.acceptKeyword("UNSET", "TBLPROPERTIES")) {
        const ifExists = p.acceptKeyword("IF", "EXISTS");
        p.expectOp("(");
        const keys: string[] = [];
        do keys.push(propertyKey(p));
        while (p.acceptOp(","));
        p.expectOp(")");
        return { kind: "unsetProperties", table, keys, ifExists };
      }
      return alterColumns(p, table);
    }
  }
  throw p.fail(start);
}

/** `delta.\`/path\``, `'/path'` or a name, with an optional alias when `aliased`. */
function tableRef(p: QueryParser, aliased: boolean): DeltaTableRef {
  const t = p.peek();
  const path = t.kind === "string" ? (p.next(), t.value) : undefined;
  const nameParts = path !== undefined ? [path] : p.multipartIdentifier("a table name");
  if (p.isOp("(")) throw p.unsupportedAt(p.peek(), "Partition specs and column lists after a Delta table name");
  const alias = aliased ? tableAlias(p) : undefined;
  return { nameParts, ...(path !== undefined ? { path } : {}), ...(alias !== undefined ? { alias } : {}) };
}

/** `[AS] alias`, where the next word is not a clause keyword. */
function tableAlias(p: QueryParser): string | undefined {
  const hasAs = p.acceptKeyword("AS");
  const t = p.peek();
  const clause = ["WHERE", "SET", "USING", "ON", "WHEN"].includes(p.keywordAt());
  if (t.kind === "ident" && (hasAs || t.quoted || !clause)) return p.next().value;
  if (hasAs) throw p.fail(t, "expected an alias");
  return undefined;
}

function condition(p: QueryParser, statement: string): Expr {
  const at = p.peek();
  const e = p.expression();
  if (containsSubquery(e)) throw p.unsupportedAt(at, `Subqueries in ${statement} conditions and values`);
  return e;
}

function assignments(p: QueryParser, statement: string): SqlAssignment[] {
  const out: SqlAssignment[] = [];
  do {
    const column = p.multipartIdentifier("a column name");
    p.expectOp("=");
    out.push({ column, value: condition(p, statement) });
  } while (p.acceptOp(","));
  return out;
}

/** Spark's parse-time MERGE errors (error class and line:column of the MERGE keyword). */
function mergeError(code: string, at: Token, message: string): SluiceError {
  return new SluiceError("parse", code, `[${code}] ${message} (line ${at.line}:${at.column})`, { line: at.line, column: at.column });
}

function merge(p: QueryParser): DeltaCommand {
  const start = p.peek(-1);
  if (p.isKeyword("WITH") && p.isKeyword("SCHEMA", 1)) throw p.unsupportedAt(p.peek(), "MERGE WITH SCHEMA EVOLUTION");
  p.expectKeyword("INTO");
  const table = tableRef(p, true);
  p.expectKeyword("USING");
  let source: LogicalPlan;
  if (p.acceptOp("(")) {
    source = p.query();
    p.expectOp(")");
  } else source = p.tableReference();
  const sourceAlias = tableAlias(p);
  p.expectKeyword("ON");
  const on = condition(p, "MERGE");
  const matched: SqlMergeClause[] = [];
  const notMatched: SqlMergeClause[] = [];
  const notMatchedBySource: SqlMergeClause[] = [];
  while (p.acceptKeyword("WHEN")) {
    const negated = p.acceptKeyword("NOT");
    p.expectKeyword("MATCHED");
    const bySource = negated && p.acceptKeyword("BY", "SOURCE");
    if (negated && !bySource) p.acceptKeyword("BY", "TARGET");
    const cond = p.acceptKeyword("AND") ? condition(p, "MERGE") : undefined;
    p.expectKeyword("THEN");
    const at = p.peek();
    const action = mergeAction(p);
    const allowed = !negated ? ["update", "delete"] : bySource ? ["update", "delete"] : ["insert", "insertAll"];
    if (!allowed.includes(action.kind) || (bySource && action.kind === "update" && action.set === "*")) {
      const clause = !negated ? "WHEN MATCHED" : bySource ? "WHEN NOT MATCHED BY SOURCE" : "WHEN NOT MATCHED";
      throw p.fail(at, `${clause} clauses take ${!negated ? "UPDATE or DELETE" : bySource ? "UPDATE SET column = value or DELETE" : "INSERT"}`);
    }
    (!negated ? matched : bySource ? notMatchedBySource : notMatched).push({ ...(cond ? { condition: cond } : {}), action });
  }
  if (matched.length + notMatched.length + notMatchedBySource.length === 0) throw mergeError("MERGE_WITHOUT_WHEN", start, "A MERGE statement needs at least one WHEN clause.");
  for (const [list, code, what] of [
    [matched, "NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION", "MATCHED"],
    [notMatched, "NON_LAST_NOT_MATCHED_BY_TARGET_CLAUSE_OMIT_CONDITION", "NOT MATCHED [BY TARGET]"],
    [notMatchedBySource, "NON_LAST_NOT_MATCHED_BY_SOURCE_CLAUSE_OMIT_CONDITION", "NOT MATCHED BY SOURCE"],
  ] as const) {
    if (list.slice(0, -1).some((c) => c.condition === undefined)) throw mergeError(code, start, `Of several WHEN ${what} clauses in a MERGE statement, only the last may omit its AND condition.`);
  }
  return { kind: "merge", table, source, ...(sourceAlias !== undefined ? { sourceAlias } : {}), on, matched, notMatched, notMatchedBySource };
}

function mergeAction(p: QueryParser): SqlMergeAction {
  if (p.acceptKeyword("DELETE")) return { kind: "delete" };
  if (p.acceptKeyword("UPDATE")) {
    p.expectKeyword("SET");
    return p.acceptOp("*") ? { kind: "update", set: "*" } : { kind: "update", set: assignments(p, "MERGE") };
  }
  if (p.acceptKeyword("INSERT")) {
    if (p.acceptOp("*")) return { kind: "insertAll" };
    p.expectOp("(");
    const columns: string[][] = [];
    do columns.push(p.multipartIdentifier("a column name"));
    while (p.acceptOp(","));
    p.expectOp(")");
    p.expectKeyword("VALUES");
    p.expectOp("(");
    const values: Expr[] = [];
    do values.push(condition(p, "MERGE"));
    while (p.acceptOp(","));
    const close = p.expectOp(")");
    if (values.length !== columns.length) throw p.fail(close, `INSERT names ${columns.length} columns but gives ${values.length} values`);
    return { kind: "insert", columns, values };
  }
  throw p.fail(p.peek(), "expected UPDATE, DELETE or INSERT");
}

/** ALTER TABLE t RENAME COLUMN / DROP COLUMNS / ADD COLUMNS / ALTER | CHANGE COLUMN (Spark's grammar). */
function alterColumns(p: QueryParser, table: DeltaTableRef): DeltaCommand {
  if (p.acceptKeyword("RENAME", "COLUMN")) {
    const column = p.multipartIdentifier("a column name");
    p.expectKeyword("TO");
    return { kind: "renameColumn", table, column, newName: p.identifier("the new column name") };
  }
  if (p.isKeyword("DROP") && (p.isKeyword("COLUMN", 1) || p.isKeyword("COLUMNS", 1))) {
    p.next();
    p.next();
    const ifExists = p.acceptKeyword("IF", "EXISTS");
    const paren = p.acceptOp("(");
    const columns: string[][] = [];
    do columns.push(p.multipartIdentifier("a column name"));
    while (p.acceptOp(","));
    if (paren) p.expectOp(")");
    return { kind: "dropColumns", table, columns, ifExists };
  }
  if (p.isKeyword("ADD") && (p.isKeyword("COLUMN", 1) || p.isKeyword("COLUMNS", 1))) {
    p.next();
    p.next();
    const paren = p.acceptOp("(");
    const columns: SqlNewColumn[] = [];
    do columns.push(newColumn(p));
    while (p.acceptOp(","));
    if (paren) p.expectOp(")");
    return { kind: "addColumns", table, columns };
  }
  if (p.isKeyword("ALTER") || p.isKeyword("CHANGE")) {
    const hive = p.keywordAt() === "CHANGE";
    p.next();
    p.acceptKeyword("COLUMN");
    const column = p.multipartIdentifier("a column name");
    return { kind: "changeColumn", table, column, change: hive && p.peek().kind === "ident" && !isChangeAction(p) ? hiveChange(p, column) : columnAction(p) };
  }
  throw p.unsupportedAt(p.peek(), "This ALTER TABLE statement");
}

/** `name type [NOT NULL] [COMMENT 'c'] [FIRST | AFTER x]` (descriptors in any order, each once). */
function newColumn(p: QueryParser): SqlNewColumn {
  const path = p.multipartIdentifier("a column name");
  const { type, text: typeText } = p.typeName(false);
  let nullable = true;
  let comment: string | undefined;
  let position: SqlColumnPosition | undefined;
  for (;;) {
    const at = p.peek();
    if (p.acceptKeyword("NOT", "NULL")) nullable = false;
    else if (p.acceptKeyword("COMMENT")) comment = commentText(p);
    else if (p.isKeyword("FIRST") || p.isKeyword("AFTER")) position = columnPosition(p);
    else if (p.isKeyword("DEFAULT")) throw p.unsupportedAt(at, "DEFAULT values of Delta columns");
    else break;
  }
  return { path, type, typeText, nullable, ...(comment !== undefined ? { comment } : {}), ...(position ? { position } : {}) };
}

function isChangeAction(p: QueryParser): boolean {
  return ["COMMENT", "TYPE", "FIRST", "AFTER", "SET", "DROP"].includes(p.keywordAt());
}

/** One ALTER COLUMN action: COMMENT 'c' · SET | DROP NOT NULL · TYPE t · FIRST · AFTER x. */
function columnAction(p: QueryParser): SqlColumnChange {
  const at = p.peek();
  if (p.acceptKeyword("COMMENT")) return { comment: commentText(p) };
  if (p.acceptKeyword("TYPE")) return { type: p.dataType(false) };
  if (p.acceptKeyword("SET", "NOT", "NULL")) return { nullable: false };
  if (p.acceptKeyword("DROP", "NOT", "NULL")) return { nullable: true };
  if (p.isKeyword("FIRST") || p.isKeyword("AFTER")) return { position: columnPosition(p) };
  if ((p.isKeyword("SET") || p.isKeyword("DROP")) && p.isKeyword("DEFAULT", 1)) throw p.unsupportedAt(at, "DEFAULT values of Delta columns");
  throw p.fail(at, "expected COMMENT, TYPE, SET NOT NULL, DROP NOT NULL, FIRST or AFTER");
}

/** Hive's `CHANGE COLUMN a a type [NOT NULL] [COMMENT 'c'] [FIRST | AFTER x]`; renaming this way is refused, as Spark does. */
function hiveChange(p: QueryParser, column: readonly string[]): SqlColumnChange {
  const at = p.peek();
  const name = p.identifier("the column name");
  if (name.toLowerCase() !== column.at(-1)!.toLowerCase()) throw p.unsupportedAt(at, "Renaming a column with CHANGE COLUMN (use ALTER TABLE ... RENAME COLUMN)");
  const type = p.dataType(false);
  if (p.isKeyword("NOT") && p.isKeyword("NULL", 1)) throw p.unsupportedAt(p.peek(), "NOT NULL in Hive-style ALTER TABLE CHANGE COLUMN (use ALTER COLUMN ... SET NOT NULL)");
  const comment = p.acceptKeyword("COMMENT") ? commentText(p) : undefined;
  const position = p.isKeyword("FIRST") || p.isKeyword("AFTER") ? columnPosition(p) : undefined;
  return { type, ...(comment !== undefined ? { comment } : {}), ...(position ? { position } : {}) };
}

function columnPosition(p: QueryParser): SqlColumnPosition {
  if (p.acceptKeyword("FIRST")) return { kind: "first" };
  p.expectKeyword("AFTER");
  return { kind: "after", column: p.identifier("a column name") };
}

function commentText(p: QueryParser): string {
  const t = p.next();
  if (t.kind !== "string") throw p.fail(t, "expected a comment string");
  return t.value;
}

/** `(key = value, ...)`: keys are dotted names or strings; values literals (strings, numbers, true/false). */
function propertyList(p: QueryParser): Record<string, string> {
  p.expectOp("(");
  const out: Record<string, string> = {};
  do {
    const k = p.peek();
    const key = propertyKey(p);
    p.acceptOp("=");
    const v = p.next();
    if (v.kind !== "string" && v.kind !== "number" && !(v.kind === "ident" && /^(true|false)$/i.test(v.value))) throw p.fail(v, `expected a literal value for property '${key}'`);
    if (key in out) throw p.fail(k, `property '${key}' is given more than once`);
    out[key] = v.kind === "ident" ? v.value.toLowerCase() : v.value;
  } while (p.acceptOp(","));
  p.expectOp(")");
  return out;
}

function propertyKey(p: QueryParser): string {
  const k = p.peek();
  return k.kind === "string" ? (p.next(), k.value) : p.multipartIdentifier("a property name").join(".");
}
