/**
 * IncrementalExecution: the only place where a plan meets a batch (DESIGN.md §2). For batch N it
 * plans the resolved query with
 *   - each streaming scan replaced by its source's (start, end] data,
 *   - each withWatermark node observing the batch's max event time,
 *   - each stateful node (streaming aggregation, deduplication, limit) bound to its state store
 *     at version N with the batch's watermarks and output mode.
 * Operator ids follow plan order (upstream first), so they are stable across restarts of the
 * same query. Keyed state is split into `spark.sql.shuffle.partitions` partitions, one store each
 * (state/<operatorId>/<partitionId>/); that count and the provider are the checkpoint's, not the
 * session's, once the checkpoint has a batch (restorePinnedConf, as Spark's
 * OffsetSeqMetadata.setSessionConf).
 */
import { randomUUID } from "node:crypto";
import { type PartitionWorkers, partitionWorkers } from "../../parallel/partition-workers.js";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { OutputMode } from "../../connectors/api/sink.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import type { RDropDuplicates, RLimit, RScan, ResolvedPlan } from "../../plan/resolved-plan.js";
import { isStreamingPlan, resolvedChildren } from "../../plan/resolved-plan.js";
import { eventTimeGroupKey } from "../../plan/streaming-checks.js";
import type { StateOperatorProgress } from "../progress/progress.js";
import { LevelDbStateStoreProvider } from "../state/leveldb-state-store-provider.js";
import { MemoryStateStoreProvider } from "../state/memory-state-store-provider.js";
import { recordOperatorMetadata } from "../state/operator-metadata.js";
import { type KeyRouting, PartitionedStateStoreProvider } from "../state/partitioned-state-store.js";
import type { StateSchema, StateStoreConf } from "../state/state-store.js";
import { stringPartitionOf } from "../../physical/hash/hash-partitioning.js";
import { configError } from "../../common/errors.js";
import { joinPath } from "../../fs/path.js";
import { dataTypeToJson } from "../../types/json-schema.js";
import { type EventTimeStats, EventTimeWatermarkExec } from "../operators/event-time-watermark-exec.js";
import { SessionWindowAggregateExec } from "../operators/session-window-aggregate-exec.js";
import { StreamingAggregateExec } from "../operators/streaming-aggregate-exec.js";
import { TransformWithStateExec } from "../operators/transform-with-state-exec.js";
import { StreamingDeduplicateExec } from "../operators/streaming-deduplicate-exec.js";
import { StreamingLimitExec } from "../operators/streaming-limit-exec.js";
import { FlatMapGroupsWithStateExec } from "../operators/flat-map-groups-with-state-exec.js";
import { StreamingSymmetricHashJoinExec } from "../operators/streaming-symmetric-hash-join-exec.js";
import { joinStatePredicate } from "../../plan/stream-join-watermark.js";
import { inputWatermarks } from "./watermark-propagation.js";
import type { StatefulContext } from "../operators/stateful-context.js";

/**
 * Plans a resolved plan, letting the caller substitute nodes (see physical/planner.ts `override`);
 * expressions compile with `currentTimestampUs` as current_timestamp() (the batch timestamp).
 */
export type OverridablePlanner = (
  plan: ResolvedPlan,
  scan: (node: RScan) => ExecutionPlan,
  override: (node: ResolvedPlan, planChild: (child: ResolvedPlan) => ExecutionPlan) => ExecutionPlan | undefined,
  currentTimestampUs: number,
) => ExecutionPlan;

export interface BatchWatermarks {
  readonly lateEventsMs: number;
  readonly evictionMs: number;
}

export interface PlannedBatch {
  readonly exec: ExecutionPlan;
  /** Max event time (ms) each watermark node saw, in node order; read after execution. */
  maxEventTimesMs(): (number | undefined)[];
  /** The batch's event-time stats for progress: the first watermark node that saw rows (as Spark). */
  eventTimeStats(): EventTimeStats | undefined;
  /** State metrics reported by the stateful operators, downstream first (as Spark). */
  stateOperators(): StateOperatorProgress[];
}

export type StateProviderKind = "memory" | "leveldb";

export const SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";
export const STATE_PROVIDER = "spark.sql.streaming.stateStore.providerClass";
export const WATERMARK_POLICY = "spark.sql.streaming.multipleWatermarkPolicy";
export const STATE_KEY_FORMAT = "sluice.streaming.stateStore.keyFormat";
export const STATE_COMPRESSION_CODEC = "spark.sql.streaming.stateStore.compression.codec";

/**
 * The values a checkpoint written before a conf was pinned implies (Spark's
 * relevantSQLConfDefaultValues): Sluice ran every operator as one partition in memory then, and
 * Spark's watermark policy for old checkpoints is min.
 */
const PINNED_CONF_FOR_OLD_CHECKPOINTS: Readonly<Record<string, string>> = {
  [SHUFFLE_PARTITIONS]: "1",
  [STATE_PROVIDER]: "memory",
  [WATERMARK_POLICY]: "min",
  // state keys were JSON text and state files uncompressed before these were pinned
  [STATE_KEY_FORMAT]: "json",
  [STATE_COMPRESSION_CODEC]: "none",
};

/**
 * The confs a restarted query runs with (Spark's OffsetSeqMetadata.setSessionConf): for each
 * pinned key the value logged in the checkpoint's offsets/N wins over the session's (with a
 * warning when they differ); a key the log lacks takes the value older checkpoints imply.
 */
export function restorePinnedConf(
  logged: Readonly<Record<string, string>>,
  session: Readonly<Record<string, string>>,
  file: string,
  warn: (message: string) => void,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(session)) {
    const pinned = logged[k] ?? PINNED_CONF_FOR_OLD_CHECKPOINTS[k] ?? v;
    if (pinned !== v) warn(`${k} is ${pinned} in the checkpoint (${file}); the session's value ${v} is ignored for this query, as Spark does. Use a new checkpointLocation to change it.`);
    out[k] = pinned;
  }
  return out;
}

/** A pinned conf with a fixed set of values (a checkpoint of a newer Sluice may hold one this one lacks). */
function pinnedChoice<T extends string>(conf: Readonly<Record<string, string>>, key: string, values: readonly T[]): T | undefined {
  const v = conf[key];
  if (v === undefined || (values as readonly string[]).includes(v)) return v as T | undefined;
  throw configError("INVALID_CONF_VALUE", `${key} is '${v}' in the checkpoint; this Sluice knows ${values.join(" and ")}`, { key, value: v });
}

export class IncrementalExecution {
  readonly watermarkNodes: Extract<ResolvedPlan, { kind: "watermark" }>[] = [];
  readonly #statefulIds = new Map<ResolvedPlan, number>();
  /** Stateful nodes top-down (downstream first): the order Spark lists them in progress. */
  readonly #reportOrder: ResolvedPlan[] = [];
  readonly #providers = new Map<string, PartitionedStateStoreProvider>();
  #numPartitions = 1;
  readonly #workers: PartitionWorkers | undefined;
  /** Names this run's stores in the partition workers. */
  readonly #run = randomUUID();
  /** Per [flat]mapGroupsWithState operator: the earliest timeout its state holds after the last batch. */
  readonly #nextTimeoutMs = new Map<number, number>();
  /** What recordMetadata last wrote per operator. */
  readonly #recordedMetadata = new Map<number, string>();

  constructor(
    readonly plan: ResolvedPlan,
    readonly checkpointDir: string,
    private providerKind: StateProviderKind,
    private stateConf: StateStoreConf,
    readonly lateRows?: (operatorId: number, rows: ColumnBatch) => void,
    /** local[N]: with N > 1, partitions' state and work live in N worker threads. */
    options: { readonly workerThreads?: number } = {},
  ) {
    const threads = options.workerThreads ?? 1;
    this.#workers = threads > 1 ? partitionWorkers(threads) : undefined;
    // A limit keeps state in append mode only; in complete mode its id stays unused.
    const stateful = (p: ResolvedPlan): boolean =>
      p.kind === "aggregate" || p.kind === "dropDuplicates" || p.kind === "limit" || isStreamStreamJoin(p) || p.kind === "flatMapGroupsWithState" || p.kind === "transformWithState";
    const walk = (p: ResolvedPlan): void => {
      if (isStreamingPlan(p) && stateful(p)) this.#reportOrder.push(p);
      for (const c of resolvedChildren(p)) walk(c);
      if (!isStreamingPlan(p)) return;
      if (p.kind === "watermark") this.watermarkNodes.push(p);
      if (stateful(p)) this.#statefulIds.set(p, this.#statefulIds.size);
    };
    walk(plan);
  }

  /**
   * Take the query's pinned confs (the session's on a new checkpoint, restorePinnedConf's on a
   * restart) before the first batch is planned.
   */
  usePinnedConf(conf: Readonly<Record<string, string>>): void {
    const n = conf[SHUFFLE_PARTITIONS];
    if (n !== undefined) {
      if (!/^[1-9]\d*$/.test(n)) throw configError("INVALID_CONF_VALUE", `${SHUFFLE_PARTITIONS} must be a positive integer, got '${n}'`, { key: SHUFFLE_PARTITIONS, value: n });
      this.#numPartitions = Number(n);
    }
    const kind = conf[STATE_PROVIDER];
    if (kind === "memory" || kind === "leveldb") this.providerKind = kind;
    const keyFormat = pinnedChoice(conf, STATE_KEY_FORMAT, ["json", "binary"] as const);
    if (keyFormat !== undefined) this.stateConf = { ...this.stateConf, keyFormat };
    const codec = pinnedChoice(conf, STATE_COMPRESSION_CODEC, ["none", "gzip"] as const);
    if (codec !== undefined) this.stateConf = { ...this.stateConf, compressionCodec: codec };
  }

  get numPartitions(): number {
    return this.#numPartitions;
  }

  /** Whether the query keeps state (a batch must then run exactly once). */
  get isStateful(): boolean {
    return this.#statefulIds.size > 0;
  }

  get hasWatermark(): boolean {
    return this.watermarkNodes.length > 0;
  }
  /**
   * Whether a moved watermark warrants a batch without new data (Spark's shouldRunAnotherBatch):
   * some stateful operator evicts by it — any deduplication, or an aggregation outside complete mode.
   */
  evictsOnWatermark(outputMode: OutputMode): boolean {
    return (
      this.hasWatermark &&
      [...this.#statefulIds.keys()].some(
        (p) =>
          p.kind === "dropDuplicates" ||
          (p.kind === "aggregate" && outputMode !== "complete") ||
          (p.kind === "join" && (joinStatePredicate(p, "left", 0) !== undefined || joinStatePredicate(p, "right", 0) !== undefined)) ||
          (p.kind === "flatMapGroupsWithState" && p.spec.timeout === "EventTimeTimeout") ||
          (p.kind === "transformWithState" && p.spec.timeMode === "EventTime"),
      )
    );
  }

  /**
   * Whether a processing-time timeout of a [flat]mapGroupsWithState is due at `nowMs`, which
   * warrants a batch without new data (Spark runs one on every trigger for ProcessingTimeTimeout;
   * Sluice runs one when a stored timeout has passed — or once after start, before it knows).
   */
  processingTimeoutDue(nowMs: number): boolean {
    const processingTime = (p: ResolvedPlan): boolean =>
      (p.kind === "flatMapGroupsWithState" && p.spec.timeout === "ProcessingTimeTimeout") || (p.kind === "transformWithState" && p.spec.timeMode === "ProcessingTime");
    return [...this.#statefulIds].some(([p, id]) => processingTime(p) && (this.#nextTimeoutMs.get(id) ?? -Infinity) < nowMs);
  }

  get delaysMs(): number[] {
    return this.watermarkNodes.map((w) => w.delayMs);
  }

  /** `<checkpoint>/state`, on the local disk or an object store (src/fs). */
  #stateRoot(): string {
    return joinPath(this.checkpointDir, "state");
  }

  /**
   * The partitioned provider of one store, opened on first use. A streaming limit is global, so
   * its state is one partition whatever the count (Spark's StreamingGlobalLimitExec).
   */
  private provider(operatorId: number, schema: StateSchema, storeName = "default", routing: KeyRouting = stringPartitionOf): PartitionedStateStoreProvider {
    let p = this.#providers.get(`${operatorId}/${storeName}`);
    if (!p) {
      const global = [...this.#statefulIds].some(([node, id]) => id === operatorId && node.kind === "limit");
      p = new PartitionedStateStoreProvider(global ? 1 : this.#numPartitions, (partitionId) => {
        const id = { checkpointRoot: this.#stateRoot(), operatorId, partitionId, storeName };
        return this.providerKind === "leveldb" ? new LevelDbStateStoreProvider(id, schema, this.stateConf) : new MemoryStateStoreProvider(id, schema, this.stateConf);
      }, routing);
      this.#providers.set(`${operatorId}/${storeName}`, p);
    }
    return p;
  }

  /**
   * Plan batch `batchId`. `batchTimestampMs` is the one logged in offsets/N, so a batch re-run
   * after a crash sees the same current_timestamp()/current_date()/now() (Spark's
   * offsetSeqMetadata.batchTimestampMs).
   */
  planBatch(batchId: number, batchTimestampMs: number, outputMode: OutputMode, wm: BatchWatermarks, planner: OverridablePlanner, scan: (node: RScan) => ExecutionPlan): PlannedBatch {
    const observers = new Map<ResolvedPlan, EventTimeWatermarkExec>();
    const reports = new Map<number, StateOperatorProgress>();
    const shared: StatefulContext = {
      batchId,
      outputMode,
      lateEventsWatermarkMs: wm.lateEventsMs,
      evictionWatermarkMs: wm.evictionMs,
      hasWatermark: this.hasWatermark,
      numPartitions: this.#numPartitions,
      stateKeyFormat: this.stateConf.keyFormat ?? "json",
      ...(this.#workers
        ? {
            parallel: {
              workers: this.#workers,
              storeSpec: (operatorId: number, schema: StateSchema) => ({
                run: this.#run,
                checkpointRoot: this.#stateRoot(),
                operatorId,
                numPartitions: this.#numPartitions,
                keySchema: dataTypeToJson(schema.keySchema),
                valueSchema: dataTypeToJson(schema.valueSchema),
                providerKind: this.providerKind,
                conf: this.stateConf,
                batchId,
              }),
            },
          }
        : {}),
      provider: (id, schema, storeName, routing) => this.provider(id, schema, storeName, routing),
      report: (id, progress) => {
        reports.set(id, progress);
        this.recordMetadata(id, progress.operatorName);
      },
      nextTimeout: (id, ms) => this.#nextTimeoutMs.set(id, ms ?? Infinity),
      ...(this.lateRows ? { lateRows: this.lateRows } : {}),
    };
    // each stateful operator judges late rows and evicts by its own input watermark (chained
    // operators after a time-interval join see it held back: watermark-propagation.ts)
    const isStateful = (p: ResolvedPlan): boolean => this.#statefulIds.has(p);
    // (a plan without a withWatermark node gets empty maps: every operator keeps the shared context)
    const [lateBy, evictBy] = [inputWatermarks(this.plan, wm.lateEventsMs, isStateful), inputWatermarks(this.plan, wm.evictionMs, isStateful)];
    const contextOf = (node: ResolvedPlan): StatefulContext => {
      const [late, evict] = [lateBy.get(node), evictBy.get(node)];
      return late === undefined && evict === undefined ? shared : { ...shared, lateEventsWatermarkMs: late ?? shared.lateEventsWatermarkMs, evictionWatermarkMs: evict ?? shared.evictionWatermarkMs };
    };
    const exec = planner(this.plan, scan, (node, planChild) => {
      if (!isStreamingPlan(node)) return undefined;
      if (node.kind === "watermark") {
        const w = new EventTimeWatermarkExec(planChild(node.input), node.eventTimeIndex, node.delayMs);
        observers.set(node, w);
        return w;
      }
      const operatorId = this.#statefulIds.get(node);
      if (operatorId === undefined) return undefined;
      const ctx = contextOf(node);
      if (node.kind === "aggregate" && node.sessionWindowKey !== undefined) {
        return new SessionWindowAggregateExec(planChild(node.input), { operatorId, node, sessionKey: node.sessionWindowKey }, ctx);
      }
      if (node.kind === "aggregate") {
        return new StreamingAggregateExec(planChild(node.input), { operatorId, node, eventTimeKey: eventTimeGroupKey(node) }, ctx);
      }
      if (node.kind === "flatMapGroupsWithState") {
        return new FlatMapGroupsWithStateExec(planChild(node.input), { operatorId, spec: node.spec, eventTimeIndex: watermarkIndex(node.input) }, ctx);
      }
      if (node.kind === "transformWithState") {
        return new TransformWithStateExec(planChild(node.input), { operatorId, spec: node.spec, eventTimeIndex: watermarkIndex(node.input) }, ctx);
      }
      if (node.kind === "join") return new StreamingSymmetricHashJoinExec(planChild(node.left), planChild(node.right), { operatorId, node }, ctx);
      if (node.kind === "dropDuplicates") return this.dedup(node as RDropDuplicates, operatorId, planChild(node.input), ctx);
      if (node.kind === "limit") {
        const limit = (node as RLimit).limit;
        return new StreamingLimitExec(planChild(node.input), limit, outputMode === "append" ? { operatorId, state: ctx } : undefined);
      }
      return undefined;
    }, batchTimestampMs * 1000);
    return {
      exec,
      maxEventTimesMs: () => this.watermarkNodes.map((n) => {
        const us = observers.get(n)?.maxEventTimeUs;
        return us === undefined ? undefined : Math.floor(us / 1000);
      }),
      eventTimeStats: () => this.watermarkNodes.map((n) => observers.get(n)?.stats).find((s) => s !== undefined),
      stateOperators: () => this.#reportOrder.map((n) => reports.get(this.#statefulIds.get(n)!)).filter((r) => r !== undefined),
    };
  }

  /** state/<id>/_metadata/metadata (for the state-metadata format), once per run and when the stores change. */
  private recordMetadata(operatorId: number, operatorName: string): void {
    const stores = [...this.#providers.keys()].filter((k) => k.startsWith(`${operatorId}/`)).map((k) => k.slice(k.indexOf("/") + 1));
    const key = `${operatorName}|${stores.join(",")}`;
    if (this.#recordedMetadata.get(operatorId) === key) return;
    const global = [...this.#statefulIds].some(([node, id]) => id === operatorId && node.kind === "limit");
    recordOperatorMetadata(this.#stateRoot(), { operatorId, operatorName, stateStoreNames: stores, numPartitions: global ? 1 : this.#numPartitions });
    this.#recordedMetadata.set(operatorId, key);
  }

  private dedup(node: RDropDuplicates, operatorId: number, child: ExecutionPlan, ctx: StatefulContext): ExecutionPlan {
    // As Spark, a watermarked key column decides eviction (a window_time key next to its window).
    const keyed = node.keys.find((k) => node.input.output[k]!.watermarkDelayMs !== undefined);
    const et = keyed ?? watermarkIndex(node.input);
    const delay = et === undefined ? undefined : node.input.output[et]!.watermarkDelayMs;
    return new StreamingDeduplicateExec(child, { operatorId, keys: node.keys, eventTimeIndex: et, withinWatermarkDelayMs: node.withinWatermark ? (delay ?? 0) : undefined }, ctx);
  }

  async close(): Promise<void> {
    for (const p of this.#providers.values()) await p.close();
    this.#providers.clear();
    await this.#workers?.release(this.#run);
  }
}

const isStreamStreamJoin = (p: ResolvedPlan): boolean => p.kind === "join" && isStreamingPlan(p.left) && isStreamingPlan(p.right);

/** Index of the input column carrying a watermark, if any. */
function watermarkIndex(p: ResolvedPlan): number | undefined {
  const i = p.output.findIndex((a) => a.watermarkDelayMs !== undefined);
  return i < 0 ? undefined : i;
}
