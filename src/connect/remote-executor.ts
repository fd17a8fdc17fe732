/**
 * The QueryExecutor behind a remote session: DataFrames' plans go to a Spark Connect server.
 *   - analyze: translate the plan (plan-to-connect.ts); the result is a leaf whose output is the
 *     server's schema, asked for (AnalyzePlan, synchronously) the first time something reads it —
 *     `df.schema`, `df.columns`, `df.col(name)` — as PySpark's Connect client does: building a
 *     DataFrame costs no round trip, and a server-side analysis error surfaces at that first use
 *     or at the action. Each output column's exprId is remembered with the id of every plan that
 *     owns it, so `df.col(name)` becomes UnresolvedAttribute.plan_id.
 *   - collect: ExecutePlan (reattachable, connect-client.ts); Arrow batches decoded into
 *     ColumnBatches of the server's schema, so rows have the embedded engine's shapes.
 *   - explain: AnalyzePlan.explain; write: WriteOperation; temp views: CreateDataFrameViewCommand.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import { toRowValue } from "../columnar/values.js";
import type { ExplainMode, QueryExecutor, WriteSpec } from "../dataframe/executor.js";
import type { LogicalPlan, ObservationSink } from "../plan/logical-plan.js";
import type { Attribute, ResolvedPlan } from "../plan/resolved-plan.js";
import type { StructType } from "../types/struct-type.js";
import type { ConnectClient } from "./connect-client.js";
import type { Msg } from "./connect-proto.js";
import { connectStructType, decodeArrowBatch, fromConnectLiteral } from "./connect-types.js";
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
  /** Ids of the plans that own a leaf's columns (its own plan, and each DataFrame made directly over it). */
  readonly #owners = new WeakMap<RemoteLeaf, number[]>();
  /** The leaf each analyzed plan got, so a collect can fill in its schema from the result. */
  readonly #leaves = new WeakMap<LogicalPlan, RemoteLeaf>();
  /** Observations of the plans translated so far, by their CollectMetrics name (PySpark keys them so too). */
  readonly #observations = new Map<string, ObservationSink>();
  readonly #env: TranslateEnv;

  constructor(readonly client: ConnectClient) {
    this.#env = {
      planIdOf: (exprId) => this.#planIds.get(exprId),
      relationOf: (leaf) => {
        const rel = this.#relations.get(leaf.plan);
        return rel && { ...rel, common: { plan_id: leaf.id } };
      },
      columnNames: (rel) => this.schemaOf(rel).fieldNames,
      observe: (name, sink) => this.#observations.set(name, sink),
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

  /** A leaf standing for `relation` whose output is the server's schema, fetched on first read; `planId` owns its columns. */
  leafFor(relation: Msg, streaming: boolean, planId?: number): RemoteLeaf {
    const leaf = new RemoteLeaf(() => this.schemaOf(relation), (a) => this.#owners.get(leaf)?.forEach((id) => this.#planIds.set(a.exprId, id)), streaming);
    this.#relations.set(leaf, relation);
    if (planId !== undefined) this.#own(leaf, planId);
    return leaf;
  }

  /** Plan `planId` owns the columns of `leaf`: now if they are known, else when they are fetched. */
  #own(leaf: RemoteLeaf, planId: number): void {
    const owners = this.#owners.get(leaf) ?? [];
    this.#owners.set(leaf, [...owners, planId]);
    leaf.ifKnown((a) => this.#planIds.set(a.exprId, planId));
  }

  analyze(plan: LogicalPlan): ResolvedPlan {
    if (plan.kind === "resolvedLeaf" && plan.plan instanceof RemoteLeaf) {
      this.#own(plan.plan, plan.id);
      this.#leaves.set(plan, plan.plan);
      return plan.plan;
    }
    const leaf = this.leafFor(this.relation(plan), isStreamingLogical(plan, (p) => this.#relations.get(p) !== undefined && p.streamSourceId !== undefined), plan.id);
    const inherited = this.#inputSchema(plan);
    if (inherited) leaf.know(inherited);
    this.#leaves.set(plan, leaf);
    return leaf;
  }

  /**
   * The schema of a plan that keeps its input's, when the input's is known already: no AnalyzePlan
   * round trip for it then. PySpark 4.0's Connect DataFrame passes its cached schema on in the same
   * cases (filter, sort, limit, sample, distinct, dropDuplicates, alias, observe; a set operation
   * whose inputs' schemas are all equal).
   */
  #inputSchema(plan: LogicalPlan): StructType | undefined {
    switch (plan.kind) {
      case "filter":
      case "sort":
      case "limit":
      case "sample":
      case "distinct":
      case "dropDuplicates":
      case "collectMetrics":
      case "cache":
        return this.#leaves.get(plan.input)?.knownSchema;
      case "subqueryAlias":
        return plan.columnNames ? undefined : this.#leaves.get(plan.input)?.knownSchema;
      case "union": {
        const schemas = plan.inputs.map((p) => this.#leaves.get(p)?.knownSchema);
        const [first] = schemas;
        return first && schemas.every((s) => s !== undefined && sameSchema(s, first)) ? first : undefined;
      }
      default:
        return undefined;
    }
  }

  async collect(plan: LogicalPlan): Promise<ColumnBatch[]> {
    return this.collectRelation(this.relation(plan), undefined, (schema) => this.#leaves.get(plan)?.know(schema));
  }

  /** Run a relation and decode its Arrow batches with the schema the server reports first (also handed to `onSchema`). */
  async collectRelation(relation: Msg, signal?: AbortSignal, onSchema?: (schema: StructType) => void): Promise<ColumnBatch[]> {
    let schema: StructType | undefined;
    const out: ColumnBatch[] = [];
    for await (const res of this.client.execute({ root: relation }, signal)) {
      if (res.schema && !schema) {
        schema = connectStructType(res.schema as Msg);
        onSchema?.(schema);
      }
      if (res.response_type === "arrow_batch") {
        schema ??= this.schemaOf(relation);
        const batch = res.arrow_batch as Msg;
        out.push(...decodeArrowBatch(batch.data as Uint8Array, schema));
      }
      for (const m of (res.observed_metrics as Msg[] | undefined) ?? []) this.#observed(m);
    }
    return out;
  }

  /** The server's metrics row of an observed plan, handed to its Observation (which keeps the first). */
  #observed(m: Msg): void {
    const sink = this.#observations.get(m.name as string);
    if (!sink) return;
    const keys = (m.keys as string[] | undefined) ?? [];
    const values = (m.values as Msg[] | undefined) ?? [];
    const row: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      const { type, value } = fromConnectLiteral(values[i]!);
      row[k] = toRowValue(type, value);
    });
    sink.onObserved(row);
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
    // the command's result is its completion, and the observed metrics of what it wrote
    for await (const res of this.client.execute({ command: { write_operation: op } })) {
      for (const m of (res.observed_metrics as Msg[] | undefined) ?? []) this.#observed(m);
    }
  }

  registerTempView(name: string, plan: LogicalPlan, replace: boolean): void {
    this.client.executeSync({ command: { create_dataframe_view: { input: this.relation(plan), name, is_global: false, replace } } });
  }
}

/** The analyzed form of a remote plan: a leaf whose output is asked of the server the first time it is read. */
class RemoteLeaf {
  readonly kind = "localRelation";
  readonly batches: ColumnBatch[] = [];
  readonly streamSourceId: string | undefined;
  #output: Attribute[] | undefined;
  #schema: StructType | undefined;

  constructor(
    private readonly fetchSchema: () => StructType,
    private readonly onKnown: (a: Attribute) => void,
    streaming: boolean,
  ) {
    this.streamSourceId = streaming ? "connect" : undefined;
  }

  get output(): Attribute[] {
    if (this.#output === undefined) this.know(this.fetchSchema());
    return this.#output!;
  }

  /** Take the schema from elsewhere (an ExecutePlan response carries it), unless already known. */
  know(schema: StructType): void {
    if (this.#output !== undefined) return;
    this.#schema = schema;
    const output = schema.fields.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable, exprId: nextExprId++, qualifiers: [] }));
    this.#output = output;
    output.forEach(this.onKnown);
  }

  /** The server's schema, if fetched (or taken from a result) already. */
  get knownSchema(): StructType | undefined {
    return this.#schema;
  }

  /** Calls `f` for each output column if the schema was fetched already. */
  ifKnown(f: (a: Attribute) => void): void {
    this.#output?.forEach(f);
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

/** Same names, types and nullability, in order (as PySpark compares cached schemas before passing one on). */
function sameSchema(a: StructType, b: StructType): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i]!.name && f.nullable === b.fields[i]!.nullable && JSON.stringify(f.type) === JSON.stringify(b.fields[i]!.type));
}
