/**
 * Spark SQL statements → `Statement`s of unresolved plans:
 *   query · CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW [IF NOT EXISTS] name AS query
 *   · INSERT INTO|OVERWRITE [TABLE] name [WITH ('key' = 'value', ...)] query · SET key = value
 *   · Delta's statements (DELETE, UPDATE, MERGE, OPTIMIZE, RESTORE, VACUUM, DESCRIBE HISTORY|DETAIL,
 *     ALTER TABLE ... SET|UNSET TBLPROPERTIES): delta-statements.ts.
 * `parseScript` splits a file of such statements on top-level `;`.
 * Syntax errors are PARSE_SYNTAX_ERROR (kind "parse") with 1-based line:column in message and context.
 */
import type { LogicalPlan } from "../plan/logical-plan.js";
import { QueryParser } from "./query-parser.js";
import type { Token } from "./lexer.js";
import { TokenStream } from "./token-stream.js";
import { type DeltaStatement, deltaStatement, isDeltaStatement } from "./delta-statements.js";

export interface QueryStatement {
  readonly kind: "query";
  readonly plan: LogicalPlan;
}
export interface CreateViewStatement {
  readonly kind: "createView";
  /** The view name as written (parts joined with '.'). */
  readonly name: string;
  readonly nameParts: readonly string[];
  readonly plan: LogicalPlan;
  /** OR REPLACE */
  readonly replace: boolean;
  /** IF NOT EXISTS: keep an existing view silently. */
  readonly ifNotExists: boolean;
  /** GLOBAL TEMPORARY VIEW */
  readonly global: boolean;
}
export interface InsertIntoStatement {
  readonly kind: "insertInto";
  readonly nameParts: readonly string[];
  readonly plan: LogicalPlan;
  /** INSERT OVERWRITE */
  readonly overwrite: boolean;
  /** `WITH ('key' = 'value', ...)` after the table name (Spark 4's write options), keys as written. */
  readonly options: Readonly<Record<string, string>>;
  /** 1-based line of the INSERT keyword (error messages of `sluice run`). */
  readonly line: number;
}
/** `SET key = value`: key and value are the source text around the first `=`, trimmed (Spark keeps quotes in the value). */
export interface SetStatement {
  readonly kind: "set";
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

export type Statement = QueryStatement | CreateViewStatement | InsertIntoStatement | SetStatement | DeltaStatement;

/** Parse one statement (an optional trailing `;` is allowed). */
export function parseStatement(text: string): Statement {
  const p = new QueryParser(text);
  const st = statement(p);
  p.expectEnd();
  return st;
}

/** Parse a script: statements separated by `;` (empty statements are skipped). */
export function parseScript(text: string): Statement[] {
  const p = new QueryParser(text);
  const out: Statement[] = [];
  for (;;) {
    while (p.acceptOp(";"));
    if (p.atEnd()) return out;
    out.push(statement(p));
    if (!p.atEnd() && !p.isOp(";")) throw p.fail(p.peek(), "expected ';' between statements");
  }
}

function statement(p: QueryParser): Statement {
  const start = p.peek();
  if (p.acceptKeyword("SET")) return setStatement(p, start);
  if (p.acceptKeyword("CREATE")) {
    const replace = p.acceptKeyword("OR", "REPLACE");
    const global = p.acceptKeyword("GLOBAL");
    if (!p.acceptKeyword("TEMPORARY") && !p.acceptKeyword("TEMP")) {
      throw p.unsupportedAt(p.peek(), "CREATE statements other than CREATE TEMPORARY VIEW (persistent views and tables)");
    }
    p.expectKeyword("VIEW");
    const ifNotExists = p.acceptKeyword("IF", "NOT", "EXISTS");
    const nameParts = p.multipartIdentifier("a view name");
    if (p.isOp("(")) throw p.unsupportedAt(p.peek(), "Column lists on views");
    p.expectKeyword("AS");
    return { kind: "createView", name: nameParts.join("."), nameParts, plan: p.query(), replace, ifNotExists, global };
  }
  if (p.acceptKeyword("INSERT")) {
    const overwrite = p.acceptKeyword("OVERWRITE");
    if (!overwrite) p.expectKeyword("INTO");
    p.acceptKeyword("TABLE");
    const nameParts = p.multipartIdentifier("a table name");
    const options = p.isKeyword("WITH") && p.isOp("(", 1) ? optionsClause(p) : {};
    if (p.isOp("(") && !(p.isKeyword("SELECT", 1) || p.isKeyword("WITH", 1))) throw p.unsupportedAt(p.peek(), "Column lists in INSERT");
    return { kind: "insertInto", nameParts, plan: p.query(), overwrite, options, line: start.line };
  }
  if (isDeltaStatement(p)) return deltaStatement(p);
  const kw = p.keywordAt();
  if (kw === "SELECT" || kw === "WITH" || kw === "VALUES" || kw === "TABLE" || p.isOp("(")) return { kind: "query", plan: p.query() };
  throw p.fail(start);
}

/** `SET key = value` up to the next top-level `;`: the raw text on either side of the first `=`. */
function setStatement(p: QueryParser, start: Token): SetStatement {
  const first = p.peek();
  let eq: Token | undefined;
  let last: Token | undefined;
  while (!p.atEnd() && !p.isOp(";")) {
    const t = p.next();
    if (!eq && t.kind === "op" && t.value === "=") eq = t;
    else last = t;
  }
  if (!eq || eq === first) throw p.fail(eq ?? p.peek(), "expected SET key = value");
  const key = p.text.slice(first.offset, eq.offset).trim();
  const value = last && last.offset > eq.offset ? p.text.slice(eq.end, last.end).trim() : "";
  return { kind: "set", key, value, line: start.line };
}

/** `WITH ('key' = 'value', ...)`: string keys (or dotted names) and literal values. */
function optionsClause(p: QueryParser): Record<string, string> {
  p.expectKeyword("WITH");
  p.expectOp("(");
  const out: Record<string, string> = {};
  do {
    const k = p.peek();
    const key = k.kind === "string" ? (p.next(), k.value) : p.multipartIdentifier("an option name").join(".");
    p.acceptOp("=");
    const v = p.next();
    if (v.kind !== "string" && v.kind !== "number" && !(v.kind === "ident" && /^(true|false)$/i.test(v.value))) throw p.fail(v, `expected a literal value for option '${key}'`);
    if (Object.keys(out).some((x) => x.toLowerCase() === key.toLowerCase())) throw p.fail(k, `option '${key}' is given more than once`);
    out[key] = v.value;
  } while (p.acceptOp(","));
  p.expectOp(")");
  return out;
}

/** `a.b.c` / `` `a.b`.c `` → parts; throws PARSE_SYNTAX_ERROR on anything else. */
export function parseMultipartIdentifier(text: string): string[] {
  const p = new TokenStream(text);
  const parts = p.multipartIdentifier();
  const t = p.peek();
  if (t.kind !== "eof") throw p.fail(t, `extra input '${text.slice(t.offset, t.end)}'`);
  return parts;
}
