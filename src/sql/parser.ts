/**
 * Spark SQL statements → `Statement`s of unresolved plans:
 *   query · CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW [IF NOT EXISTS] name AS query
 *   · INSERT INTO|OVERWRITE [TABLE] name query.
 * Syntax errors are PARSE_SYNTAX_ERROR (kind "parse") with 1-based line:column in message and context.
 */
import type { LogicalPlan } from "../plan/logical-plan.js";
import { QueryParser } from "./query-parser.js";
import { TokenStream } from "./token-stream.js";

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
}

export type Statement = QueryStatement | CreateViewStatement | InsertIntoStatement;

/** Parse one statement (an optional trailing `;` is allowed). */
export function parseStatement(text: string): Statement {
  const p = new QueryParser(text);
  const st = statement(p);
  p.expectEnd();
  return st;
}

function statement(p: QueryParser): Statement {
  const start = p.peek();
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
    if (p.isOp("(") && !(p.isKeyword("SELECT", 1) || p.isKeyword("WITH", 1))) throw p.unsupportedAt(p.peek(), "Column lists in INSERT");
    return { kind: "insertInto", nameParts, plan: p.query(), overwrite };
  }
  const kw = p.keywordAt();
  if (kw === "SELECT" || kw === "WITH" || kw === "VALUES" || kw === "TABLE" || p.isOp("(")) return { kind: "query", plan: p.query() };
  throw p.fail(start);
}

/** `a.b.c` / `` `a.b`.c `` → parts; throws PARSE_SYNTAX_ERROR on anything else. */
export function parseMultipartIdentifier(text: string): string[] {
  const p = new TokenStream(text);
  const parts = p.multipartIdentifier();
  const t = p.peek();
  if (t.kind !== "eof") throw p.fail(t, `extra input '${text.slice(t.offset, t.end)}'`);
  return parts;
}
