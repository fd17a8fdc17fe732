/**
 * The `state-metadata` format (Spark 4): one row per stateful operator and store of a checkpoint,
 * `spark.read.format("state-metadata").load(checkpointDir)`, with Spark's columns operatorId,
 * operatorName, stateStoreName, numPartitions, minBatchId, maxBatchId. It reads the operator
 * metadata each query records (streaming/state/operator-metadata.ts) and the committed batches.
 */
import { childNames, fileSystemFor } from "../../fs/file-systems.js";
import { joinPath } from "../../fs/path.js";
import { type ColumnBatch, batchFromRows } from "../../columnar/column-batch.js";
import { SluiceError, configError } from "../../common/errors.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import type { DataSourceSpec } from "../../plan/logical-plan.js";
import type { RScan } from "../../plan/resolved-plan.js";
import { CommitLog } from "../../streaming/checkpoint/commit-log.js";
import { readOperatorMetadata } from "../../streaming/state/operator-metadata.js";
import { earliestReadableVersion } from "../../streaming/state/state-store-reader.js";
import { StructType } from "../../types/struct-type.js";

export const STATE_METADATA_SCHEMA = StructType.fromDDL("operatorId BIGINT, operatorName STRING, stateStoreName STRING, numPartitions INT, minBatchId BIGINT, maxBatchId BIGINT");

function checkpointOf(spec: DataSourceSpec, streaming: boolean): string {
  const ctx = { format: "state-metadata" };
  if (streaming) throw configError("STREAMING_NOT_SUPPORTED", "The state-metadata format is read with spark.read, not spark.readStream", ctx);
  const extra = Object.keys(spec.options).filter((k) => k.toLowerCase() !== "path");
  if (extra.length > 0) throw configError("STATE_DATA_SOURCE_UNKNOWN_OPTION", `The state-metadata format takes no options; got ${extra.join(", ")}`, ctx);
  if (spec.userSchema) throw configError("STATE_DATA_SOURCE_SCHEMA_NOT_ALLOWED", "The state-metadata format has a fixed schema: remove .schema(...)", ctx);
  const path = spec.paths[0] ?? Object.entries(spec.options).find(([k]) => k.toLowerCase() === "path")?.[1];
  if (path === undefined || spec.paths.length > 1) throw configError("PATH_REQUIRED", 'The state-metadata format reads one checkpoint: load("path/to/checkpoint")', ctx);
  const fs = fileSystemFor(path);
  if (!fs.exists(joinPath(path, "commits")) && !fs.exists(joinPath(path, "offsets"))) {
    throw new SluiceError("input", "NOT_A_CHECKPOINT", `${path} is not a streaming checkpoint: it has neither an offsets/ nor a commits/ folder`, { path });
  }
  return path;
}

export function stateMetadataReadSchema(spec: DataSourceSpec, streaming: boolean): StructType {
  checkpointOf(spec, streaming);
  return STATE_METADATA_SCHEMA;
}

export function stateMetadataScanExec(node: RScan): ExecutionPlan {
  return new StateMetadataScanExec(node.source);
}

class StateMetadataScanExec implements ExecutionPlan {
  readonly name = "StateMetadataScanExec";
  readonly children: readonly ExecutionPlan[] = [];
  readonly schema = STATE_METADATA_SCHEMA;
  constructor(readonly source: DataSourceSpec) {}

  describe(): string {
    return `${this.name}: ${this.source.paths.join(", ")}`;
  }

  async *execute(_ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const dir = checkpointOf(this.source, false);
    const stateRoot = joinPath(dir, "state");
    const committed = new CommitLog(joinPath(dir, "commits")).listBatchIds();
    const maxBatchId = committed.length === 0 ? null : BigInt(Math.max(...committed));
    const ids = childNames(stateRoot).filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => a - b);
    const rows = [];
    for (const operatorId of ids) {
      const m = readOperatorMetadata(stateRoot, operatorId);
      if (!m) continue;
      for (const storeName of m.stateStoreNames.length > 0 ? m.stateStoreNames : ["default"]) {
        const v = earliestReadableVersion({ checkpointRoot: stateRoot, operatorId, partitionId: 0, storeName });
        rows.push({ operatorId: BigInt(operatorId), operatorName: m.operatorName, stateStoreName: storeName, numPartitions: m.numPartitions, minBatchId: v === undefined ? null : BigInt(v - 1), maxBatchId });
      }
    }
    if (rows.length > 0) yield batchFromRows(STATE_METADATA_SCHEMA, rows);
  }
}
