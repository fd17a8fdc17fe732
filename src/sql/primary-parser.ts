/**
 * Primary and postfix expressions: literals, names, function calls (DISTINCT, FILTER, IGNORE
 * NULLS, OVER), CASE, CAST / TRY_CAST / `::`, typed literals, intervals, lambdas, subscripts and
 * field access, plus Spark's special call forms (EXTRACT, POSITION, TRIM, SUBSTRING).
 * The operator layers live in expression-parser.ts.
 */
import { SluiceError } from "../common/errors.js";
import type { CallExpr, Expr, FrameBoundary, SortOrderExpr, WindowFrame, WindowSpecDef } from "../expr/expr.js";
import { type DataType, TimestampType } from "../types/data-type.js";
import { castToText } from "../expr/cast-target.js";
import { parseDataType } from "../types/ddl.js";
import { rewriteExpr } from "./expr-utils.js";
import { INTERVAL_UNITS, NOT_A_COLUMN } from "./keywords.js";
import type { Token } from "./lexer.js";
import {
  binaryLiteral,
  intervalLiteral,
  type IntervalPart,
  intLiteral,
  literalFailure,
  numberLiteral,
  stringLiteral,
  typedDateTimeLiteral,
} from "./literals.js";
import { EXISTS, SCALAR } from "./subqueries.js";
import { TokenStream } from "./token-stream.js";
import { decimalToDouble } from "../types/decimal-value.js";

const call = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });

/** A function argument list: positional arguments and `name => value` pairs. */
export interface FunctionArgs {
  readonly args: Expr[];
  readonly named: [string, Expr][];
  readonly distinct: boolean;
}

export abstract class PrimaryParser extends TokenStream {
  /** A full boolean expression. */
  abstract expression(): Expr;
  /** An operand of comparisons and predicates (no AND / OR / NOT / IS / IN ...). */
  abstract valueExpression(): Expr;

  /** Wrap literal construction so its errors carry the token's position. */
  protected literalAt<T>(t: Token, build: () => T): T {
    try {
      return build();
    } catch (e) {
      throw literalFailure(e, t.line, t.column);
    }
  }

  /** A primary followed by any `[key]`, `.field`, `.*` and `::type` suffixes. */
  postfixExpression(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.isOp("[")) {
        this.next();
        const key = this.expression();
        this.expectOp("]");
        e = { kind: "extract", child: e, key };
      } else if (this.isOp(".") && this.peek(1).kind === "ident") {
        this.next();
        const name = this.next().value;
        e = e.kind === "column" && e.planId === undefined ? { kind: "column", nameParts: [...e.nameParts, name] } : { kind: "extract", child: e, key: stringLiteral(name) };
      } else if (this.isOp(".") && this.isOp("*", 1) && e.kind === "column") {
        this.next();
        this.next();
        e = { kind: "star", target: e.nameParts };
      } else if (this.isOp("::")) {
        this.next();
        const { type, text } = this.typeName(false);
        e = castToText(e, text, "cast", type);
      } else return e;
    }
  }

  primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case "number":
        this.next();
        return this.literalAt(t, () => numberLiteral(t.value));
      case "string": {
        let s = "";
        while (this.peek().kind === "string") s += this.next().value;
        return stringLiteral(s);
      }
      case "binary":
        this.next();
        return binaryLiteral(t.value);
      case "op":
        if (t.value === "(") return this.parenthesized();
        if (t.value === "*") {
          this.next();
          return { kind: "star" };
        }
        throw this.fail(t);
      case "eof":
        throw this.fail(t);
      case "ident":
        return this.word(t);
    }
  }

  private parenthesized(): Expr {
    const open = this.next();
    if (this.isKeyword("SELECT") || this.isKeyword("WITH")) return this.subquery(SCALAR, open);
    // `(x, y) -> body`
    if (this.peek().kind === "ident") {
      let k = 0;
      while (this.peek(k).kind === "ident" && (this.isOp(",", k + 1) || this.isOp(")", k + 1))) {
        if (this.isOp(")", k + 1)) {
          if (this.isOp("->", k + 2)) {
            const params: string[] = [];
            for (;;) {
              params.push(this.next().value);
              if (this.acceptOp(")")) break;
              this.expectOp(",");
            }
            this.expectOp("->");
            return this.lambdaBody(params);
          }
          break;
        }
        k += 2;
      }
    }
    const first = this.expression();
    if (this.acceptOp(")")) return first;
    if (!this.isOp(",")) throw this.fail(this.peek(), open.line === this.peek().line ? undefined : "unclosed '('");
    const items = [first];
    while (this.acceptOp(",")) items.push(this.expression());
    this.expectOp(")");
    // `(a, b)` is a struct with fields col1, col2, ... as in Spark.
    return call("named_struct", ...items.flatMap((x, i) => [stringLiteral(`col${i + 1}`), x]));
  }

  private lambdaBody(params: string[]): Expr {
    return { kind: "lambda", params, body: bindLambdaVars(this.expression(), params) };
  }

  private word(t: Token): Expr {
    const kw = t.quoted ? "" : t.value.toUpperCase();
    const nextIsParen = this.isOp("(", 1);
    if (this.isOp("->", 1)) {
      this.next();
      this.next();
      return this.lambdaBody([t.value]);
    }
    switch (kw) {
      case "NULL":
        this.next();
        return { kind: "literal", value: null, type: { kind: "null" } };
      case "TRUE":
      case "FALSE":
        this.next();
        return { kind: "literal", value: kw === "TRUE", type: { kind: "boolean" } };
      case "CASE":
        this.next();
        return this.caseExpression();
      case "CAST":
      case "TRY_CAST":
        if (!nextIsParen) break;
        this.next();
        this.next();
        return this.castBody(kw === "CAST" ? "cast" : "try");
      case "DATE":
      case "TIMESTAMP":
      case "TIMESTAMP_LTZ":
      case "TIMESTAMP_NTZ":
        if (this.peek(1).kind !== "string") break;
        this.next();
        return this.literalAt(t, () => {
          const text = this.next().value;
          // a wall-clock value: no session zone applies to it
          if (kw === "TIMESTAMP_NTZ") return typedDateTimeLiteral("timestamp_ntz", text);
          const literal = typedDateTimeLiteral(kw === "DATE" ? "date" : "timestamp", text);
          // Without an explicit zone Spark reads a TIMESTAMP literal in the session time zone,
          // which the parser does not know: leave it to the cast (it checked the text above).
          const zoned = /\d:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(:?\d{2})?)\s*$/i.test(text);
          // (bare TIMESTAMP follows spark.sql.timestampType: TIMESTAMP_NTZ when it says so)
          return kw === "DATE" || zoned ? literal : castToText(stringLiteral(text), kw, "cast", TimestampType);
        });
      case "INTERVAL":
        if (this.peek(1).kind !== "string" && this.peek(1).kind !== "number" && !this.isOp("-", 1)) break;
        this.next();
        return this.intervalLiteral();
      case "CURRENT_DATE":
      case "CURRENT_TIMESTAMP":
      case "CURRENT_USER":
        if (nextIsParen) break;
        this.next();
        return call(kw.toLowerCase());
      case "EXISTS":
        if (nextIsParen && (this.isKeyword("SELECT", 2) || this.isKeyword("WITH", 2))) {
          this.next();
          this.next();
          return this.subquery(EXISTS, t);
        }
        break;
      case "EXTRACT":
      case "POSITION":
      case "TRIM":
      case "SUBSTRING":
      case "SUBSTR": {
        if (!nextIsParen) break;
        const special = this.specialCall(kw);
        if (special !== undefined) return special;
        break;
      }
    }
    if (nextIsParen) {
      this.next();
      this.next();
      return this.functionCall(t);
    }
    if (kw !== "" && NOT_A_COLUMN.has(kw)) throw this.fail(t);
    this.next();
    return { kind: "column", nameParts: [t.value] };
  }

  private caseExpression(): Expr {
    const subject = this.isKeyword("WHEN") ? undefined : this.expression();
    const branches: (readonly [Expr, Expr])[] = [];
    while (this.acceptKeyword("WHEN")) {
      const w = this.expression();
      this.expectKeyword("THEN");
      branches.push([subject === undefined ? w : call("eq", subject, w), this.expression()]);
    }
    if (branches.length === 0) throw this.fail(this.peek(), "expected WHEN");
    const otherwise = this.acceptKeyword("ELSE") ? this.expression() : null;
    this.expectKeyword("END");
    return { kind: "case", branches, otherwise };
  }

  private castBody(mode: "cast" | "try"): Expr {
    const child = this.expression();
    this.expectKeyword("AS");
    const { type, text } = this.typeName(true);
    this.expectOp(")");
    return castToText(child, text, mode, type);
  }

  /** A type name with its `(...)` / `<...>` parts; `inParens` stops at the closing `)` of CAST. */
  dataType(inParens: boolean): DataType {
    return this.typeName(inParens).type;
  }

  /** A type name and the text it was written with. */
  typeName(inParens: boolean): { readonly type: DataType; readonly text: string } {
    const start = this.peek();
    if (start.kind !== "ident") throw this.fail(start, "expected a data type");
    let end = start.end;
    this.next();
    let depth = 0;
    const step = (): void => {
      const t = this.next();
      if (t.kind === "eof") throw this.fail(t, "unfinished data type");
      if (t.kind === "op" && (t.value === "(" || t.value === "<")) depth++;
      else if (t.kind === "op" && (t.value === ")" || t.value === ">")) depth--;
      else if (t.kind === "op" && t.value === ">>") depth -= 2;
      end = t.end;
    };
    if (inParens) {
      // Everything up to the `)` that closes CAST(.
      while (!(depth === 0 && this.isOp(")"))) step();
    } else {
      for (const open of ["(", "<"]) {
        if (!this.isOp(open) || (open === "<" && !/^(array|map|struct)$/i.test(start.value))) continue;
        step();
        while (depth > 0) step();
      }
    }
    const text = this.text.slice(start.offset, end);
    try {
      return { type: parseDataType(text), text };
    } catch (e) {
      if (!(e instanceof SluiceError)) throw e;
      const code = e.code === "INVALID_DDL" ? "UNSUPPORTED_DATATYPE" : e.code;
      throw new SluiceError(e.kind, code, `[${code}] Unsupported data type "${text.toUpperCase()}". (line ${start.line}:${start.column})`, {
        line: start.line,
        column: start.column,
        type: text,
      });
    }
  }

  /** `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL 10 MINUTES 5 SECONDS`, `INTERVAL '1 hour'` → a typed ANSI interval literal. */
  private intervalLiteral(): Expr {
    const at = this.peek();
    const parts: IntervalPart[] = [];
    for (;;) {
      const neg = this.acceptOp("-") ? "-" : "";
      const v = this.peek();
      if (v.kind !== "string" && v.kind !== "number") throw this.fail(v, "expected an interval value");
      this.next();
      const unit = this.keywordAt();
      if (INTERVAL_UNITS.has(unit)) {
        this.next();
        const toUnit = this.acceptKeyword("TO") ? this.identifier("an interval unit") : undefined;
        parts.push({ value: neg + v.value, quoted: v.kind === "string", unit, ...(toUnit === undefined ? {} : { toUnit }) });
      } else if (v.kind === "number") throw this.fail(this.peek(), "expected an interval unit such as MINUTES");
      else parts.push({ value: neg + v.value, quoted: true });
      if (!(this.peek().kind === "number" || this.peek().kind === "string" || (this.isOp("-") && this.peek(1).kind === "number"))) break;
    }
    return this.literalAt(at, () => intervalLiteral(parts));
  }

  /** EXTRACT(f FROM x), POSITION(a IN b), TRIM([BOTH|LEADING|TRAILING] [c] FROM s), SUBSTRING(s FROM p [FOR l]). */
  private specialCall(kw: string): Expr | undefined {
    const save = this.pos;
    this.next();
    this.next();
    if (this.isOp(")")) {
      this.pos = save;
      return undefined;
    }
    if (kw === "EXTRACT" && this.peek().kind === "ident" && this.isKeyword("FROM", 1)) {
      const field = this.next().value;
      this.next();
      const src = this.expression();
      this.expectOp(")");
      return call("extract", stringLiteral(field), src);
    }
    if (kw === "TRIM") {
      const mode = this.keywordAt();
      const fn = mode === "LEADING" ? "ltrim" : mode === "TRAILING" ? "rtrim" : "trim";
      const hasMode = mode === "BOTH" || mode === "LEADING" || mode === "TRAILING";
      if (hasMode || this.hasFromBeforeClose()) {
        if (hasMode) this.next();
        const chars = this.acceptKeyword("FROM") ? undefined : this.expression();
        if (chars !== undefined) this.expectKeyword("FROM");
        const src = this.expression();
        this.expectOp(")");
        // Spark's two-argument form is trim(trimStr, str).
        return chars === undefined ? call(fn, src) : call(fn, chars, src);
      }
    } else if (kw === "POSITION" || kw === "SUBSTRING" || kw === "SUBSTR") {
      const first = this.valueExpression();
      if (kw === "POSITION" && this.acceptKeyword("IN")) {
        const str = this.expression();
        this.expectOp(")");
        return call("locate", first, str, intLiteral(1));
      }
      if (kw !== "POSITION" && this.acceptKeyword("FROM")) {
        const p = this.expression();
        const len = this.acceptKeyword("FOR") ? this.expression() : undefined;
        this.expectOp(")");
        return len === undefined ? call("substring", first, p) : call("substring", first, p, len);
      }
    }
    this.pos = save;
    return undefined;
  }

  private hasFromBeforeClose(): boolean {
    let depth = 0;
    for (let k = 0; ; k++) {
      const t = this.peek(k);
      if (t.kind === "eof") return false;
      if (t.kind === "op" && t.value === "(") depth++;
      if (t.kind === "op" && t.value === ")" && depth-- === 0) return false;
      if (depth === 0 && TokenStream.isKw(t, "FROM")) return true;
    }
  }

  /** Arguments after the opening `(`, up to and including `)`. */
  functionArgs(): FunctionArgs {
    const args: Expr[] = [];
    const named: [string, Expr][] = [];
    let distinct = false;
    if (this.acceptOp(")")) return { args, named, distinct };
    if (this.acceptKeyword("DISTINCT")) distinct = true;
    else this.acceptKeyword("ALL");
    do {
      if (this.peek().kind === "ident" && this.isOp("=>", 1)) {
        const name = this.next().value;
        this.next();
        named.push([name, this.expression()]);
      } else {
        const e = this.expression();
        // struct(a AS x, ...): Spark keeps the alias as the field name.
        args.push(this.acceptKeyword("AS") ? { kind: "alias", child: e, name: this.identifier("an alias") } : e);
      }
    } while (this.acceptOp(","));
    this.expectOp(")");
    return { args, named, distinct };
  }

  private functionCall(nameTok: Token): Expr {
    const name = nameTok.value.toLowerCase();
    const { args, named, distinct } = this.functionArgs();
    if (named.length > 0) throw this.unsupportedAt(nameTok, `Named arguments to ${name}()`);
    if (name === "struct" && args.some((a) => a.kind === "alias")) {
      // struct(a AS x, b) = named_struct('x', a, 'b', b); unnamed expressions become col<n>.
      const fields = args.flatMap((a, i) => {
        const fieldName = a.kind === "alias" ? a.name : a.kind === "column" ? a.nameParts.at(-1)! : `col${i + 1}`;
        return [stringLiteral(fieldName), a.kind === "alias" ? a.child : a];
      });
      return this.callSuffixes({ kind: "call", name: "named_struct", args: fields });
    }
    const finalArgs = name === "count" && args.length === 1 && args[0]!.kind === "star" && !args[0]!.target ? [intLiteral(1)] : args;
    return this.callSuffixes({ kind: "call", name, args: finalArgs, ...(distinct ? { distinct } : {}) });
  }

  /** FILTER (WHERE ...), IGNORE / RESPECT NULLS and OVER after a call. */
  private callSuffixes(call: CallExpr): Expr {
    let e: CallExpr = call;
    if (this.isKeyword("FILTER") && this.isOp("(", 1)) {
      this.next();
      this.next();
      this.expectKeyword("WHERE");
      const filter = this.expression();
      this.expectOp(")");
      e = { ...e, filter };
    }
    if (this.acceptKeyword("IGNORE", "NULLS")) e = { ...e, ignoreNulls: true };
    else if (this.acceptKeyword("RESPECT", "NULLS")) e = { ...e, ignoreNulls: false };
    if (this.acceptKeyword("OVER")) return { kind: "window", fn: e, spec: this.windowSpec() };
    return e;
  }

  /** After OVER: a window name, `(name)`, or `(PARTITION BY ... ORDER BY ... frame)`. */
  windowSpec(): WindowSpecDef {
    if (!this.isOp("(")) return { partitionBy: [], orderBy: [], name: this.identifier("a window name or '('") };
    this.next();
    if (this.peek().kind === "ident" && this.isOp(")", 1)) {
      const name = this.next().value;
      this.next();
      return { partitionBy: [], orderBy: [], name };
    }
    const spec = this.windowSpecBody();
    this.expectOp(")");
    return spec;
  }

  /** The inside of `( ... )` of a window specification. */
  windowSpecBody(): WindowSpecDef {
    let partitionBy: Expr[] = [];
    let orderBy: SortOrderExpr[] = [];
    if (this.acceptKeyword("PARTITION", "BY") || this.acceptKeyword("DISTRIBUTE", "BY")) partitionBy = this.expressionList();
    if (this.acceptKeyword("ORDER", "BY") || this.acceptKeyword("SORT", "BY")) orderBy = this.sortItems();
    const type = this.acceptKeyword("ROWS") ? "rows" : this.acceptKeyword("RANGE") ? "range" : undefined;
    if (type === undefined) return { partitionBy, orderBy };
    let frame: WindowFrame;
    if (this.acceptKeyword("BETWEEN")) {
      const start = this.frameBound();
      this.expectKeyword("AND");
      frame = { type, start, end: this.frameBound() };
    } else frame = { type, start: this.frameBound(), end: { kind: "currentRow" } };
    return { partitionBy, orderBy, frame };
  }

  private frameBound(): FrameBoundary {
    if (this.acceptKeyword("UNBOUNDED", "PRECEDING")) return { kind: "unboundedPreceding" };
    if (this.acceptKeyword("UNBOUNDED", "FOLLOWING")) return { kind: "unboundedFollowing" };
    if (this.acceptKeyword("CURRENT", "ROW")) return { kind: "currentRow" };
    const at = this.peek();
    const isInterval = this.isKeyword("INTERVAL");
    const v = this.valueExpression();
    const sign = this.acceptKeyword("PRECEDING") ? -1 : this.acceptKeyword("FOLLOWING") ? 1 : 0;
    if (sign === 0) throw this.fail(this.peek(), "expected PRECEDING or FOLLOWING");
    if (isInterval && v.kind === "literal" && v.type.kind === "year_month_interval") throw this.unsupportedAt(at, "Window frame boundaries in months or years");
    if (isInterval && v.kind === "literal" && v.type.kind === "day_time_interval") {
      const us = Number(v.value as bigint);
      return us === 0 ? { kind: "currentRow" } : { kind: "offset", value: sign * us, unit: "microsecond" };
    }
    if (v.kind !== "literal" || (typeof v.value !== "number" && v.type.kind !== "decimal")) throw this.unsupportedAt(at, "Window frame boundaries other than numeric literals and INTERVALs");
    const n = v.type.kind === "decimal" ? decimalToDouble(v.value as bigint, v.type.scale) : (v.value as number);
    return n === 0 ? { kind: "currentRow" } : { kind: "offset", value: sign * n };
  }

  expressionList(): Expr[] {
    const out = [this.expression()];
    while (this.acceptOp(",")) out.push(this.expression());
    return out;
  }

  /** `expr [ASC|DESC] [NULLS FIRST|LAST]`, comma-separated. */
  sortItems(): SortOrderExpr[] {
    const out: SortOrderExpr[] = [];
    do {
      const child = this.expression();
      const ascending = this.acceptKeyword("DESC") ? false : (this.acceptKeyword("ASC"), true);
      let nullsFirst = ascending;
      if (this.acceptKeyword("NULLS", "FIRST")) nullsFirst = true;
      else if (this.acceptKeyword("NULLS", "LAST")) nullsFirst = false;
      out.push({ kind: "sortOrder", child, ascending, nullsFirst });
    } while (this.acceptOp(","));
    return out;
  }

  /**
   * After `(`: a query up to its `)`, as a subquery placeholder (subqueries.ts) with `args` first.
   * Only statement parsing (QueryParser) supports them; a lone expression (`F.expr`) cannot.
   */
  protected subquery(_name: string, at: Token, ..._args: Expr[]): Expr {
    throw this.unsupportedAt(at, "Subquery expressions outside spark.sql()");
  }

  /** A parse-kind UNSUPPORTED_FEATURE error at token `t`. */
  unsupportedAt(t: Token, what: string): SluiceError {
    return new SluiceError(
      "unsupported",
      "UNSUPPORTED_FEATURE",
      `[UNSUPPORTED_FEATURE] ${what} are not supported by Sluice's SQL parser. (line ${t.line}:${t.column})`,
      { line: t.line, column: t.column },
    );
  }
}

/** Column refs naming a lambda parameter become `lambdaVar`s (inner lambdas shadow outer names). */
function bindLambdaVars(body: Expr, params: readonly string[]): Expr {
  const lower = params.map((p) => p.toLowerCase());
  return rewriteExpr(body, (x) => {
    if (x.kind === "lambda") {
      const inner = x.params.map((p) => p.toLowerCase());
      const outer = params.filter((_, i) => !inner.includes(lower[i]!));
      return { ...x, body: bindLambdaVars(x.body, outer) };
    }
    if (x.kind !== "column") return undefined;
    const i = lower.indexOf(x.nameParts[0]!.toLowerCase());
    if (i < 0) return undefined;
    let out: Expr = { kind: "lambdaVar", name: params[i]! };
    for (const part of x.nameParts.slice(1)) out = { kind: "extract", child: out, key: stringLiteral(part) };
    return out;
  });
}
