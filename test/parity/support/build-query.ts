/**
 * Builds a case's query from its "steps" with Sluice's DataFrame API, mirroring apply_step in
 * scripts/oracle/gen_parity.py call for call. Expression strings go through `F.expr`; sort specs
 * are "<expr> [ASC|DESC] [NULLS FIRST|LAST]" (Spark's defaults: ASC NULLS FIRST, DESC NULLS LAST).
 */
import type { Column } from "../../../src/expr/column.js";
import type { DataFrame } from "../../../src/dataframe/dataframe.js";
import type { GroupedData } from "../../../src/dataframe/grouped-data.js";
import type { ParityCase, Step } from "./cases.js";
import type { Json } from "./typed-json.js";

/** The engine entry points the builder needs (injected so this module loads without the engine). */
export interface QueryApi {
  expr(text: string): Column;
}

const SORT_SPEC = /^([\s\S]*?)(?:\s+(ASC|DESC))?(?:\s+NULLS\s+(FIRST|LAST))?\s*$/i;

/** "x DESC NULLS LAST" → F.expr("x").desc_nulls_last(). */
export function sortColumn(api: QueryApi, spec: string): Column {
  const m = SORT_SPEC.exec(spec)!;
  const column = api.expr(m[1]!);
  const desc = (m[2] ?? "ASC").toUpperCase() === "DESC";
  const nullsFirst = (m[3] ?? (desc ? "LAST" : "FIRST")).toUpperCase() === "FIRST";
  if (desc) return nullsFirst ? column.desc_nulls_first() : column.desc_nulls_last();
  return nullsFirst ? column.asc_nulls_first() : column.asc_nulls_last();
}

function str(step: Step, i: number): string {
  const v = step.args?.[i];
  if (typeof v !== "string") throw new Error(`step ${step.op}: argument ${i} must be a string, got ${JSON.stringify(v)}`);
  return v;
}
const strs = (step: Step): string[] => (step.args ?? []).map((_, i) => str(step, i));
function num(step: Step, i: number): number {
  const v = step.args?.[i];
  if (typeof v !== "number") throw new Error(`step ${step.op}: argument ${i} must be a number, got ${JSON.stringify(v)}`);
  return v;
}
/** A subset argument: absent or null, a column name or a list of names. */
function subset(step: Step, i: number): string | string[] | null {
  const v = step.args?.[i];
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((x): x is string => typeof x === "string")) return v;
  throw new Error(`step ${step.op}: argument ${i} must be a column name or a list of names, got ${JSON.stringify(v)}`);
}

function frame(frames: ReadonlyMap<string, DataFrame>, name: Json | undefined): DataFrame {
  const df = typeof name === "string" ? frames.get(name) : undefined;
  if (!df) throw new Error(`step refers to unknown table ${JSON.stringify(name)}; list it in "tables" or "files"`);
  return df;
}

interface State {
  readonly df: DataFrame;
  readonly grouped: GroupedData | null;
}

function applyStep(api: QueryApi, s: State, step: Step, frames: ReadonlyMap<string, DataFrame>): State {
  const { df, grouped } = s;
  if (grouped && step.op !== "agg") throw new Error("groupBy must be followed by agg");
  const done = (next: DataFrame): State => ({ df: next, grouped: null });
  switch (step.op) {
    case "select":
      return done(df.select(...strs(step)));
    case "selectExpr":
      return done(df.selectExpr(...strs(step)));
    case "filter":
    case "where":
      return done(df.filter(str(step, 0)));
    case "withColumn":
      return done(df.withColumn(str(step, 0), api.expr(str(step, 1))));
    case "withColumnRenamed":
      return done(df.withColumnRenamed(str(step, 0), str(step, 1)));
    case "drop":
      return done(df.drop(...strs(step)));
    case "groupBy":
      return { df, grouped: df.groupBy(...strs(step).map((e) => api.expr(e))) };
    case "agg": {
      const aggs = strs(step).map((e) => api.expr(e));
      return done(grouped ? grouped.agg(...aggs) : df.agg(...aggs));
    }
    case "alias":
      return done(df.alias(str(step, 0)));
    case "join": {
      let other = frame(frames, step.args?.[0]);
      if (step.otherAlias) other = other.alias(step.otherAlias);
      const on = step.args?.[1] ?? null;
      const how = step.args && step.args.length > 2 ? str(step, 2) : "inner";
      if (on === null) return done(df.join(other, undefined, how));
      if (typeof on === "string") return done(df.join(other, api.expr(on), how));
      if (Array.isArray(on) && on.every((x): x is string => typeof x === "string")) return done(df.join(other, on, how));
      throw new Error(`step join: "on" must be null, an expression string or a list of names, got ${JSON.stringify(on)}`);
    }
    case "crossJoin":
      return done(df.crossJoin(frame(frames, step.args?.[0])));
    case "union":
      return done(df.union(frame(frames, step.args?.[0])));
    case "unionByName":
      return done(df.unionByName(frame(frames, step.args?.[0]), step.args?.[1] === true));
    case "distinct":
      return done(df.distinct());
    case "dropDuplicates":
      return done(step.args && step.args.length > 0 ? df.dropDuplicates(strs(step)) : df.dropDuplicates());
    case "orderBy":
    case "sort":
      return done(df.orderBy(...strs(step).map((spec) => sortColumn(api, spec))));
    case "limit": {
      const n = step.args?.[0];
      if (typeof n !== "number") throw new Error(`step limit: argument must be a number, got ${JSON.stringify(n)}`);
      return done(df.limit(n));
    }
    case "intersect":
    case "intersectAll":
    case "subtract":
    case "exceptAll":
      return done(df[step.op](frame(frames, step.args?.[0])));
    case "coalesce":
      return done(df.coalesce(num(step, 0)));
    case "repartition":
    case "repartitionByRange": {
      const [first, ...rest] = step.args ?? [];
      const cols = rest.map((_, i) => str(step, i + 1));
      return done(typeof first === "number" ? df[step.op](first, ...cols) : df[step.op](str(step, 0), ...cols));
    }
    case "sample": {
      const a = step.args ?? [];
      return done(typeof a[0] === "boolean" ? df.sample(a[0], num(step, 1), a[2] === undefined ? undefined : num(step, 2)) : df.sample(num(step, 0), a[1] === undefined ? undefined : num(step, 1)));
    }
    case "fillna":
      return done(df.fillna(step.args?.[0] as never, subset(step, 1)));
    case "dropna": {
      const [how, thresh] = step.args ?? [];
      return done(df.dropna((how ?? "any") as "any", (thresh ?? null) as number | null, subset(step, 2)));
    }
    case "replace":
      return done(step.args && step.args.length > 1 ? df.replace(step.args[0] as never, step.args[1] as never, subset(step, 2)) : df.replace(step.args?.[0] as never));
    case "cache":
      return done(df.cache());
    default:
      throw new Error(`unknown step op "${step.op}"`);
  }
}

/** The case's DataFrame from its steps, starting at its "input" table. */
export function buildFromSteps(api: QueryApi, c: ParityCase, frames: ReadonlyMap<string, DataFrame>): DataFrame {
  let state: State = { df: frame(frames, c.input), grouped: null };
  for (const step of c.steps ?? []) state = applyStep(api, state, step, frames);
  if (state.grouped) throw new Error("groupBy must be followed by agg");
  return state.df;
}
