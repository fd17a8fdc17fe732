/**
 * A compact one-line rendering of unresolved plans and expressions, for parser tests and for
 * showing what a SQL text parsed to: `project[a, add(b, 1)](filter[gt(a, 0)](namedRelation[t]))`.
 */
import type { Expr } from "../expr/expr.js";
import type { LogicalPlan } from "../plan/logical-plan.js";

export function exprShape(e: Expr): string {
  switch (e.kind) {
    case "column":
      return e.nameParts.join(".");
    case "star":
      return e.target ? `${e.target.join(".")}.*` : "*";
    case "literal":
      return e.value === null ? "null" : typeof e.value === "string" ? `'${e.value}'` : `${String(e.value)}:${e.type.kind}`;
    case "alias":
      return `${exprShape(e.child)} AS ${e.name}`;
    case "cast":
      return `${e.mode === "try" ? "try_cast" : "cast"}(${exprShape(e.child)} AS ${e.to.kind})`;
    case "call": {
      const args = e.args.map(exprShape).join(", ");
      let s = `${e.name}(${e.distinct ? "DISTINCT " : ""}${args})`;
      if (e.filter) s += ` FILTER(${exprShape(e.filter)})`;
      if (e.ignoreNulls) s += " IGNORE NULLS";
      return s;
    }
    case "case":
      return `CASE ${e.branches.map(([c, v]) => `WHEN ${exprShape(c)} THEN ${exprShape(v)}`).join(" ")}${e.otherwise ? ` ELSE ${exprShape(e.otherwise)}` : ""} END`;
    case "sortOrder":
      return `${exprShape(e.child)} ${e.ascending ? "ASC" : "DESC"} NULLS ${e.nullsFirst ? "FIRST" : "LAST"}`;
    case "window": {
      const s = e.spec;
      const parts: string[] = [];
      if (s.name) parts.push(s.name);
      if (s.partitionBy.length) parts.push(`PARTITION BY ${s.partitionBy.map(exprShape).join(", ")}`);
      if (s.orderBy.length) parts.push(`ORDER BY ${s.orderBy.map(exprShape).join(", ")}`);
      if (s.frame) {
        const b = (x: (typeof s.frame)["start"]): string => (x.kind === "offset" ? String(x.value) : x.kind);
        parts.push(`${s.frame.type.toUpperCase()} ${b(s.frame.start)}..${b(s.frame.end)}`);
      }
      return `${exprShape(e.fn)} OVER (${parts.join(" ")})`;
    }
    case "extract":
      return `${exprShape(e.child)}[${exprShape(e.key)}]`;
    case "lambda":
      return `(${e.params.join(", ")}) -> ${exprShape(e.body)}`;
    case "lambdaVar":
      return `λ${e.name}`;
  }
}

export function planShape(p: LogicalPlan): string {
  const list = (es: readonly Expr[]): string => es.map(exprShape).join(", ");
  switch (p.kind) {
    case "namedRelation":
      return `table[${p.nameParts.join(".")}]`;
    case "range":
      return `range[${p.start}, ${p.end}, ${p.step}]`;
    case "read":
      return `read${p.streaming ? "Stream" : ""}[${p.source.format} ${JSON.stringify(p.source.paths)} ${JSON.stringify(p.source.options)}${p.source.userSchema ? " schema" : ""}]`;
    case "localRelation":
    case "resolvedLeaf":
      return p.kind;
    case "project":
      return `project[${list(p.exprs)}](${planShape(p.input)})`;
    case "filter":
      return `filter[${exprShape(p.condition)}](${planShape(p.input)})`;
    case "aggregate":
      return `aggregate${p.grouping && p.grouping !== "groupBy" ? `:${p.grouping}` : ""}[${list(p.groupBy)}; ${list(p.aggs)}](${planShape(p.input)})`;
    case "join":
      return `join:${p.joinType}[${p.condition ? exprShape(p.condition) : p.using ? `USING ${p.using.join(", ")}` : ""}](${planShape(p.left)}, ${planShape(p.right)})`;
    case "sort":
      return `sort[${list(p.order)}](${planShape(p.input)})`;
    case "limit":
      return `limit[${p.limit}${p.offset ? ` offset ${p.offset}` : ""}](${planShape(p.input)})`;
    case "union":
      return `union${p.distinct ? ":distinct" : ""}(${p.inputs.map(planShape).join(", ")})`;
    case "distinct":
      return `distinct(${planShape(p.input)})`;
    case "subqueryAlias":
      return `alias[${p.alias}](${planShape(p.input)})`;
    case "withWatermark":
      return `watermark[${p.eventTime}, ${p.delay}](${planShape(p.input)})`;
    case "collectMetrics":
      return `observe[${p.name}; ${list(p.metrics)}](${planShape(p.input)})`;
    case "drop":
      return `drop[${p.columns.map((c) => (typeof c === "string" ? c : exprShape(c))).join(", ")}](${planShape(p.input)})`;
    case "withColumns":
    case "withColumnsRenamed":
    case "dropDuplicates":
    case "sample":
    case "cache":
      return `${p.kind}(${planShape(p.input)})`;
  }
}
