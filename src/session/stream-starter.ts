/**
 * Turns `df.writeStream...start()` into a running StreamExecution:
 *   1. check the plan against the output mode (Spark's unsupported-operation rules), then apply
 *      the streaming optimizer's rewrites (optimizer/optimize-streaming-plan.ts);
 *   2. create one StreamSource per streaming scan, in plan order, and the sink for the format;
 *   3. pick the checkpoint (option, session conf + query name, or a temp folder for memory/console);
 *   4. start the loop and register the query with `spark.streams`.
 */
import { log } from "../common/logger.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { joinPath, qualifyPath } from "../fs/path.js";
import { randomUUID } from "node:crypto";
import { type Clock, SystemClock } from "../common/clock.js";
import { configError, unsupported } from "../common/errors.js";
import type { StreamSink } from "../connectors/api/sink.js";
import type { StreamSource } from "../connectors/api/source.js";
import { ConsoleSink, parseConsoleOptions } from "../connectors/console/console-sink.js";
import { ForeachBatchSink, ForeachSink } from "../connectors/foreach/foreach-sinks.js";
import { MemorySink } from "../connectors/memory/memory-sink.js";
import type { DataFrame } from "../dataframe/dataframe.js";
import type { StreamWriteSpec } from "../dataframe/executor.js";
import { type LogicalPlan, children, node } from "../plan/logical-plan.js";
import type { ColumnBatch } from "../columnar/column-batch.js";
import type { StructType } from "../types/struct-type.js";
import { type RScan, type ResolvedPlan, outputSchema, resolvedChildren } from "../plan/resolved-plan.js";
import { checkStreamingPlan, unboundedStateOperators } from "../plan/streaming-checks.js";
import { optimizeStreamingPlan } from "../optimizer/optimize-streaming-plan.js";
import { IncrementalExecution, type StateProviderKind } from "../streaming/runtime/incremental-execution.js";
import { parseWatermarkPolicy } from "../streaming/runtime/watermark-tracker.js";
import { StreamExecution } from "../streaming/runtime/stream-execution.js";
import { parseAsyncProgressTracking } from "../streaming/runtime/async-progress-tracking.js";
import { checkContinuous } from "../streaming/runtime/continuous-checks.js";
import { parseTimeConfMs, parseTrigger } from "../streaming/runtime/trigger.js";
import { StreamingQuery } from "../streaming/streaming-query.js";
import { queryCheckpointDir } from "./query-checkpoint.js";
import { exchangeThreads } from "./runtime-config.js";
import type { Session } from "./session.js";

/** Creates the source for one streaming scan; registered per format by the session. */
export type StreamSourceFactory = (node: RScan, checkpointDir: string, clock: Clock) => StreamSource;

const TEMP_CHECKPOINT_SINKS = new Set(["memory", "console"]);

/**
 * The streaming scans of a plan, one per source: a DataFrame read twice in one plan (a
 * self-union or self-join) is one source with one offset, as in Spark; the loop reads its batch for
 * each scan of it.
 */
export function streamingScans(plan: ResolvedPlan): RScan[] {
  const out: RScan[] = [];
  const walk = (p: ResolvedPlan): void => {
    if (p.kind === "scan" && p.streaming && !out.some((s) => s.source === p.source)) out.push(p);
    for (const c of resolvedChildren(p)) walk(c);
  };
  walk(plan);
  return out;
}

export async function startStream(session: Session, df: DataFrame, spec: StreamWriteSpec, clock: Clock = new SystemClock()): Promise<StreamingQuery> {
  checkStreamingPlan(df.resolved, spec.outputMode, {
    checkCorrectness: session.conf.get("spark.sql.streaming.statefulOperator.checkCorrectness.enabled", "true") !== "false",
    warn: (message) => log.warnOnce(`${spec.queryName}|${spec.options.checkpointLocation}|${message}`, message),
  });
  for (const warning of unboundedStateOperators(df.resolved)) {
    log.warnOnce(`${spec.queryName}|${spec.options.checkpointLocation}|${warning}`, `state of ${warning} grows without bound`);
  }
  session.streams.assertCanStart(spec.queryName);
  const plan = optimizeStreamingPlan(df.resolved);
  const options = Object.fromEntries(Object.entries(spec.options).map(([k, v]) => [k.toLowerCase(), v]));

  const trigger = parseTrigger(spec.trigger);
  const asyncProgress = parseAsyncProgressTracking(options, spec.format, trigger);
  if (trigger.kind === "continuous") checkContinuous(plan, spec.format);
  const checkpointDir = chooseCheckpoint(session, spec, options.checkpointlocation);
  const scans = streamingScans(plan).map((node, i) => {
    const factory = session.streamSources.get(node.source.format);
    if (!factory) {
      throw unsupported("DATA_SOURCE_NOT_FOUND", `Streaming source '${node.source.format}' is not available. Known: ${[...session.streamSources.keys()].join(", ")}`, { format: node.source.format });
    }
    return { node, source: factory(node, joinPath(checkpointDir, "sources", String(i)), clock) };
  });
  const sink = createSink(session, df, spec, options, checkpointDir);

  const conf = session.conf;
  // Late rows (beyond Spark): buffered per batch, handed to the withWatermark callback.
  const lateRowsFn = findLateRowsCallback(df.plan);
  // Per stateful operator (chained operators see rows of different shapes), upstream first.
  const late = new Map<number, ColumnBatch[]>();
  await session.streams.stopActiveRunOf(checkpointDir, conf.get("spark.sql.streaming.stopActiveRunOnRestart", "true") !== "false");
  const execution = new StreamExecution({
    name: spec.queryName,
    runId: randomUUID(),
    checkpointDir,
    plan,
    scans,
    sink,
    outputMode: spec.outputMode,
    trigger,
    clock,
    planner: {
      plan: (resolved, scan, override, currentTimestampUs) => session.executor.physicalPlan(resolved, scan, override, currentTimestampUs),
      taskContext: (batchTimestampMs, signal) => session.executor.taskContext(signal, batchTimestampMs * 1000),
    },
    incremental: new IncrementalExecution(plan, checkpointDir, stateProviderKind(conf.get("spark.sql.streaming.stateStore.providerClass")), {
      minDeltasForSnapshot: Number(conf.get("spark.sql.streaming.stateStore.minDeltasForSnapshot", "10")),
      minVersionsToRetain: Number(conf.get("spark.sql.streaming.minBatchesToRetain", "100")),
    }, lateRowsFn
      ? (op, rows) => {
          const list = late.get(op);
          if (list) list.push(rows);
          else late.set(op, [rows]);
        }
      : undefined, { workerThreads: exchangeThreads(conf.get("spark.master")!) }),
    ...(lateRowsFn
      ? {
          afterBatch: async (batchId: number) => {
            const perOperator = [...late.entries()].sort((a, b) => a[0] - b[0]).map(([, batches]) => batches);
            late.clear();
            for (const batches of perOperator) {
              await lateRowsFn(session.batchDataFrame(batches[0]!.schema, batches), batchId);
            }
          },
        }
      : {}),
    watermarkPolicy: parseWatermarkPolicy(conf.get("spark.sql.streaming.multipleWatermarkPolicy")),
    noDataMicroBatches: conf.get("spark.sql.streaming.noDataMicroBatches.enabled", "true") === "true",
    bus: session.streams.bus,
    minBatchesToRetain: Number(conf.get("spark.sql.streaming.minBatchesToRetain", "100")),
    pinnedConf: {
      "spark.sql.shuffle.partitions": conf.get("spark.sql.shuffle.partitions")!,
      "spark.sql.streaming.multipleWatermarkPolicy": conf.get("spark.sql.streaming.multipleWatermarkPolicy", "min")!,
      "spark.sql.streaming.stateStore.providerClass": stateProviderKind(conf.get("spark.sql.streaming.stateStore.providerClass")),
      "sluice.streaming.stateStore.keyFormat": conf.get("sluice.streaming.stateStore.keyFormat")!,
      "spark.sql.streaming.stateStore.compression.codec": conf.get("spark.sql.streaming.stateStore.compression.codec")!,
    },
    pollingDelayMs: Number(conf.get("spark.sql.streaming.pollingDelay", "10")),
    progressRetention: Number(conf.get("spark.sql.streaming.numRecentProgressUpdates", "100")),
    noDataProgressEventIntervalMs: parseTimeConfMs("spark.sql.streaming.noDataProgressEventInterval", conf.get("spark.sql.streaming.noDataProgressEventInterval", "10000")!),
    ...(asyncProgress ? { asyncProgress } : {}),
  });
  await execution.start();
  const query = new StreamingQuery(execution, () => session.executor.explainResolved(plan));
  session.streams.register(query, execution.terminated);
  return query;
}

function findLateRowsCallback(p: LogicalPlan): ((rows: DataFrame, batchId: number) => unknown) | undefined {
  if (p.kind === "withWatermark" && p.lateRows) return p.lateRows as (rows: DataFrame, batchId: number) => unknown;
  for (const c of children(p)) {
    const f = findLateRowsCallback(c);
    if (f) return f;
  }
  return undefined;
}

/** "memory" (default) or "leveldb"; Spark's provider class names map to the closest provider. */
function stateProviderKind(v: string | undefined): StateProviderKind {
  const x = (v ?? "memory").toLowerCase();
  if (x === "memory" || x.endsWith("hdfsbackedstatestoreprovider")) return "memory";
  if (x === "leveldb" || x.endsWith("rocksdbstatestoreprovider")) return "leveldb";
  throw configError("INVALID_CONF_VALUE", `spark.sql.streaming.stateStore.providerClass must be "memory" or "leveldb" (state larger than memory), got "${v}"`);
}

function chooseCheckpoint(session: Session, spec: StreamWriteSpec, option: string | undefined): string {
  if (option) return qualifyPath(option);
  const root = session.conf.get("spark.sql.streaming.checkpointLocation");
  // Spark: <root>/<queryName>, or <root>/<random UUID> for an unnamed query.
  if (root) return queryCheckpointDir(root, spec.queryName ?? randomUUID());
  if (TEMP_CHECKPOINT_SINKS.has(spec.format)) return mkdtempSync(join(tmpdir(), "sluice-temporary-"));
  throw configError(
    "CHECKPOINT_LOCATION_REQUIRED",
    `checkpointLocation must be specified either through option("checkpointLocation", ...) or SparkSession.conf.set("spark.sql.streaming.checkpointLocation", ...) for the ${spec.format} sink`,
  );
}

function createSink(session: Session, df: DataFrame, spec: StreamWriteSpec, options: Record<string, string>, checkpointDir: string): StreamSink {
  const schema = outputSchema(df.resolved);
  switch (spec.format) {
    case "memory": {
      if (!spec.queryName) throw configError("QUERY_NAME_REQUIRED", "queryName must be specified for the memory sink: writeStream.queryName(\"name\")");
      const sink = new MemorySink(spec.queryName, schema);
      session.memoryTables.set(spec.queryName.toLowerCase(), sink);
      return sink;
    }
    case "console":
      return new ConsoleSink(parseConsoleOptions(spec.options), (schema, batches, n, truncate) => session.batchDataFrame(schema, batches).showString(n, truncate));
    case "foreachBatch":
      return new ForeachBatchSink<DataFrame>(spec.foreachBatch as (df: DataFrame, id: number) => unknown, (relation) => session.microBatchDataFrame(relation));
    case "foreach":
      return new ForeachSink(spec.foreach!);
    default: {
      const factory = session.streamSinks.get(spec.format);
      if (!factory) {
        throw unsupported("DATA_SOURCE_NOT_FOUND", `Streaming sink '${spec.format}' is not available. Known: memory, console, foreachBatch, foreach, ${[...session.streamSinks.keys()].join(", ")}`, { format: spec.format });
      }
      return factory(spec, options, schema, checkpointDir);
    }
  }
}

/** A batch plan over rows in memory (console sink, late rows). */
export function batchPlan(schema: StructType, batches: readonly ColumnBatch[]) {
  return node({ kind: "localRelation", schema, batches });
}
