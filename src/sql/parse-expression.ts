/**
 * `F.expr(text)`, `selectExpr(...)` and `filter(text)`: one Spark SQL expression → unresolved Expr.
 * A trailing `AS alias` (or bare alias) is kept as an alias, as Spark's `expr()` does.
 */
import type { Expr } from "../expr/expr.js";
import { ExpressionParser } from "./expression-parser.js";
import { NOT_AN_ALIAS } from "./keywords.js";

/** Parse one expression; throws PARSE_SYNTAX_ERROR (kind "parse") with line:column on bad text. */
export function parseExpression(text: string): Expr {
  const p = new ExpressionParser(text);
  let e = p.expression();
  if (p.acceptKeyword("AS") || (p.peek().kind === "ident" && (p.peek().quoted || !NOT_AN_ALIAS.has(p.keywordAt())))) {
    e = { kind: "alias", child: e, name: p.identifier("an alias") };
  }
  p.expectEnd();
  return e;
}
