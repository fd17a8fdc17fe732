/**
 * `F.expr(text)`, `selectExpr(...)` and `filter(text)`: one Spark SQL expression → unresolved Expr.
 * A trailing `AS alias` (or bare alias) is kept as an alias, as Spark's `expr()` does.
 *
 * Each parsed expression remembers the text it came from, because a Spark Connect session sends
 * that text instead of Sluice's translation (Expression.ExpressionString, as PySpark's `expr()`
 * does): the server parses it with Spark's parser, so it names and types it as Spark does.
 */
import type { Expr } from "../expr/expr.js";
import { StringType } from "../types/data-type.js";
import { ExpressionParser } from "./expression-parser.js";
import { NOT_AN_ALIAS } from "./keywords.js";

const sourceTexts = new WeakMap<Expr, string>();

/** Parse one expression; throws PARSE_SYNTAX_ERROR (kind "parse") with line:column on bad text. */
export function parseExpression(text: string): Expr {
  const p = new ExpressionParser(text);
  let e = p.expression();
  if (p.acceptKeyword("AS") || (p.peek().kind === "ident" && (p.peek().quoted || !NOT_AN_ALIAS.has(p.keywordAt())))) {
    e = { kind: "alias", child: e, name: p.identifier("an alias") };
  }
  p.expectEnd();
  sourceTexts.set(e, text);
  return e;
}

/** The SQL text an expression was parsed from, if it is the root of one `parseExpression` (or `serverParsedExpression`). */
export const sourceTextOf = (e: Expr): string | undefined => sourceTexts.get(e);

/**
 * An expression known only by its text, for a session whose server parses it (Spark Connect), so
 * Spark-only syntax the local parser refuses still runs there. Never analyzed locally: if it were,
 * it would fail as the unknown function `expr`.
 */
export function serverParsedExpression(text: string): Expr {
  const e: Expr = { kind: "call", name: "expr", args: [{ kind: "literal", value: text, type: StringType }] };
  sourceTexts.set(e, text);
  return e;
}
