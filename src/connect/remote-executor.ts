/**
 * The QueryExecutor behind a remote session: DataFrames' plans go to a Spark Connect server.
 *   - analyze: translate the plan (plan-to-connect.ts) and ask the server for its schema
 *     (AnalyzePlan, synchronously, so errors still surface at the call that made the DataFrame);
 *     the result is a leaf whose output is the server's schema. Each output column's exprId is
 *     remembered with the plan's id, so `df.col(name)` becomes UnresolvedAttribute.plan_id.
 *   - collect: ExecutePlan (reattachable, connect-client.ts); Arrow batches decoded into
 *     ColumnBatches of the server's schema, so rows have the embedded engine's shapes.
 *   - explain: AnalyzePlan.explain; write: WriteOperation; temp views: CreateDataFrameViewCommand.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import type { ExplainMode, QueryExecutor, WriteSpec } from "../dataframe/executor.js";
import type { LogicalPlan } from "../plan/logical-plan.js";
import type { Attribute, ResolvedPlan } from "../plan/resolved-plan.js";
import type { StructType } from "../types/struct-type.js";
import type { ConnectClient } from "./connect-client.js";
import type { Msg } from "./connect-proto.js";
import { connectStructType, decodeArrowBatch } from "./connect-types.js";
import { type TranslateEnv, toConnectRelation } from "./plan-to-connect.js";

let nextExprId = 1 << 30; // far from the embedded analyzer's ids, which this executor never sees

const EXPLAIN_MODES: Readonly<Record<ExplainMode, string>> = { simple: "EXPLAIN_MODE_SIMPLE", extended: "EXPLAIN_MODE_EXTENDED", formatted: "EXPLAIN_MODE_FORMATTED" };
const SAVE_MODES: Readonly<Record<WriteSpec["mode"], string>> = {
  append: "SAVE_MODE_APPEND",
  overwrite: "SAVE_MODE_OVERWRITE",
  errorifexists: "SAVE_MODE_ERROR_IF_EXISTS",
  ignore: "SAVE_MODE_IGNORE",
};

export class RemoteExecutor implements QueryExecutor {
  /** exprId of an output column → id of the plan node it was taken from. */
  readonly #planIds = new Map<number, number>();
  /** Relations of leaves the remote session made itself (spark.sql results), by their resolved plan. */
  readonly #relations = new WeakMap<ResolvedPlan, Msg>();
  readonly #env: TranslateEnv;

  constructor(readonly client: ConnectClient) {
    this.#env = {
      planIdOf: (exprId) => this.#planIds.get(exprId),
      relationOf: (leaf) => {
        const rel = this.#relations.get(leaf.plan);
        return rel && { ...rel, common: { plan_id: leaf.id } };
      },
      columnNames: (rel) => this.schemaOf(rel).fieldNames,
    };
  }

  /** The Connect relation of a plan. */
  relation(plan: LogicalPlan): Msg {
    return toConnectRelation(plan, this.#env);
  }

  /** The server's schema for a relation (AnalyzePlan.schema). */
  schemaOf(relation: Msg): StructType {
    const res = this.client.analyzeSync({ schema: { plan: { root: relation } } });
    return connectStructType((res.schema as Msg).schema as Msg);
  }

  /** A leaf standing for `relation`, with the server's schema as its output; `planId` owns its columns. */
  leafFor(relation: Msg, streaming: boolean, planId?: number): ResolvedPlan {
    const schema = this.schemaOf(relation);
    const output: Attribute[] = schema.fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable, exprId: nextExprId++, qualifiers: [] }));
    if (planId !== undefined) for (const a of output) this.#planIds.set(a.exprId, planId);
    const leaf: ResolvedPlan = { kind: "localRelation", batches: [], output, ...(streaming ? { streamSourceId: "connect" } : {}) };
    this.#relations.set(leaf, relation);
    return leaf;
  }

  analyze(plan: LogicalPlan): ResolvedPlan {
    if (plan.kind === "resolvedLeaf" && this.#relations.has(plan.plan)) {
      for (const a of plan.plan.output) this.#planIds.set(a.exprId, plan.id);
      return plan.plan;
    }
    return this.leafFor(this.relation(plan), isStreamingLogical(plan, (p) => this.#relations.get(p) !== undefined && p.streamSourceId !== undefined), plan.id);
  }

  async collect(plan: LogicalPlan): Promise<ColumnBatch[]> {
    return this.collectRelation(this.relation(plan));
  }

  /** Run a relation and decode its Arrow batches with the schema the server reports first. */
  async collectRelation(relation: Msg, signal?: AbortSignal): Promise<ColumnBatch[]> {
    let schema: StructType | undefined;
    const out: ColumnBatch[] = [];
    for await (const res of this.client.execute({ root: relation }, signal)) {
      if (res.schema && !schema) schema = connectStructType(res.schema as Msg);
      if (res.response_type === "arrow_batch") {
        schema ??= this.schemaOf(relation);
        const batch = res.arrow_batch as Msg;
        out.push(...decodeArrowBatch(batch.data as Uint8Array, schema));
      }
    }
    return out;
  }

  explain(plan: LogicalPlan, mode: ExplainMode): string {
    const res = this.client.analyzeSync({ explain: { plan: { root: this.relation(plan) }, explain_mode: EXPLAIN_MODES[mode] } });
    return (res.explain as Msg).explain_string as string;
  }

  async write(plan: LogicalPlan, spec: WriteSpec): Promise<void> {
    const op = {
      input: this.relation(plan),
      source: spec.format,
      path: spec.path,
      mode: SAVE_MODES[spec.mode],
      partitioning_columns: [...spec.partitionBy],
      options: { ...spec.options },
    };
    for await (const _ of this.client.execute({ command: { write_operation: op } })) {
      // drain: the command's result is its completion
    }
  }

  registerTempView(name: string, plan: LogicalPlan, replace: boolean): void {
    this.client.executeSync({ command: { create_dataframe_view: { input: this.relation(plan), name, is_global: false, replace } } });
  }
}

/** Whether a plan reads a stream (Read.is_streaming somewhere below), found without asking the server. */
function isStreamingLogical(plan: LogicalPlan, remoteStreamingLeaf: (p: ResolvedPlan & { kind: "localRelation" }) => boolean): boolean {
  switch (plan.kind) {
    case "read":
      return plan.streaming;
    case "localRelation":
    case "range":
    case "namedRelation":
      return false;
    case "resolvedLeaf":
      return plan.plan.kind === "localRelation" && remoteStreamingLeaf(plan.plan);
    case "join":
      return isStreamingLogical(plan.left, remoteStreamingLeaf) || isStreamingLogical(plan.right, remoteStreamingLeaf);
    case "union":
      return plan.inputs.some((p) => isStreamingLogical(p, remoteStreamingLeaf));
    default:
      return isStreamingLogical(plan.input, remoteStreamingLeaf);
  }
}
