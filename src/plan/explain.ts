/**
 * The analyzed logical plan as text, in the shape of Spark's "== Analyzed Logical Plan ==":
 *
 *   Project [a#1, (b#2 + 1) AS c#3]
 *   +- Filter (a#1 > 1)
 *      +- LocalRelation [a#1, b#2L]
 *
 * Columns print as name#exprId (with Spark's `L` suffix for BIGINT); output is stable for a
 * given plan, so tests can compare it.
 */
import type { RExpr } from "../expr/resolved-expr.js";
import { simpleString } from "../types/data-type.js";
import { joinTypeName } from "./analyzer/join.js";
import { formatCall, formatFrame, formatLiteral } from "./expr-name.js";
import { type Attribute, type RSortOrder, type ResolvedPlan, resolvedChildren } from "./resolved-plan.js";

const attrText = (a: Attribute): string => `${a.name}#${a.exprId}${a.type.kind === "bigint" ? "L" : ""}`;

/** A resolved expression over `input`; `refText` overrides how refs print (aggregate buffers). */
export function formatRExpr(r: RExpr, input: readonly Attribute[], refText?: (index: number) => string): string {
  const f = (x: RExpr): string => formatRExpr(x, input, refText);
  switch (r.kind) {
    case "ref":
      return refText ? refText(r.index) : input[r.index] ? attrText(input[r.index]!) : `${r.name}#?`;
    case "literal":
      return r.type.kind === "string" && r.value !== null ? String(r.value) : formatLiteral(r.value, r.type);
    case "call":
      return formatCall(r.fn.name, r.args.map(f));
    case "cast":
      return `${r.mode === "try" ? "try_cast" : "cast"}(${f(r.child)} as ${simpleString(r.type)})`;
    case "case":
      return `CASE${r.branches.map(([c, v]) => ` WHEN ${f(c)} THEN ${f(v)}`).join("")}${r.otherwise ? ` ELSE ${f(r.otherwise)}` : ""} END`;
    case "lambda":
      return `lambdafunction(${f(r.body)}, ${r.params.map((p) => `lambda ${p.name}`).join(", ")})`;
    case "lambdaVar":
      return `lambda ${r.name}`;
  }
}

const sortText = (o: RSortOrder, input: readonly Attribute[]): string =>
  `${formatRExpr(o.expr, input)} ${o.ascending ? "ASC" : "DESC"} NULLS ${o.nullsFirst ? "FIRST" : "LAST"}`;

/** `expr AS name#id`, or just the column when the expression passes it through. */
function named(text: string, r: RExpr, input: readonly Attribute[], out: Attribute): string {
  if (r.kind === "ref" && input[r.index]?.exprId === out.exprId && input[r.index]?.name === out.name) return attrText(out);
  return `${text} AS ${attrText(out)}`;
}

function describe(p: ResolvedPlan): string {
  const list = (xs: readonly string[]): string => `[${xs.join(", ")}]`;
  switch (p.kind) {
    case "localRelation":
      return `${p.streamSourceId !== undefined ? "StreamingLocalRelation" : "LocalRelation"} ${list(p.output.map(attrText))}`;
    case "scan":
      return p.streaming
        ? `StreamingRelation ${p.source.format}, ${list(p.output.map(attrText))}`
        : `Relation ${list(p.output.map(attrText))} ${p.source.format}`;
    case "range":
      return `Range (${p.start}, ${p.end}, step=${p.step})`;
    case "project":
      return `Project ${list(p.exprs.map((e, i) => named(formatRExpr(e, p.input.output), e, p.input.output, p.output[i]!)))}`;
    case "filter":
      return `Filter ${formatRExpr(p.condition, p.input.output)}`;
    case "aggregate": {
      const inp = p.input.output;
      const keys = p.groupBy.map((k) => formatRExpr(k, inp));
      const aggs = p.aggs.map((a) => formatCall(a.fn.name, a.args.map((x) => formatRExpr(x, inp)), a.distinct));
      const buffer = (i: number): string => (i < keys.length ? keys[i]! : aggs[i - keys.length]!);
      const results = p.resultExprs.map((r, i) => {
        const out = p.output[i]!;
        const text = formatRExpr(r, [], buffer);
        const key = r.kind === "ref" && r.index < keys.length ? p.groupBy[r.index] : undefined;
        if (key?.kind === "ref" && inp[key.index]?.exprId === out.exprId) return attrText(out);
        return `${text} AS ${attrText(out)}`;
      });
      const sets = p.groupingSets ? `, groupingSets=${JSON.stringify(p.groupingSets)}` : "";
      return `Aggregate ${list(keys)}, ${list(results)}${sets}`;
    }
    case "window": {
      const inp = p.input.output;
      const calls = p.calls.map((c, i) => {
        const fn = formatCall(c.fn.impl.name, c.args.map((a) => formatRExpr(a, inp)));
        const spec = [
          c.partitionBy.length > 0 ? `PARTITION BY ${c.partitionBy.map((x) => formatRExpr(x, inp)).join(", ")}` : "",
          c.orderBy.length > 0 ? `ORDER BY ${c.orderBy.map((o) => sortText(o, inp)).join(", ")}` : "",
          formatFrame(c.frame),
        ].filter((s) => s !== "");
        return `${fn} OVER (${spec.join(" ")}) AS ${attrText(p.output[inp.length + i]!)}`;
      });
      return `Window ${list(calls)}`;
    }
    case "generate":
      return `Generate ${p.generator}${p.outer ? "_outer" : ""}(${formatRExpr(p.arg, p.input.output)}), ${list(p.output.slice(p.input.output.length).map(attrText))}`;
    case "join": {
      const both = [...p.left.output, ...p.right.output];
      const keys = p.leftKeys.map(
        (l, i) => `(${formatRExpr(l, p.left.output)} ${p.nullSafe[i] ? "<=>" : "="} ${formatRExpr(p.rightKeys[i]!, p.right.output)})`,
      );
      const cond = [...keys, ...(p.condition ? [formatRExpr(p.condition, both)] : [])];
      return `Join ${joinTypeName(p.joinType)}${cond.length > 0 ? `, ${cond.join(" AND ")}` : ""}`;
    }
    case "sort":
      return `Sort ${list(p.order.map((o) => sortText(o, p.input.output)))}, true`;
    case "limit":
      return `${p.offset > 0 ? `Offset ${p.offset}, ` : ""}Limit ${p.limit}`;
    case "union":
      return "Union";
    case "dropDuplicates":
      return `${p.withinWatermark ? "DeduplicateWithinWatermark" : "Deduplicate"} ${list(p.keys.map((k) => attrText(p.input.output[k]!)))}`;
    case "watermark":
      return `EventTimeWatermark ${attrText(p.input.output[p.eventTimeIndex]!)}: ${p.delayMs} ms`;
    case "sample":
      return `Sample 0.0, ${p.fraction}, ${p.withReplacement}, ${p.seed}`;
    case "flatMapGroupsWithState":
      return `${p.spec.isMap ? "MapGroupsWithState" : "FlatMapGroupsWithState"} ${p.spec.outputMode}, ${p.spec.timeout}, ${list(p.output.map(attrText))}`;
    case "transformWithState":
      return `TransformWithState ${p.spec.outputMode}, ${p.spec.timeMode}, ${list(p.output.map(attrText))}`;
    case "collectMetrics":
      return `CollectMetrics ${p.name}, ${list(p.metrics.output.map(attrText))}`;
    case "cached":
      return `InMemoryRelation ${list(p.output.map(attrText))}, ${p.slot.level ?? "not persisted"}`;
  }
}

/** Indented tree of the plan, root first; children under `+- ` (and `:  ` rails for siblings). */
export function formatLogicalPlan(plan: ResolvedPlan): string {
  const lines: string[] = [];
  const walk = (p: ResolvedPlan, prefix: string, childPrefix: string): void => {
    lines.push(prefix + describe(p));
    const kids = resolvedChildren(p);
    kids.forEach((k, i) => {
      const last = i === kids.length - 1;
      walk(k, childPrefix + (last ? "+- " : ":- "), childPrefix + (last ? "   " : ":  "));
    });
  };
  walk(plan, "", "");
  return lines.join("\n");
}
