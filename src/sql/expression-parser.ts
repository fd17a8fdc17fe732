/**
 * Spark SQL expressions by precedence climbing, following Spark's grammar (loosest first):
 *   OR < AND < NOT < predicates (IS, [NOT] IN / LIKE / RLIKE / BETWEEN) < comparisons
 *   < | < ^ < & < shifts < + - || < * / % DIV < unary - + ~ < postfix ([], ., ::)
 * Note `||` binds like `+` (Spark: `1 + 2 || 'a'` is concat(1 + 2, 'a'), `'a' || 1 + 2` is
 * ('a' || 1) + 2), and a predicate applies to a whole comparison (`a = b IS NULL` = isnull(a = b)).
 */
import type { Expr } from "../expr/expr.js";
import { numberLiteral } from "./literals.js";
import { PrimaryParser } from "./primary-parser.js";
import { IN } from "./subqueries.js";

const call = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });
const not = (e: Expr): Expr => call("not", e);

/** Binary operators by precedence level (1 = loosest) and internal call name. */
const BINARY: Readonly<Record<string, readonly [number, string]>> = {
  "=": [1, "eq"],
  "==": [1, "eq"],
  "<=>": [1, "eq_null_safe"],
  "<>": [1, "neq"],
  "!=": [1, "neq"],
  "<": [1, "lt"],
  "<=": [1, "lte"],
  ">": [1, "gt"],
  ">=": [1, "gte"],
  "|": [2, "bitwise_or"],
  "^": [3, "bitwise_xor"],
  "&": [4, "bitwise_and"],
  "<<": [5, "shiftleft"],
  ">>": [5, "shiftright"],
  ">>>": [5, "shiftrightunsigned"],
  "+": [6, "add"],
  "-": [6, "subtract"],
  "||": [6, "concat"],
  "*": [7, "multiply"],
  "/": [7, "divide"],
  "%": [7, "mod"],
};

export class ExpressionParser extends PrimaryParser {
  expression(): Expr {
    let e = this.andExpression();
    while (this.acceptKeyword("OR")) e = call("or", e, this.andExpression());
    return e;
  }

  private andExpression(): Expr {
    let e = this.notExpression();
    while (this.acceptKeyword("AND")) e = call("and", e, this.notExpression());
    return e;
  }

  private notExpression(): Expr {
    if (this.acceptKeyword("NOT") || this.acceptOp("!")) return not(this.notExpression());
    return this.predicate();
  }

  /** A comparison-level operand followed by IS / IN / LIKE / RLIKE / BETWEEN suffixes. */
  private predicate(): Expr {
    let e = this.valueExpression();
    for (;;) {
      if (this.acceptKeyword("IS")) {
        const negated = this.acceptKeyword("NOT");
        let r: Expr;
        if (this.acceptKeyword("NULL") || this.acceptKeyword("UNKNOWN")) r = call(negated ? "isnotnull" : "isnull", e);
        else if (this.isKeyword("TRUE") || this.isKeyword("FALSE")) {
          const v = this.next().value.toUpperCase() === "TRUE";
          r = call("eq_null_safe", e, { kind: "literal", value: v, type: { kind: "boolean" } });
          if (negated) r = not(r);
        } else if (this.acceptKeyword("DISTINCT", "FROM")) {
          r = call("eq_null_safe", e, this.valueExpression());
          if (!negated) r = not(r);
        } else throw this.fail(this.peek(), "expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS");
        e = r;
        continue;
      }
      const negated = this.isKeyword("NOT") && this.isPredicateWord(1);
      if (negated) this.next();
      const kw = this.keywordAt();
      let r: Expr;
      if (kw === "BETWEEN") {
        this.next();
        const lo = this.valueExpression();
        this.expectKeyword("AND");
        const hi = this.valueExpression();
        r = call("and", call("gte", e, lo), call("lte", e, hi));
      } else if (kw === "IN") {
        this.next();
        const open = this.expectOp("(");
        if (this.isKeyword("SELECT") || this.isKeyword("WITH")) r = this.subquery(IN, open, e);
        else {
          const list = this.expressionList();
          this.expectOp(")");
          r = call("in", e, ...list);
        }
      } else if (kw === "LIKE" || kw === "ILIKE") {
        this.next();
        if (this.isKeyword("ANY") || this.isKeyword("ALL") || this.isKeyword("SOME")) throw this.unsupportedAt(this.peek(), `${kw} ANY/ALL patterns`);
        const pattern = this.valueExpression();
        r = this.acceptKeyword("ESCAPE") ? call(kw.toLowerCase(), e, pattern, this.primary()) : call(kw.toLowerCase(), e, pattern);
      } else if (kw === "RLIKE" || kw === "REGEXP") {
        this.next();
        r = call("rlike", e, this.valueExpression());
      } else {
        if (negated) throw this.fail(this.peek());
        return e;
      }
      e = negated ? not(r) : r;
    }
  }

  private isPredicateWord(k: number): boolean {
    const kw = this.keywordAt(k);
    return kw === "BETWEEN" || kw === "IN" || kw === "LIKE" || kw === "ILIKE" || kw === "RLIKE" || kw === "REGEXP";
  }

  /** Comparisons and arithmetic: everything a predicate applies to. */
  valueExpression(): Expr {
    return this.binary(1);
  }

  private binary(minLevel: number): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      let op: readonly [number, string] | undefined;
      if (t.kind === "op") op = BINARY[t.value];
      else if (this.isKeyword("DIV")) op = [7, "div"];
      if (op === undefined || op[0] < minLevel) return left;
      this.next();
      const right = this.binary(op[0] + 1);
      left = call(op[1], left, right);
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === "op" && (t.value === "-" || t.value === "+" || t.value === "~")) {
      this.next();
      const n = this.peek();
      // `-5` is the literal -5 (so -2147483648 is an INT), as Spark's parser makes it.
      if (t.value === "-" && n.kind === "number" && !this.isOp("[", 1) && !this.isOp("::", 1) && !this.isOp(".", 1)) {
        this.next();
        return this.literalAt(n, () => numberLiteral("-" + n.value));
      }
      const operand = this.unary();
      return call(t.value === "-" ? "negative" : t.value === "+" ? "positive" : "bitwise_not", operand);
    }
    return this.postfixExpression();
  }
}
