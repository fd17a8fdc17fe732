/**
 * Sluice logical plans (plan/logical-plan.ts) as Spark Connect Relation messages
 * (relations.proto). Every relation carries RelationCommon.plan_id = the Sluice node id, so a
 * column taken with `df.col(name)` (UnresolvedAttribute.plan_id) resolves against that
 * DataFrame on the server, as in PySpark.
 *
 * Aggregate: Spark Connect's Aggregate outputs the grouping expressions followed by the aggregate
 * expressions, while a Sluice Aggregate lists its whole output (SQL's SELECT list). When that list
 * starts with the grouping expressions (groupBy().agg(), most SQL) they are dropped from it;
 * otherwise the aggregate is wrapped so only the SELECT list remains, named as Spark named it.
 */
import { tableToIPC } from "apache-arrow";
import { batchesToArrow } from "../columnar/arrow.js";
import { unsupported } from "../common/errors.js";
import type { Expr } from "../expr/expr.js";
import type { JoinType, LogicalPlan, ObservationSink } from "../plan/logical-plan.js";
import { type DataType, sqlTypeName } from "../types/data-type.js";
import type { Msg } from "./connect-proto.js";
import { type PlanIdOf, identifier, toConnectExpr, toConnectSortOrder } from "./expr-to-connect.js";

export interface TranslateEnv {
  readonly planIdOf: PlanIdOf;
  /** The relation recorded for a remote-analyzed plan (a `resolvedLeaf` made by the remote session, e.g. spark.sql text). */
  readonly relationOf: (leaf: LogicalPlan & { kind: "resolvedLeaf" }) => Msg | undefined;
  /** Output column names the server gives a relation (one AnalyzePlan round trip). */
  readonly columnNames: (relation: Msg) => string[];
  /** A batch DataFrame's Observation, by the name its CollectMetrics goes under: the server's observed metrics of that name are its row. */
  readonly observe: (name: string, sink: ObservationSink) => void;
}

const JOIN_TYPES: Readonly<Record<JoinType, string>> = {
  inner: "JOIN_TYPE_INNER",
  left: "JOIN_TYPE_LEFT_OUTER",
  right: "JOIN_TYPE_RIGHT_OUTER",
  full: "JOIN_TYPE_FULL_OUTER",
  left_semi: "JOIN_TYPE_LEFT_SEMI",
  left_anti: "JOIN_TYPE_LEFT_ANTI",
  cross: "JOIN_TYPE_CROSS",
};

/** Formats whose data lives in this process and cannot be read by a server. */
const LOCAL_ONLY_FORMATS = new Set(["memory", "microBatch"]);

const refuse = (what: string, instead: string): Error =>
  unsupported("CONNECT_UNSUPPORTED_PLAN", `${what} cannot run on a Spark Connect server: ${instead}`, { operation: what });

export function toConnectRelation(p: LogicalPlan, env: TranslateEnv): Msg {
  const go = (q: LogicalPlan): Msg => toConnectRelation(q, env);
  const ex = (e: Expr): Msg => toConnectExpr(e, env.planIdOf);
  const common = { plan_id: p.id };
  switch (p.kind) {
    case "localRelation": {
      if (p.streamSourceId !== undefined) throw refuse("An in-memory stream (spark.memoryStream)", "read a file, Kafka or rate stream the server can reach");
      const data = tableToIPC(batchesToArrow(p.schema, p.batches), "stream");
      return { common, local_relation: { data, schema: ddl(p.schema.fields) } };
    }
    case "read": {
      if (LOCAL_ONLY_FORMATS.has(p.source.format)) throw refuse(`Reading format '${p.source.format}'`, "it holds rows of this process; create the DataFrame with createDataFrame or read a shared path");
      const s = p.source;
      return {
        common,
        read: {
          data_source: { format: s.format, options: { ...s.options }, paths: [...s.paths], ...(s.userSchema ? { schema: ddl(s.userSchema.fields) } : {}) },
          is_streaming: p.streaming,
        },
      };
    }
    case "range":
      return { common, range: { start: String(p.start), end: String(p.end), step: String(p.step) } };
    case "namedRelation":
      return { common, read: { named_table: { unparsed_identifier: identifier(p.nameParts) } } };
    case "project":
      return { common, project: { input: go(p.input), expressions: p.exprs.map(ex) } };
    case "filter":
      return { common, filter: { input: go(p.input), condition: ex(p.condition) } };
    case "withColumns":
      return { common, with_columns: { input: go(p.input), aliases: p.names.map((name, i) => ({ expr: ex(p.exprs[i]!), name: [name] })) } };
    case "withColumnsRenamed":
      return { common, with_columns_renamed: { input: go(p.input), renames: p.renames.map(([from, to]) => ({ col_name: from, new_col_name: to })) } };
    case "drop": {
      const names = p.columns.filter((c): c is string => typeof c === "string");
      const cols = p.columns.filter((c): c is Expr => typeof c !== "string").map(ex);
      return { common, drop: { input: go(p.input), columns: cols, column_names: names } };
    }
    case "aggregate":
      return aggregate(p, env, go, ex);
    case "join":
      return {
        common,
        join: {
          left: go(p.left),
          right: go(p.right),
          join_type: JOIN_TYPES[p.joinType],
          ...(p.condition ? { join_condition: ex(p.condition) } : {}),
          ...(p.using ? { using_columns: [...p.using] } : {}),
        },
      };
    case "sort":
      return { common, sort: { input: go(p.input), order: p.order.map((o) => toConnectSortOrder(o, env.planIdOf)), is_global: true } };
    case "limit": {
      const input = p.offset ? { offset: { input: go(p.input), offset: p.offset } } : go(p.input);
      return { common, limit: { input, limit: p.limit } };
    }
    case "union": {
      const setOpType = p.setOp === "intersect" ? "SET_OP_TYPE_INTERSECT" : p.setOp === "except" ? "SET_OP_TYPE_EXCEPT" : "SET_OP_TYPE_UNION";
      const [first, ...rest] = p.inputs.map(go);
      let rel = first!;
      for (const r of rest) {
        rel = { set_op: { left_input: rel, right_input: r, set_op_type: setOpType, is_all: p.distinct !== true, by_name: p.byName, allow_missing_columns: p.allowMissingColumns } };
      }
      return { ...rel, common };
    }
    case "distinct":
      return { common, deduplicate: { input: go(p.input), all_columns_as_keys: true } };
    case "dropDuplicates":
      return {
        common,
        deduplicate: { input: go(p.input), ...(p.columns ? { column_names: [...p.columns] } : { all_columns_as_keys: true }), within_watermark: p.withinWatermark },
      };
    case "subqueryAlias": {
      const input = p.columnNames ? { to_df: { input: go(p.input), column_names: [...p.columnNames] } } : go(p.input);
      return { common, subquery_alias: { input, alias: p.alias } };
    }
    case "withWatermark":
      if (p.lateRows) throw refuse("withWatermark's late-rows callback", "it is a JS function; drop the callback (Spark drops late rows)");
      return { common, with_watermark: { input: go(p.input), event_time: p.eventTime, delay_threshold: p.delay } };
    case "sample":
      return { common, sample: { input: go(p.input), lower_bound: 0, upper_bound: p.fraction, with_replacement: p.withReplacement, seed: String(p.seed) } };
    case "collectMetrics":
      if (p.observation) env.observe(p.name, p.observation);
      return { common, collect_metrics: { input: go(p.input), name: p.name, metrics: p.metrics.map(ex) } };
    case "cache":
      // Persistence stays with the server's own cache manager; the rows are the input's.
      return go(p.input);
    case "resolvedLeaf": {
      const rel = env.relationOf(p);
      if (!rel) throw refuse("A plan resolved by the embedded engine", "build the DataFrame from the remote session");
      return rel;
    }
  }
}

function aggregate(p: LogicalPlan & { kind: "aggregate" }, env: TranslateEnv, go: (q: LogicalPlan) => Msg, ex: (e: Expr) => Msg): Msg {
  const groupType = p.grouping === "rollup" ? "GROUP_TYPE_ROLLUP" : p.grouping === "cube" ? "GROUP_TYPE_CUBE" : "GROUP_TYPE_GROUPBY";
  const grouping = p.groupBy.map(ex);
  const outputs = p.aggs.map(ex);
  const leading = grouping.every((g, i) => i < outputs.length && JSON.stringify(g) === JSON.stringify(outputs[i]));
  const agg = (aggs: Msg[]): Msg => ({ aggregate: { input: go(p.input), group_type: groupType, grouping_expressions: grouping, aggregate_expressions: aggs } });
  if (leading) return { common: { plan_id: p.id }, ...agg(outputs.slice(grouping.length)) };
  // The SELECT list does not start with the grouping keys: keep only its columns, by position.
  const full = agg(outputs);
  const names = env.columnNames(full);
  const keep = names.slice(grouping.length);
  const placeholders = names.map((_, i) => `__sluice_col_${i}`);
  return {
    common: { plan_id: p.id },
    project: {
      input: { to_df: { input: full, column_names: placeholders } },
      expressions: keep.map((name, i) => ({ alias: { expr: { unresolved_attribute: { unparsed_identifier: placeholders[grouping.length + i] } }, name: [name] } })),
    },
  };
}

/** A schema as DDL text for the server (LocalRelation.schema, DataSource.schema). */
function ddl(fields: readonly { name: string; type: DataType; nullable: boolean }[]): string {
  return fields.map((f) => `${identifier([f.name])} ${sqlTypeName(f.type)}${f.nullable ? "" : " NOT NULL"}`).join(", ");
}
