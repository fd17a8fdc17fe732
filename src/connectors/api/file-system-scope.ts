/**
 * A connector's work with its own options' fs.s3a.* / fs.azure.* keys in scope, as Spark merges a
 * data source's options into the Hadoop configuration of that read or write
 * (fs/file-systems.ts withFileSystemOptions): the session wraps the file and Delta sources and
 * sinks it creates, so `spark.read.option("fs.s3a.endpoint", ...)` reaches every file the read
 * lists and opens, in this thread or a read worker's. The options apply to the stores (bucket or
 * container) of the source's or sink's paths only, so a checkpoint elsewhere keeps the session
 * configs, as in Spark, also for the state the operators above a sink keep there.
 */
import { withFileSystemOptions, withFileSystemOptionsIterable } from "../../fs/file-systems.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import { type SplittableScan, isSplittable } from "../../physical/scan-pieces.js";
import type { BatchData, StreamSink } from "./sink.js";
import type { Offset, StreamSource } from "./source.js";

type Options = Readonly<Record<string, string>>;

/** `plan` (reading `paths`) whose execution (and splitting, for a splittable scan) runs with `options` in scope; its own children are its inputs, unchanged. */
export function planWithFileSystemOptions(options: Options, paths: readonly string[], plan: ExecutionPlan): ExecutionPlan {
  const scoped: ExecutionPlan = {
    name: plan.name,
    schema: plan.schema,
    children: plan.children,
    describe: () => plan.describe(),
    execute: (ctx) => withFileSystemOptionsIterable(options, paths, plan.execute(ctx)),
  };
  if (!isSplittable(plan)) return scoped;
  const split: SplittableScan = { ...scoped, split: (ctx, pieceBytes, sizeOnly) => withFileSystemOptions(options, paths, () => plan.split(ctx, pieceBytes, sizeOnly)) };
  return split;
}

/** `source` (reading `paths`) with every call, and the execution of its batches, under `options`. */
export function sourceWithFileSystemOptions(options: Options, paths: readonly string[], source: StreamSource): StreamSource {
  const run = <T>(fn: () => T): T => withFileSystemOptions(options, paths, fn);
  return {
    schema: source.schema,
    get description() {
      return source.description;
    },
    initialOffset: () => run(() => source.initialOffset()),
    latestOffset: (start, limit) => run(() => source.latestOffset(start, limit)),
    getBatch: (start, end) => planWithFileSystemOptions(options, paths, run(() => source.getBatch(start, end))),
    serializeOffset: (o) => source.serializeOffset(o),
    deserializeOffset: (json) => source.deserializeOffset(json),
    commit: (end) => run(() => source.commit(end)),
    stop: () => run(() => source.stop()),
    defaultReadLimit: () => source.defaultReadLimit(),
    ...(source.prepareForTriggerAvailableNow ? { prepareForTriggerAvailableNow: () => run(() => source.prepareForTriggerAvailableNow!()) } : {}),
    ...(source.metrics ? { metrics: (latest: unknown) => source.metrics!(latest) } : {}),
    ...(source.availableNowProgress ? { availableNowProgress: (committed: Offset) => source.availableNowProgress!(committed) } : {}),
  };
}

/**
 * `sink` (writing `paths`) with `options` in scope. Its input is pulled outside them: the
 * operators above the sink (a stateful one writes its state into the checkpoint) use the session
 * configs, and the sources their own options.
 */
export function sinkWithFileSystemOptions(options: Options, paths: readonly string[], sink: StreamSink): StreamSink {
  const outside = (data: BatchData): BatchData => ({
    schema: data.schema,
    batches: withFileSystemOptionsIterable({}, [], data.batches),
    get numRows() {
      return data.numRows;
    },
    ...(data.replay ? { replay: () => withFileSystemOptionsIterable({}, [], data.replay!()) } : {}),
  });
  return {
    get description() {
      return sink.description;
    },
    addBatch: (batchId, data, mode) => withFileSystemOptions(options, paths, () => sink.addBatch(batchId, outside(data), mode)),
    ...(sink.stop ? { stop: () => withFileSystemOptions(options, paths, () => sink.stop!()) } : {}),
  };
}
