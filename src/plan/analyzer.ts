/**
 * The analyzer: LogicalPlan → ResolvedPlan. Every node is resolved once per node object and
 * session settings (memoised), so DataFrame methods can analyze eagerly and cheaply, and
 * resolving the same node twice gives the same exprIds (which `df.col()` relies on).
 * One handler per node kind (a new kind does not compile until it is handled); the bigger ones
 * live in analyzer/*.ts.
 */
import { checkSetOperationColumns } from "./analyzer/variant-checks.js";
import { analysisError } from "../common/errors.js";
import { type Expr, parseColumnName } from "../expr/expr.js";
import { type DataType, sqlTypeName } from "../types/data-type.js";
import type { AnalyzerEnv } from "./analyzer-env.js";
import { resolveAggregate } from "./analyzer/aggregate.js";
import { resolveCollectMetrics } from "./analyzer/collect-metrics.js";
import type { AnalyzeContext, ProjectItem } from "./analyzer/context.js";
import { delayIntervalMs } from "../expr/datetime/delay-interval.js";
import { resolveJoin } from "./analyzer/join.js";
import { buildProject, resolveProject } from "./analyzer/project.js";
import { ExprResolver } from "./analyzer/resolve-expr.js";
import { findColumn, namesEqual, newAttribute, quoteParts, requalify, resolveColumn } from "./analyzer/scope.js";
import { resolveSort } from "./analyzer/sort.js";
import { resolveSetOp } from "./analyzer/set-op.js";
import { resolveUnion } from "./analyzer/union.js";
import type { LogicalPlan } from "./logical-plan.js";
import type { Attribute, ResolvedPlan } from "./resolved-plan.js";

type Handler<K extends LogicalPlan["kind"]> = (p: Extract<LogicalPlan, { kind: K }>, ctx: AnalyzeContext) => ResolvedPlan;
type Handlers = { [K in LogicalPlan["kind"]]: Handler<K> };

const attrsOf = (schema: { readonly fields: readonly { name: string; type: DataType; nullable: boolean }[] }): Attribute[] =>
  schema.fields.map((f) => newAttribute(f.name, f.type, f.nullable));

/** Re-qualify a resolved node's output without adding a node (SubqueryAlias has no physical form). */
const withOutput = (p: ResolvedPlan, output: readonly Attribute[]): ResolvedPlan => ({ ...p, output }) as ResolvedPlan;

const handlers: Handlers = {
  localRelation: (p) => ({
    kind: "localRelation",
    batches: p.batches,
    output: attrsOf(p.schema),
    ...(p.streamSourceId !== undefined ? { streamSourceId: p.streamSourceId } : {}),
  }),
  read: (p, ctx) => {
    const schema = ctx.env.resolveSource(p.source, p.streaming);
    return { kind: "scan", source: p.source, streaming: p.streaming, dataSchema: schema, output: attrsOf(schema) };
  },
  range: (p) => ({ kind: "range", start: p.start, end: p.end, step: p.step, output: [newAttribute("id", { kind: "bigint" }, false)] }),
  namedRelation: (p, ctx) => {
    const found = ctx.env.lookupRelation(p.nameParts);
    if (!found) {
      throw analysisError(
        "TABLE_OR_VIEW_NOT_FOUND",
        `The table or view ${quoteParts(p.nameParts)} cannot be found. Verify the spelling, or create it first with createOrReplaceTempView() or a streaming query's queryName().`,
        { table: p.nameParts.join(".") },
      );
    }
    const resolved = isLogical(found) ? ctx.analyze(found) : found;
    return withOutput(resolved, requalify(resolved.output, p.nameParts[p.nameParts.length - 1]!));
  },
  resolvedLeaf: (p) => p.plan,
  project: (p, ctx) => resolveProject(ctx, ctx.analyze(p.input), p.exprs),
  filter: (p, ctx) => {
    const input = ctx.analyze(p.input);
    const r = new ExprResolver(ctx.env, input.output, "where");
    const condition = r.resolve(p.condition);
    if (condition.type.kind !== "boolean" && condition.type.kind !== "null") {
      throw analysisError(
        "DATATYPE_MISMATCH",
        `Cannot resolve filter: the condition "${r.name(p.condition)}" is of type "${sqlTypeName(condition.type)}", not BOOLEAN. Compare it with a value, e.g. col("x") > 0.`,
        { type: sqlTypeName(condition.type) },
      );
    }
    return { kind: "filter", input, condition, output: input.output };
  },
  withColumns: (p, ctx) => {
    const input = ctx.analyze(p.input);
    const cs = ctx.env.caseSensitive;
    p.names.forEach((n, i) => {
      if (p.names.findIndex((m) => namesEqual(m, n, cs)) !== i) {
        throw analysisError("COLUMN_ALREADY_EXISTS", `The column \`${n}\` already exists in the withColumns() arguments. Give each new column a distinct name.`, { column: n });
      }
    });
    const alias = (i: number): Expr => ({ kind: "alias", child: p.exprs[i]!, name: p.names[i]! });
    const items: ProjectItem[] = input.output.map((a, idx) => {
      const i = p.names.findIndex((n) => namesEqual(n, a.name, cs));
      return i >= 0 ? alias(i) : idx;
    });
    p.names.forEach((n, i) => {
      if (!input.output.some((a) => namesEqual(a.name, n, cs))) items.push(alias(i));
    });
    return resolveProject(ctx, input, items);
  },
  withColumnsRenamed: (p, ctx) => {
    const input = ctx.analyze(p.input);
    const cs = ctx.env.caseSensitive;
    const r = new ExprResolver(ctx.env, input.output);
    let changed = false;
    const output = input.output.map((a) => {
      const rename = p.renames.find(([from]) => namesEqual(from, a.name, cs));
      if (!rename) return a;
      changed = true;
      return newAttribute(rename[1], a.type, a.nullable, a.watermarkDelayMs !== undefined ? { watermarkDelayMs: a.watermarkDelayMs } : {});
    });
    if (!changed) return input;
    return { kind: "project", input, exprs: input.output.map((_, i) => r.ref(i)), output };
  },
  drop: (p, ctx) => {
    const input = ctx.analyze(p.input);
    const cs = ctx.env.caseSensitive;
    const dropped = new Set<number>();
    for (const c of p.columns) {
      if (typeof c === "string") {
        input.output.forEach((a, i) => namesEqual(a.name, c, cs) && dropped.add(i));
      } else if (c.kind === "column") {
        const m = resolveColumn(input.output, c.nameParts, cs, c.exprId);
        if (m.nestedFields.length === 0) {
          const id = input.output[m.index]!.exprId;
          input.output.forEach((a, i) => a.exprId === id && dropped.add(i));
        }
      } else {
        new ExprResolver(ctx.env, input.output).resolve(c); // must resolve; non-column expressions drop nothing
      }
    }
    if (dropped.size === 0) return input;
    const keep = input.output.flatMap((_, i) => (dropped.has(i) ? [] : [i]));
    return buildProject(input, keep, new ExprResolver(ctx.env, input.output));
  },
  aggregate: (p, ctx) => resolveAggregate(ctx, ctx.analyze(p.input), p.groupBy, p.aggs, p.grouping ?? "groupBy"),
  join: (p, ctx) => resolveJoin(ctx, p),
  sort: (p, ctx) => resolveSort(ctx, ctx.analyze(p.input), p.order),
  limit: (p, ctx) => {
    const input = ctx.analyze(p.input);
    return { kind: "limit", input, limit: p.limit, offset: p.offset ?? 0, output: input.output };
  },
  union: (p, ctx) => (p.setOp !== undefined ? resolveSetOp(ctx, { ...p, setOp: p.setOp }) : resolveUnion(ctx, p)),
  distinct: (p, ctx) => {
    const input = ctx.analyze(p.input);
    checkSetOperationColumns(input.output);
    return { kind: "dropDuplicates", input, keys: input.output.map((_, i) => i), withinWatermark: false, output: input.output };
  },
  dropDuplicates: (p, ctx) => {
    const input = ctx.analyze(p.input);
    const keys = p.columns
      ? p.columns.map((name) => {
          const m = findColumn(input.output, [name], ctx.env.caseSensitive);
          if (!m) {
            throw analysisError(
              "UNRESOLVED_COLUMN_AMONG_FIELD_NAMES",
              `Cannot resolve column name "${name}" among (${input.output.map((a) => a.name).join(", ")}).`,
              { column: name },
            );
          }
          return m.index;
        })
      : input.output.map((_, i) => i);
    checkSetOperationColumns(keys.map((k) => input.output[k]!));
    return { kind: "dropDuplicates", input, keys: [...new Set(keys)], withinWatermark: p.withinWatermark, output: input.output };
  },
  subqueryAlias: (p, ctx) => {
    const input = ctx.analyze(p.input);
    if (p.columnNames === undefined) return withOutput(input, requalify(input.output, p.alias));
    if (p.columnNames.length !== input.output.length) {
      throw analysisError(
        "ASSIGNMENT_ARITY_MISMATCH",
        `The number of columns or variables assigned or aliased: ${p.columnNames.length} does not match the number of source expressions: ${input.output.length}. Give ${quoteParts([p.alias])} one column alias per column.`,
        { table: p.alias },
      );
    }
    const r = new ExprResolver(ctx.env, input.output);
    const output = input.output.map((a, i) => newAttribute(p.columnNames![i]!, a.type, a.nullable, { qualifiers: [p.alias] }));
    return { kind: "project", input, exprs: input.output.map((_, i) => r.ref(i)), output };
  },
  sample: (p, ctx) => {
    const input = ctx.analyze(p.input);
    // Spark's Sample requirements (IllegalArgumentException "requirement failed: ...").
    if (p.withReplacement ? !(p.fraction >= 0) : !(p.fraction >= 0 && p.fraction <= 1)) {
      const shown = Number.isInteger(p.fraction) ? p.fraction.toFixed(1) : String(p.fraction); // a Java double: -1.0
      throw analysisError(
        "INVALID_SAMPLING_FRACTION",
        p.withReplacement
          ? `Sampling fraction (${shown}) must be nonnegative with replacement`
          : `Sampling fraction (${shown}) must be on interval [0, 1] without replacement`,
        { fraction: p.fraction },
      );
    }
    return { kind: "sample", input, fraction: p.fraction, withReplacement: p.withReplacement, seed: p.seed, output: input.output };
  },
  cache: (p, ctx) => {
    const input = ctx.analyze(p.input);
    return { kind: "cached", input, slot: p.slot, output: input.output };
  },
  collectMetrics: (p, ctx) => resolveCollectMetrics(ctx, ctx.analyze(p.input), p.name, p.metrics, p.observation),
  withWatermark: (p, ctx) => {
    const input = ctx.analyze(p.input);
    const m = resolveColumn(input.output, parseColumnName(p.eventTime), ctx.env.caseSensitive);
    const attr = input.output[m.index]!;
    const t = attr.type;
    const isWindow = t.kind === "struct" && t.fields.some((f) => f.name === "end" && f.type.kind === "timestamp");
    if (m.nestedFields.length > 0 || (t.kind !== "timestamp" && !isWindow)) {
      throw analysisError(
        "EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE",
        `The event time ${quoteParts([p.eventTime])} has the invalid type "${sqlTypeName(t)}", but expected "TIMESTAMP". Cast it first, e.g. withColumn("${p.eventTime}", col("${p.eventTime}").cast("timestamp")).`,
        { column: p.eventTime },
      );
    }
    const delayMs = delayIntervalMs(p.delay);
    if (delayMs < 0) {
      throw analysisError("INVALID_WATERMARK_DELAY", `The watermark delay threshold (${p.delay}) should not be negative.`, { delay: p.delay });
    }
    const output = input.output.map((a, i) => {
      if (i === m.index) return { ...a, watermarkDelayMs: delayMs };
      if (a.watermarkDelayMs === undefined) return a;
      const { watermarkDelayMs: _dropped, ...rest } = a;
      return rest;
    });
    return { kind: "watermark", input, eventTimeIndex: m.index, delayMs, output };
  },
};

function isLogical(p: LogicalPlan | ResolvedPlan): p is LogicalPlan {
  return typeof (p as { id?: unknown }).id === "number" && !("output" in p);
}

interface CacheEntry {
  readonly env: EnvKey;
  readonly plan: ResolvedPlan;
}
interface EnvKey {
  readonly functions: unknown;
  readonly caseSensitive: boolean;
  readonly ansi: boolean;
  readonly decimalAllowPrecisionLoss: boolean | undefined;
  readonly timeZone: string;
}
const cache = new WeakMap<LogicalPlan, CacheEntry>();
const sameEnv = (a: EnvKey, b: AnalyzerEnv): boolean =>
  a.functions === b.functions && a.caseSensitive === b.caseSensitive && a.ansi === b.eval.ansi && a.decimalAllowPrecisionLoss === b.eval.decimalAllowPrecisionLoss && a.timeZone === b.eval.timeZone;

/**
 * Resolve a logical plan. Throws analysis SluiceErrors (UNRESOLVED_COLUMN, AMBIGUOUS_REFERENCE,
 * UNRESOLVED_ROUTINE, DATATYPE_MISMATCH, MISSING_AGGREGATION, ...) naming the problem and the fix.
 * Memoised per node object while the catalog of functions and the session settings stay the same.
 */
export function analyze(plan: LogicalPlan, env: AnalyzerEnv): ResolvedPlan {
  const hit = cache.get(plan);
  if (hit && sameEnv(hit.env, env)) return hit.plan;
  const ctx: AnalyzeContext = { env, analyze: (p) => analyze(p, env) };
  const handler = handlers[plan.kind] as Handler<LogicalPlan["kind"]>;
  const resolved = handler(plan as never, ctx);
  cache.set(plan, {
    env: { functions: env.functions, caseSensitive: env.caseSensitive, ansi: env.eval.ansi, decimalAllowPrecisionLoss: env.eval.decimalAllowPrecisionLoss, timeZone: env.eval.timeZone },
    plan: resolved,
  });
  return resolved;
}
