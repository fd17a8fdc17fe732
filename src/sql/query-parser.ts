/**
 * Queries: WITH (CTEs, inlined by name with nested scopes), set operations, SELECT blocks,
 * ORDER BY / LIMIT / OFFSET, and the FROM clause (tables, subqueries, joins, VALUES,
 * table-valued functions, `STREAM ...` and `WATERMARK col DELAY OF INTERVAL ...`).
 */
import { SluiceError } from "../common/errors.js";
import type { Expr, SortOrderExpr, WindowSpecDef } from "../expr/expr.js";
import { type JoinType, type LogicalPlan, node } from "../plan/logical-plan.js";
import { outputName } from "./expr-utils.js";
import { ExpressionParser } from "./expression-parser.js";
import { NOT_AN_ALIAS } from "./keywords.js";
import { type GroupByClause, buildSelect } from "./select-builder.js";
import type { Token } from "./lexer.js";
import { SubqueryRewriter, placeholder } from "./subqueries.js";
import { tableFunctionPlan, valuesPlan } from "./table-functions.js";

const ONE_ROW = (): LogicalPlan => node({ kind: "range", start: 0, end: 1, step: 1 });

export class QueryParser extends ExpressionParser {
  /** CTE scopes, innermost last; names lower-cased. */
  private readonly ctes: Map<string, LogicalPlan>[] = [];
  /** Subquery expressions of the statement by placeholder id. */
  private readonly subqueryPlans = new Map<number, LogicalPlan>();
  private aliasCount = 0;
  private readonly rewriter = new SubqueryRewriter(this.subqueryPlans, () => ++this.aliasCount);

  protected override subquery(name: string, _at: Token, ...args: Expr[]): Expr {
    const plan = this.query();
    this.expectOp(")");
    const id = this.subqueryPlans.size + 1;
    this.subqueryPlans.set(id, plan);
    return placeholder(name, id, ...args);
  }

  /** `[WITH ...] queryTerm [ORDER BY ...] [LIMIT n] [OFFSET m]`. */
  query(): LogicalPlan {
    const scoped = this.isKeyword("WITH");
    if (scoped) this.withClause();
    try {
      return this.queryBody();
    } finally {
      if (scoped) this.ctes.pop();
    }
  }

  private withClause(): void {
    this.next();
    this.acceptKeyword("RECURSIVE");
    const scope = new Map<string, LogicalPlan>();
    this.ctes.push(scope);
    do {
      const nameTok = this.peek();
      const name = this.identifier("a CTE name");
      if (this.isOp("(")) throw this.unsupportedAt(this.peek(), "Column lists on CTEs");
      this.acceptKeyword("AS");
      this.expectOp("(");
      const plan = this.query();
      this.expectOp(")");
      if (scope.has(name.toLowerCase())) {
        throw new SluiceError("parse", "DUPLICATED_CTE_NAMES", `[DUPLICATED_CTE_NAMES] CTE definition can't have duplicate names: \`${name}\`. (line ${nameTok.line}:${nameTok.column})`, {
          line: nameTok.line,
          column: nameTok.column,
        });
      }
      scope.set(name.toLowerCase(), plan);
    } while (this.acceptOp(","));
  }

  private queryBody(): LogicalPlan {
    const first = this.setTerm(true);
    let plan = first.plan;
    let single = first.single;
    const firstItems = single?.items;
    // UNION / EXCEPT are left-associative; INTERSECT binds tighter (Spark's default).
    for (;;) {
      const kw = this.keywordAt();
      if (kw !== "UNION" && kw !== "EXCEPT" && kw !== "MINUS" && kw !== "INTERSECT") break;
      this.next();
      const all = this.setQuantifier();
      if (single !== undefined) plan = buildSelect(single);
      single = undefined;
      if (kw === "INTERSECT") {
        plan = setOperation(plan, this.setTerm(false).plan, all, "intersect");
        continue;
      }
      let right = this.setTerm(false).plan;
      while (this.isKeyword("INTERSECT")) {
        this.next();
        const allRight = this.setQuantifier();
        right = setOperation(right, this.setTerm(false).plan, allRight, "intersect");
      }
      plan = setOperation(plan, right, all, kw === "UNION" ? undefined : "except");
    }
    const orderBy = this.acceptKeyword("ORDER", "BY") || this.acceptKeyword("SORT", "BY") ? this.sortItems() : undefined;
    if (single !== undefined) plan = buildSelect({ ...single, ...(orderBy ? { orderBy } : {}) });
    else if (orderBy !== undefined) plan = node({ kind: "sort", input: plan, order: orderBy.map((o) => this.setOrdinal(o, firstItems)) });
    let limit: number | undefined;
    let offset: number | undefined;
    if (this.acceptKeyword("LIMIT")) limit = this.acceptKeyword("ALL") ? undefined : this.limitValue("LIMIT");
    if (this.acceptKeyword("OFFSET")) offset = this.limitValue("OFFSET");
    if (limit !== undefined || offset !== undefined) {
      plan = node({ kind: "limit", input: plan, limit: limit ?? Number.MAX_SAFE_INTEGER, ...(offset ? { offset } : {}) });
    }
    return plan;
  }

  /** `ALL` → true; `DISTINCT` or nothing → false. */
  private setQuantifier(): boolean {
    const all = this.acceptKeyword("ALL");
    if (!all) this.acceptKeyword("DISTINCT");
    return all;
  }

  /** ORDER BY k after a set operation: the name of the first SELECT's k-th column. */
  private setOrdinal(o: SortOrderExpr, items: readonly Expr[] | undefined): SortOrderExpr {
    const c = o.child;
    if (!(c.kind === "literal" && c.type.kind === "int" && typeof c.value === "number")) return o;
    const item = items?.[c.value - 1];
    const name = item === undefined ? undefined : outputName(item);
    if (name === undefined) {
      throw new SluiceError("unsupported", "UNSUPPORTED_FEATURE", `[UNSUPPORTED_FEATURE] ORDER BY ${c.value} after a set operation needs the first SELECT's column ${c.value} to be a named column or aliased; add AS name.`);
    }
    return { ...o, child: { kind: "column", nameParts: [name] } };
  }

  private limitValue(clause: string): number {
    const t = this.peek();
    const e = this.valueExpression();
    if (e.kind === "literal" && (e.type.kind === "int" || e.type.kind === "bigint") && typeof e.value === "number" && e.value >= 0) return e.value;
    throw new SluiceError(
      "analysis",
      "INVALID_LIMIT_LIKE_EXPRESSION",
      `[INVALID_LIMIT_LIKE_EXPRESSION] The ${clause} expression must be a non-negative integer literal, got '${this.text.slice(t.offset, this.peek(-1).end)}'. (line ${t.line}:${t.column})`,
      { line: t.line, column: t.column },
    );
  }

  /** A SELECT block (kept unbuilt while ORDER BY may still apply to it), `(query)`, VALUES or TABLE t. */
  private setTerm(first: boolean): { plan: LogicalPlan; single?: Parameters<typeof buildSelect>[0] } {
    const kw = this.keywordAt();
    if (kw === "SELECT") {
      const block = this.selectBlock();
      // The first block waits for a trailing ORDER BY, which Spark applies inside it.
      return first ? { plan: ONE_ROW(), single: block } : { plan: buildSelect(block) };
    }
    if (this.isOp("(")) {
      this.next();
      const plan = this.query();
      this.expectOp(")");
      return { plan };
    }
    if (kw === "VALUES") return { plan: this.valuesTable() };
    if (kw === "TABLE") {
      this.next();
      return { plan: this.namedTable(this.multipartIdentifier("a table name")) };
    }
    throw this.fail(this.peek());
  }

  private selectBlock(): Parameters<typeof buildSelect>[0] {
    this.expectKeyword("SELECT");
    const distinct = this.acceptKeyword("DISTINCT");
    if (!distinct) this.acceptKeyword("ALL");
    const items = [this.selectItem()];
    while (this.acceptOp(",")) items.push(this.selectItem());
    const from = this.acceptKeyword("FROM") ? this.fromClause() : ONE_ROW();
    const where = this.acceptKeyword("WHERE") ? this.expression() : undefined;
    const groupBy = this.acceptKeyword("GROUP", "BY") ? this.groupByClause() : undefined;
    const having = this.acceptKeyword("HAVING") ? this.expression() : undefined;
    const windows = new Map<string, WindowSpecDef>();
    if (this.acceptKeyword("WINDOW")) {
      do {
        const name = this.identifier("a window name");
        this.expectKeyword("AS");
        let spec: WindowSpecDef;
        if (this.peek().kind === "ident") {
          const ref = this.identifier();
          const base = windows.get(ref.toLowerCase());
          if (base === undefined) throw this.fail(this.peek(-1), `window ${ref} is not defined before ${name}`);
          spec = base;
        } else {
          this.expectOp("(");
          spec = this.windowSpecBody();
          this.expectOp(")");
        }
        windows.set(name.toLowerCase(), spec);
      } while (this.acceptOp(","));
    }
    return { distinct, items, from, windows, subqueries: this.rewriter, ...(where ? { where } : {}), ...(groupBy ? { groupBy } : {}), ...(having ? { having } : {}) };
  }

  private selectItem(): Expr {
    const e = this.expression();
    if (this.acceptKeyword("AS")) {
      if (this.acceptOp("(")) {
        const names = [this.identifier("an alias")];
        while (this.acceptOp(",")) names.push(this.identifier("an alias"));
        this.expectOp(")");
        return { kind: "alias", child: e, name: names[0]!, ...(names.length > 1 ? { names } : {}) };
      }
      return { kind: "alias", child: e, name: this.identifier("an alias") };
    }
    const t = this.peek();
    if (t.kind === "ident" && (t.quoted || !NOT_AN_ALIAS.has(this.keywordAt()))) {
      this.next();
      return { kind: "alias", child: e, name: t.value };
    }
    return e;
  }

  private groupByClause(): GroupByClause {
    if (this.acceptKeyword("ALL")) return { exprs: [], all: true, grouping: "groupBy" };
    const kw = this.keywordAt();
    if (kw === "GROUPING" && this.isKeyword("SETS", 1)) throw this.unsupportedAt(this.peek(), "GROUPING SETS");
    if ((kw === "ROLLUP" || kw === "CUBE") && this.isOp("(", 1)) {
      this.next();
      this.next();
      const exprs = this.expressionList();
      this.expectOp(")");
      return { exprs, all: false, grouping: kw === "ROLLUP" ? "rollup" : "cube" };
    }
    const exprs = this.expressionList();
    if (this.acceptKeyword("WITH", "ROLLUP")) return { exprs, all: false, grouping: "rollup" };
    if (this.acceptKeyword("WITH", "CUBE")) return { exprs, all: false, grouping: "cube" };
    return { exprs, all: false, grouping: "groupBy" };
  }

  /** Comma-separated relations (cross joined), each with its JOIN chain. */
  private fromClause(): LogicalPlan {
    let plan = this.joinedRelation();
    while (this.acceptOp(",")) plan = node({ kind: "join", left: plan, right: this.joinedRelation(), joinType: "cross" });
    return plan;
  }

  private joinedRelation(): LogicalPlan {
    let plan = this.relationPrimary();
    for (;;) {
      const t = this.peek();
      if (this.isKeyword("NATURAL")) throw this.unsupportedAt(t, "NATURAL joins");
      if (this.isKeyword("LATERAL") && this.isKeyword("VIEW", 1)) {
        plan = this.lateralView(plan);
        continue;
      }
      if (this.isKeyword("LATERAL")) throw this.unsupportedAt(t, "LATERAL joins");
      const joinType = this.joinType();
      if (joinType === undefined) return plan;
      const right = this.relationPrimary();
      if (this.acceptKeyword("ON")) {
        plan = node({ kind: "join", left: plan, right, joinType, condition: this.expression() });
      } else if (this.acceptKeyword("USING")) {
        this.expectOp("(");
        const using = [this.identifier("a column name")];
        while (this.acceptOp(",")) using.push(this.identifier("a column name"));
        this.expectOp(")");
        plan = node({ kind: "join", left: plan, right, joinType, using });
      } else plan = node({ kind: "join", left: plan, right, joinType: joinType === "inner" ? "cross" : joinType });
    }
  }

  /**
   * `LATERAL VIEW [OUTER] gen(args) [t] [AS] a, b`: the input's columns followed by the
   * generator's (explode → explode_outer with OUTER). The generated columns are not qualified by `t`.
   */
  private lateralView(input: LogicalPlan): LogicalPlan {
    this.next();
    this.next();
    const outer = this.acceptKeyword("OUTER");
    const nameTok = this.peek();
    if (nameTok.kind !== "ident" || !this.isOp("(", 1)) throw this.fail(nameTok, "expected a generator function such as explode(...)");
    const gen = this.postfixExpression();
    if (gen.kind !== "call") throw this.fail(nameTok, "expected a generator function such as explode(...)");
    const name = outer && !gen.name.endsWith("_outer") ? `${gen.name}_outer` : gen.name;
    if (this.peek().kind === "ident" && !this.isKeyword("AS") && !NOT_AN_ALIAS.has(this.keywordAt())) this.next(); // table alias
    const names: string[] = [];
    if (this.acceptKeyword("AS") || (this.peek().kind === "ident" && !NOT_AN_ALIAS.has(this.keywordAt()))) {
      do names.push(this.identifier("a column alias"));
      while (this.acceptOp(","));
    }
    const call: Expr = { ...gen, name };
    const item: Expr = names.length === 0 ? call : { kind: "alias", child: call, name: names[0]!, ...(names.length > 1 ? { names } : {}) };
    return node({ kind: "project", input, exprs: [{ kind: "star" }, item] });
  }

  private joinType(): JoinType | undefined {
    const k = (...kws: string[]): boolean => this.acceptKeyword(...kws, "JOIN");
    if (k() || k("INNER")) return "inner";
    if (k("CROSS")) return "cross";
    if (k("LEFT") || k("LEFT", "OUTER")) return "left";
    if (k("RIGHT") || k("RIGHT", "OUTER")) return "right";
    if (k("FULL") || k("FULL", "OUTER")) return "full";
    if (k("LEFT", "SEMI") || k("SEMI")) return "left_semi";
    if (k("LEFT", "ANTI") || k("ANTI")) return "left_anti";
    return undefined;
  }

  private relationPrimary(): LogicalPlan {
    let plan: LogicalPlan;
    const t = this.peek();
    if (this.isOp("(")) {
      this.next();
      const isQuery = this.isKeyword("SELECT") || this.isKeyword("WITH") || this.isKeyword("VALUES") || this.isKeyword("TABLE") || this.isOp("(");
      plan = isQuery ? this.query() : this.fromClause();
      this.expectOp(")");
    } else if (this.isKeyword("VALUES")) {
      return this.valuesTable();
    } else if (this.isKeyword("STREAM")) {
      this.next();
      const paren = this.acceptOp("(");
      const nameTok = this.peek();
      if (nameTok.kind !== "ident" || !this.isOp("(", 1)) throw this.unsupportedAt(nameTok, "STREAM over a table name (use STREAM read_files(...) or STREAM read_kafka(...))");
      this.next();
      this.next();
      plan = tableFunctionPlan(nameTok, this.functionArgs(), true);
      if (paren) this.expectOp(")");
    } else if (t.kind === "ident" && this.isOp("(", 1)) {
      this.next();
      this.next();
      plan = tableFunctionPlan(t, this.functionArgs(), false);
    } else {
      plan = this.namedTable(this.multipartIdentifier("a table name"));
    }
    plan = this.watermark(plan);
    const alias = this.tableAlias();
    if (alias !== undefined) {
      const columnNames = this.acceptOp("(") ? this.columnAliases() : undefined;
      plan = node({ kind: "subqueryAlias", input: plan, alias, ...(columnNames ? { columnNames } : {}) });
    }
    return this.watermark(plan);
  }

  /** `WATERMARK col DELAY OF INTERVAL 10 MINUTES` (Databricks' streaming SQL). */
  private watermark(plan: LogicalPlan): LogicalPlan {
    if (!this.acceptKeyword("WATERMARK")) return plan;
    const eventTime = this.multipartIdentifier("an event-time column").join(".");
    this.expectKeyword("DELAY");
    this.expectKeyword("OF");
    const at = this.peek();
    const delay = this.primary();
    const text = delay.kind !== "literal" ? undefined : delay.type.kind === "day_time_interval" ? durationText(delay.value as bigint) : typeof delay.value === "string" ? delay.value : undefined;
    if (text === undefined) throw this.fail(at, "expected a day-time INTERVAL such as INTERVAL 10 MINUTES, or a string such as '10 minutes'");
    return node({ kind: "withWatermark", input: plan, eventTime, delay: text });
  }

  private tableAlias(): string | undefined {
    const hasAs = this.acceptKeyword("AS");
    const t = this.peek();
    if (t.kind === "ident" && (hasAs || t.quoted || !NOT_AN_ALIAS.has(this.keywordAt()))) {
      this.next();
      return t.value;
    }
    if (hasAs) throw this.fail(t, "expected an alias");
    return undefined;
  }

  /** `a, b)` after the `(` of `t(a, b)`. */
  private columnAliases(): string[] {
    const names = [this.identifier("a column name")];
    while (this.acceptOp(",")) names.push(this.identifier("a column name"));
    this.expectOp(")");
    return names;
  }

  /** A table name at the cursor: a CTE in scope or a catalog name (MERGE's USING source). */
  tableReference(): LogicalPlan {
    return this.namedTable(this.multipartIdentifier("a table name"));
  }

  /** A CTE in scope (innermost first) or a catalog name. */
  private namedTable(nameParts: string[]): LogicalPlan {
    if (nameParts.length === 1) {
      const key = nameParts[0]!.toLowerCase();
      for (let i = this.ctes.length - 1; i >= 0; i--) {
        const cte = this.ctes[i]!.get(key);
        if (cte !== undefined) return node({ kind: "subqueryAlias", input: cte, alias: nameParts[0]! });
      }
    }
    return node({ kind: "namedRelation", nameParts });
  }

  /** `VALUES (..), (..) [[AS] t[(a, b)]]` or `VALUES 1, 2`. */
  private valuesTable(): LogicalPlan {
    const t = this.peek();
    this.expectKeyword("VALUES");
    const rows: Expr[][] = [];
    do {
      const e = this.expression();
      rows.push(e.kind === "call" && e.name === "named_struct" && isTupleStruct(e.args) ? e.args.filter((_, i) => i % 2 === 1) : [e]);
    } while (this.acceptOp(","));
    const hasAs = this.acceptKeyword("AS");
    const a = this.peek();
    let alias: string | undefined;
    let names: string[] | undefined;
    if (a.kind === "ident" && (hasAs || a.quoted || !NOT_AN_ALIAS.has(this.keywordAt()))) {
      alias = this.next().value;
      if (this.acceptOp("(")) {
        names = [this.identifier("a column name")];
        while (this.acceptOp(",")) names.push(this.identifier("a column name"));
        this.expectOp(")");
      }
    } else if (hasAs) throw this.fail(a, "expected an alias");
    const plan = valuesPlan(rows, names, t);
    return alias === undefined ? plan : node({ kind: "subqueryAlias", input: plan, alias });
  }

}

/** A set operation node over two inputs by position; `op` undefined is UNION. */
function setOperation(left: LogicalPlan, right: LogicalPlan, all: boolean, op: "intersect" | "except" | undefined): LogicalPlan {
  return node({
    kind: "union",
    inputs: [left, right],
    byName: false,
    allowMissingColumns: false,
    ...(all ? {} : { distinct: true }),
    ...(op ? { setOp: op } : {}),
  });
}

/** Was this named_struct built from a `(a, b)` tuple (keys col1, col2, ...)? */
function isTupleStruct(args: readonly Expr[]): boolean {
  return args.every((a, i) => i % 2 === 1 || (a.kind === "literal" && a.value === `col${i / 2 + 1}`));
}

const DURATION_UNITS: readonly (readonly [string, bigint])[] = [
  ["day", 86_400_000_000n],
  ["hour", 3_600_000_000n],
  ["minute", 60_000_000n],
  ["second", 1_000_000n],
  ["millisecond", 1000n],
  ["microsecond", 1n],
];

/** A DAY-TIME interval (µs) as a watermark delay text in its largest whole unit: "10 minutes", "1 minute". */
function durationText(us: bigint): string {
  const [unit, per] = DURATION_UNITS.find(([, p]) => us % p === 0n)!;
  const n = us / per;
  return `${n} ${unit}${n === 1n ? "" : "s"}`;
}
